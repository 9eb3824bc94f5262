"""The review workflow: submitting, the consultant's status changes and notes, and the
report rendered ahead of its first download."""

import logging
from functools import partial

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from assessment import roles, selectors, tasks
from assessment.models import (
    Answer,
    Assessment,
    ComponentLevel,
    ConsultantNote,
    NotificationKind,
    Question,
    ReviewEvent,
)
from assessment.results import results_for, skipped_sections

logger = logging.getLogger(__name__)

Status = Assessment.Status


# The review workflow: which status may follow which, and who may move it.
RESPONDENT_TRANSITIONS = {
    (Status.DRAFT, Status.SUBMITTED),
    (Status.CHANGES_REQUESTED, Status.SUBMITTED),
}


CONSULTANT_TRANSITIONS = {
    (Status.SUBMITTED, Status.IN_REVIEW),
    (Status.IN_REVIEW, Status.CHANGES_REQUESTED),
    (Status.SUBMITTED, Status.CHANGES_REQUESTED),
    (Status.IN_REVIEW, Status.REVIEWED),
}


# The steps the organisation's members are told of.
MEMBER_NOTIFICATIONS = {
    Status.CHANGES_REQUESTED: NotificationKind.CHANGES_REQUESTED,
    Status.REVIEWED: NotificationKind.REVIEWED,
}


class TransitionError(Exception):
    """A status change the workflow does not allow: from where to where, and why (one of
    NOT_ALLOWED, MESSAGE_REQUIRED). What to tell the person is the caller's (refusals.py)."""

    NOT_ALLOWED = "not_allowed"
    MESSAGE_REQUIRED = "message_required"

    def __init__(self, *, from_status: str, to_status: str, reason: str):
        self.from_status, self.to_status, self.reason = from_status, to_status, reason
        super().__init__(f"{reason}: {from_status} -> {to_status}")


class IncompleteAssessment(Exception):
    def __init__(self, unanswered: list[Question]):
        self.unanswered = unanswered
        super().__init__(f"{len(unanswered)} unanswered")


class CarriedOverRemain(Exception):
    """Answers copied from an earlier assessment were neither changed nor confirmed: the
    submit needs ``carried_over_confirmed``. ``remaining``: section id → how many."""

    def __init__(self, remaining: dict[int, int]):
        self.remaining = remaining
        super().__init__(f"{sum(remaining.values())} carried over")


class AssignmentError(Exception):
    """An assignment refused: NOT_ALLOWED (only a lead assigns others), NOT_A_REVIEWER (the
    assignee may not review) or NOT_OPEN (a draft or a finished review)."""

    NOT_ALLOWED = "not_allowed"
    NOT_A_REVIEWER = "not_a_reviewer"
    NOT_OPEN = "not_open"

    def __init__(self, reason: str):
        self.reason = reason
        super().__init__(reason)


# An assessment can be assigned from its submission until its review ends.
ASSIGNABLE_STATUSES = (Status.SUBMITTED, Status.IN_REVIEW, Status.CHANGES_REQUESTED)


def _record_transition(
    assessment: Assessment, to_status: str, actor, message: str, **event_fields
) -> None:
    ReviewEvent.objects.create(
        assessment=assessment,
        from_status=assessment.status,
        to_status=to_status,
        actor=actor,
        message=message,
        assigned_to=event_fields.pop("assigned_to", assessment.assigned_to),
        **event_fields,
    )
    logger.info(
        "assessment %s moved from %s to %s by user %s",
        assessment.pk,
        assessment.status,
        to_status,
        getattr(actor, "pk", None),
    )
    assessment.status = to_status


@transaction.atomic
def submit_assessment(
    *, assessment: Assessment, user, carried_over_confirmed: bool = False
) -> Assessment:
    """Submit a complete assessment: it becomes read-only and its result is stored.

    While answers carried over from an earlier assessment remain unconfirmed, it is
    submitted only when the respondent has confirmed that too (``carried_over_confirmed``).
    """
    locked = Assessment.objects.select_for_update().select_related("bank").get(pk=assessment.pk)
    if (locked.status, Status.SUBMITTED) not in RESPONDENT_TRANSITIONS:
        raise TransitionError(
            from_status=locked.status,
            to_status=Status.SUBMITTED,
            reason=TransitionError.NOT_ALLOWED,
        )
    results = results_for(locked)
    answers = results.answers
    skipped = skipped_sections(locked)
    left_out = {
        question.pk
        for section in results.structure.sections
        if section.slug in skipped
        for component in section.components_list
        for question in component.questions_list
    }
    unanswered = [
        q for q in results.structure.questions if q.pk not in answers and q.pk not in left_out
    ]
    if unanswered:
        raise IncompleteAssessment(unanswered)
    if not carried_over_confirmed:
        remaining = selectors.carried_over_by_section(results.structure, answers, skipped)
        if remaining:
            raise CarriedOverRemain(remaining)
    result = results.result
    # A resubmission after "changes requested" goes straight back to its reviewer.
    resumes = locked.status == Status.CHANGES_REQUESTED and locked.assigned_to_id is not None
    _record_transition(locked, Status.IN_REVIEW if resumes else Status.SUBMITTED, user, "")
    locked.submitted_at = timezone.now()
    locked.overall_level = result.overall.level
    locked.overall_score = result.overall.score
    locked.answered_count = len(answers)
    locked.change_request_message = ""
    locked.save()
    _store_component_levels(locked, results)
    _prepare_report_after_commit(locked.pk)
    _after_commit(tasks.notify_submission, locked.pk, resumes)
    return locked


