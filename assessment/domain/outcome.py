"""What scoring gives: the result of one assessment at every tier, and its results.json
shape."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from functools import cached_property
from typing import Any


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
