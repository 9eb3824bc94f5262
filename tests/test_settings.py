import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from maturity_site.env import database_config, env_bool, env_int, env_list, env_secret

PROJECT = Path(__file__).resolve().parent.parent
GOOD_KEY = secrets.token_urlsafe(50)


@pytest.mark.parametrize(
    "raw, expected", [("true", True), ("Yes", True), ("0", False), ("off", False)]
)
def test_env_bool_accepts_the_usual_spellings(raw, expected):
    assert env_bool("DEBUG", default=not expected, environ={"DEBUG": raw}) is expected


def test_env_bool_refuses_anything_else_and_names_the_variable():
    with pytest.raises(ImproperlyConfigured, match="DEBUG must be one of"):
        env_bool("DEBUG", default=False, environ={"DEBUG": "yes please"})


def test_env_int_refuses_words_and_values_below_the_minimum():
    with pytest.raises(ImproperlyConfigured, match="EMAIL_PORT must be a whole number"):
        env_int("EMAIL_PORT", default=25, environ={"EMAIL_PORT": "twenty"})
    with pytest.raises(ImproperlyConfigured, match="EMAIL_PORT must be at least 1"):
        env_int("EMAIL_PORT", default=25, environ={"EMAIL_PORT": "0"}, minimum=1)


def test_env_list_splits_on_commas_and_refuses_empty_items():
    assert env_list("ALLOWED_HOSTS", [], environ={"ALLOWED_HOSTS": "a.example, b.example"}) == [
        "a.example",
        "b.example",
    ]
    with pytest.raises(ImproperlyConfigured, match="ALLOWED_HOSTS must be a comma-separated"):
        env_list("ALLOWED_HOSTS", [], environ={"ALLOWED_HOSTS": "a.example,,"})


def test_env_secret_reads_a_file_named_by_the_file_variable(tmp_path):
    secret = tmp_path / "key"
    secret.write_text("s3cret\n")
    assert env_secret("SECRET_KEY", environ={"SECRET_KEY_FILE": str(secret)}) == "s3cret"
    with pytest.raises(ImproperlyConfigured, match="SECRET_KEY_FILE points to"):
        env_secret("SECRET_KEY", environ={"SECRET_KEY_FILE": str(tmp_path / "missing")})


def test_sqlite_urls_get_wal_and_a_busy_timeout():
    config = database_config("sqlite:///data/example.sqlite3")
    assert config["NAME"] == "data/example.sqlite3"
    assert "journal_mode=WAL" in config["OPTIONS"]["init_command"]
    assert "busy_timeout=5000" in config["OPTIONS"]["init_command"]
    assert config["OPTIONS"]["transaction_mode"] == "IMMEDIATE"
    assert config["CONN_MAX_AGE"] == 600  # kept between requests, as PostgreSQL's are


def test_postgres_urls_are_parsed():
    config = database_config("postgres://postgres@127.0.0.1:5432/maturity")
    assert (config["ENGINE"], config["HOST"], config["NAME"]) == (
        "django.db.backends.postgresql",
        "127.0.0.1",
        "maturity",
    )


@pytest.mark.parametrize(
    "url", ["mysql://root@localhost/db", "not a url", "postgres://a:b@h:port/x", "postgres://"]
)
def test_malformed_database_urls_are_refused_with_the_variable_name(url):
    with pytest.raises(ImproperlyConfigured, match="DATABASE_URL"):
        database_config(url)


def start_django(**variables) -> subprocess.CompletedProcess:
    environment = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DEBUG", "TESTING", "SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL"}
    }
    environment.update(variables)
    return subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=PROJECT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_production_refuses_to_start_without_a_secret_key():
    result = start_django(ALLOWED_HOSTS="example.com")
    assert result.returncode != 0
    assert "SECRET_KEY must be set when DEBUG is off" in result.stderr


def test_production_refuses_to_start_without_allowed_hosts():
    result = start_django(SECRET_KEY=GOOD_KEY)
    assert result.returncode != 0
    assert "ALLOWED_HOSTS must be set when DEBUG is off" in result.stderr


@pytest.mark.parametrize(
    "key",
    [
        "short",
        "k" * 20 + "production-secret-0123456",  # 45 characters
        "ab" * 30,  # long, but two characters repeated
    ],
)
def test_production_refuses_a_short_or_repetitive_secret_key(key):
    result = start_django(SECRET_KEY=key, ALLOWED_HOSTS="example.com")
    assert result.returncode != 0
    assert "SECRET_KEY must be at least 50 characters long" in result.stderr
    assert key not in result.stderr  # the message never repeats the key itself


def test_production_starts_with_a_generated_key(tmp_path):
    result = start_django(SECRET_KEY=GOOD_KEY, ALLOWED_HOSTS="example.com", DATA_DIR=str(tmp_path))
    assert result.returncode == 0, result.stderr


def test_a_typo_in_debug_stops_start_up_naming_the_variable():
    result = start_django(DEBUG="yes please")
    assert result.returncode != 0
    assert "DEBUG must be one of" in result.stderr


def test_a_malformed_database_url_stops_start_up_naming_the_variable():
    result = start_django(DEBUG="true", DATABASE_URL="postgres://a:b@h:port/x")
    assert result.returncode != 0
    assert "DATABASE_URL could not be parsed" in result.stderr


def test_development_starts_with_nothing_set(tmp_path):
    result = start_django(DEBUG="true", DATA_DIR=str(tmp_path))
    assert result.returncode == 0, result.stderr