@transaction.atomic
def review_transition(
    *, assessment: Assessment, to_status: str, consultant, message: str = ""
) -> Assessment:
    """Move an assessment through review: start review, request changes, mark reviewed."""
    locked = Assessment.objects.select_for_update().get(pk=assessment.pk)
    if (locked.status, to_status) not in CONSULTANT_TRANSITIONS:
        raise TransitionError(
            from_status=locked.status, to_status=to_status, reason=TransitionError.NOT_ALLOWED
        )
    message = message.strip()
    if to_status in (Status.CHANGES_REQUESTED, Status.REVIEWED) and not message:
        raise TransitionError(
            from_status=locked.status,
            to_status=to_status,
            reason=TransitionError.MESSAGE_REQUIRED,
        )
    changed = ["status"]
    event_fields = {}
    # Whoever starts the review is its reviewer; a request for changes keeps the reviewer,
    # or makes the consultant who asks it, so that the resubmission comes back to them.
    if to_status == Status.IN_REVIEW or (
        to_status == Status.CHANGES_REQUESTED and locked.assigned_to_id is None
    ):
        locked.assigned_to = consultant
        changed.append("assigned_to")
    if to_status == Status.CHANGES_REQUESTED:
        event_fields["answer_revisions"] = {
            str(pk): revision
            for pk, revision in Answer.objects.filter(assessment=locked).values_list(
                "pk", "revision"
            )
        }
    _record_transition(locked, to_status, consultant, message, **event_fields)
    if to_status == Status.CHANGES_REQUESTED:
        locked.change_request_message = message
        changed.append("change_request_message")
    elif to_status == Status.REVIEWED:
        locked.review_summary = message
        locked.reviewed_at = timezone.now()
        locked.reviewed_by = consultant
        changed += ["review_summary", "reviewed_at", "reviewed_by"]
    # updated_at is when respondents last changed it, shown beside "last edited by": a
    # consultant's step must not make it look as if a respondent edited it then.
    locked.save(update_fields=changed)
    _prepare_report_after_commit(locked.pk)
    if to_status in MEMBER_NOTIFICATIONS:
        _after_commit(tasks.notify_members, locked.pk, str(MEMBER_NOTIFICATIONS[to_status]))
    return locked


@transaction.atomic
def assign_assessment(*, assessment: Assessment, assignee, by) -> Assessment:
    """Assign an assessment to a consultant (``assignee`` None: to nobody), recorded in its
    review history. A consultant assigns themselves, or unassigns themselves; a lead
    consultant (or a superuser) assigns anyone who may review."""
    locked = Assessment.objects.select_for_update().get(pk=assessment.pk)
    if locked.status not in ASSIGNABLE_STATUSES:
        raise AssignmentError(AssignmentError.NOT_OPEN)
    own = assignee == by if assignee is not None else locked.assigned_to_id == by.pk
    if not (roles.is_lead(by) or (own and by.has_perm("assessment.change_assessment"))):
        raise AssignmentError(AssignmentError.NOT_ALLOWED)
    if assignee is not None and not roles.reviewers().filter(pk=assignee.pk).exists():
        raise AssignmentError(AssignmentError.NOT_A_REVIEWER)
    if locked.assigned_to_id == (assignee.pk if assignee else None):
        return locked
    locked.assigned_to = assignee
    _record_transition(locked, locked.status, by, "")
    locked.save(update_fields=["assigned_to"])
    return locked


def add_consultant_note(
    *, assessment: Assessment, author, text: str, shared: bool, answer: Answer | None = None
) -> ConsultantNote:
    if answer is not None and answer.assessment_id != assessment.pk:
        raise ValidationError(_("That answer belongs to another assessment."))
    if not text.strip():
        raise ValidationError(_("A note needs some text."))
    note = ConsultantNote.objects.create(
        assessment=assessment, answer=answer, author=author, text=text.strip(), shared=shared
    )
    if shared:  # shared notes are in the report, and the members are told
        _prepare_report_after_commit(assessment.pk)
        _after_commit(
            tasks.notify_members, assessment.pk, str(NotificationKind.NOTE_SHARED), note.pk
        )
    return note


def _store_component_levels(assessment: Assessment, results) -> None:
    """The components' levels as submitted, which cohort dashboards count (a resubmission
    replaces them)."""
    component_ids = {component.slug: component.pk for component in results.structure.components}
    ComponentLevel.objects.filter(assessment=assessment).delete()
    ComponentLevel.objects.bulk_create(
        ComponentLevel(
            assessment=assessment, component_id=component_ids[component.slug], level=component.level
        )
        for section in results.result.sections
        for component in section.components
    )


def _after_commit(task, *args) -> None:
    """Queue a notification once the change is committed: never for a change rolled back."""
    transaction.on_commit(partial(task.enqueue, *args), robust=True)


def _prepare_report_after_commit(assessment_id: int) -> None:
    """Render the report ahead of its first download, once the change is committed."""
    if settings.REPORT_PREPARE:
        transaction.on_commit(partial(tasks.prepare_report.enqueue, assessment_id), robust=True)
