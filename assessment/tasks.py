"""Background work: report renders, action reminders and the review's notifications.
Emails are sent by the task in emails.py.

With TASKS_BACKEND=database the tasks wait in the database for `manage.py db_worker`;
with "immediate" they run at once in the process that enqueued them.
"""

from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django_tasks import task

from assessment import emails, notifications
from assessment.models import Action, Assessment, StoredReport
from assessment.reports import stored

REMIND_BEFORE = timedelta(days=7)
REMIND_AT = time(8, 0)


@task()
def render_report(report_id: int) -> None:
    stored.render_stored_report(report_id)


@task()
def prepare_report(assessment_id: int) -> None:
    """Render the report of an assessment that just changed hands (submitted, reviewed, a
    note shared), so that its first download finds it ready."""
    assessment = Assessment.objects.select_related("organisation", "bank").get(pk=assessment_id)
    claim = stored.claim_report(assessment)
    if claim.render:
        stored.render_stored_report(claim.report.pk)


@task()
def notify_submission(assessment_id: int, resubmitted: bool = False) -> None:
    """Queued when an assessment is submitted (services.review): tell its consultants."""
    notifications.notify_submission(assessment_id, resubmitted)


@task()
def notify_members(assessment_id: int, kind: str, note_id: int | None = None) -> None:
    """Queued when a consultant requests changes, completes a review or shares a note."""
    notifications.notify_members(assessment_id, kind, note_id)


def request_report(assessment: Assessment) -> StoredReport:
    """The stored report of the assessment as it is now: ready, being prepared by a
    worker, or (with the immediate backend) rendered here and then ready or failed."""
    claim = stored.claim_report(assessment)
    if claim.render:
        render_report.enqueue(claim.report.pk)
        claim.report.refresh_from_db()
    return claim.report


def reminder_due_at(due_date: date) -> datetime:
    """When an action's reminder goes out: 08:00 site time, a week before it is due."""
    return timezone.make_aware(datetime.combine(due_date - REMIND_BEFORE, REMIND_AT))


@task()
def remind_action_owner(action_id: int, due_date: str) -> None:
    """Queued for a week before an action's due date."""
    send_reminder(action_id=action_id, due_date=date.fromisoformat(due_date))


@transaction.atomic
def send_reminder(*, action_id: int, due_date: date) -> bool:
    """Email the owner about an open action due on ``due_date``, once; False when there
    is nothing to send (done or dropped, moved to another date, which queued a reminder
    of its own, the owner gone or with reminders off, or already sent)."""
    action = (
        Action.objects.select_for_update(of=("self",))
        .select_related("owner__membership", "organisation")
        .filter(pk=action_id)
        .first()
    )
    owner = action.owner if action else None
    membership = getattr(owner, "membership", None) if owner else None
    if (
        action is None
        or not action.is_open
        or action.due_date != due_date
        or action.reminded_for == due_date
        or owner is None
        or not owner.email
        or membership is None
        or membership.organisation_id != action.organisation_id
        or not membership.action_reminders
    ):
        return False
    Action.objects.filter(pk=action.pk).update(reminded_for=due_date)
    emails.send(
        "action-reminder",
        to=owner.email,
        context={
            "title": action.title,
            "due_date": due_date.isoformat(),
            "organisation": action.organisation.name,
            "status": str(action.get_status_display()),
            "link": settings.SITE_URL + reverse("action_edit", args=[action.pk]),
        },
    )
    return True
