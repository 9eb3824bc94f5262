"""Answering the questionnaire: starting an assessment (optionally from an earlier one's
answers) and saving a page of answers, with the revision checks that keep colleagues from
overwriting each other."""

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import connections, router, transaction
from django.db.models import Count, F, OuterRef, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from assessment import selectors
from assessment.domain.targets import suggest_targets
from assessment.models import (
    Answer,
    Assessment,
    Choice,
    Organisation,
    Participant,
    ParticipantAnswer,
    Question,
    QuestionBank,
)
from assessment.services.plans import carry_targets, set_targets
from assessment.structure import bank_structure

Status = Assessment.Status


class NotEditable(Exception):
    """The assessment is submitted or under review, so respondents cannot change answers."""


@dataclass
class StartOutcome:
    assessment: Assessment
    copied: int = 0
    not_copied: list[str] = field(default_factory=list)


def prefill_targets(bank: QuestionBank, earlier: QuestionBank):
    """For an earlier bank's question slug, the slug of this bank's question that takes its
    answer. A bank that names the earlier version in ``prefill_from`` (one mapping, or a
    list with one per earlier version) maps question by question (only where the levels
    mean the same); otherwise a question takes the answer of the earlier question with its
    slug."""
    declared = bank.prefill_from or []
    entries = declared if isinstance(declared, list) else [declared]
    for entry in entries:
        if bank.pk != earlier.pk and entry.get("version") == earlier.version:
            by_earlier_slug = {old: new for new, old in entry.get("questions", {}).items()}
            return by_earlier_slug.get
    return lambda slug: slug


