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
from collections.abc import Iterable, Mapping
from fractions import Fraction
from typing import NamedTuple

from assessment.domain.outcome import (
    AnswerResult,
    AssessmentResult,
    Completeness,
    ComponentResult,
    OverallResult,
    SectionResult,
    round_score,
)
from assessment.domain.spec import (
    ANSWER_STATUSES,
    ANSWERED,
    DONT_KNOW,
    NOT_APPLICABLE,
    REPEATABLE,
    RULE_V1,
    RULE_V2,
    SCORING_RULES,
    UNANSWERED,
    AnswerValue,
    BankSpec,
    ComponentSpec,
    SectionSpec,
)
from assessment.levels import level_label

# The rule's inputs and outputs live in spec.py and outcome.py; every name is importable
# from here, where the rule that joins them is.
__all__ = [
    "ANSWERED",
    "ANSWER_STATUSES",
    "DONT_KNOW",
    "NOT_APPLICABLE",
    "REPEATABLE",
    "RULE_V1",
    "RULE_V2",
    "SCORING_RULES",
    "UNANSWERED",
    "AnswerResult",
    "AnswerValue",
    "AssessmentResult",
    "BankSpec",
    "Completeness",
    "ComponentResult",
    "ComponentSpec",
    "OverallResult",
    "SectionResult",
    "SectionSpec",
    "combine_levels",
    "round_half_up",
    "round_score",
    "score_assessment",
]

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


def combine_levels(levels: Iterable[int], rule: str) -> int | None:
    """The level one tier of ``rule`` gives children that sit exactly at these levels
    (None when there are none): what a target or a projection is worth."""
    return _level(
        _combine(((str(i), _Tally(level, level)) for i, level in enumerate(levels)), rule)
    )


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
