"""The prioritised roadmap: what to improve first, as a pure function of a result.

Order and horizons are explained in docs/scoring.md ("The roadmap").
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from assessment.domain.scoring import DONT_KNOW, AssessmentResult, ComponentResult
from assessment.levels import MAX_LEVEL, level_label

HORIZON_TITLES = ("Next 90 days", "Next 6 months", "Next 12 months")
ROADMAP_STAGES = {
    1: "Foundations: strategy, versioning, documentation, data basics, people",
    2: "Pipelines and tracking",
    3: "CI/CD, registry and release",
    4: "Monitoring",
    5: "Continuous training and optimisation",
}


@dataclass(frozen=True)
class ComponentGuidance:
    looks_like: str
    next_step: str


@dataclass(frozen=True)
class ComponentMeta:
    slug: str
    section_slug: str
    title: str
    foundation: bool
    roadmap_stage: int  # 1..5, see ROADMAP_STAGES
    guidance: Mapping[int, ComponentGuidance]  # by level 0..4

    def __post_init__(self) -> None:
        if self.roadmap_stage not in ROADMAP_STAGES:
            raise ValueError(
                f"Component {self.slug!r}: roadmap_stage must be 1 to 5, got {self.roadmap_stage!r}"
            )


@dataclass(frozen=True)
class RoadmapItem:
    component: str
    title: str
    section: str
    current_level: int
    current_label: str
    target_level: int
    target_label: str
    next_step: str
    holds_gate: bool
    foundation: bool
    roadmap_stage: int
    horizon: str


@dataclass(frozen=True)
class Horizon:
    title: str
    items: tuple[RoadmapItem, ...]


@dataclass(frozen=True)
class FindOut:
    """A "Don't know" answer: finding out is a step of its own."""

    question: str
    text: str
    component: str


@dataclass(frozen=True)
class Roadmap:
    horizons: tuple[Horizon, ...]  # always all three, in HORIZON_TITLES order
    items: tuple[RoadmapItem, ...]  # every item, most important first
    to_find_out: tuple[FindOut, ...]

    def top(self, n: int) -> tuple[RoadmapItem, ...]:
        if n < 0:
            raise ValueError(f"top() needs a count of 0 or more, got {n}")
        return self.items[:n]


def build_roadmap(
    result: AssessmentResult,
    components: Mapping[str, ComponentMeta],
    question_texts: Mapping[str, str],
) -> Roadmap:
    """Every scored component below Automated becomes one item, in priority order."""
    gate_holders = set(result.overall.gate_components)
    candidates: list[tuple[tuple[bool, int, int, int], str, ComponentResult, ComponentMeta]] = []
    bank_index = 0
    for section in result.sections:
        for component in section.components:
            bank_index += 1
            if component.level is None or component.level >= MAX_LEVEL:
                continue
            meta = _meta(components, component.slug)
            priority = (
                component.slug not in gate_holders,  # False sorts first
                component.level,
                meta.roadmap_stage,
                bank_index,
            )
            candidates.append((priority, section.slug, component, meta))
    candidates.sort(key=lambda candidate: candidate[0])

    sizes = horizon_sizes(len(candidates), gate_holders=len(gate_holders))
    horizon_of = [
        title for title, size in zip(HORIZON_TITLES, sizes, strict=True) for _ in range(size)
    ]
    items = tuple(
        _item(component, section_slug, meta, component.slug in gate_holders, horizon)
        for (_, section_slug, component, meta), horizon in zip(candidates, horizon_of, strict=True)
    )
    return Roadmap(
        horizons=tuple(
            Horizon(title, tuple(item for item in items if item.horizon == title))
            for title in HORIZON_TITLES
        ),
        items=items,
        to_find_out=tuple(
            FindOut(
                answer.question, _question_text(question_texts, answer.question), answer.component
            )
            for answer in result.answers
            if answer.status == DONT_KNOW
        ),
    )


def horizon_sizes(total: int, *, gate_holders: int) -> tuple[int, int, int]:
    """How many of the ordered items go into each horizon.

    The first horizon takes the first third (rounded up) and never fewer than the
    gate-holders, because the overall level cannot rise past Repeatable until they
    are fixed. The rest is halved, the extra item going to the earlier horizon.
    """
    first = min(total, max(gate_holders, -(-total // 3)))
    rest = total - first
    second = -(-rest // 2)
    return first, second, rest - second


def _item(
    component: ComponentResult,
    section_slug: str,
    meta: ComponentMeta,
    holds_gate: bool,
    horizon: str,
) -> RoadmapItem:
    level = component.level
    assert level is not None  # only scored components reach the roadmap
    guidance = meta.guidance.get(level)
    if guidance is None:
        raise ValueError(f"Component {component.slug!r} has no guidance for level {level}")
    return RoadmapItem(
        component=component.slug,
        title=component.title,
        section=section_slug,
        current_level=level,
        current_label=level_label(level),
        target_level=level + 1,
        target_label=level_label(level + 1),
        next_step=guidance.next_step,
        holds_gate=holds_gate,
        foundation=component.foundation,
        roadmap_stage=meta.roadmap_stage,
        horizon=horizon,
    )


def _meta(components: Mapping[str, ComponentMeta], slug: str) -> ComponentMeta:
    try:
        return components[slug]
    except KeyError:
        raise ValueError(f"No roadmap details for component {slug!r}") from None


def _question_text(question_texts: Mapping[str, str], slug: str) -> str:
    try:
        return question_texts[slug]
    except KeyError:
        raise ValueError(f"No text for question {slug!r}") from None
