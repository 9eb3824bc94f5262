"""Team assessments: starting one with its participants, a participant finishing their own
answers, the owner opening the calibration, and agreeing the answers of record."""

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from assessment.models import (
    AgreedAnswer,
    Answer,
    Assessment,
    Choice,
    Invitation,
    Organisation,
    Participant,
    Question,
    QuestionBank,
)
from assessment.services.answering import NotEditable, StartOutcome, start_assessment
from assessment.team import manages_team


def display_name(user) -> str:
    return user.get_full_name() or user.email


@transaction.atomic
def start_team_assessment(
    *,
    organisation: Organisation,
    user,
    bank: QuestionBank,
    title: str,
    ambition: str = "",
    members: list,
    invitations: list[Invitation],
    show_names: bool,
    participants_see_calibration: bool,
) -> StartOutcome:
    """Start a team assessment: the one who starts it takes part, with the members and the
    people invited to the organisation named; each answers on their own."""
    if any(member.membership.organisation_id != organisation.pk for member in members):
        raise ValidationError(_("Only members of your organisation can take part."))
    if any(invitation.organisation_id != organisation.pk for invitation in invitations):
        raise ValidationError(_("Only people invited to your organisation can take part."))
    outcome = start_assessment(
        organisation=organisation, user=user, bank=bank, title=title, ambition=ambition
    )
    assessment = outcome.assessment
    assessment.mode = Assessment.Mode.TEAM
    assessment.show_participant_names = show_names
    assessment.participants_see_calibration = participants_see_calibration
    assessment.save(
        update_fields=["mode", "show_participant_names", "participants_see_calibration"]
    )
    people = [user, *(member for member in members if member.pk != user.pk)]
    Participant.objects.bulk_create(
        [
            Participant(assessment=assessment, user=person, name=display_name(person))
            for person in people
        ]
        + [
            Participant(assessment=assessment, invitation=invitation, name=invitation.email)
            for invitation in invitations
        ]
    )
    return outcome


def claim_invited_participations(*, invitation: Invitation, user) -> int:
    """Someone invited to take part in a team assessment has joined: their participation
    becomes theirs. Called from accepting the invitation, inside its transaction."""
    return Participant.objects.filter(invitation=invitation, user__isnull=True).update(
        user=user, name=display_name(user)
    )


def _lock_editable(assessment: Assessment) -> Assessment:
    locked = Assessment.objects.select_for_update().get(pk=assessment.pk)
    if not locked.is_editable:
        raise NotEditable(locked.status)
    return locked


@transaction.atomic
def set_finished(*, participant: Participant, finished: bool) -> None:
    """A participant says they have finished their own answers (or takes that back to go on
    answering); once every participant has, the calibration opens."""
    _lock_editable(participant.assessment)
    participant.finished_at = timezone.now() if finished else None
    participant.save(update_fields=["finished_at"])


@transaction.atomic
def update_team_settings(
    *,
    assessment: Assessment,
    user,
    show_names: bool,
    participants_see_calibration: bool,
    open_calibration: bool,
) -> None:
    """The owner's switches: names next to answers, whether participants see the
    calibration, and opening it before everyone has finished."""
    if not manages_team(user, assessment):
        raise PermissionDenied(_("Only the owner of this assessment can change this."))
    locked = _lock_editable(assessment)
    locked.show_participant_names = show_names
    locked.participants_see_calibration = participants_see_calibration
    if open_calibration and locked.calibration_opened_at is None:
        locked.calibration_opened_at = timezone.now()
    locked.save(
        update_fields=[
            "show_participant_names",
            "participants_see_calibration",
            "calibration_opened_at",
            "updated_at",
        ]
    )


@dataclass(frozen=True)
class Decision:
    """The answer of record the owner agreed for one question: a status ("" to leave it
    unanswered), the choice when answered, and why."""

    question: Question
    status: str
    choice: Choice | None
    note: str


@transaction.atomic
def agree_answers(*, assessment: Assessment, user, decisions: list[Decision]) -> int:
    """Save the answers of record of a team assessment, which are what gets scored; returns
    how many changed. The note of why becomes the answer's comment, so the report's
    answers, the exports and the consultant read it beside the answer. Each changed answer
    gets a new revision, as an edit on a section page would."""
    if not manages_team(user, assessment):
        raise PermissionDenied(_("Only the owner of this assessment can agree the answers."))
    locked = _lock_editable(assessment)
    question_ids = [decision.question.pk for decision in decisions]
    records = {
        answer.question_id: answer
        for answer in Answer.objects.filter(assessment=locked, question_id__in=question_ids)
    }
    notes = {
        note.question_id: note
        for note in AgreedAnswer.objects.filter(assessment=locked, question_id__in=question_ids)
    }
    to_create, to_update, to_delete = [], [], []
    new_notes, changed_notes = [], []
    for decision in decisions:
        record = records.get(decision.question.pk)
        choice_id = decision.choice.pk if decision.choice else None
        if not decision.status:
            if record is not None:
                to_delete.append(record.pk)
        elif record is None:
            to_create.append(
                Answer(
                    assessment=locked,
                    question=decision.question,
                    status=decision.status,
                    choice=decision.choice,
                    comment=decision.note,
                    answered_by=user,
                )
            )
        elif (record.status, record.choice_id, record.comment) != (
            decision.status,
            choice_id,
            decision.note,
        ):
            record.status, record.choice, record.comment = (
                decision.status,
                decision.choice,
                decision.note,
            )
            to_update.append(record)
        note = notes.get(decision.question.pk)
        if note is None:
            new_notes.append(
                AgreedAnswer(
                    assessment=locked,
                    question=decision.question,
                    note=decision.note,
                    decided_by=user,
                )
            )
        elif note.note != decision.note:
            note.note, note.decided_by, note.decided_at = decision.note, user, timezone.now()
            changed_notes.append(note)
    Answer.objects.filter(pk__in=to_delete).delete()
    Answer.objects.bulk_create(to_create)
    if to_update:
        Answer.objects.bulk_update(to_update, ["status", "choice", "comment"])
        Answer.objects.filter(pk__in=[answer.pk for answer in to_update]).update(
            answered_by=user,
            updated_at=timezone.now(),
            revision=F("revision") + 1,
            carried_over=False,
        )
    AgreedAnswer.objects.bulk_create(new_notes)
    AgreedAnswer.objects.bulk_update(changed_notes, ["note", "decided_by", "decided_at"])
    changed = len(to_create) + len(to_update) + len(to_delete)
    locked.answered_count = Answer.objects.filter(assessment=locked).count()
    locked.last_edited_by = user
    locked.save(update_fields=["answered_count", "last_edited_by", "updated_at"])
    return changed
