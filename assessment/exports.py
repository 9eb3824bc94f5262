"""Exports for consultants: answers and component scores as CSV (the JSON documents are in
documents.py).

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
from assessment.models import Answer, Assessment, QuestionBank
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


def iso_timestamp(value: datetime | None) -> str:
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
                    f"{fields(comment, email, iso_timestamp(updated_at))}\r\n"
                )


def answers_csv_response(queryset: QuerySet[Assessment]) -> StreamingHttpResponse:
    return streaming_csv(
        ANSWER_HEADER, answer_lines(queryset), export_filename("assessment-answers")
    )


# --- Component scores CSV ---------------------------------------------------------------


def answer_values(
    bank_of: dict[int, int], banks: BankIndexes
) -> dict[int, dict[str, scoring.AnswerValue]]:
    """The answers of the assessments (id → bank id) as scoring reads them, by question slug."""
    values: dict[int, dict[str, scoring.AnswerValue]] = {pk: {} for pk in bank_of}
    answers = (
        Answer.objects.filter(assessment_id__in=list(bank_of))
        .order_by("assessment_id", "question_id")
        .values_list("assessment_id", "question_id", "choice_id", "status")
        .iterator(chunk_size=ITERATOR_CHUNK)
    )
    for assessment_id, question_id, choice_id, status in answers:
        index = banks[bank_of[assessment_id]]
        slug = index.questions[question_id].slug
        if status == Answer.Status.ANSWERED:
            values[assessment_id][slug] = scoring.AnswerValue.answered(index.levels[choice_id])
        else:
            values[assessment_id][slug] = scoring.AnswerValue(status)
    return values


def component_score_lines(queryset: QuerySet[Assessment]) -> Iterator[str]:
    """One CSV line per component of each assessment, scored like the results page."""
    banks = BankIndexes()
    for batch in assessment_batches(queryset, size=max(1, ASSESSMENT_BATCH // 2)):
        values = answer_values({row.pk: row.bank_id for row in batch}, banks)
        for assessment in batch:
            index = banks[assessment.bank_id]
            result = scoring.score_assessment(index.structure.spec, values[assessment.pk])
            prefix = (
                f"{assessment.csv},{index.version},{fields(iso_timestamp(assessment.submitted_at))}"
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
