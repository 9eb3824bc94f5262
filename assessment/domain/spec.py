"""What scoring reads: the shape of a question bank (sections, components, question slugs,
its scoring rule) and the answers, as plain values."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from functools import cached_property

from assessment.levels import MAX_LEVEL, MIN_LEVEL

REPEATABLE = 2  # foundation gate threshold and cap
RULE_V1 = "v1"
RULE_V2 = "v2"
SCORING_RULES = (RULE_V1, RULE_V2)

ANSWERED = "answered"
NOT_APPLICABLE = "not_applicable"
DONT_KNOW = "dont_know"
UNANSWERED = "unanswered"
ANSWER_STATUSES = (ANSWERED, NOT_APPLICABLE, DONT_KNOW)


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
