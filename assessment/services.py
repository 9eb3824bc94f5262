"""Writes that touch several rows: each is one transaction, with the checks that guard it."""

import hashlib
import logging
import secrets
from dataclasses import dataclass, field
from datetime import timedelta
from functools import partial

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.auth.password_validation import validate_password
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from assessment import selectors, tasks
from assessment.models import (
    Answer,
    Assessment,
    Choice,
    ConsultantNote,
    Invitation,
    Membership,
    Organisation,
    Question,
    QuestionBank,
    ReviewEvent,
)
from assessment.results import results_for

logger = logging.getLogger(__name__)

INVITATION_LIFETIME = timedelta(days=7)
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


class TransitionError(Exception):
    """A status change the workflow does not allow."""


class IncompleteAssessment(Exception):
    def __init__(self, unanswered: list[Question]):
        self.unanswered = unanswered
        super().__init__(f"{len(unanswered)} question(s) have no answer yet.")


class NotEditable(Exception):
    """The assessment is submitted or under review, so respondents cannot change answers."""


def normalise_email(email: str) -> str:
    return email.strip().lower()


class SignupConfirmationTokenGenerator(PasswordResetTokenGenerator):
    """One-time links that confirm a sign-up; confirming (activating) voids the link."""

    key_salt = "assessment.services.SignupConfirmationTokenGenerator"

    def _make_hash_value(self, user, timestamp):
        return f"{super()._make_hash_value(user, timestamp)}{user.is_active}"


signup_tokens = SignupConfirmationTokenGenerator()


@dataclass(frozen=True)
class SignupOutcome:
    user: object
    # "created": a new organisation waits for its owner to confirm the email address;
    # "existing": the address already has an account, which is left as it is.
    kind: str


def is_pending_sign_up(user) -> bool:
    """Signed up, never confirmed: nothing in the account was chosen by the address's owner."""
    return not user.is_active and user.last_login is None


@transaction.atomic
def sign_up(
    *,
    email: str,
    password: str,
    first_name: str,
    last_name: str,
    organisation_name: str,
    sector: str,
    size: str,
) -> SignupOutcome:
    """Create an organisation with its owner, inactive until the email address is confirmed.

    An address that already has an account gets no second one; the caller emails its owner
    instead, and shows every visitor the same page, so sign-up does not reveal who has an
    account. Both paths hash the password once, so they take the same time too.

    A pending (never confirmed) sign-up of the same address is discarded with everything it
    chose: whoever typed it may not be the address's owner, and must not keep a password
    that would work once the owner confirms.
    """
    email = normalise_email(email)
    existing = get_user_model().objects.select_for_update().filter(username=email).first()
    if existing is not None and not is_pending_sign_up(existing):
        make_password(password)
        return SignupOutcome(user=existing, kind="existing")
    if existing is not None:
        discard_pending_sign_up(existing)
    organisation = Organisation.objects.create(
        name=organisation_name.strip(), sector=sector, size=size
    )
    user = get_user_model().objects.create_user(
        username=email,
        email=email,
        password=password,
        first_name=first_name.strip(),
        last_name=last_name.strip(),
        is_active=False,
    )
    Membership.objects.create(user=user, organisation=organisation, role=Membership.Role.OWNER)
    return SignupOutcome(user=user, kind="created")


def discard_pending_sign_up(user) -> None:
    """Delete a never-confirmed account and the organisation it created (if nobody else is
    in it); its confirmation links stop working with it."""
    membership = Membership.objects.filter(user=user).select_related("organisation").first()
    user.delete()
    if membership is not None and not membership.organisation.memberships.exists():
        membership.organisation.delete()


def confirm_sign_up(*, user, password: str) -> None:
    """Activate a pending account. Confirming proves the address; the password proves that
    the person confirming is the one who chose this account's password."""
    if not user.check_password(password):
        raise ValidationError(
            _(
                "This is not the password given when this address was signed up. If you "
                "did not sign up with it, someone else may have used your address: sign up "
                "again and use the link in the newest email."
            ),
            code="wrong_password",
        )
    user.is_active = True
    user.save(update_fields=["is_active"])


def invitation_token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


@transaction.atomic
def invite_member(*, organisation: Organisation, email: str, invited_by) -> tuple[Invitation, str]:
    """Create an invitation and return it with the one-time token for the link.

    Only the token's hash is stored, so a database leak does not leak working links.
    """
    token = secrets.token_urlsafe(32)
    invitation = Invitation.objects.create(
        organisation=organisation,
        email=normalise_email(email),
        token_hash=invitation_token_hash(token),
        invited_by=invited_by,
        expires_at=timezone.now() + INVITATION_LIFETIME,
    )
    return invitation, token


def find_open_invitation(token: str) -> Invitation | None:
    return (
        Invitation.objects.select_related("organisation")
        .filter(
            token_hash=invitation_token_hash(token),
            accepted_at__isnull=True,
            expires_at__gt=timezone.now(),
        )
        .first()
    )


