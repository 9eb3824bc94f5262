"""What changed since last time: each question's answer beside the organisation's answer in
its previous submitted assessment, for the results page.

Questions are matched across bank versions as answers are copied when an assessment starts
from an earlier one (``prefill_targets``), and compared by what they score: the status and
the level (choices differ between versions, levels mean the same). Reads a constant number
of queries, whatever the number of questions.
"""

from dataclasses import dataclass

from django.utils.translation import gettext as _

from assessment.levels import level_label
from assessment.models import Answer, Assessment
from assessment.results import Results, results_for, skipped_sections
from assessment.services.answering import prefill_targets
from assessment.structure import bank_structure

Status = Answer.Status


@dataclass(frozen=True)
class AnswerChange:
    """One question: its answer last time (``before``) and now (``after``), as labels."""

    question_slug: str
    question_text: str
    component_title: str
    before: str
    after: str
    before_level: int | None  # None unless answered with an option
    after_level: int | None
    changed: bool
    carried_over: bool  # copied from an earlier assessment, neither confirmed nor changed

    @property
    def direction(self) -> int:
        """+1 up, -1 down, 0 when either side has no level or the level is the same."""
        if self.before_level is None or self.after_level is None:
            return 0
        return (self.after_level > self.before_level) - (self.after_level < self.before_level)


@dataclass(frozen=True)
class SectionChanges:
    slug: str
    title: str
    changes: list[AnswerChange]  # the questions that changed or are still carried over
    unchanged: int  # answered as last time, and confirmed or answered again

    @property
    def changed_count(self) -> int:
        return sum(change.changed for change in self.changes)

    @property
    def carried_over_count(self) -> int:
        return sum(change.carried_over for change in self.changes)


def _state(answer: Answer | None) -> tuple[str, int | None] | None:
    if answer is None:
        return None
    level = answer.choice.level if answer.status == Status.ANSWERED and answer.choice else None
    return answer.status, level


def _label(state: tuple[str, int | None] | None, missing: str) -> str:
    if state is None:
        return missing
    status, level = state
    if status == Status.NOT_APPLICABLE:
        return _("Not applicable")
    if status == Status.DONT_KNOW:
        return _("Don't know")
    return level_label(level) if level is not None else _("Not answered")


def answer_changes(
    assessment: Assessment, *, results: Results | None = None
) -> list[SectionChanges]:
    """Per section of this assessment's bank (those that apply), the answers that changed
    since the previous submitted assessment and those still carried over; empty when there
    is no previous one. ``results``: this assessment's, when the caller has them already
    (their comparison holds the previous assessment's answers: no query is repeated)."""
    results = results or results_for(assessment)
    if results.comparison is None:
        return []
    answers = results.answers
    previous = results.comparison.assessment
    earlier_answers = results.comparison.answers
    structure = bank_structure(assessment.bank)
    earlier = bank_structure(previous.bank)
    target_of = prefill_targets(assessment.bank, previous.bank)
    earlier_question = {}
    for question in earlier.questions:
        slug = target_of(question.slug)
        if slug is not None:
            earlier_question[slug] = question
    skipped_before = skipped_sections(previous)
    left_out_before = {
        question.pk
        for section in earlier.sections
        if section.slug in skipped_before
        for component in section.components_list
        for question in component.questions_list
    }
    skipped = skipped_sections(assessment)

    sections = []
    for section in structure.sections:
        if section.slug in skipped:
            continue
        rows, unchanged = [], 0
        for component in section.components_list:
            for question in component.questions_list:
                answer = answers.get(question.pk)
                old_question = earlier_question.get(question.slug)
                old_answer = old_question and earlier_answers.get(old_question.pk)
                before, after = _state(old_answer), _state(answer)
                if before is None and after is None:
                    continue
                carried_over = bool(answer and answer.carried_over)
                changed = before != after
                if not (changed or carried_over):
                    unchanged += 1
                    continue
                if old_question is None:
                    missing = _("Not asked")
                elif old_question.pk in left_out_before:
                    missing = _("Left out")
                else:
                    missing = _("Not answered")
                rows.append(
                    AnswerChange(
                        question_slug=question.slug,
                        question_text=question.text,
                        component_title=component.title,
                        before=_label(before, missing),
                        after=_label(after, _("Not answered")),
                        before_level=before[1] if before else None,
                        after_level=after[1] if after else None,
                        changed=changed,
                        carried_over=carried_over,
                    )
                )
        if rows or unchanged:
            sections.append(SectionChanges(section.slug, section.title, rows, unchanged))
    return sections
