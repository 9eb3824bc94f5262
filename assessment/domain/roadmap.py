"""The plan: the gap between a result and its targets, as workstreams in three horizons.
A pure function of a result; order and horizons are explained in docs/scoring.md
("The plan").
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace

from assessment.domain.scoring import ANSWERED, DONT_KNOW, AssessmentResult, ComponentResult
from assessment.levels import level_label

HORIZON_TITLES = ("Next 90 days", "Next 6 months", "Next 12 months")
ROADMAP_STAGES = {
    1: "Foundations: strategy, versioning, documentation, data basics, people",
    2: "Pipelines and tracking",
    3: "CI/CD, registry and release",
    4: "Monitoring",
    5: "Continuous training and optimisation",
}
# Workstreams per horizon: few enough that a team can run them at once. The first horizon
# stretches to FIRST_HORIZON_MOST only to keep workstreams that hold the gate together.
FIRST_HORIZON_WORKSTREAMS = 6
FIRST_HORIZON_MOST = 7
SECOND_HORIZON_WORKSTREAMS = 6


@dataclass(frozen=True)
class ComponentGuidance:
    looks_like: str
    next_step: str


@dataclass(frozen=True)
class QuestionSteps:
    """A question's next step from each level below Automated (bank v2; empty in v1)."""

    slug: str
    next_steps: Mapping[int, str] = field(default_factory=dict)


@dataclass(frozen=True)
class ComponentMeta:
    slug: str
    section_slug: str
    title: str
    foundation: bool
    roadmap_stage: int  # 1..5, see ROADMAP_STAGES
    guidance: Mapping[int, ComponentGuidance]  # by level 0..4
    # The components that move together; empty: the component is a workstream of its own.
    workstream: str = ""
    workstream_title: str = ""
    questions: tuple[QuestionSteps, ...] = ()

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
    question: str | None  # the weakest question, whose next step this is
    holds_gate: bool
    foundation: bool
    roadmap_stage: int
    workstream: str
    horizon: str

    @property
    def gap(self) -> int:
        return self.target_level - self.current_level


@dataclass(frozen=True)
class Workstream:
    slug: str
    title: str
    horizon: str
    items: tuple[RoadmapItem, ...]  # most important first

    @property
    def holds_gate(self) -> bool:
        return any(item.holds_gate for item in self.items)


@dataclass(frozen=True)
class Horizon:
    title: str
    workstreams: tuple[Workstream, ...]

    @property
    def items(self) -> tuple[RoadmapItem, ...]:
        return tuple(item for workstream in self.workstreams for item in workstream.items)


@dataclass(frozen=True)
class FindOut:
    """A "Don't know" answer: finding out is a step of its own."""

    question: str
    text: str
    component: str


@dataclass(frozen=True)
class Roadmap:
    horizons: tuple[Horizon, ...]  # always all three, in HORIZON_TITLES order
    workstreams: tuple[Workstream, ...]  # every workstream, most important first
    to_find_out: tuple[FindOut, ...]

    @property
    def items(self) -> tuple[RoadmapItem, ...]:
        """Every item, workstream by workstream, most important first."""
        return tuple(item for workstream in self.workstreams for item in workstream.items)

    def top(self, n: int) -> tuple[RoadmapItem, ...]:
        """The most important item of each of the first ``n`` workstreams."""
        if n < 0:
            raise ValueError(f"top() needs a count of 0 or more, got {n}")
        return tuple(workstream.items[0] for workstream in self.workstreams[:n])