@transaction.atomic
def accept_invitation(
    *,
    invitation: Invitation,
    existing_user=None,
    first_name: str = "",
    last_name: str = "",
    password: str = "",
):
    """Join the invitation's organisation, as a new account or an existing one without one."""
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.accepted_at is not None or invitation.expires_at <= timezone.now():
        raise ValidationError("This invitation has already been used or has expired.")
    if existing_user is not None:
        user = existing_user
        if user.is_staff:
            raise ValidationError(
                _("Consultant and administrator accounts cannot join an organisation."),
                code="staff",
            )
        if selectors.get_membership(user) is not None:
            raise ValidationError(_("Your account already belongs to an organisation."))
    else:
        user = get_user_model()(
            username=invitation.email,
            email=invitation.email,
            first_name=first_name.strip(),
            last_name=last_name.strip(),
        )
        validate_password(password, user)
        user.set_password(password)
        user.save()
    Membership.objects.create(
        user=user, organisation=invitation.organisation, role=Membership.Role.MEMBER
    )
    invitation.accepted_at = timezone.now()
    invitation.save(update_fields=["accepted_at"])
    return user


@dataclass
class StartOutcome:
    assessment: Assessment
    copied: int = 0
    not_copied: list[str] = field(default_factory=list)


@transaction.atomic
def start_assessment(
    *,
    organisation: Organisation,
    user,
    bank: QuestionBank,
    title: str,
    prefill_from: Assessment | None = None,
) -> StartOutcome:
    """Start an assessment pinned to the bank; optionally copy answers from an earlier one.

    An earlier answer is copied when the new bank has a question with the same slug and an
    option at the same level (or the question still allows "Not applicable").
    """
    assessment = Assessment.objects.create(
        organisation=organisation,
        bank=bank,
        title=title.strip(),
        created_by=user,
        last_edited_by=user,
        copied_from=prefill_from,
    )
    outcome = StartOutcome(assessment=assessment)
    if prefill_from is None:
        return outcome
    is_own_submission = Assessment.objects.filter(
        pk=prefill_from.pk, organisation=organisation, submitted_at__isnull=False
    ).exists()
    if not is_own_submission:
        raise ValidationError("Answers can only be copied from your own submitted assessments.")

    structure = selectors.bank_structure(bank)
    previous = selectors.bank_structure(prefill_from.bank)
    copies = []
    for answer in selectors.answers_by_question(prefill_from).values():
        old_question = previous.questions_by_id[answer.question_id]
        question = structure.questions_by_slug.get(old_question.slug)
        choice = None
        if question is not None and answer.status == Answer.Status.ANSWERED:
            choice = next(
                (c for c in question.choices_list if c.level == answer.choice.level), None
            )
        copyable = question is not None and (
            choice is not None
            or answer.status == Answer.Status.DONT_KNOW
            or (answer.status == Answer.Status.NOT_APPLICABLE and question.allows_not_applicable)
        )
        if not copyable:
            outcome.not_copied.append(old_question.text)
            continue
        copies.append(
            Answer(
                assessment=assessment,
                question=question,
                choice=choice,
                status=answer.status,
                comment=answer.comment,
                answered_by=user,
            )
        )
    Answer.objects.bulk_create(copies)
    outcome.copied = len(copies)
    assessment.answered_count = len(copies)
    assessment.save(update_fields=["answered_count"])
    return outcome


@dataclass(frozen=True)
class AnswerSubmission:
    """What a respondent sent for one question, and which saved revision they were looking at."""

    question: Question
    status: str
    choice: Choice | None
    comment: str
    seen_revision: int  # 0 when the page showed no saved answer


@dataclass(frozen=True)
class Conflict:
    submission: AnswerSubmission
    current: Answer


@dataclass
class SaveOutcome:
    saved: int = 0
    unchanged: int = 0
    conflicts: list[Conflict] = field(default_factory=list)
    # question id → the revision now saved, for every submission written or unchanged: a
    # page that stays open (a background save) sends these next time.
    revisions: dict[int, int] = field(default_factory=dict)


