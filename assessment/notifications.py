"""Who is told what by email, and the links in every such email.

Each kind (models.NotificationKind) is three templates under templates/emails/ named after
it, sent through emails.send (a task), with a link that switches that kind off for that
person: a signed token (django.core.signing) of the user and the kind, which needs no
login and works for nothing else. The sends are queued by tasks.py once the service's
transaction commits (services.review); the reminders are sent by services.notifications.

Nothing personal goes to the logs: kinds, ids and counts only.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import signing
from django.urls import reverse

from assessment import emails, roles
from assessment.levels import LEVEL_LABELS
from assessment.models import (
    Assessment,
    Cohort,
    ConsultantNote,
    NotificationKind,
    NotificationOptOut,
)

logger = logging.getLogger(__name__)
Kind = NotificationKind
UNSUBSCRIBE_SALT = "assessment.notifications.unsubscribe"
# What a consultant is told, and what an organisation's members are.
CONSULTANT_KINDS = (Kind.SUBMISSION_ARRIVED,)
MEMBER_KINDS = (
    Kind.CHANGES_REQUESTED,
    Kind.REVIEWED,
    Kind.NOTE_SHARED,
    Kind.COHORT_DUE,
    Kind.REASSESSMENT,
)


def kinds_for(user) -> tuple[str, ...]:
    return CONSULTANT_KINDS if user.is_staff else MEMBER_KINDS


# --- Unsubscribe links ------------------------------------------------------------------


def unsubscribe_token(user, kind: str) -> str:
    return signing.dumps({"u": user.pk, "k": str(kind)}, salt=UNSUBSCRIBE_SALT, compress=True)


def read_unsubscribe_token(token: str, kind: str) -> int | None:
    """The user id the token was made for, if it is genuine and for this kind."""
    try:
        data = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    except signing.BadSignature:
        return None
    if not isinstance(data, dict) or data.get("k") != kind or not isinstance(data.get("u"), int):
        return None
    return data["u"]


def unsubscribe_url(user, kind: str) -> str:
    return settings.SITE_URL + reverse("unsubscribe", args=[kind, unsubscribe_token(user, kind)])


# --- Sending ----------------------------------------------------------------------------


def send_kind(kind: str, users, context: dict) -> int:
    """Email ``kind`` to each of the users who has an address and has not switched it off;
    how many were sent."""
    users = [user for user in users if user.is_active and user.email]
    off = set(
        NotificationOptOut.objects.filter(kind=kind, user__in=users).values_list(
            "user_id", flat=True
        )
    )
    settings_link = settings.SITE_URL + reverse("notification_settings")
    sent = 0
    for user in users:
        if user.pk in off:
            continue
        emails.send(
            str(kind),
            to=user.email,
            context={
                **context,
                "unsubscribe": unsubscribe_url(user, kind),
                "settings_link": settings_link,
            },
        )
        sent += 1
    logger.info("notification %s queued for %d recipients", kind, sent)
    return sent


def members_of(organisation_id: int) -> list:
    return list(
        get_user_model()
        .objects.filter(membership__organisation_id=organisation_id, is_active=True)
        .order_by("pk")
    )


def submission_recipients(assessment: Assessment) -> list:
    """The assigned consultant; when nobody is, the consultants of the organisation's
    cohorts; for an organisation in no cohort (or one without consultants), every one."""
    if assessment.assigned_to_id is not None:
        return [assessment.assigned_to]
    in_cohorts = (
        roles.reviewers()
        .filter(cohorts__organisations=assessment.organisation_id)
        .order_by("pk")
        .distinct()
    )
    return list(in_cohorts) or list(roles.reviewers().order_by("pk"))


def assessment_context(assessment: Assessment) -> dict:
    return {
        "organisation": assessment.organisation.name,
        "title": assessment.title,
        "level": assessment.overall_level,
        "level_label": ""
        if assessment.overall_level is None
        else str(LEVEL_LABELS[assessment.overall_level]),
    }


def site_link(name: str, *args) -> str:
    return settings.SITE_URL + reverse(name, args=args)


def notify_submission(assessment_id: int, resubmitted: bool = False) -> int:
    """``resubmitted``: it came back after changes were requested, straight to its reviewer."""
    assessment = (
        Assessment.objects.select_related("organisation", "assigned_to")
        .filter(pk=assessment_id)
        .first()
    )
    if assessment is None or assessment.status not in (
        Assessment.Status.SUBMITTED,
        Assessment.Status.IN_REVIEW,
    ):
        return 0
    cohorts = Cohort.objects.filter(organisations=assessment.organisation_id).order_by("name")
    return send_kind(
        Kind.SUBMISSION_ARRIVED,
        submission_recipients(assessment),
        {
            **assessment_context(assessment),
            "assigned": assessment.assigned_to_id is not None,
            "resubmitted": resubmitted,
            "cohorts": ", ".join(cohort.name for cohort in cohorts),
            "link": site_link("admin:assessment_assessment_change", assessment.pk),
        },
    )


def notify_members(assessment_id: int, kind: str, note_id: int | None = None) -> int:
    """Changes requested, reviewed (the verdict, the results and the report), a note
    shared: to the organisation's members, if the assessment is still where it was."""
    assessment = Assessment.objects.select_related("organisation").filter(pk=assessment_id).first()
    if assessment is None:
        return 0
    context = {
        **assessment_context(assessment),
        "results_link": site_link("assessment_results", assessment.pk),
        "overview_link": site_link("assessment_overview", assessment.pk),
    }
    if kind == Kind.CHANGES_REQUESTED:
        if assessment.status != Assessment.Status.CHANGES_REQUESTED:
            return 0
        context["message"] = assessment.change_request_message
    elif kind == Kind.REVIEWED:
        if assessment.status != Assessment.Status.REVIEWED:
            return 0
        context["verdict"] = assessment.review_summary
        context["report_link"] = site_link("assessment_report", assessment.pk)
    elif kind == Kind.NOTE_SHARED:
        note = ConsultantNote.objects.filter(pk=note_id, assessment=assessment, shared=True)
        note = note.select_related("answer__question").first()
        if note is None:
            return 0
        context["note"] = note.text
        context["question"] = note.answer.question.text if note.answer_id else ""
    else:
        raise ValueError(f"not a member notification: {kind}")
    return send_kind(kind, members_of(assessment.organisation_id), context)
