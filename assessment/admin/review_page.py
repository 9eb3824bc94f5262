"""What an assessment's review page shows: the summary at the top, the jump menu, the answer
filters (links with ``?show=``, no JavaScript needed) and the rows of answers with their
notes, in a constant number of queries.

AssessmentAdmin.review_context (admin/review.py) builds the page from these.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from assessment.admin.site import person
from assessment.changes import AnswerChange, SectionChanges
from assessment.levels import LEVEL_LABELS
from assessment.models import Answer, Assessment, ConsultantNote, Question, ReviewEvent

# ?show= on the review page: which answers are listed.
ANSWER_FILTERS = {
    "comments": _("With comments"),
    "dont_know": _("Don't know"),
    "changed": _("Changed since last time"),
    "below_target": _("Below target"),
    "since_request": _("Changed since changes were requested"),
}


@dataclass(frozen=True)
class AnswerRow:
    question: Question
    answer: Answer | None
    notes: list[ConsultantNote]
    target: int | None = None  # the component's target level, when one is set
    change: AnswerChange | None = None  # how it differs from the previous assessment
    since_request: bool = False  # changed after the last "changes requested"

    @property
    def status(self) -> str:
        return "unanswered" if self.answer is None else self.answer.status

    @property
    def shown_answer(self) -> str:
        if self.answer is None:
            return gettext("Not answered")
        if self.answer.status == Answer.Status.ANSWERED:
            return self.answer.choice.statement
        if self.answer.status == Answer.Status.DONT_KNOW:
            return gettext("Don't know (scored as Not in place)")
        return gettext("Not applicable")

    @property
    def level(self) -> int | None:
        if self.answer is not None and self.answer.status == Answer.Status.ANSWERED:
            return self.answer.choice.level
        return None

    @property
    def label(self) -> str:
        return "" if self.level is None else LEVEL_LABELS[self.level]

    @property
    def answered_by(self) -> str:
        if self.answer is None or self.answer.answered_by_id is None:
            return ""
        return person(self.answer.answered_by)

    @property
    def has_comment(self) -> bool:
        return bool(self.answer and self.answer.comment.strip())

    @property
    def is_dont_know(self) -> bool:
        return self.status == Answer.Status.DONT_KNOW

    @property
    def below_target(self) -> bool:
        """Scored (Don't know as 0) below its component's target."""
        if self.target is None or self.status not in (Answer.Status.ANSWERED, "dont_know"):
            return False
        return (self.level or 0) < self.target

    def shown_by(self, show: str) -> bool:
        return {
            "": True,
            "comments": self.has_comment,
            "dont_know": self.is_dont_know,
            "changed": self.change is not None and self.change.changed,
            "below_target": self.below_target,
            "since_request": self.since_request,
        }[show]


def last_change_request(events: list[ReviewEvent]) -> ReviewEvent | None:
    """The latest "changes requested" step, if the assessment was resubmitted after it."""
    for index in range(len(events) - 1, -1, -1):
        event = events[index]
        if event.to_status == Assessment.Status.CHANGES_REQUESTED and not event.is_assignment:
            resubmitted = any(
                later.from_status == Assessment.Status.CHANGES_REQUESTED and not later.is_assignment
                for later in events[index + 1 :]
            )
            return event if resubmitted else None
    return None


def changed_since(event: ReviewEvent | None, answer: Answer | None) -> bool:
    """Whether an answer was written after the request: new, or at another revision than the
    one the request's snapshot kept (an unchanged re-save keeps its revision)."""
    if event is None or answer is None:
        return False
    return event.answer_revisions.get(str(answer.pk)) != answer.revision


@dataclass
class Summary:
    """The counts at the top of the review page."""

    dont_know: int = 0
    carried_over: int = 0
    comments: int = 0
    notes: int = 0
    below_target: int = 0
    since_request: int = 0
    changed: int = 0
    changes_by_section: list[tuple[SectionChanges, int]] = field(default_factory=list)


def summarise(sections: list[dict], changes: list[SectionChanges], notes: list) -> Summary:
    summary = Summary(notes=len(notes))
    for item in sections:
        for component in item["components"]:
            for row in component["all_rows"]:
                summary.dont_know += row.is_dont_know
                summary.carried_over += bool(row.answer and row.answer.carried_over)
                summary.comments += row.has_comment
                summary.below_target += row.below_target
                summary.since_request += row.since_request
    for section in changes:
        if section.changed_count:
            summary.changed += section.changed_count
            summary.changes_by_section.append((section, section.changed_count))
    return summary


def notes_by_answer(notes: list[ConsultantNote]) -> dict[int, list[ConsultantNote]]:
    grouped: dict[int, list[ConsultantNote]] = defaultdict(list)
    for note in notes:
        note.author_name = person(note.author)
        if note.answer_id:
            grouped[note.answer_id].append(note)
    return grouped


def answer_sections(
    *, results, changes: list[SectionChanges], notes, request_event, show: str
) -> list[dict]:
    """Sections → components → rows, every row kept in ``all_rows`` and those the filter
    ``show`` lets through in ``rows``."""
    structure, answers, result = results.structure, results.answers, results.result
    targets = results.targets
    change_of = {change.question_slug: change for section in changes for change in section.changes}
    by_answer = notes_by_answer(notes)
    sections = []
    for section, section_result in zip(structure.sections, result.sections, strict=True):
        components, shown = [], 0
        for component, component_result in zip(
            section.components_list, section_result.components, strict=True
        ):
            all_rows = []
            for question in component.questions_list:
                answer = answers.get(question.pk)
                all_rows.append(
                    AnswerRow(
                        question=question,
                        answer=answer,
                        notes=by_answer.get(answer.pk, []) if answer else [],
                        target=targets.get(component.slug),
                        change=change_of.get(question.slug),
                        since_request=changed_since(request_event, answer),
                    )
                )
            rows = [row for row in all_rows if row.shown_by(show)]
            shown += len(rows)
            components.append(
                {
                    "component": component,
                    "result": component_result,
                    "all_rows": all_rows,
                    "rows": rows,
                    "explanation": results.explanations[component_result.slug],
                }
            )
        sections.append(
            {
                "section": section,
                "result": section_result,
                "components": components,
                "shown": shown,
                "explanation": results.explanations[section_result.slug],
            }
        )
    return sections


def filter_links(show: str, *, has_request: bool) -> list[dict]:
    links = [{"value": "", "label": gettext("All answers"), "current": show == ""}]
    for value, label in ANSWER_FILTERS.items():
        if value == "since_request" and not has_request:
            continue
        links.append({"value": value, "label": label, "current": show == value})
    return links


def held_back(result) -> list[str]:
    """The slugs of the sections and components whose level rule v2 lowered."""
    slugs = [section.slug for section in result.sections if section.capped_by]
    slugs += [
        component.slug
        for section in result.sections
        for component in section.components
        if component.capped_by
    ]
    return slugs
