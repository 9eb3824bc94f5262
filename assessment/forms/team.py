"""The calibration form: one answer of record and one note per question, read from a plain
POST so that a 150-question page stays quick to render and to check."""

from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from assessment.domain import scoring
from assessment.domain.scoring import AnswerValue
from assessment.forms.questionnaire import DONT_KNOW, NOT_APPLICABLE
from assessment.models import AGREED_NOTE_MAX_LENGTH, Answer
from assessment.services import Decision
from assessment.team import QuestionSpread

UNANSWERED = ""


def record_field(question_id: int) -> str:
    return f"a{question_id}"


def note_field(question_id: int) -> str:
    return f"n{question_id}"


def token_for(question, value: AnswerValue | None) -> str:
    """The form value of an answer of record: a choice id, "na", "dk" or "" (unanswered)."""
    if value is None:
        return UNANSWERED
    if value.status == scoring.NOT_APPLICABLE:
        return NOT_APPLICABLE
    if value.status == scoring.DONT_KNOW:
        return DONT_KNOW
    choice = next((c for c in question.choices_list if c.level == value.level), None)
    return str(choice.pk) if choice else UNANSWERED


@dataclass
class CalibrationRow:
    spread: QuestionSpread
    value: str
    note: str
    error: str = ""

    @property
    def question(self):
        return self.spread.question

    @property
    def field(self) -> str:
        return record_field(self.question.pk)

    @property
    def note_name(self) -> str:
        return note_field(self.question.pk)

    @property
    def options(self) -> list[tuple[str, str]]:
        options = [
            (str(choice.pk), f"{choice.level} · {choice.statement}")
            for choice in self.question.choices_list
        ]
        if self.question.allows_not_applicable:
            options.append((NOT_APPLICABLE, _("Not applicable")))
        options.append((DONT_KNOW, _("Don't know")))
        options.append((UNANSWERED, _("No agreed answer yet")))
        return options


@dataclass
class CalibrationForm:
    rows: list[CalibrationRow]
    decisions: list[Decision] = field(default_factory=list)

    @property
    def errors(self) -> list[CalibrationRow]:
        return [row for row in self.rows if row.error]


def calibration_form(spreads: list[QuestionSpread], data=None) -> CalibrationForm:
    """The rows of the calibration page, from the saved answers of record (or the team's
    default where none is saved) or, when ``data`` is posted, from what was sent, with the
    decisions to save when every row is valid."""
    rows = []
    for spread in spreads:
        question = spread.question
        if data is None:
            rows.append(
                CalibrationRow(spread, token_for(question, spread.record_value), spread.note)
            )
        else:
            rows.append(
                CalibrationRow(
                    spread,
                    data.get(record_field(question.pk), UNANSWERED),
                    data.get(note_field(question.pk), "").strip(),
                )
            )
    form = CalibrationForm(rows)
    if data is None:
        return form
    for row in rows:
        decision = _decision(row)
        if decision is not None:
            form.decisions.append(decision)
    if form.errors:
        form.decisions = []
    return form


def _decision(row: CalibrationRow) -> Decision | None:
    question = row.question
    if len(row.note) > AGREED_NOTE_MAX_LENGTH:
        row.error = _("Keep the note to %(limit)d characters (it has %(count)d).") % {
            "limit": AGREED_NOTE_MAX_LENGTH,
            "count": len(row.note),
        }
        return None
    if row.value == UNANSWERED:
        return Decision(question=question, status="", choice=None, note=row.note)
    if row.value == DONT_KNOW:
        return Decision(
            question=question, status=Answer.Status.DONT_KNOW, choice=None, note=row.note
        )
    if row.value == NOT_APPLICABLE and question.allows_not_applicable:
        return Decision(
            question=question, status=Answer.Status.NOT_APPLICABLE, choice=None, note=row.note
        )
    choice = next((c for c in question.choices_list if str(c.pk) == row.value), None)
    if choice is None:
        row.error = _("Choose one of this question's options.")
        return None
    return Decision(question=question, status=Answer.Status.ANSWERED, choice=choice, note=row.note)