@transaction.atomic
def start_assessment(
    *,
    organisation: Organisation,
    user,
    bank: QuestionBank,
    title: str,
    prefill_from: Assessment | None = None,
    ambition: str = "",
) -> StartOutcome:
    """Start an assessment pinned to the bank; optionally copy answers from an earlier one.

    The targets of the organisation's latest assessment with targets are carried over;
    when there are none, an ``ambition`` gives the suggested targets to start from.

    An earlier answer is copied when the new bank has the question it maps to (see
    ``prefill_targets``) and an option at the same level (or the question still allows
    "Not applicable"); the texts of the questions that could not be copied are returned.
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
    earlier_targets = (
        Assessment.objects.filter(organisation=organisation, targets__isnull=False)
        .exclude(pk=assessment.pk)
        .order_by("-created_at")
        .first()
    )
    if earlier_targets is not None:
        carry_targets(earlier=earlier_targets, into=assessment)
    if ambition:
        suggested = suggest_targets(ambition, bank_structure(bank).target_subjects)
        set_targets(
            assessment=assessment,
            levels={} if earlier_targets is not None else suggested,
            ambition=ambition,
            user=user,
        )
    if prefill_from is None:
        return outcome
    is_own_submission = Assessment.objects.filter(
        pk=prefill_from.pk, organisation=organisation, submitted_at__isnull=False
    ).exists()
    if not is_own_submission:
        raise ValidationError(_("Answers can only be copied from your own submitted assessments."))

    structure = bank_structure(bank)
    previous = bank_structure(prefill_from.bank)
    target_of = prefill_targets(bank, prefill_from.bank)
    copies = []
    for answer in selectors.answers_by_question(prefill_from).values():
        old_question = previous.questions_by_id[answer.question_id]
        question = structure.questions_by_slug.get(target_of(old_question.slug))
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
                carried_over=True,
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
    *,
    assessment: Assessment,
    user,
    submissions: list[AnswerSubmission],
    participant: Participant | None = None,
) -> SaveOutcome:
    """Upsert the answers of one page, all or nothing: the assessment's own answers, or in a
    team assessment the ``participant``'s answers (the team's answers of record are agreed
    from these on the calibration page).

    A submission made while looking at an older revision than the saved one is a conflict
    unless it sends the same answer: then nothing is written and the conflicts are returned,
    so the respondent can see both values and choose.

    An answer carried over from an earlier assessment stops being carried over when it is
    changed; sent unchanged, it is not written at all and stays carried over (confirming
    it is ``confirm_carried_over``).
    """
    # Locking the assessment row serialises saves of one assessment, so two colleagues
    # cannot both create the same answer, and the answered count stays exact.
    locked = Assessment.objects.select_for_update().only("status").get(pk=assessment.pk)
    if not locked.is_editable:
        raise NotEditable(locked.status)
    if participant is None:
        model, owner, stamp = Answer, {"assessment": locked}, {"answered_by": user}
        related = ("choice", "answered_by")
    else:
        model, owner, stamp = ParticipantAnswer, {"participant": participant}, {}
        related = ("participant__user",)
    # Only what the comparison needs: who saved a conflicting answer, and its choice, are
    # read for conflicts alone (below); reading them for every answer was a quarter of a save.
    existing = {
        answer.question_id: answer
        for answer in model.objects.filter(
            **owner, question__in=[s.question for s in submissions]
        ).only("question", "status", "choice", "comment", "revision")
    }
    outcome = SaveOutcome()
    to_create, to_update = [], []
    now = timezone.now()
    for submission in submissions:
        current = existing.get(submission.question.pk)
        if current is None:
            to_create.append(
                model(
                    **owner,
                    **stamp,
                    question=submission.question,
                    choice=submission.choice,
                    status=submission.status,
                    comment=submission.comment,
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
        shown = model.objects.select_related(*related).in_bulk(
            [conflict.current.pk for conflict in outcome.conflicts]
        )
        outcome.conflicts = [
            Conflict(submission=conflict.submission, current=shown[conflict.current.pk])
            for conflict in outcome.conflicts
        ]
        outcome.revisions = {}
        return outcome
    model.objects.bulk_create(to_create)
    if to_update:
        shared = {"updated_at": now}
        if participant is None:
            shared.update(answered_by_id=user.pk, carried_over=False)
        update_answer_rows(model, to_update, shared=shared)
    outcome.saved = len(to_create) + len(to_update)
    if outcome.saved and participant is None:
        # Counted inside the UPDATE: one statement (and round trip) a save fewer.
        answered = (
            Answer.objects.filter(assessment=OuterRef("pk"))
            .order_by()
            .values("assessment")
            .annotate(count=Count("pk"))
            .values("count")
        )
        Assessment.objects.filter(pk=locked.pk).update(
            answered_count=Subquery(answered), last_edited_by=user, updated_at=now
        )
    return outcome


def update_answer_rows(model, rows: list, *, shared: dict) -> None:
    """Give each row its new status, choice and comment, and all of them the same ``shared``
    columns and a revision one higher, in one UPDATE from a table of values: bulk_update
    builds a CASE per row and column, which costs a save more Python than the rest of it."""
    connection = connections[router.db_for_write(model)]
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    row = "(CAST(%s AS BIGINT), CAST(%s AS VARCHAR(20)), CAST(%s AS BIGINT), CAST(%s AS TEXT))"
    values = [
        value
        for answer in rows
        for value in (answer.pk, answer.status, answer.choice_id, answer.comment)
    ]
    assignments = [
        "status = v.status",
        "choice_id = v.choice_id",
        "comment = v.comment",
        "revision = revision + 1",
    ]
    for column, value in shared.items():
        field = model._meta.get_field(column)
        assignments.append(f"{quote(field.column)} = %s")
        values.append(field.get_db_prep_save(value, connection))
    # Only quoted names and placeholders go into the text; every value is a parameter.
    statement = (
        "WITH v(id, status, choice_id, comment) AS (VALUES {rows}) "
        "UPDATE {table} SET {set} FROM v WHERE {table}.id = v.id"
    )
    sql = statement.format(
        rows=", ".join([row] * len(rows)), table=table, set=", ".join(assignments)
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, values)


@transaction.atomic
def set_section_applies(*, assessment: Assessment, section_slug: str, applies: bool, user) -> None:
    """Record whether an optional section applies to the organisation."""
    locked = Assessment.objects.select_for_update().get(pk=assessment.pk)
    if not locked.is_editable:
        raise NotEditable(locked.status)
    section = bank_structure(locked.bank).section(section_slug)
    if section is None or not section.optional:
        raise ValidationError(_("Only an optional section can be left out."))
    locked.section_applies = {**locked.section_applies, section_slug: applies}
    locked.last_edited_by = user
    locked.save(update_fields=["section_applies", "last_edited_by", "updated_at"])


@transaction.atomic
def confirm_carried_over(*, assessment: Assessment, section_slug: str, user) -> int:
    """Confirm, as they are, the answers of one section still carried over from an earlier
    assessment; returns how many were confirmed.

    Each confirmed answer gets a new revision, so that a colleague's page still showing it
    from before is told that it changed rather than overwriting it unseen.
    """
    locked = Assessment.objects.select_for_update().get(pk=assessment.pk)
    if not locked.is_editable:
        raise NotEditable(locked.status)
    section = bank_structure(assessment.bank).section(section_slug)  # a bank is fixed
    if section is None:
        raise ValidationError(_("There is no such section in this questionnaire."))
    question_ids = [
        question.pk
        for component in section.components_list
        for question in component.questions_list
    ]
    confirmed = Answer.objects.filter(
        assessment=locked, question_id__in=question_ids, carried_over=True
    ).update(
        carried_over=False, answered_by=user, updated_at=timezone.now(), revision=F("revision") + 1
    )
    if confirmed:
        locked.last_edited_by = user
        locked.save(update_fields=["last_edited_by", "updated_at"])
    return confirmed
