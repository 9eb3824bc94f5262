"""The roadmap: which components appear, in what order, and in which horizon."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from assessment.domain.roadmap import (
    HORIZON_TITLES,
    ComponentGuidance,
    ComponentMeta,
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


def make_metas() -> dict[str, ComponentMeta]:
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
        )
        for section, slug, foundation, stage in COMPONENTS
    }


BANK = make_bank()
METAS = make_metas()
TEXTS = {f"{slug}-q": f"How is {slug} done?" for _, slug, _, _ in COMPONENTS}


def roadmap_for(levels: dict[str, AnswerValue | int]):
    answers = {
        f"{slug}-q": value if isinstance(value, AnswerValue) else AnswerValue.answered(value)
        for slug, value in levels.items()
    }
    return build_roadmap(score_assessment(BANK, answers), METAS, TEXTS)


def slugs(items) -> list[str]:
    return [item.component for item in items]


def test_every_scored_component_below_automated_gets_one_item():
    roadmap = roadmap_for(
        {
            "ai-strategy": 4,
            "people": 3,
            "data-versioning": AnswerValue.not_applicable(),
            "feature-store": 0,
            # experiment-tracking unanswered
            "model-registry": 4,
            "monitoring": 2,
            "retraining": AnswerValue.dont_know(),
        }
    )

    assert sorted(slugs(roadmap.items)) == ["feature-store", "monitoring", "people", "retraining"]


def test_an_item_says_where_the_component_is_and_the_next_step_to_the_level_above():
    roadmap = roadmap_for({"monitoring": 2})

    (item,) = roadmap.items
    assert (item.component, item.title, item.section) == ("monitoring", "Monitoring", "lifecycle")
    assert (item.current_level, item.current_label) == (2, "Repeatable")
    assert (item.target_level, item.target_label) == (3, "Reproducible")
    assert item.next_step == "monitoring: step from 2"
    assert (item.foundation, item.holds_gate, item.roadmap_stage) == (False, False, 4)


def test_foundation_components_holding_the_gate_come_first():
    roadmap = roadmap_for({"retraining": 0, "data-versioning": 1, "ai-strategy": 2})

    assert slugs(roadmap.items) == ["data-versioning", "retraining", "ai-strategy"]
    assert [item.holds_gate for item in roadmap.items] == [True, False, False]


def test_then_lowest_level_first_then_earliest_stage_then_bank_order():
    roadmap = roadmap_for(
        {"retraining": 1, "model-registry": 1, "feature-store": 2, "people": 1, "monitoring": 0}
    )

    assert slugs(roadmap.items) == [
        "monitoring",  # level 0
        "people",  # level 1, stage 1
        "model-registry",  # level 1, stage 3
        "retraining",  # level 1, stage 5
        "feature-store",  # level 2
    ]


def test_ties_keep_bank_order():
    roadmap = roadmap_for({"data-versioning": 2, "people": 2, "ai-strategy": 2})

    assert slugs(roadmap.items) == ["ai-strategy", "people", "data-versioning"]


def test_horizons_split_the_ordered_items_into_thirds_earliest_first():
    levels = {slug: 3 for _, slug, _, _ in COMPONENTS}
    roadmap = roadmap_for(levels)

    assert [h.title for h in roadmap.horizons] == list(HORIZON_TITLES)
    assert [len(h.items) for h in roadmap.horizons] == [3, 3, 2]
    assert [item for h in roadmap.horizons for item in h.items] == list(roadmap.items)
    assert all(item.horizon == h.title for h in roadmap.horizons for item in h.items)


def test_every_gate_holder_is_in_the_first_horizon_even_beyond_a_third():
    roadmap = roadmap_for({"ai-strategy": 0, "data-versioning": 1, "people": 0})

    first, second, third = roadmap.horizons
    assert slugs(first.items) == ["ai-strategy", "data-versioning"]
    assert slugs(second.items) == ["people"]
    assert third.items == ()


def test_all_three_horizons_are_present_even_when_empty():
    roadmap = roadmap_for({})

    assert [(h.title, h.items) for h in roadmap.horizons] == [(t, ()) for t in HORIZON_TITLES]
    assert roadmap.items == ()


@pytest.mark.parametrize(
    ("total", "gate_holders", "sizes"),
    [
        (0, 0, (0, 0, 0)),
        (1, 0, (1, 0, 0)),
        (2, 0, (1, 1, 0)),
        (4, 0, (2, 1, 1)),
        (5, 0, (2, 2, 1)),
        (6, 0, (2, 2, 2)),
        (7, 0, (3, 2, 2)),
        (7, 5, (5, 1, 1)),
        (3, 3, (3, 0, 0)),
    ],
)
def test_horizon_sizes(total, gate_holders, sizes):
    assert horizon_sizes(total, gate_holders=gate_holders) == sizes


@settings(max_examples=200, deadline=None)
@given(st.integers(0, 60), st.data())
def test_horizon_sizes_cover_every_item_once_and_stay_balanced(total, data):
    gate_holders = data.draw(st.integers(0, total))

    first, second, third = horizon_sizes(total, gate_holders=gate_holders)

    assert first + second + third == total
    assert first >= gate_holders
    assert first >= second >= third >= second - 1
    if gate_holders <= -(-total // 3):
        assert max(first, second, third) - min(first, second, third) <= 1


def test_dont_know_answers_become_things_to_find_out():
    dont_know = AnswerValue.dont_know()
    roadmap = roadmap_for({"people": dont_know, "monitoring": dont_know, "retraining": 2})

    assert [(f.question, f.text, f.component) for f in roadmap.to_find_out] == [
        ("people-q", "How is people done?", "people"),
        ("monitoring-q", "How is monitoring done?", "monitoring"),
    ]


def test_top_gives_the_most_important_items():
    roadmap = roadmap_for({"people": 0, "monitoring": 1, "retraining": 2})

    assert slugs(roadmap.top(2)) == ["people", "monitoring"]
    assert slugs(roadmap.top(10)) == ["people", "monitoring", "retraining"]
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
        build_roadmap(result, {}, TEXTS)
    with pytest.raises(ValueError, match="'people' has no guidance for level 1"):
        build_roadmap(result, without_guidance, TEXTS)


def test_roadmap_stage_must_be_1_to_5():
    with pytest.raises(ValueError, match="roadmap_stage must be 1 to 5"):
        ComponentMeta("x", "s", "X", False, 6, {})


def test_worked_example_from_the_docs_gives_the_documented_roadmap():
    result = score_assessment(WORKED_BANK, WORKED_ANSWERS)
    metas = {
        component.slug: ComponentMeta(
            component.slug,
            section.slug,
            component.title,
            component.foundation,
            1,
            {level: ComponentGuidance("", f"step from {level}") for level in range(5)},
        )
        for section in WORKED_BANK.sections
        for component in section.components
    }

    roadmap = build_roadmap(result, metas, {"strategy-roadmap": "Is there an AI roadmap?"})

    assert [
        [(i.component, i.current_label, i.target_label) for i in h.items] for h in roadmap.horizons
    ] == [
        [("ai-strategy", "Manual", "Repeatable")],
        [("data-versioning", "Reproducible", "Automated")],
        [],
    ]
    assert [f.question for f in roadmap.to_find_out] == ["strategy-roadmap"]
