"""The form throttle: counted in the shared cache, per client address as axes sees it."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.cache.backends.db import DatabaseCache
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.test import RequestFactory
from django.urls import reverse

from assessment.throttle import client_address
from maturity_site.env import cache_config

PROJECT = Path(__file__).resolve().parent.parent
RESET = "password_reset"


def request_from(remote: str, forwarded: str | None = None):
    headers = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        headers["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **headers)


def reset_from(client, forwarded: str):
    return client.post(
        reverse(RESET),
        {"email": "a@b.example"},
        REMOTE_ADDR="10.0.0.2",
        HTTP_X_FORWARDED_FOR=forwarded,
    )


def test_without_a_proxy_the_forwarded_header_is_ignored(settings):
    settings.PROXY_COUNT = 0
    assert client_address(request_from("192.0.2.7", "198.51.100.1")) == "192.0.2.7"


def test_behind_one_proxy_the_client_is_the_address_the_proxy_saw(settings):
    settings.PROXY_COUNT = 1
    assert client_address(request_from("10.0.0.2", "198.51.100.1")) == "198.51.100.1"
    # Entries to the left were written by the client, and are not believed.
    assert client_address(request_from("10.0.0.2", "6.6.6.6, 198.51.100.1")) == "198.51.100.1"


def test_behind_two_proxies_the_client_is_second_from_the_right(settings):
    settings.PROXY_COUNT = 2
    forwarded = "6.6.6.6, 198.51.100.1, 10.0.0.9"
    assert client_address(request_from("10.0.0.2", forwarded)) == "198.51.100.1"


def test_a_missing_or_malformed_forwarded_address_falls_back_to_the_peer(settings):
    settings.PROXY_COUNT = 1
    assert client_address(request_from("10.0.0.2")) == "10.0.0.2"
    assert client_address(request_from("10.0.0.2", "not-an-address")) == "10.0.0.2"


def test_axes_reads_the_client_address_through_the_same_function(settings):
    from axes.helpers import get_client_ip_address

    settings.PROXY_COUNT = 1
    assert get_client_ip_address(request_from("10.0.0.2", "198.51.100.1")) == "198.51.100.1"


@pytest.mark.django_db
def test_visitors_behind_one_proxy_each_have_their_own_count(client, settings):
    settings.PROXY_COUNT = 1
    settings.FORM_THROTTLE_LIMIT = 10
    responses = [reset_from(client, f"198.51.100.{n}") for n in range(12)]
    assert [response.status_code for response in responses] == [302] * 12


@pytest.mark.django_db
def test_one_visitor_behind_the_proxy_is_still_limited_however_it_fakes_the_header(
    client, settings
):
    settings.PROXY_COUNT = 1
    settings.FORM_THROTTLE_LIMIT = 3
    statuses = [reset_from(client, f"6.6.6.{n}, 198.51.100.1").status_code for n in range(4)]
    assert statuses == [302, 302, 302, 429]
    assert reset_from(client, "198.51.100.2").status_code == 302


@pytest.mark.django_db(transaction=True)
def test_the_count_lives_in_the_shared_cache_where_another_process_reads_it(client, settings):
    """With the database cache, a second cache object (as another process would make) sees
    the count the first one wrote."""
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "throttle_test_cache",
        }
    }
    call_command("createcachetable", verbosity=0)
    settings.FORM_THROTTLE_LIMIT = 2
    for _ in range(2):
        client.post(reverse(RESET), {"email": "a@b.example"})
    another_process = DatabaseCache("throttle_test_cache", {})
    assert another_process.get("throttle:password-reset:127.0.0.1") == 2
    assert client.post(reverse(RESET), {"email": "a@b.example"}).status_code == 429


def settings_caches_in_a_new_process(**environment) -> str:
    environ = {
        key: value
        for key, value in os.environ.items()
        if key not in {"TESTING", "CACHE_URL", "DJANGO_SETTINGS_MODULE"}
    }
    environ.update(DEBUG="true", DJANGO_SETTINGS_MODULE="maturity_site.settings", **environment)
    return subprocess.run(
        [sys.executable, "-c", "from django.conf import settings; print(settings.CACHES)"],
        env=environ,
        cwd=PROJECT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout


def test_by_default_every_process_shares_the_database_cache():
    assert "django.core.cache.backends.db.DatabaseCache" in settings_caches_in_a_new_process()


def test_cache_url_selects_redis_for_production():
    caches = settings_caches_in_a_new_process(CACHE_URL="redis://127.0.0.1:6379/3")
    assert "RedisCache" in caches and "redis://127.0.0.1:6379/3" in caches


@pytest.mark.parametrize("url", ["memcached://x", "redis", "db://", "db://drop table"])
def test_a_malformed_cache_url_stops_start_up_naming_the_variable(url):
    with pytest.raises(ImproperlyConfigured, match="CACHE_URL"):
        cache_config(url)


def test_a_request_from_no_address_has_none_rather_than_a_made_up_one(settings):
    """Axes writes the address to an inet column, which PostgreSQL checks."""
    request = RequestFactory().get("/")
    del request.META["REMOTE_ADDR"]
    for proxies in (0, 1):
        settings.PROXY_COUNT = proxies
        assert client_address(request) is None
