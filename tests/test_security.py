import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import DatabaseError
from django.test import Client
from django.urls import reverse

from assessment import services
from assessment.models import Answer, Assessment, Membership, Organisation, Question
from tests import factories

PROJECT = Path(__file__).resolve().parent.parent


def test_production_settings_pass_the_deployment_checks(tmp_path):
    ignored = {"DEBUG", "TESTING", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    environment = {k: v for k, v in os.environ.items() if k not in ignored}
    environment.update(
        SECRET_KEY="k" * 20 + "production-secret-with-enough-entropy-0123456789",
        ALLOWED_HOSTS="maturity.example.com",
        DATA_DIR=str(tmp_path),
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=PROJECT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


@pytest.mark.django_db
def test_every_page_carries_the_security_headers(client):
    response = client.get(reverse("home"))
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "style-src 'self'" in csp
    assert "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"


def test_templates_contain_no_inline_scripts_or_styles():
    offenders = []
    for path in (PROJECT / "templates").rglob("*.html"):
        # The PDF is rendered by WeasyPrint and emails by mail clients, not under our CSP.
        if "/report/" in str(path) or "/emails/" in str(path):
            continue
        text = path.read_text()
        if "<script>" in text or "<style" in text or " style=" in text or "onclick=" in text:
            offenders.append(str(path.relative_to(PROJECT)))
    assert offenders == []


@pytest.mark.django_db
def test_cookies_are_http_only_and_same_site_lax(client, alice, settings):
    response = client.post(
        reverse("login"), {"username": "alice@acme.example", "password": factories.PASSWORD}
    )
    session_cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    assert session_cookie["httponly"]
    assert session_cookie["samesite"] == "Lax"


@pytest.mark.django_db
def test_repeated_failed_logins_lock_the_account_with_a_clear_message(client, alice):
    for _ in range(5):
        client.post(reverse("login"), {"username": "alice@acme.example", "password": "wrong"})
    response = client.post(
        reverse("login"), {"username": "alice@acme.example", "password": factories.PASSWORD}
    )
    assert response.status_code == 429
    assert "Logging in is paused" in response.content.decode()
    assert "paused for 15\xa0minutes." in response.content.decode()
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_failed_logins_for_unknown_and_known_accounts_look_the_same(client, alice):
    known = client.post(reverse("login"), {"username": "alice@acme.example", "password": "x"})
    unknown = client.post(reverse("login"), {"username": "ghost@acme.example", "password": "x"})
    assert known.status_code == unknown.status_code == 200
    message = "Please enter a correct email and password"
    assert message in known.content.decode() and message in unknown.content.decode()


@pytest.mark.django_db
def test_password_reset_requests_are_throttled_per_address(client, settings):
    settings.FORM_THROTTLE_LIMIT = 3
    for _ in range(3):
        assert client.post(reverse("password_reset"), {"email": "a@b.example"}).status_code == 302
    response = client.post(reverse("password_reset"), {"email": "a@b.example"})
    assert response.status_code == 429
    assert "Too many attempts" in response.content.decode()


@pytest.mark.django_db
def test_invitation_acceptance_is_throttled_per_address(client, settings):
    settings.FORM_THROTTLE_LIMIT = 2
    for _ in range(2):
        client.post("/invitations/guessed-token/", {})
    assert client.post("/invitations/guessed-token/", {}).status_code == 429


@pytest.mark.django_db
def test_a_missing_page_uses_the_friendly_template(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()


@pytest.mark.django_db
def test_a_csrf_failure_explains_and_links_back(alice, assessment_a):
    client = Client(enforce_csrf_checks=True)
    client.force_login(alice)
    response = client.post(reverse("assessment_section", args=[assessment_a.pk, "data-management"]))
    assert response.status_code == 403
    html = response.content.decode()
    assert "Your form had expired" in html
    assert 'href="/"' in html


def test_the_server_error_page_renders_without_a_request_context():
    from django.template import loader

    html = loader.get_template("500.html").render({})
    assert "Something went wrong on our side" in html
    assert "Traceback" not in html


@pytest.mark.django_db
def test_a_database_error_during_a_save_keeps_earlier_answers_and_shows_the_error_page(
    alice, assessment_a, monkeypatch
):
    factories.answer(assessment_a, "data-lineage", 2)
    question = Question.objects.get(slug="training-data-versions")
    choice = question.choices.get(level=3)

    def failing_update(*args, **kwargs):
        raise DatabaseError("disk I/O error")

    client = Client(raise_request_exception=False)
    client.force_login(alice)
    lineage = Question.objects.get(slug="data-lineage")
    monkeypatch.setattr("assessment.services.answering.update_answer_rows", failing_update)
    response = client.post(
        reverse("assessment_section", args=[assessment_a.pk, "data-management"]),
        {
            f"q{question.pk}": choice.pk,
            f"q{lineage.pk}": lineage.choices.get(level=4).pk,
            f"r{lineage.pk}": "1",
        },
    )
    assert response.status_code == 500
    assert "Something went wrong on our side" in response.content.decode()
    saved = Answer.objects.get(assessment=assessment_a)
    assert (saved.question, saved.choice.level) == (lineage, 2)


@pytest.mark.django_db
def test_the_health_check_reports_the_database(client, monkeypatch):
    assert client.get(reverse("healthz")).json() == {"status": "ok", "database": "ok"}

    from django.db import connection

    def broken_cursor(*args, **kwargs):
        raise DatabaseError("connection refused")

    monkeypatch.setattr(connection, "cursor", broken_cursor)
    response = client.get(reverse("healthz"))
    assert response.status_code == 503
    assert response.json()["database"] == "error"


@pytest.mark.django_db
def test_an_owner_can_export_all_of_the_organisations_data(client, alice, bob, assessment_a):
    factories.answer(assessment_a, "data-lineage", 2, comment="our lineage wiki")
    client.force_login(alice)
    response = client.get(reverse("organisation_export"))
    assert "attachment" in response["Content-Disposition"]
    data = response.json()
    assert data["organisation"]["name"] == "Acme Analytics"
    assert {m["email"] for m in data["members"]} == {"alice@acme.example", "bob@acme.example"}
    answers = data["assessments"][0]["answers"]
    assert answers[0]["comment"] == "our lineage wiki"
    assert data["assessments"][0]["results"]["completeness"] == {"answered": 1, "total": 10}


@pytest.mark.django_db
def test_members_who_are_not_owners_cannot_export_or_delete(client, bob):
    client.force_login(bob)
    assert client.get(reverse("organisation_export")).status_code == 403
    assert client.post(reverse("organisation_delete"), {"confirm_name": "x"}).status_code == 403


@pytest.mark.django_db
def test_deleting_an_organisation_needs_its_name_and_removes_everything(
    client, alice, bob, carol, assessment_a, assessment_b, caplog
):
    factories.answer(assessment_a, "data-lineage", 2)
    client.force_login(alice)
    refused = client.post(reverse("organisation_delete"), {"confirm_name": "Acme"})
    assert refused.status_code == 400
    assert "does not match" in refused.content.decode()
    assert Organisation.objects.filter(name="Acme Analytics").exists()

    with caplog.at_level(logging.WARNING, logger="assessment.services"):
        response = client.post(reverse("organisation_delete"), {"confirm_name": "Acme Analytics"})
    assert response["Location"] == reverse("home")
    assert not Organisation.objects.filter(name="Acme Analytics").exists()
    assert not Assessment.objects.filter(pk=assessment_a.pk).exists()
    assert not Answer.objects.filter(assessment_id=assessment_a.pk).exists()
    assert not Membership.objects.filter(user__email__endswith="@acme.example").exists()
    assert Assessment.objects.filter(pk=assessment_b.pk).exists()
    assert "organisation deleted" in caplog.text


@pytest.mark.django_db
def test_logs_of_a_save_and_a_submission_hold_no_answers_or_personal_data(
    alice, assessment_a, caplog
):
    with caplog.at_level(logging.DEBUG):
        for question in Question.objects.filter(component__section__bank=assessment_a.bank):
            factories.answer(assessment_a, question.slug, 2, comment="secret roadmap details")
        services.submit_assessment(assessment=assessment_a, user=alice)
    logged = caplog.text
    assert "submitted" in logged
    assert "secret roadmap details" not in logged
    assert "alice@acme.example" not in logged


def test_log_lines_are_json_with_the_extra_fields():
    import json

    from maturity_site.logs import JsonFormatter

    record = logging.makeLogRecord(
        {"name": "assessment", "levelname": "INFO", "msg": "moved %s", "args": ("on",)}
    )
    record.organisation = 7
    line = json.loads(JsonFormatter().format(record))
    assert line["message"] == "moved on"
    assert line["organisation"] == 7
