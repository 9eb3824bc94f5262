"""Maturity scoring: one rule applied at every tier, as a pure function.

Questions roll up into components, components into sections and sections into the
overall result. A bank declares its rule. At every tier::

    score = mean(child scores)
    rule v2: level = min(round_half_up(score), weakest child level + 1)
    rule v1: level = min(floor(mean(child levels)), weakest child level + 1)

and a foundation component below Repeatable caps the overall level at Repeatable. Every
level that the weakest part held back names those parts (``capped_by``).
docs/scoring.md explains both rules in plain words with a worked example each.

No Django, no ORM and no I/O here: the same bank structure and answers always give
the same result, so a consultant can reproduce it by hand.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from functools import cached_property
from typing import Any, NamedTuple

from assessment.levels import MAX_LEVEL, MIN_LEVEL, level_label

REPEATABLE = 2  # foundation gate threshold and cap
RULE_V1 = "v1"
RULE_V2 = "v2"
SCORING_RULES = (RULE_V1, RULE_V2)

ANSWERED = "answered"
NOT_APPLICABLE = "not_applicable"
DONT_KNOW = "dont_know"
UNANSWERED = "unanswered"
ANSWER_STATUSES = (ANSWERED, NOT_APPLICABLE, DONT_KNOW)


# --- Input: the bank structure and the answers -------------------------------


@dataclass(frozen=True)
class ComponentSpec:
    slug: str
    title: str
    foundation: bool
    questions: tuple[str, ...]  # question slugs, in bank order


@dataclass(frozen=True)
class SectionSpec:
    slug: str
    title: str
    components: tuple[ComponentSpec, ...]
    optional: bool = False  # the respondent may say it does not apply


@dataclass(frozen=True)
class BankSpec:
    version: str
    sections: tuple[SectionSpec, ...]
    scoring_rule: str = RULE_V1

    def __post_init__(self) -> None:
        if self.scoring_rule not in SCORING_RULES:
            raise ValueError(
                f"Question bank {self.version}: unknown scoring rule {self.scoring_rule!r}; "
                f"expected one of {', '.join(SCORING_RULES)}"
            )
        # Answers and results are keyed by slug, so a repeated slug would silently
        # merge two questions (or components) into one.
        components = [c for s in self.sections for c in s.components]
        for kind, slugs in (
            ("section", [s.slug for s in self.sections]),
            ("component", [c.slug for c in components]),
            ("question", [q for c in components for q in c.questions]),
        ):
            repeated = sorted(slug for slug, n in Counter(slugs).items() if n > 1)
            if repeated:
                raise ValueError(
                    f"Question bank {self.version}: duplicate {kind} slugs: " + ", ".join(repeated)
                )

    @cached_property
    def question_slugs(self) -> frozenset[str]:
        return frozenset(
            question
            for section in self.sections
            for component in section.components
            for question in component.questions
        )


@dataclass(frozen=True)
class AnswerValue:
    """One saved answer: a chosen level, "Not applicable" or "Don't know"."""

    status: str
    level: int | None = None

    def __post_init__(self) -> None:
        if self.status not in ANSWER_STATUSES:
            raise ValueError(
                f"Unknown answer status {self.status!r}; "
                f"expected one of {', '.join(ANSWER_STATUSES)}"
            )
        if self.status == ANSWERED:
            if not _is_level(self.level):
                raise ValueError(
                    f"An answered question needs a level from {MIN_LEVEL} to "
                    f"{MAX_LEVEL}, got {self.level!r}"
                )
        elif self.level is not None:
            raise ValueError(f"A {self.status!r} answer has no level, got {self.level!r}")

    @classmethod
    def answered(cls, level: int) -> AnswerValue:
        return cls(ANSWERED, level)

    @classmethod
    def not_applicable(cls) -> AnswerValue:
        return cls(NOT_APPLICABLE)

    @classmethod
    def dont_know(cls) -> AnswerValue:
        return cls(DONT_KNOW)


def _is_level(value: object) -> bool:
    # bool is a subclass of int; True must not pass for level 1.
    return (
        isinstance(value, int) and not isinstance(value, bool) and MIN_LEVEL <= value <= MAX_LEVEL
    )


# --- Output: the result of one assessment ------------------------------------


@dataclass(frozen=True)
class ComponentResult:
    slug: str
    title: str
    foundation: bool
    score: float | None
    level: int | None
    label: str | None
    answered: int  # questions with any answer, including N/A and Don't know
    total: int
    dont_know: tuple[str, ...]  # question slugs answered "Don't know"
    capped_by: tuple[str, ...] = ()  # questions at the weakest level, when they held it back
    uncapped_level: int | None = None  # the level the score alone gives


@dataclass(frozen=True)
class SectionResult:
    slug: str
    title: str
    score: float | None
    level: int | None
    label: str | None
    components: tuple[ComponentResult, ...]
    capped_by: tuple[str, ...] = ()  # components at the weakest level, when they held it back
    uncapped_level: int | None = None
    applies: bool = True  # False: an optional section the respondent left out

    @property
    def answered(self) -> int:
        return sum(component.answered for component in self.components)

    @property
    def total(self) -> int:
        return sum(component.total for component in self.components)


@dataclass(frozen=True)
class OverallResult:
    score: float | None
    level: int | None
    label: str | None
    gated: bool  # True only when the foundation gate lowered the level
    gate_components: tuple[str, ...]  # foundation components below Repeatable
    ungated_level: int | None  # what the level would be without the gate
    capped_by: tuple[str, ...] = ()  # sections at the weakest level, when they held it back
    uncapped_level: int | None = None  # the level the score alone gives


@dataclass(frozen=True)
class AnswerResult:
    question: str
    component: str
    section: str
    status: str  # answered | not_applicable | dont_know | unanswered
    level: int | None  # set only for "answered"


@dataclass(frozen=True)
class Completeness:
    answered: int  # questions with any answer, including N/A and Don't know
    total: int

    @property
    def is_complete(self) -> bool:
        return self.answered == self.total


@dataclass(frozen=True)
class AssessmentResult:
    bank_version: str
    scoring_rule: str
    overall: OverallResult
    sections: tuple[SectionResult, ...]
    answers: tuple[AnswerResult, ...]  # one per question, in bank order
    completeness: Completeness
    dont_know: tuple[str, ...]  # question slugs answered "Don't know"

    @property
    def is_complete(self) -> bool:
        return self.completeness.is_complete

    def component(self, slug: str) -> ComponentResult:
        return self._components_by_slug[slug]

    def section(self, slug: str) -> SectionResult:
        return self._sections_by_slug[slug]

    @cached_property
    def _components_by_slug(self) -> dict[str, ComponentResult]:
        return {c.slug: c for s in self.sections for c in s.components}

    @cached_property
    def _sections_by_slug(self) -> dict[str, SectionResult]:
        return {s.slug: s for s in self.sections}

    def as_dict(self) -> dict[str, Any]:
        """The results.json body, minus the envelope the view adds."""
        overall = self.overall
        return {
            "scoring_rule": self.scoring_rule,
            "completeness": {
                "answered": self.completeness.answered,
                "total": self.completeness.total,
            },
            "overall": {
                "score": round_score(overall.score),
                "level": overall.level,
                "label": overall.label,
                "gated": overall.gated,
                "gate_components": list(overall.gate_components),
                "capped_by": list(overall.capped_by),
            },
            "sections": [
                {
                    "slug": section.slug,
                    "title": section.title,
                    "score": round_score(section.score),
                    "level": section.level,
                    "label": section.label,
                    "capped_by": list(section.capped_by),
                    "components": [
                        {
                            "slug": component.slug,
                            "title": component.title,
                            "score": round_score(component.score),
                            "level": component.level,
                            "label": component.label,
                            "foundation": component.foundation,
                            "capped_by": list(component.capped_by),
                        }
                        for component in section.components
                    ],
                }
                for section in self.sections
            ],
            "answers": [
                {
                    "question": answer.question,
                    "component": answer.component,
                    "section": answer.section,
                    "status": answer.status,
                    "level": answer.level,
                }
                for answer in self.answers
            ],
        }


def round_score(score: float | None, places: int = 2) -> float | None:
    """Round halves up, as a person does by hand (2.125 -> 2.13).

    Built-in round() works on the binary float and rounds halves to even, so
    it would disagree with a hand calculation of the same mean.
    """
    if score is None:
        return None
    quantum = Decimal(1).scaleb(-places)
    return float(Decimal(repr(score)).quantize(quantum, rounding=ROUND_HALF_UP))


# --- The rule ----------------------------------------------------------------


class _Tally(NamedTuple):
    score: Fraction | int  # a question's score is its whole level
    level: int
    capped_by: tuple[str, ...] = ()
    uncapped_level: int | None = None


_DONT_KNOW_TALLY = _Tally(0, 0)


def round_half_up(value: Fraction) -> int:
    """The whole number nearest to an exact mean, halves going up (2.5 -> 3)."""
    return math.floor(value + Fraction(1, 2))


def _combine(children: Iterable[tuple[str, _Tally | None]], rule: str) -> _Tally | None:
    """One tier of the rule; children with nothing scored are left out."""
    scored = [(slug, child) for slug, child in children if child is not None]
    if not scored:
        return None
    count = len(scored)
    # Fractions keep every mean exact, so no rounding leaks from tier to tier.
    score = Fraction(sum(child.score for _, child in scored), count)
    if rule == RULE_V2:
        natural = round_half_up(score)
    else:  # levels are whole numbers: integer division is the exact floor of their mean
        natural = sum(child.level for _, child in scored) // count
    weakest = min(child.level for _, child in scored)
    level = min(natural, weakest + 1)
    capped_by = (
        tuple(slug for slug, child in scored if child.level == weakest) if level < natural else ()
    )
    return _Tally(score, level, capped_by, natural)


def _as_float(tally: _Tally | None) -> float | None:
    return None if tally is None else float(tally.score)


def _level(tally: _Tally | None) -> int | None:
    return None if tally is None else tally.level


def _label(level: int | None) -> str | None:
    return None if level is None else level_label(level)


def score_assessment(
    bank: BankSpec,
    answers: Mapping[str, AnswerValue],
    *,
    skipped_sections: frozenset[str] = frozenset(),
) -> AssessmentResult:
    """Score one assessment; ``answers`` is keyed by question slug, missing = unanswered.

    ``skipped_sections``: optional sections the respondent said do not apply; they are
    listed with nothing scored and count neither in the levels nor in completeness.
    """
    unknown = sorted(set(answers) - bank.question_slugs)
    if unknown:
        raise ValueError(
            f"Answers for questions not in question bank {bank.version}: " + ", ".join(unknown)
        )
    rule = bank.scoring_rule

    answer_results: list[AnswerResult] = []
    section_results: list[SectionResult] = []
    section_tallies: list[tuple[str, _Tally | None]] = []
    for section in bank.sections:
        applies = not (section.optional and section.slug in skipped_sections)
        component_results: list[ComponentResult] = []
        component_tallies: list[tuple[str, _Tally | None]] = []
        for component in section.components:
            result, tally, component_answers = _score_component(
                component, section.slug, answers if applies else {}, rule, counted=applies
            )
            component_results.append(result)
            component_tallies.append((component.slug, tally))
            answer_results.extend(component_answers)
        tally = _combine(component_tallies, rule)
        section_tallies.append((section.slug, tally))
        section_results.append(
            SectionResult(
                slug=section.slug,
                title=section.title,
                score=_as_float(tally),
                level=_level(tally),
                label=_label(_level(tally)),
                components=tuple(component_results),
                capped_by=tally.capped_by if tally else (),
                uncapped_level=tally.uncapped_level if tally else None,
                applies=applies,
            )
        )

    sections = tuple(section_results)
    components = [c for s in sections for c in s.components]
    return AssessmentResult(
        bank_version=bank.version,
        scoring_rule=rule,
        overall=_overall(_combine(section_tallies, rule), components),
        sections=sections,
        answers=tuple(answer_results),
        completeness=Completeness(
            answered=sum(c.answered for c in components),
            total=sum(c.total for c in components),
        ),
        dont_know=tuple(q for c in components for q in c.dont_know),
    )


def _score_component(
    component: ComponentSpec,
    section_slug: str,
    answers: Mapping[str, AnswerValue],
    rule: str,
    *,
    counted: bool = True,
) -> tuple[ComponentResult, _Tally | None, list[AnswerResult]]:
    answer_results: list[AnswerResult] = []
    question_tallies: list[tuple[str, _Tally]] = []
    dont_know: list[str] = []
    answered = 0
    for question in component.questions:
        value = answers.get(question)
        status = UNANSWERED if value is None else value.status
        level = None if value is None else value.level
        answer_results.append(AnswerResult(question, component.slug, section_slug, status, level))
        if value is None:
            continue
        answered += 1
        if status == DONT_KNOW:
            question_tallies.append((question, _DONT_KNOW_TALLY))
            dont_know.append(question)
        elif level is not None:  # answered; Not applicable carries no level
            question_tallies.append((question, _Tally(level, level)))

    tally = _combine(question_tallies, rule)
    result = ComponentResult(
        slug=component.slug,
        title=component.title,
        foundation=component.foundation,
        score=_as_float(tally),
        level=_level(tally),
        label=_label(_level(tally)),
        answered=answered,
        total=len(component.questions) if counted else 0,
        dont_know=tuple(dont_know),
        capped_by=tally.capped_by if tally else (),
        uncapped_level=tally.uncapped_level if tally else None,
    )
    return result, tally, answer_results


def _overall(tally: _Tally | None, components: Iterable[ComponentResult]) -> OverallResult:
    gate_components = tuple(
        c.slug for c in components if c.foundation and c.level is not None and c.level < REPEATABLE
    )
    ungated_level = _level(tally)
    level = ungated_level
    if gate_components and level is not None:
        level = min(level, REPEATABLE)
    return OverallResult(
        score=_as_float(tally),
        level=level,
        label=_label(level),
        gated=level != ungated_level,
        gate_components=gate_components,
        ungated_level=ungated_level,
        capped_by=tally.capped_by if tally else (),
        uncapped_level=tally.uncapped_level if tally else None,
    )
