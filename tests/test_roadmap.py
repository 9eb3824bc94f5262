"""The plan: which components appear (those below target), how they group into
workstreams, in what order, and in which horizon."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from assessment.domain.roadmap import (
    HORIZON_TITLES,
    ComponentGuidance,
    ComponentMeta,
    QuestionSteps,
    build_roadmap,
    horizon_sizes,
)
from assessment.domain.scoring import (
    AnswerValue,
    BankSpec,
    ComponentSpec,
    SectionSpec,
    score_assessment,
)
from tests.worked_example import WORKED_ANSWERS, WORKED_BANK

# (section, component slug, foundation, roadmap stage); one question per component,
# named after it, so each component's level is simply its answer.
COMPONENTS = [
    ("strategy", "ai-strategy", True, 1),
    ("strategy", "people", False, 1),
    ("data", "data-versioning", True, 1),
    ("data", "feature-store", False, 2),
    ("lifecycle", "experiment-tracking", False, 2),
    ("lifecycle", "model-registry", False, 3),
    ("lifecycle", "monitoring", False, 4),
    ("lifecycle", "retraining", False, 5),
]


def make_bank() -> BankSpec:
    sections = {}
    for section, slug, foundation, _ in COMPONENTS:
        spec = ComponentSpec(slug, slug.replace("-", " ").capitalize(), foundation, (f"{slug}-q",))
        sections.setdefault(section, []).append(spec)
    return BankSpec(
        "roadmap-test",
        tuple(SectionSpec(s, s.capitalize(), tuple(cs)) for s, cs in sections.items()),
    )


def make_metas(workstreams: dict[str, str] | None = None) -> dict[str, ComponentMeta]:
    workstreams = workstreams or {}
    return {
        slug: ComponentMeta(
            slug=slug,
            section_slug=section,
            title=slug,
            foundation=foundation,
            roadmap_stage=stage,
            guidance={
                level: ComponentGuidance(f"{slug} at {level}", f"{slug}: step from {level}")
                for level in range(5)
            },
            workstream=workstreams.get(slug, ""),
            workstream_title=workstreams.get(slug, "").capitalize(),
        )
        for section, slug, foundation, stage in COMPONENTS
    }


BANK = make_bank()
METAS = make_metas()
TEXTS = {f"{slug}-q": f"How is {slug} done?" for _, slug, _, _ in COMPONENTS}
EVERYTHING_AUTOMATED = {slug: 4 for _, slug, _, _ in COMPONENTS}


def roadmap_for(levels, targets=None, metas=None):
    answers = {
        f"{slug}-q": value if isinstance(value, AnswerValue) else AnswerValue.answered(value)
        for slug, value in levels.items()
    }
    result = score_assessment(BANK, answers)
    return build_roadmap(result, metas or METAS, TEXTS, targets or EVERYTHING_AUTOMATED)


def slugs(items) -> list[str]:
    return [item.component for item in items]


def test_only_scored_components_below_their_target_are_in_the_plan():
    roadmap = roadmap_for(
        {
            "ai-strategy": 2,  # at its target
            "people": 1,  # below its target
            "data-versioning": AnswerValue.not_applicable(),
            "feature-store": 3,  # above its target
            # experiment-tracking unanswered
            "model-registry": 1,  # no target
            "monitoring": 0,
        },
        targets={"ai-strategy": 2, "people": 2, "feature-store": 2, "monitoring": 3},
    )

    assert sorted(slugs(roadmap.items)) == ["monitoring", "people"]


def test_an_item_goes_from_the_current_level_to_the_target_with_the_weakest_questions_step():
    steps = {level: f"question step from {level}" for level in range(4)}
    metas = {
        **METAS,
        "monitoring": ComponentMeta(
            "monitoring",
            "lifecycle",
            "Monitoring",
            False,
            4,
            METAS["monitoring"].guidance,
            questions=(QuestionSteps("monitoring-q", steps),),
        ),
    }
    roadmap = roadmap_for({"monitoring": 1}, targets={"monitoring": 3}, metas=metas)

    (item,) = roadmap.items
    assert (item.component, item.section) == ("monitoring", "lifecycle")
    assert (item.current_label, item.target_label, item.gap) == ("Manual", "Reproducible", 2)
    assert (item.question, item.next_step) == ("monitoring-q", "question step from 1")
    assert (item.foundation, item.holds_gate, item.roadmap_stage) == (False, False, 4)


def test_without_question_steps_the_components_guidance_gives_the_step():
    (item,) = roadmap_for({"monitoring": 2}).items

    assert (item.question, item.next_step) == (None, "monitoring: step from 2")


def test_foundation_components_holding_the_gate_come_first_whatever_their_gap():
    roadmap = roadmap_for(
        {"people": 0, "ai-strategy": 1, "retraining": 0},
        targets={"people": 4, "ai-strategy": 2, "retraining": 4},
    )

    # ai-strategy's weighted gap (1 × 5) is the smallest, but it holds the gate.
    assert slugs(roadmap.items) == ["ai-strategy", "people", "retraining"]
    assert [item.holds_gate for item in roadmap.items] == [True, False, False]


def test_then_the_biggest_gap_weighted_by_how_early_its_stage_is():
    roadmap = roadmap_for(
        {"retraining": 1, "monitoring": 3, "feature-store": 3, "people": 3},
        targets={"retraining": 4, "monitoring": 4, "feature-store": 4, "people": 4},
    )

    # weights: gap × (6 − stage): retraining 3 × 1 = 3, monitoring 1 × 2 = 2,
    # feature-store 1 × 4 = 4, people 1 × 5 = 5.
    assert slugs(roadmap.items) == ["people", "feature-store", "retraining", "monitoring"]


def test_ties_go_to_the_earlier_stage_then_bank_order():
    roadmap = roadmap_for(
        {"data-versioning": 2, "people": 2, "ai-strategy": 2, "model-registry": 1},
        targets={"data-versioning": 3, "people": 3, "ai-strategy": 3, "model-registry": 3},
    )

    # model-registry: 2 × 3 = 6 beats the others' 1 × 5 = 5.
    assert slugs(roadmap.items) == ["model-registry", "ai-strategy", "people", "data-versioning"]


def test_workstreams_are_ordered_by_their_most_important_item():
    metas = make_metas({"model-registry": "release", "monitoring": "release"})
    roadmap = roadmap_for({"monitoring": 1, "people": 2, "model-registry": 3}, metas=metas)

    # people: 2 × 5 = 10 outranks monitoring's 3 × 2 = 6, the release workstream's best.
    assert [w.slug for w in roadmap.workstreams] == ["people", "release"]
    assert slugs(roadmap.workstreams[1].items) == ["monitoring", "model-registry"]
    release = roadmap.workstreams[1]
    assert release.title == "Release"
    assert {item.workstream for item in release.items} == {"release"}


def test_the_next_90_days_hold_at_most_six_workstreams_then_six_then_the_rest():
    levels = {slug: 1 for _, slug, _, _ in COMPONENTS}  # every component its own workstream
    roadmap = roadmap_for(levels)

    assert [h.title for h in roadmap.horizons] == list(HORIZON_TITLES)
    assert [len(h.workstreams) for h in roadmap.horizons] == [6, 2, 0]
    assert [w for h in roadmap.horizons for w in h.workstreams] == list(roadmap.workstreams)
    assert all(
        item.horizon == h.title for h in roadmap.horizons for w in h.workstreams for item in w.items
    )


def test_all_three_horizons_are_present_even_when_empty():
    roadmap = roadmap_for({})

    assert [(h.title, h.workstreams) for h in roadmap.horizons] == [(t, ()) for t in HORIZON_TITLES]
    assert roadmap.items == ()


@pytest.mark.parametrize(
    ("total", "gate_workstreams", "sizes"),
    [
        (0, 0, (0, 0, 0)),
        (3, 0, (3, 0, 0)),
        (6, 0, (6, 0, 0)),
        (8, 0, (6, 2, 0)),
        (17, 0, (6, 6, 5)),
        (17, 7, (7, 6, 4)),
        (17, 9, (7, 6, 4)),
    ],
)
def test_horizon_sizes(total, gate_workstreams, sizes):
    assert horizon_sizes(total, gate_workstreams=gate_workstreams) == sizes


@settings(max_examples=200, deadline=None)
@given(st.integers(0, 60), st.data())
def test_horizon_sizes_cover_every_workstream_once_and_keep_90_days_to_at_most_seven(total, data):
    gate_workstreams = data.draw(st.integers(0, total))

    first, second, third = horizon_sizes(total, gate_workstreams=gate_workstreams)

    assert first + second + third == total
    assert first <= 7 and second <= 6
    assert first >= min(gate_workstreams, 7)
    assert third == 0 or (first >= 6 and second == 6)


def test_dont_know_answers_become_things_to_find_out():
    dont_know = AnswerValue.dont_know()
    roadmap = roadmap_for({"people": dont_know, "monitoring": dont_know, "retraining": 2})

    assert [(f.question, f.text, f.component) for f in roadmap.to_find_out] == [
        ("people-q", "How is people done?", "people"),
        ("monitoring-q", "How is monitoring done?", "monitoring"),
    ]


def test_top_gives_the_first_item_of_the_most_important_workstreams():
    metas = make_metas({"monitoring": "ops", "retraining": "ops"})
    roadmap = roadmap_for({"people": 0, "monitoring": 1, "retraining": 2}, metas=metas)

    assert slugs(roadmap.top(2)) == ["people", "monitoring"]
    assert slugs(roadmap.top(10)) == ["people", "monitoring"]
    assert roadmap.top(0) == ()
    with pytest.raises(ValueError):
        roadmap.top(-1)


def test_missing_component_details_or_guidance_are_reported_clearly():
    result = score_assessment(BANK, {"people-q": AnswerValue.answered(1)})
    without_guidance = {
        **METAS,
        "people": ComponentMeta("people", "strategy", "People", False, 1, {}),
    }

    with pytest.raises(ValueError, match="No roadmap details for component 'people'"):
        build_roadmap(result, {}, TEXTS, EVERYTHING_AUTOMATED)
    with pytest.raises(ValueError, match="'people' has no guidance for level 1"):
        build_roadmap(result, without_guidance, TEXTS, EVERYTHING_AUTOMATED)


def test_roadmap_stage_must_be_1_to_5():
    with pytest.raises(ValueError, match="roadmap_stage must be 1 to 5"):
        ComponentMeta("x", "s", "X", False, 6, {})


def test_worked_example_from_the_docs_gives_the_documented_plan():
    result = score_assessment(WORKED_BANK, WORKED_ANSWERS)
    stages = {"ai-strategy": 1, "data-versioning": 1, "experiment-tracking": 2, "monitoring": 4}
    metas = {
        component.slug: ComponentMeta(
            component.slug,
            section.slug,
            component.title,
            component.foundation,
            stages[component.slug],
            {level: ComponentGuidance("", f"step from {level}") for level in range(5)},
            workstream="foundations" if stages[component.slug] == 1 else component.slug,
            workstream_title="Foundations" if stages[component.slug] == 1 else component.title,
            questions=tuple(
                QuestionSteps(q, {level: f"{q}: from {level}" for level in range(4)})
                for q in component.questions
            ),
        )
        for section in WORKED_BANK.sections
        for component in section.components
    }
    targets = {"ai-strategy": 3, "data-versioning": 3, "experiment-tracking": 3, "monitoring": 4}

    roadmap = build_roadmap(result, metas, {"strategy-roadmap": "Is there an AI roadmap?"}, targets)

    assert [
        (w.title, [(i.component, i.current_label, i.target_label, i.next_step) for i in w.items])
        for w in roadmap.horizons[0].workstreams
    ] == [
        (
            "Foundations",
            [("ai-strategy", "Manual", "Reproducible", "strategy-budget: from 1")],
        ),
    ]
    assert [f.question for f in roadmap.to_find_out] == ["strategy-roadmap"]
