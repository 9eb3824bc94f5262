"""Response headers: nothing with an organisation's data is stored by a cache, every page
has a Permissions-Policy, and the documented deployment settings pass Django's checks."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse

from tests.factories import submitted

PROJECT = Path(__file__).resolve().parent.parent
CHANGELIST = "admin:assessment_assessment_changelist"


def assert_never_stored(response, what: str) -> None:
    directives = {part.strip() for part in response.get("Cache-Control", "").split(",")}
    assert {"no-store", "private"} <= directives, f"{what}: {response.get('Cache-Control')!r}"


@pytest.fixture
def submitted_a(org_a, bank, alice):
    return submitted(org_a, bank, alice)


@pytest.mark.django_db
def test_every_page_and_download_of_an_organisation_is_never_stored(client, alice, submitted_a):
    client.force_login(alice)
    pk = submitted_a.pk
    urls = [
        reverse("dashboard"),
        reverse("members"),
        reverse("organisation_export"),  # the privacy export: everything the organisation has
        reverse("organisation_delete"),
        reverse("assessment_overview", args=[pk]),
        reverse("assessment_section", args=[pk, "data-management"]),
        reverse("assessment_review", args=[pk]),
        reverse("assessment_results", args=[pk]),
        reverse("assessment_results_json", args=[pk]),
        reverse("assessment_report", args=[pk]),
        reverse("password_change"),
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        assert_never_stored(response, url)


@pytest.mark.django_db
def test_a_saved_page_its_redirect_and_an_error_page_are_never_stored(client, alice, submitted_a):
    client.force_login(alice)
    start = client.post(reverse("assessment_start"), {"title": "Next year", "prefill_from": ""})
    assert start.status_code == 302
    assert_never_stored(start, "the redirect after starting an assessment")
    missing = client.get(reverse("assessment_overview", args=[submitted_a.pk + 1000]))
    assert missing.status_code == 404
    assert_never_stored(missing, "a 404 page")


@pytest.mark.django_db
def test_the_admin_and_its_exports_are_never_stored(client, consultant, submitted_a):
    client.force_login(consultant)
    pages = [
        reverse("admin:index"),
        reverse(CHANGELIST),
        reverse("admin:assessment_assessment_change", args=[submitted_a.pk]),
        reverse("admin:assessment_assessment_export_json", args=[submitted_a.pk]),
    ]
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        assert_never_stored(response, url)
    for action in ("export_answers_csv", "export_component_scores_csv"):
        data = {"action": action, "_selected_action": [submitted_a.pk]}
        response = client.post(reverse(CHANGELIST), data)
        assert response.status_code == 200, action
        assert_never_stored(response, action)


@pytest.mark.django_db
def test_static_files_keep_their_own_caching(client):
    """The no-store rule is for what views build: a favicon may be cached."""
    response = client.get("/favicon.ico")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/x-icon"
    assert "no-store" not in response.get("Cache-Control", "")


@pytest.mark.django_db
def test_every_response_refuses_the_browser_features_the_app_does_not_use(alice):
    client = Client()
    responses = {
        "home": client.get(reverse("home")),
        "404": client.get("/no-such-page/"),
        "charset 400": client.generic(
            "POST", reverse("login"), b"a=1", content_type="text/plain; charset=latin-1"
        ),
    }
    client.force_login(alice)
    responses["dashboard"] = client.get(reverse("dashboard"))
    for what, response in responses.items():
        policy = response.get("Permissions-Policy", "")
        for feature in ("camera=()", "microphone=()", "geolocation=()", "payment=()", "usb=()"):
            assert feature in policy, f"{what}: {policy!r}"
        assert "Content-Security-Policy" in response, what
        assert response["X-Frame-Options"] == "DENY", what


# --- Deployment checks ----------------------------------------------------------------------


def documented_block(heading: str) -> dict[str, str]:
    """The VARIABLE=value lines of the first sh block after a heading of deployment.md."""
    text = (PROJECT / "docs" / "deployment.md").read_text(encoding="utf-8")
    section = text.split(f"## {heading}\n", 1)[1]
    block = re.search(r"```sh\n(.*?)```", section, re.DOTALL)[1]
    pairs = re.findall(r"^(?:export )?([A-Z_]+)=(\S+)", block, re.MULTILINE)
    return {name: value.strip("'\"") for name, value in pairs}


def deploy_check(variables: dict[str, str], tmp_path) -> subprocess.CompletedProcess:
    ignored = {"DEBUG", "TESTING", "DJANGO_ALLOW_ASYNC_UNSAFE", "DATABASE_URL", "CACHE_URL"}
    environment = {k: v for k, v in os.environ.items() if k not in ignored}
    environment.update(
        SECRET_KEY="k" * 20 + "production-secret-with-enough-entropy-0123456789",
        DATA_DIR=str(tmp_path),
        **variables,
    )
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=PROJECT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_the_documented_settings_behind_a_tls_proxy_pass_the_deployment_checks(tmp_path):
    variables = documented_block("Behind a reverse proxy")
    assert variables.get("PROXY_SSL_HEADER") == "true", variables
    assert "HTTPS" not in variables or variables["HTTPS"] == "true", variables
    variables.setdefault("ALLOWED_HOSTS", "maturity.example.com")
    result = deploy_check(variables, tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


@pytest.mark.django_db
def test_behind_a_proxy_https_visitors_are_served_and_the_health_check_answers_over_http(
    settings,
):
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    client = Client()
    assert client.get(reverse("healthz")).status_code == 200
    assert client.get(reverse("home"), HTTP_X_FORWARDED_PROTO="https").status_code == 200
    plain = client.get(reverse("home"))
    assert plain.status_code == 301
    assert plain["Location"].startswith("https://")