@transaction.atomic
def save_answers(
    *, assessment: Assessment, user, submissions: list[AnswerSubmission]
) -> SaveOutcome:
    """Upsert the answers of one page, all or nothing.

    A submission made while looking at an older revision than the saved one is a conflict
    unless it sends the same answer: then nothing is written and the conflicts are returned,
    so the respondent can see both values and choose.
    """
    # Locking the assessment row serialises saves of one assessment, so two colleagues
    # cannot both create the same answer, and the answered count stays exact.
    locked = Assessment.objects.select_for_update().get(pk=assessment.pk)
    if not locked.is_editable:
        raise NotEditable(f"This assessment is {locked.get_status_display().lower()}.")
    existing = {
        answer.question_id: answer
        for answer in Answer.objects.filter(
            assessment=locked, question__in=[s.question for s in submissions]
        ).select_related("choice", "answered_by")
    }
    outcome = SaveOutcome()
    to_create, to_update = [], []
    now = timezone.now()
    for submission in submissions:
        current = existing.get(submission.question.pk)
        if current is None:
            to_create.append(
                Answer(
                    assessment=locked,
                    question=submission.question,
                    choice=submission.choice,
                    status=submission.status,
                    comment=submission.comment,
                    answered_by=user,
                )
            )
            outcome.revisions[submission.question.pk] = 1
            continue
        same_value = (
            current.status == submission.status
            and current.choice_id == (submission.choice.pk if submission.choice else None)
            and current.comment == submission.comment
        )
        if same_value:
            outcome.unchanged += 1
            outcome.revisions[submission.question.pk] = current.revision
        elif current.revision != submission.seen_revision:
            outcome.conflicts.append(Conflict(submission=submission, current=current))
        else:
            current.status = submission.status
            current.choice = submission.choice
            current.comment = submission.comment
            to_update.append(current)
            outcome.revisions[submission.question.pk] = current.revision + 1
    if outcome.conflicts:
        outcome.revisions = {}
        return outcome
    Answer.objects.bulk_create(to_create)
    if to_update:
        # Only the answer itself differs per row; who, when and the revision are the same
        # change for every row, so one plain UPDATE sets them (a CASE per row is slower).
        Answer.objects.bulk_update(to_update, ["status", "choice", "comment"])
        Answer.objects.filter(pk__in=[answer.pk for answer in to_update]).update(
            answered_by=user, updated_at=now, revision=F("revision") + 1
        )
    outcome.saved = len(to_create) + len(to_update)
    if outcome.saved:
        locked.answered_count = Answer.objects.filter(assessment=locked).count()
        locked.last_edited_by = user
        locked.save(update_fields=["answered_count", "last_edited_by", "updated_at"])
    return outcome


def _record_transition(assessment: Assessment, to_status: str, actor, message: str) -> None:
    ReviewEvent.objects.create(
        assessment=assessment,
        from_status=assessment.status,
        to_status=to_status,
        actor=actor,
        message=message,
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
def submit_assessment(*, assessment: Assessment, user) -> Assessment:
    """Submit a complete assessment: it becomes read-only and its result is stored."""
    locked = Assessment.objects.select_for_update().select_related("bank").get(pk=assessment.pk)
    if (locked.status, Status.SUBMITTED) not in RESPONDENT_TRANSITIONS:
        raise TransitionError(
            f"This assessment is {locked.get_status_display().lower()} and cannot be submitted."
        )
    results = results_for(locked)
    answers = results.answers
    unanswered = [q for q in results.structure.questions if q.pk not in answers]
    if unanswered:
        raise IncompleteAssessment(unanswered)
    result = results.result
    _record_transition(locked, Status.SUBMITTED, user, "")
    locked.submitted_at = timezone.now()
    locked.result_snapshot = result.as_dict()
    locked.overall_level = result.overall.level
    locked.overall_score = result.overall.score
    locked.answered_count = len(answers)
    locked.change_request_message = ""
    locked.save()
    _prepare_report_after_commit(locked.pk)
    return locked


@transaction.atomic
def review_transition(
    *, assessment: Assessment, to_status: str, consultant, message: str = ""
) -> Assessment:
    """Move an assessment through review: start review, request changes, mark reviewed."""
    locked = Assessment.objects.select_for_update().get(pk=assessment.pk)
    if (locked.status, to_status) not in CONSULTANT_TRANSITIONS:
        raise TransitionError(
            f"An assessment that is {locked.get_status_display().lower()} cannot be moved to "
            f"“{Status(to_status).label.lower()}”."
        )
    message = message.strip()
    if to_status in (Status.CHANGES_REQUESTED, Status.REVIEWED) and not message:
        raise TransitionError(
            "Say what should change."
            if to_status == Status.CHANGES_REQUESTED
            else "Write a review summary: it appears in the organisation's report."
        )
    _record_transition(locked, to_status, consultant, message)
    changed = ["status"]
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
    return locked


def add_consultant_note(
    *, assessment: Assessment, author, text: str, shared: bool, answer: Answer | None = None
) -> ConsultantNote:
    if answer is not None and answer.assessment_id != assessment.pk:
        raise ValidationError("That answer belongs to another assessment.")
    if not text.strip():
        raise ValidationError("A note needs some text.")
    note = ConsultantNote.objects.create(
        assessment=assessment, answer=answer, author=author, text=text.strip(), shared=shared
    )
    if shared:  # shared notes are in the report
        _prepare_report_after_commit(assessment.pk)
    return note


def _prepare_report_after_commit(assessment_id: int) -> None:
    """Render the report ahead of its first download, once the change is committed."""
    if settings.REPORT_PREPARE:
        transaction.on_commit(partial(tasks.prepare_report.enqueue, assessment_id), robust=True)


@transaction.atomic
def delete_organisation(*, organisation: Organisation, requested_by) -> None:
    """Delete an organisation with its members' accounts, assessments and answers."""
    member_ids = list(organisation.memberships.values_list("user_id", flat=True))
    assessment_count = organisation.assessments.count()
    organisation_id = organisation.pk
    organisation.delete()
    get_user_model().objects.filter(pk__in=member_ids, is_staff=False).delete()
    logger.warning(
        "organisation deleted on its owner's request",
        extra={
            "organisation": organisation_id,
            "members_deleted": len(member_ids),
            "assessments_deleted": assessment_count,
            "requested_by": requested_by.pk,
        },
    )
