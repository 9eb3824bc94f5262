"""Notifications (issue 17 §3): who is emailed when an assessment is submitted, sent back,
reviewed or given a shared note; the cohort and re-assessment reminders, sent once; the
unsubscribe links and the settings page; nothing personal in the logs."""

import logging
import re
from datetime import timedelta

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from assessment import emails, notifications
from assessment.models import Assessment, NotificationKind, NotificationOptOut, SentReminder
from assessment.services import add_consultant_note, review_transition, submit_assessment
from assessment.services.notifications import remind_once, send_reminders
from tests import factories
from tests.factories import make_cohort, submitted


@pytest.fixture
def run_on_commit(django_capture_on_commit_callbacks):
    """Run what the services queue once their transaction commits, as in production."""

    def run(function, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return function(**kwargs)

    return run


def recipients() -> list[str]:
    return sorted(address for message in mail.outbox for address in message.to)


def complete(organisation, bank, user):
    assessment = factories.make_assessment(organisation=organisation, bank=bank, created_by=user)
    factories.answer_all(assessment, answered_by=user)
    return assessment


def opt_out(user, kind):
    NotificationOptOut.objects.create(user=user, kind=kind)


# --- A submission arrived ---------------------------------------------------------------


def test_outside_any_cohort_every_consultant_who_has_not_switched_it_off_is_told(
    run_on_commit, consultant, other_consultant, superuser, org_a, bank, alice
):
    opt_out(other_consultant, "submission-arrived")
    run_on_commit(submit_assessment, assessment=complete(org_a, bank, alice), user=alice)
    assert recipients() == sorted([consultant.email, superuser.email])
    message = mail.outbox[0]
    assert message.subject == "Acme Analytics submitted “MLOps maturity 2026”"
    assert "Nobody is assigned to it yet" in message.body
    assert "http://127.0.0.1:8000/admin/assessment/assessment/" in message.body
    assert "/notifications/unsubscribe/submission-arrived/" in message.body
    html = message.alternatives[0][0]
    assert "Review it</a>" in html


def test_in_a_cohort_only_its_consultants_are_told(
    run_on_commit, consultant, other_consultant, org_a, bank, alice
):
    make_cohort(consultants=[other_consultant], organisations=[org_a], name="Spring cohort")
    run_on_commit(submit_assessment, assessment=complete(org_a, bank, alice), user=alice)
    assert recipients() == [other_consultant.email]
    assert "Cohort: Spring cohort" in mail.outbox[0].body


def test_a_resubmission_tells_only_the_assigned_consultant(
    run_on_commit, consultant, other_consultant, org_a, bank, alice
):
    assessment = submitted(org_a, bank, alice)
    review_transition(assessment=assessment, to_status="in_review", consultant=consultant)
    review_transition(
        assessment=assessment, to_status="changes_requested", consultant=consultant, message="x"
    )
    mail.outbox.clear()
    run_on_commit(submit_assessment, assessment=assessment, user=alice, carried_over_confirmed=True)
    assert recipients() == [consultant.email]
    assert mail.outbox[0].subject.startswith("Acme Analytics resubmitted")
    assert "It is assigned to you." in mail.outbox[0].body


def test_a_refused_submission_tells_nobody(run_on_commit, consultant, assessment_a, alice):
    with pytest.raises(Exception, match="unanswered"):
        run_on_commit(submit_assessment, assessment=assessment_a, user=alice)
    assert mail.outbox == []


# --- To the organisation's members ------------------------------------------------------


@pytest.fixture
def in_review(consultant, org_a, bank, alice, bob):
    assessment = submitted(org_a, bank, alice)
    return review_transition(assessment=assessment, to_status="in_review", consultant=consultant)


def test_changes_requested_tells_the_members_with_the_message(
    run_on_commit, in_review, consultant, alice, bob, carol
):
    run_on_commit(
        review_transition,
        assessment=in_review,
        to_status="changes_requested",
        consultant=consultant,
        message="Say who approves a release.",
    )
    assert recipients() == sorted([alice.email, bob.email])
    message = mail.outbox[0]
    assert message.subject == "Changes requested on “MLOps maturity 2026”"
    assert "Say who approves a release." in message.body
    assert f"http://127.0.0.1:8000/assessments/{in_review.pk}/" in message.body


def test_reviewed_tells_the_members_the_verdict_the_level_and_the_report_link(
    run_on_commit, settings, in_review, consultant, alice, bob
):
    settings.SITE_URL = "https://maturity.example"
    opt_out(bob, "reviewed")
    run_on_commit(
        review_transition,
        assessment=in_review,
        to_status="reviewed",
        consultant=consultant,
        message="Solid data practice; monitoring is the gap.",
    )
    assert recipients() == [alice.email]
    (message,) = mail.outbox
    assert message.subject == "“MLOps maturity 2026” is reviewed"
    assert "Solid data practice; monitoring is the gap." in message.body
    level = Assessment.objects.get(pk=in_review.pk).overall_level
    assert f"Overall level: {level} · " in message.body
    assert f"https://maturity.example/assessments/{in_review.pk}/report.pdf" in message.body
    assert f"https://maturity.example/assessments/{in_review.pk}/results/" in message.body


def test_starting_a_review_tells_nobody(run_on_commit, consultant, org_a, bank, alice):
    assessment = submitted(org_a, bank, alice)
    run_on_commit(
        review_transition, assessment=assessment, to_status="in_review", consultant=consultant
    )
    assert mail.outbox == []


def test_a_shared_note_is_sent_to_the_members_and_a_private_one_is_not(
    run_on_commit, in_review, consultant, alice, bob
):
    run_on_commit(
        add_consultant_note,
        assessment=in_review,
        author=consultant,
        text="Only for the reviewers.",
        shared=False,
    )
    assert mail.outbox == []
    answer = in_review.answers.select_related("question").first()
    run_on_commit(
        add_consultant_note,
        assessment=in_review,
        author=consultant,
        text="Lineage would lift this component.",
        shared=True,
        answer=answer,
    )
    assert recipients() == sorted([alice.email, bob.email])
    assert "Lineage would lift this component." in mail.outbox[0].body
    assert answer.question.text in mail.outbox[0].body


def test_a_notification_for_a_step_since_undone_is_not_sent(in_review, alice):
    # The task runs later than the step: if the assessment moved on, nothing goes.
    assert notifications.notify_members(in_review.pk, "reviewed") == 0
    assert notifications.notify_members(in_review.pk, "changes-requested") == 0
    assert mail.outbox == []


# --- Reminders --------------------------------------------------------------------------


@pytest.fixture
def due_cohort(consultant, org_a):
    today = timezone.localdate()
    return make_cohort(
        consultants=[consultant], organisations=[org_a], due_on=today + timedelta(days=7)
    )


def test_a_week_before_the_due_date_the_organisations_not_submitted_are_reminded_once(
    due_cohort, org_b, bank, alice, bob, carol
):
    due_cohort.organisations.add(org_b)
    submitted(org_b, bank, carol)
    invited = factories.make_organisation(name="Nobody Yet")
    due_cohort.organisations.add(invited)
    today = timezone.localdate()
    run = send_reminders(today=today)
    assert run.cohort_due == 1
    assert recipients() == sorted([alice.email, bob.email])
    message = mail.outbox[0]
    assert message.subject == "The MLOps assessment of Acme Analytics is due in 7 days"
    assert due_cohort.name in message.body and "Not started" in message.body
    assert "/notifications/unsubscribe/cohort-due/" in message.body

    mail.outbox.clear()
    assert send_reminders(today=today).cohort_due == 0
    assert send_reminders(today=today + timedelta(days=3)).cohort_due == 0
    assert mail.outbox == []
    assert SentReminder.objects.get().recipients == 2

    assert send_reminders(today=today + timedelta(days=6)).cohort_due == 1
    assert mail.outbox[0].subject == "The MLOps assessment of Acme Analytics is due tomorrow"
    mail.outbox.clear()
    assert send_reminders(today=today + timedelta(days=6)).cohort_due == 0
    assert mail.outbox == []


def test_a_draft_is_reminded_with_how_far_it_got(due_cohort, org_a, bank, alice):
    draft = factories.make_assessment(organisation=org_a, bank=bank, created_by=alice)
    Assessment.objects.filter(pk=draft.pk).update(answered_count=3)
    send_reminders(today=timezone.localdate())
    assert "In progress (30% answered)" in mail.outbox[0].body
    assert f"/assessments/{draft.pk}/" in mail.outbox[0].body


def test_no_reminder_before_the_week_nor_on_or_after_the_due_date(due_cohort, alice):
    today = timezone.localdate()
    assert send_reminders(today=today - timedelta(days=1)).cohort_due == 0
    assert send_reminders(today=today + timedelta(days=7)).cohort_due == 0
    assert send_reminders(today=today + timedelta(days=8)).cohort_due == 0
    assert mail.outbox == []


def test_a_member_who_switched_reminders_off_is_left_out(due_cohort, alice, bob):
    opt_out(bob, "cohort-due")
    send_reminders(today=timezone.localdate())
    assert recipients() == [alice.email]


@pytest.fixture
def reviewed_long_ago(consultant, org_a, bank, alice):
    assessment = submitted(org_a, bank, alice)
    review_transition(assessment=assessment, to_status="in_review", consultant=consultant)
    review_transition(
        assessment=assessment, to_status="reviewed", consultant=consultant, message="Good"
    )
    Assessment.objects.filter(pk=assessment.pk).update(
        reviewed_at=timezone.now() - timedelta(days=190)
    )
    return assessment


def test_six_months_after_a_review_the_members_are_asked_to_assess_again_once(
    reviewed_long_ago, alice
):
    assert send_reminders().reassessment == 1
    assert recipients() == [alice.email]
    assert mail.outbox[0].subject == "Time to assess the MLOps maturity of Acme Analytics again"
    assert reverse("assessment_start") in mail.outbox[0].body
    mail.outbox.clear()
    assert send_reminders().reassessment == 0
    assert mail.outbox == []


def test_the_reassessment_delay_is_a_setting(settings, reviewed_long_ago, alice):
    settings.REASSESSMENT_AFTER_DAYS = 365
    assert send_reminders().reassessment == 0
    settings.REASSESSMENT_AFTER_DAYS = 30
    assert send_reminders().reassessment == 1


def test_an_organisation_that_started_again_is_not_reminded(reviewed_long_ago, org_a, bank):
    factories.make_assessment(organisation=org_a, bank=bank, title="2027")
    assert send_reminders().reassessment == 0


def test_the_command_sends_the_reminders_and_says_how_many(due_cohort, alice, capsys):
    call_command("send_reminders")
    assert "Reminded 1 organisation(s) of a cohort's due date" in capsys.readouterr().out
    call_command("send_reminders")
    assert "Reminded 0 organisation(s)" in capsys.readouterr().out
    with pytest.raises(CommandError, match="--today"):
        call_command("send_reminders", today="tomorrow")


def test_nothing_personal_is_logged(caplog, due_cohort, alice, bob):
    with caplog.at_level(logging.DEBUG):
        send_reminders(today=timezone.localdate())
    assert mail.outbox
    logged = " ".join(record.getMessage() for record in caplog.records)
    for personal in (alice.email, bob.email, "Alice", "Acme Analytics"):
        assert personal not in logged
    assert "cohort-due" in logged


# --- Unsubscribe links ------------------------------------------------------------------


def unsubscribe_path(message) -> str:
    return re.search(r"http://127\.0\.0\.1:8000(/notifications/unsubscribe/\S+/)", message.body)[1]


def test_the_link_in_an_email_unsubscribes_its_kind_without_logging_in(client, due_cohort, alice):
    send_reminders(today=timezone.localdate())
    path = unsubscribe_path(next(m for m in mail.outbox if m.to == [alice.email]))
    page = client.get(path)
    assert page.status_code == 200 and "Stop getting these emails" in page.content.decode()
    assert not NotificationOptOut.objects.exists()  # a link checker's GET changes nothing
    response = client.post(path)
    assert response.status_code == 200 and "You are unsubscribed" in response.content.decode()
    assert list(NotificationOptOut.objects.values_list("user", "kind")) == [
        (alice.pk, "cohort-due")
    ]
    assert client.post(path).status_code == 200  # twice: no error, still one row
    assert NotificationOptOut.objects.count() == 1


def test_a_mail_programs_one_click_unsubscribe_works_from_the_headers(due_cohort, alice):
    send_reminders(today=timezone.localdate())
    message = next(m for m in mail.outbox if m.to == [alice.email])
    address = message.extra_headers["List-Unsubscribe"].strip("<>")
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert address.endswith(unsubscribe_path(message))
    mail_program = Client(enforce_csrf_checks=True)  # it has no page, so no CSRF token
    response = mail_program.post(unsubscribe_path(message), {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    assert NotificationOptOut.objects.filter(user=alice, kind="cohort-due").exists()


def test_a_tampered_link_is_refused(client, alice):
    token = notifications.unsubscribe_token(alice, "reviewed")
    forged = token[:-2] + ("AA" if not token.endswith("AA") else "BB")
    for path in (
        reverse("unsubscribe", args=["reviewed", forged]),
        reverse("unsubscribe", args=["reviewed", "not-a-token"]),
    ):
        assert client.post(path).status_code == 404
    assert not NotificationOptOut.objects.exists()


def test_a_link_for_one_kind_does_not_unsubscribe_another(client, alice):
    token = notifications.unsubscribe_token(alice, "reviewed")
    for kind in ("note-shared", "no-such-kind"):
        response = client.post(reverse("unsubscribe", args=[kind, token]))
        assert response.status_code == 404
        assert "does not work" in response.content.decode()
    assert not NotificationOptOut.objects.exists()


def test_the_unsubscribe_page_refuses_other_methods(client, alice):
    path = reverse(
        "unsubscribe", args=["reviewed", notifications.unsubscribe_token(alice, "reviewed")]
    )
    assert client.put(path).status_code == 405
    assert client.delete(path).status_code == 405


# --- The settings page ------------------------------------------------------------------

SETTINGS = "notification_settings"


def test_the_settings_page_switches_kinds_off_and_on(client, alice, bob):
    client.force_login(alice)
    page = client.get(reverse(SETTINGS)).content.decode()
    assert "A consultant requested changes" in page and "A submission arrived" not in page
    kept = {"changes-requested": "on", "reviewed": "on", "note-shared": "on"}
    response = client.post(reverse(SETTINGS), kept)
    assert response.status_code == 302
    off = set(NotificationOptOut.objects.filter(user=alice).values_list("kind", flat=True))
    assert off == {"cohort-due", "reassessment"}
    assert not NotificationOptOut.objects.filter(user=bob).exists()
    client.post(reverse(SETTINGS), {**kept, "cohort-due": "on"})
    off = set(NotificationOptOut.objects.filter(user=alice).values_list("kind", flat=True))
    assert off == {"reassessment"}
    page = client.get(reverse(SETTINGS)).content.decode()
    assert re.search(r'name="cohort-due"[^>]*checked', page)
    assert not re.search(r'name="reassessment"[^>]*checked', page)


def test_a_consultant_switches_off_the_submissions(client, consultant):
    client.force_login(consultant)
    assert "A submission arrived" in client.get(reverse(SETTINGS)).content.decode()
    client.post(reverse(SETTINGS), {})
    assert NotificationOptOut.objects.filter(user=consultant, kind="submission-arrived").exists()


def test_the_settings_page_needs_a_login(client, db):
    response = client.get(reverse(SETTINGS))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_the_settings_page_only_ever_changes_ones_own_settings(client, alice, carol):
    # The page has no id to change: whatever is posted changes the logged-in user only.
    client.force_login(carol)
    client.post(reverse(SETTINGS), {"user": alice.pk, "user_id": alice.pk})
    assert not NotificationOptOut.objects.filter(user=alice).exists()
    assert NotificationOptOut.objects.filter(user=carol).count() == 5


def test_the_settings_page_refuses_other_methods(client, alice):
    client.force_login(alice)
    assert client.put(reverse(SETTINGS)).status_code == 405
    assert client.delete(reverse(SETTINGS)).status_code == 405


@pytest.mark.parametrize("kind", [kind.value for kind in NotificationKind])
def test_every_kind_renders_with_its_unsubscribe_link_in_text_and_html(kind):
    context = {
        "organisation": "Acme <Analytics>",
        "title": "MLOps maturity 2026",
        "level": 2,
        "level_label": "Repeatable",
        "cohorts": "Spring",
        "cohort": "Spring",
        "assigned": False,
        "resubmitted": False,
        "message": "Say who approves.",
        "verdict": "Good.",
        "note": "Look here.",
        "question": "",
        "due_on": "2027-03-01",
        "days": 7,
        "state": "Not started",
        "percent": None,
        "reviewed_on": "2026-06-01",
        "link": "https://x.example/a/",
        "results_link": "https://x.example/r/",
        "overview_link": "https://x.example/o/",
        "report_link": "https://x.example/p.pdf",
        "unsubscribe": "https://x.example/notifications/unsubscribe/k/t/",
        "settings_link": "https://x.example/account/notifications/",
    }
    subject, text, html = emails.render(kind, context)
    assert subject and "\n" not in subject and "{" not in subject
    for body in (text, html):
        assert "https://x.example/notifications/unsubscribe/k/t/" in body
        assert "https://x.example/account/notifications/" in body
        assert "{{" not in body and "{%" not in body
    assert "Acme &lt;Analytics&gt;" in html and "Acme <Analytics>" in text


def test_two_runs_at_once_send_a_reminder_once(org_a, alice):
    # Both read "not sent yet"; the unique constraint lets only the first record and send.
    context = {"organisation": "Acme", "cohort": "C", "due_on": "2027-01-08", "days": 7}
    context |= {"state": "Not started", "percent": None, "link": "https://x.example/"}
    assert remind_once("cohort-due", org_a.pk, "cohort-1-due-2027-01-08-7d", context) == 1
    assert remind_once("cohort-due", org_a.pk, "cohort-1-due-2027-01-08-7d", context) == 0
    assert len(mail.outbox) == 1
