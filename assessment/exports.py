"""Exports: answers and component scores as CSV and one assessment as JSON (consultants),
and everything about an organisation (its owner's privacy request).

The CSV exports stream. Assessments are read in keyset batches of a fixed size and their
answers with ``.iterator(chunk_size=2000)``, so a million answers export with flat memory
and the first bytes leave at once. Text that a spreadsheet would run as a formula is
neutralised (see ``neutralise``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from functools import cached_property
from itertools import groupby
from operator import itemgetter

from django.db.models import QuerySet
from django.http import StreamingHttpResponse
from django.utils import timezone

from assessment.domain import scoring
from assessment.levels import LEVEL_LABELS
from assessment.models import Answer, Assessment, ConsultantNote, Organisation, QuestionBank
from assessment.results import results_for
from assessment.structure import bank_structure

ASSESSMENT_BATCH = 500  # assessments per answers query: at most 500 × bank size rows
ITERATOR_CHUNK = 2000
FLUSH_AT = 64 * 1024  # characters buffered before a chunk is sent
FORMULA_START = re.compile('(^|[,;\t|\r\n"])([ \t]*)([=+\\-@\uff1d\uff0b\uff0d\uff20])')

ANSWER_HEADER = [
    "organisation",
    "assessment_id",
    "assessment",
    "assessment_status",
    "bank_version",
    "section",
    "component",
    "question_slug",
    "question",
    "answer_status",
    "level",
    "label",
    "statement",
    "comment",
    "answered_by",
    "answered_at",
]
SCORE_HEADER = [
    "organisation",
    "assessment_id",
    "assessment",
    "assessment_status",
    "bank_version",
    "submitted_at",
    "section",
    "component",
    "foundation",
    "score",
    "level",
    "label",
    "answered",
    "total",
]


def neutralise(value: object) -> object:
    """Keep a spreadsheet from running text as a formula (CSV injection).

    A formula can start wherever a spreadsheet may start a cell: at the start of the text,
    and after any character that some locale or import dialog takes as a separator (comma,
    semicolon, tab, pipe, a line break, a quote). A single quote goes before each such
    =, +, - or @ (and their full-width forms), which spreadsheets show as text; text
    starting with a tab or carriage return gets one too. Numbers are left alone.
    """
    if not isinstance(value, str):
        return value
    if value.startswith(("\t", "\r")):
        value = "'" + value
    return FORMULA_START.sub(r"\1\2'\3", value)


def cell(value: object) -> str:
    """One CSV field, always quoted: a quoted field cannot be split by a reader that takes
    another character as the separator."""
    if value is None:
        return '""'
    text = value if isinstance(value, str) else str(value)
    return '"' + text.replace('"', '""') + '"'


def fields(*values: object) -> str:
    """Neutralised, quoted fields joined by commas: part of a CSV line."""
    return ",".join(cell(neutralise(value)) for value in values)


# Empty level, label and statement: "Don't know" and "Not applicable".
NO_CHOICE = fields(None, None, None)


def _timestamp(value: datetime | None) -> str:
    return "" if value is None else value.isoformat(timespec="seconds")


def csv_chunks(header: list[str], lines: Iterable[str]) -> Iterator[str]:
    """CSV text in chunks of about 64 KB; the header goes out before any query runs.

    Each line is built with ``fields``, so every cell is neutralised and quoted. The
    answers export builds the parts that repeat (an assessment's, a question's, a
    choice's) once and joins them per row, which is what makes it fast.
    """
    yield "\ufeff" + fields(*header) + "\r\n"  # BOM: spreadsheets then read UTF-8
    chunk: list[str] = []
    size = 0
    for line in lines:
        chunk.append(line)
        size += len(line)
        if size >= FLUSH_AT:
            yield "".join(chunk)
            chunk, size = [], 0
    if chunk:
        yield "".join(chunk)


def streaming_csv(header: list[str], lines: Iterable[str], filename: str) -> StreamingHttpResponse:
    response = StreamingHttpResponse(
        csv_chunks(header, lines), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["X-Accel-Buffering"] = "no"  # let a proxy pass chunks on as they come
    response["Cache-Control"] = "no-store"
    return response


def export_filename(kind: str) -> str:
    return f"{kind}-{timezone.localtime():%Y%m%d-%H%M}.csv"


# --- Reading in constant-size batches ---------------------------------------------------


@dataclass(frozen=True)
class AssessmentRow:
    pk: int
    title: str
    status: str
    submitted_at: datetime | None
    bank_id: int
    organisation: str

    @cached_property
    def csv(self) -> str:
        """Organisation, id, title and status as CSV fields."""
        return fields(self.organisation, self.pk, self.title, self.status)


def assessment_batches(
    queryset: QuerySet[Assessment], size: int | None = None
) -> Iterator[list[AssessmentRow]]:
    """The queryset's assessments by ascending id, ``size`` at a time (keyset paging)."""
    size = size or ASSESSMENT_BATCH
    base = queryset.order_by("pk").values_list(
        "pk", "title", "status", "submitted_at", "bank_id", "organisation__name"
    )
    last = 0
    while True:
        batch = [AssessmentRow(*values) for values in base.filter(pk__gt=last)[:size]]
        if not batch:
            return
        yield batch
        last = batch[-1].pk


@dataclass(frozen=True)
class QuestionInfo:
    position: int
    slug: str
    csv: str  # section, component, question slug and text as CSV fields


class BankIndex:
    """Question and choice look-ups for one bank, built once per export from its structure."""

    def __init__(self, bank: QuestionBank):
        self.bank = bank
        self.structure = bank_structure(bank)
        self.version = fields(bank.version)
        self.questions: dict[int, QuestionInfo] = {}
        self.levels: dict[int, int] = {}  # choice id: level
        self.choices: dict[int, str] = {}  # choice id: level, label and statement as CSV
        position = 0
        for section in self.structure.sections:
            for component in section.components_list:
                for question in component.questions_list:
                    self.questions[question.pk] = QuestionInfo(
                        position,
                        question.slug,
                        fields(section.title, component.title, question.slug, question.text),
                    )
                    position += 1
                    for choice in question.choices_list:
                        self.levels[choice.pk] = choice.level
                        self.choices[choice.pk] = fields(
                            choice.level, LEVEL_LABELS[choice.level], choice.statement
                        )


class BankIndexes(dict):
    def __missing__(self, bank_id: int) -> BankIndex:
        index = self[bank_id] = BankIndex(QuestionBank.objects.get(pk=bank_id))
        return index


# --- Answers CSV ------------------------------------------------------------------------


def answer_lines(queryset: QuerySet[Assessment]) -> Iterator[str]:
    """One CSV line per saved answer of the assessments, in bank order per assessment."""
    banks = BankIndexes()
    for batch in assessment_batches(queryset):
        by_id = {row.pk: row for row in batch}
        answers = (
            Answer.objects.filter(assessment_id__in=list(by_id))
            .order_by("assessment_id", "question_id")
            .values_list(
                "assessment_id",
                "question_id",
                "choice_id",
                "status",
                "comment",
                "answered_by__email",
                "updated_at",
            )
            .iterator(chunk_size=ITERATOR_CHUNK)
        )
        for assessment_id, group in groupby(answers, key=itemgetter(0)):
            assessment = by_id[assessment_id]
            index = banks[assessment.bank_id]
            prefix = f"{assessment.csv},{index.version}"
            questions, choices = index.questions, index.choices
            # One assessment's answers (at most the bank's size) are put in bank order.
            ordered = sorted(group, key=lambda values: questions[values[1]].position)
            for _, question_id, choice_id, status, comment, email, updated_at in ordered:
                yield (
                    f"{prefix},{questions[question_id].csv},{fields(status)},"
                    f"{choices.get(choice_id, NO_CHOICE)},"
                    f"{fields(comment, email, _timestamp(updated_at))}\r\n"
                )


def answers_csv_response(queryset: QuerySet[Assessment]) -> StreamingHttpResponse:
    return streaming_csv(
        ANSWER_HEADER, answer_lines(queryset), export_filename("assessment-answers")
    )


# --- Component scores CSV ---------------------------------------------------------------


def component_score_lines(queryset: QuerySet[Assessment]) -> Iterator[str]:
    """One CSV line per component of each assessment, scored like the results page."""
    banks = BankIndexes()
    for batch in assessment_batches(queryset, size=max(1, ASSESSMENT_BATCH // 2)):
        values: dict[int, dict[str, scoring.AnswerValue]] = {row.pk: {} for row in batch}
        answers = (
            Answer.objects.filter(assessment_id__in=list(values))
            .order_by("assessment_id", "question_id")
            .values_list("assessment_id", "question_id", "choice_id", "status")
            .iterator(chunk_size=ITERATOR_CHUNK)
        )
        bank_of = {row.pk: row.bank_id for row in batch}
        for assessment_id, question_id, choice_id, status in answers:
            bank_id = bank_of[assessment_id]
            index = banks[bank_id]
            slug = index.questions[question_id].slug
            if status == Answer.Status.ANSWERED:
                values[assessment_id][slug] = scoring.AnswerValue.answered(index.levels[choice_id])
            else:
                values[assessment_id][slug] = scoring.AnswerValue(status)
        for assessment in batch:
            index = banks[assessment.bank_id]
            result = scoring.score_assessment(index.structure.spec, values[assessment.pk])
            prefix = (
                f"{assessment.csv},{index.version},{fields(_timestamp(assessment.submitted_at))}"
            )
            for section in result.sections:
                for component in section.components:
                    score = component.score
                    line = fields(
                        section.title,
                        component.title,
                        "yes" if component.foundation else "no",
                        None if score is None else scoring.round_score(score),
                        component.level,
                        component.label,
                        component.answered,
                        component.total,
                    )
                    yield f"{prefix},{line}\r\n"


def component_scores_csv_response(queryset: QuerySet[Assessment]) -> StreamingHttpResponse:
    return streaming_csv(
        SCORE_HEADER, component_score_lines(queryset), export_filename("component-scores")
    )


# --- One assessment as JSON -------------------------------------------------------------


def assessment_document(assessment: Assessment) -> dict:
    """results.json's content plus who, what and when: organisation, title, review history."""
    document = results_for(assessment).document()
    organisation = assessment.organisation
    events = assessment.review_events.select_related("actor").order_by("created_at", "id")
    shared_notes = (
        ConsultantNote.objects.filter(assessment=assessment, shared=True)
        .select_related("answer__question")
        .order_by("created_at", "id")
    )
    document.update(
        {
            "title": assessment.title,
            "organisation": {
                "id": organisation.pk,
                "name": organisation.name,
                "sector": organisation.sector,
                "size": organisation.size,
            },
            "created_at": _timestamp(assessment.created_at) or None,
            "submitted_at": _timestamp(assessment.submitted_at) or None,
            "reviewed_at": _timestamp(assessment.reviewed_at) or None,
            "review_summary": assessment.review_summary,
            "change_request_message": assessment.change_request_message,
            "review_history": [
                {
                    "at": _timestamp(event.created_at),
                    "from_status": event.from_status,
                    "to_status": event.to_status,
                    "by": event.actor.email if event.actor else None,
                    "message": event.message,
                }
                for event in events
            ],
            "shared_notes": [
                {
                    "at": _timestamp(note.created_at),
                    "question": note.answer.question.slug if note.answer else None,
                    "text": note.text,
                }
                for note in shared_notes
            ],
        }
    )
    return document


# --- Everything about one organisation (a privacy request) ---------------------------


def organisation_document(organisation: Organisation) -> dict:
    """Everything stored about an organisation, for a privacy (subject access) request."""
    assessments = []
    for assessment in Assessment.objects.filter(organisation=organisation).select_related(
        "bank", "created_by"
    ):
        shown = results_for(assessment)
        structure, answers = shown.structure, shown.answers
        assessments.append(
            {
                "id": assessment.pk,
                "title": assessment.title,
                "status": assessment.status,
                "created_at": assessment.created_at.isoformat(),
                "submitted_at": assessment.submitted_at.isoformat()
                if assessment.submitted_at
                else None,
                "created_by": assessment.created_by.email if assessment.created_by else None,
                "results": shown.document(),
                "answers": [
                    {
                        "question": structure.questions_by_id[answer.question_id].slug,
                        "question_text": structure.questions_by_id[answer.question_id].text,
                        "status": answer.status,
                        "level": answer.choice.level if answer.choice else None,
                        "statement": answer.choice.statement if answer.choice else None,
                        "comment": answer.comment,
                        "answered_by": answer.answered_by.email if answer.answered_by else None,
                        "updated_at": answer.updated_at.isoformat(),
                    }
                    for answer in answers.values()
                ],
            }
        )
    return {
        "organisation": {
            "name": organisation.name,
            "sector": organisation.sector,
            "size": organisation.size,
            "created_at": organisation.created_at.isoformat(),
        },
        "members": [
            {
                "name": membership.user.get_full_name(),
                "email": membership.user.email,
                "role": membership.role,
                "joined_at": membership.joined_at.isoformat(),
            }
            for membership in organisation.memberships.select_related("user")
        ],
        "invitations": [
            {
                "email": invitation.email,
                "created_at": invitation.created_at.isoformat(),
                "accepted_at": invitation.accepted_at.isoformat()
                if invitation.accepted_at
                else None,
            }
            for invitation in organisation.invitations.all()
        ],
        "assessments": assessments,
    }
