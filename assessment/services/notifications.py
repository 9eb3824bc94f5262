"""Notification writes: a person's settings (which kinds they get), the unsubscribe link's
switch, and the daily reminders, each sent once (models.SentReminder).

The reminders (`manage.py send_reminders`, run daily by cron):
- to the members of a cohort's organisation that has not handed its assessment in (not
  started, in progress, or changes requested): 7 days before the cohort's due date, and
  1 day before; a run that missed a day still sends the one whose time has come, up to the
  day before the due date;
- to the members of any organisation whose latest assessment was reviewed
  REASSESSMENT_AFTER_DAYS ago or more (and nothing started since): assess again.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.db.models import OuterRef, Subquery
from django.utils import timezone

from assessment import notifications
from assessment.cohort_dashboard import UNSUBMITTED_STATES, organisation_rows
from assessment.models import (
    Assessment,
    Cohort,
    NotificationKind,
    NotificationOptOut,
    SentReminder,
)

logger = logging.getLogger(__name__)
Kind = NotificationKind
# Days before the due date: a reminder goes out on the first run within that many days.
DUE_STAGES = (7, 1)


@transaction.atomic
def set_notification_kinds(*, user, enabled: set[str]) -> None:
    """Switch on exactly ``enabled`` of the kinds this person can get."""
    kinds = notifications.kinds_for(user)
    NotificationOptOut.objects.filter(user=user, kind__in=enabled).delete()
    existing = set(NotificationOptOut.objects.filter(user=user).values_list("kind", flat=True))
    NotificationOptOut.objects.bulk_create(
        NotificationOptOut(user=user, kind=kind)
        for kind in kinds
        if kind not in enabled and kind not in existing
    )


def switch_off(*, user_id: int, kind: str) -> None:
    """What an unsubscribe link does; doing it twice, or for a deleted account, changes
    nothing."""
    if get_user_model().objects.filter(pk=user_id).exists():
        NotificationOptOut.objects.get_or_create(user_id=user_id, kind=kind)


@dataclass(frozen=True)
class ReminderRun:
    cohort_due: int  # organisations reminded of a due date
    reassessment: int  # organisations reminded to assess again


def send_reminders(*, today: date | None = None) -> ReminderRun:
    today = today or timezone.localdate()
    run = ReminderRun(
        cohort_due=send_due_reminders(today=today), reassessment=send_reassessment_reminders()
    )
    logger.info("reminders sent: %d due-date, %d reassessment", run.cohort_due, run.reassessment)
    return run


def due_stage(due_on: date, today: date) -> int | None:
    """Which reminder is due today: 1 (the day before), 7 (a week or less before), or None
    (on the due date itself nothing is sent: a reminder would come too late)."""
    days = (due_on - today).days
    return next((stage for stage in sorted(DUE_STAGES) if 0 < days <= stage), None)


def send_due_reminders(*, today: date) -> int:
    sent = 0
    window = today + timedelta(days=max(DUE_STAGES))
    for cohort in Cohort.objects.filter(due_on__gt=today, due_on__lte=window):
        stage = due_stage(cohort.due_on, today)
        reference = f"cohort-{cohort.pk}-due-{cohort.due_on.isoformat()}-{stage}d"
        already = set(
            SentReminder.objects.filter(kind=Kind.COHORT_DUE, reference=reference).values_list(
                "organisation_id", flat=True
            )
        )
        for row in organisation_rows(cohort):
            if row.state not in UNSUBMITTED_STATES or row.organisation.pk in already:
                continue
            context = {
                "organisation": row.organisation.name,
                "cohort": cohort.name,
                "due_on": cohort.due_on.isoformat(),
                "days": (cohort.due_on - today).days,
                "state": row.state_label,
                "percent": row.percent_answered,
                "link": notifications.site_link("assessment_overview", row.assessment.pk)
                if row.assessment is not None
                else notifications.site_link("assessment_start"),
            }
            sent += remind_once(Kind.COHORT_DUE, row.organisation.pk, reference, context)
    return sent


def send_reassessment_reminders(*, now=None) -> int:
    cutoff = (now or timezone.now()) - timedelta(days=settings.REASSESSMENT_AFTER_DAYS)
    latest = (
        Assessment.objects.filter(organisation=OuterRef("organisation_id"))
        .order_by("-created_at", "-pk")
        .values("pk")[:1]
    )
    due = (
        Assessment.objects.filter(status=Assessment.Status.REVIEWED, reviewed_at__lte=cutoff)
        .filter(pk=Subquery(latest))
        .select_related("organisation")
    )
    already = set(
        SentReminder.objects.filter(kind=Kind.REASSESSMENT).values_list("reference", flat=True)
    )
    sent = 0
    for assessment in due:
        reference = f"assessment-{assessment.pk}"
        if reference in already:
            continue
        context = {
            **notifications.assessment_context(assessment),
            "reviewed_on": timezone.localdate(assessment.reviewed_at).isoformat(),
            "results_link": notifications.site_link("assessment_results", assessment.pk),
            "link": notifications.site_link("assessment_start"),
        }
        sent += remind_once(Kind.REASSESSMENT, assessment.organisation_id, reference, context)
    return sent


def remind_once(kind: str, organisation_id: int, reference: str, context: dict) -> int:
    """Record the reminder and queue its emails in one transaction: 1 if this run sent it,
    0 if it was sent before (by another run too) or nobody has joined the organisation."""
    members = notifications.members_of(organisation_id)
    if not members:
        return 0
    try:
        with transaction.atomic():
            record = SentReminder.objects.create(
                kind=kind, organisation_id=organisation_id, reference=reference
            )
            record.recipients = notifications.send_kind(kind, members, context)
            record.save(update_fields=["recipients"])
    except IntegrityError:
        return 0
    return 1