def build_roadmap(
    result: AssessmentResult,
    components: Mapping[str, ComponentMeta],
    question_texts: Mapping[str, str],
    targets: Mapping[str, int],
) -> Roadmap:
    """Every scored component below its target becomes one item, grouped in workstreams."""
    gate_holders = set(result.overall.gate_components)
    answered_levels = {
        answer.question: answer.level for answer in result.answers if answer.status == ANSWERED
    }
    ranked: list[tuple[tuple, RoadmapItem]] = []
    bank_index = 0
    for section in result.sections:
        for component in section.components:
            bank_index += 1
            target = targets.get(component.slug)
            if component.level is None or target is None or target <= component.level:
                continue
            meta = _meta(components, component.slug)
            holds_gate = component.slug in gate_holders
            gap = target - component.level
            priority = (
                not holds_gate,  # False sorts first
                -gap * (6 - meta.roadmap_stage),  # the biggest gap, earlier stages weigh more
                meta.roadmap_stage,
                bank_index,
            )
            item = _item(component, section.slug, meta, target, holds_gate, answered_levels)
            ranked.append((priority, item))
    ranked.sort(key=lambda pair: pair[0])

    grouped: dict[str, list[tuple[tuple, RoadmapItem]]] = {}
    titles: dict[str, str] = {}
    for priority, item in ranked:
        meta = components[item.component]
        slug = meta.workstream or item.component
        grouped.setdefault(slug, []).append((priority, item))
        titles.setdefault(slug, meta.workstream_title or meta.title)
    order = list(grouped)  # first seen is most important: ranked is sorted
    gate_workstreams = sum(any(item.holds_gate for _, item in grouped[s]) for s in order)
    sizes = horizon_sizes(len(order), gate_workstreams=gate_workstreams)
    horizon_of = [
        title for title, size in zip(HORIZON_TITLES, sizes, strict=True) for _ in range(size)
    ]
    workstreams = tuple(
        Workstream(
            slug=slug,
            title=titles[slug],
            horizon=horizon,
            items=tuple(replace(item, horizon=horizon) for _, item in grouped[slug]),
        )
        for slug, horizon in zip(order, horizon_of, strict=True)
    )
    return Roadmap(
        horizons=tuple(
            Horizon(title, tuple(w for w in workstreams if w.horizon == title))
            for title in HORIZON_TITLES
        ),
        workstreams=workstreams,
        to_find_out=tuple(
            FindOut(
                answer.question, _question_text(question_texts, answer.question), answer.component
            )
            for answer in result.answers
            if answer.status == DONT_KNOW
        ),
    )


def horizon_sizes(total: int, *, gate_workstreams: int) -> tuple[int, int, int]:
    """How many of the ordered workstreams go into each horizon.

    The next 90 days take the first six, stretched to seven when that many hold the gate
    (the overall level cannot rise past Repeatable until they are done); the next six
    months take the next six; the next twelve months the rest.
    """
    first = min(total, max(FIRST_HORIZON_WORKSTREAMS, min(gate_workstreams, FIRST_HORIZON_MOST)))
    second = min(total - first, SECOND_HORIZON_WORKSTREAMS)
    return first, second, total - first - second


def _item(
    component: ComponentResult,
    section_slug: str,
    meta: ComponentMeta,
    target: int,
    holds_gate: bool,
    answered_levels: Mapping[str, int | None],
) -> RoadmapItem:
    level = component.level
    assert level is not None  # only scored components reach the plan
    question, step = _weakest_step(meta, answered_levels)
    if not step:
        guidance = meta.guidance.get(level)
        if guidance is None:
            raise ValueError(f"Component {component.slug!r} has no guidance for level {level}")
        step = guidance.next_step
    return RoadmapItem(
        component=component.slug,
        title=component.title,
        section=section_slug,
        current_level=level,
        current_label=level_label(level),
        target_level=target,
        target_label=level_label(target),
        next_step=step,
        question=question,
        holds_gate=holds_gate,
        foundation=component.foundation,
        roadmap_stage=meta.roadmap_stage,
        workstream=meta.workstream or component.slug,
        horizon="",
    )


def _weakest_step(
    meta: ComponentMeta, answered_levels: Mapping[str, int | None]
) -> tuple[str | None, str]:
    """The next step of the component's lowest-answered question (the first, on a tie)
    that has one; (None, "") when no question carries next steps (bank v1)."""
    candidates = [
        (answered_levels[q.slug], index, q)
        for index, q in enumerate(meta.questions)
        if answered_levels.get(q.slug) is not None and answered_levels[q.slug] in q.next_steps
    ]
    if not candidates:
        return None, ""
    _, _, question = min(candidates, key=lambda candidate: candidate[:2])
    return question.slug, question.next_steps[answered_levels[question.slug]]


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
