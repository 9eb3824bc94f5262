"""The scoring rule, clause by clause, then as properties over random banks."""

import json
import math
import random
from dataclasses import replace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from assessment.domain.scoring import (
    AnswerValue,
    BankSpec,
    ComponentSpec,
    SectionSpec,
    round_score,
    score_assessment,
)
from assessment.levels import LEVEL_LABELS
from tests.worked_example import WORKED_ANSWERS, WORKED_BANK

answered = AnswerValue.answered
NA = AnswerValue.not_applicable()
DK = AnswerValue.dont_know()


def one_component_bank(*questions: str, foundation: bool = False) -> BankSpec:
    component = ComponentSpec("c", "Component", foundation, questions)
    return BankSpec("test", (SectionSpec("s", "Section", (component,)),))


def bank_from(layout: dict[str, dict[str, tuple[str, ...]]], foundations=()) -> BankSpec:
    """Build a bank from {section: {component: (question, ...)}}; titles are the slugs."""
    return BankSpec(
        "test",
        tuple(
            SectionSpec(
                section,
                section.title(),
                tuple(
                    ComponentSpec(component, component.title(), component in foundations, qs)
                    for component, qs in components.items()
                ),
            )
            for section, components in layout.items()
        ),
    )


# --- The worked examples of docs/scoring.md -------------------------------------


WORKED_BANK_V2 = replace(WORKED_BANK, version="example-2", scoring_rule="v2")
WORKED_ANSWERS_V2 = {
    **WORKED_ANSWERS,
    "data-access": answered(4),
    "tracking-params": answered(1),
}


def test_the_rule_v2_worked_example_gives_the_documented_numbers():
    result = score_assessment(WORKED_BANK_V2, WORKED_ANSWERS_V2)

    components = {
        c.slug: (c.score, c.level, c.capped_by) for s in result.sections for c in s.components
    }
    assert components == {
        "ai-strategy": (1.0, 1, ()),
        "data-versioning": (pytest.approx(11 / 3), 4, ()),
        "experiment-tracking": (2.5, 2, ("tracking-params",)),
        "monitoring": (4.0, 4, ()),
    }
    assert result.component("experiment-tracking").uncapped_level == 3
    sections = {s.slug: (round_score(s.score), s.level, s.capped_by) for s in result.sections}
    assert sections == {"strategy-data": (2.33, 2, ()), "model-lifecycle": (3.25, 3, ())}
    overall = result.overall
    assert (round_score(overall.score), overall.ungated_level, overall.level) == (2.79, 3, 2)
    assert overall.gated and overall.gate_components == ("ai-strategy",)
    assert result.as_dict()["scoring_rule"] == "v2"


def test_rule_v1_scores_the_same_answers_as_it_always_did():
    """The v2 example's answers by rule v1: levels rounded down, nothing held back."""
    result = score_assessment(WORKED_BANK, WORKED_ANSWERS_V2)
    assert result.component("data-versioning").level == 3
    assert result.component("experiment-tracking").level == 2
    assert result.component("experiment-tracking").capped_by == ()
    assert result.as_dict()["scoring_rule"] == "v1"


@pytest.mark.parametrize(
    ("levels", "level", "capped_by"),
    [
        ((2, 3), 3, ()),  # 2.5 rounds half up
        ((2, 2, 3), 2, ()),  # 2.33 rounds to 2
        ((4, 4, 1), 2, ("q3",)),  # 3.0, held back by the manual one
        ((4, 1, 1), 2, ()),  # 2.0 is already at the cap: nothing held it back
        ((0, 4), 1, ("q1",)),  # 2.0 would round to 2, the weakest + 1 is 1
    ],
)
def test_rule_v2_rounds_to_the_nearest_level_unless_the_weakest_part_holds_it_back(
    levels, level, capped_by
):
    slugs = tuple(f"q{n}" for n in range(1, len(levels) + 1))
    bank = replace(one_component_bank(*slugs), scoring_rule="v2")
    result = score_assessment(
        bank, {slug: answered(v) for slug, v in zip(slugs, levels, strict=True)}
    )
    component = result.component("c")
    assert component.level == level
    assert component.capped_by == capped_by


def test_an_unknown_scoring_rule_is_refused():
    with pytest.raises(ValueError, match="unknown scoring rule 'v9'"):
        replace(WORKED_BANK, scoring_rule="v9")


def test_an_optional_section_left_out_counts_in_no_level_and_no_total():
    bank = replace(
        WORKED_BANK_V2,
        sections=(WORKED_BANK.sections[0], replace(WORKED_BANK.sections[1], optional=True)),
    )
    result = score_assessment(
        bank, WORKED_ANSWERS_V2, skipped_sections=frozenset({"model-lifecycle"})
    )
    skipped = result.section("model-lifecycle")
    assert (skipped.applies, skipped.score, skipped.level) == (False, None, None)
    assert result.overall.score == result.section("strategy-data").score
    assert result.completeness.total == 6


def test_worked_example_from_the_docs_gives_the_documented_numbers():
    result = score_assessment(WORKED_BANK, WORKED_ANSWERS)

    expected_components = {
        "ai-strategy": (1.0, 1),
        "data-versioning": (10 / 3, 3),
        "experiment-tracking": (4.0, 4),
        "monitoring": (4.0, 4),
    }
    for slug, (score, level) in expected_components.items():
        assert result.component(slug).score == pytest.approx(score)
        assert result.component(slug).level == level
    assert result.section("strategy-data").score == pytest.approx(13 / 6)
    assert result.section("strategy-data").level == 2
    assert result.section("model-lifecycle").score == 4.0
    assert result.section("model-lifecycle").level == 4
    assert result.overall.score == pytest.approx(37 / 12)
    assert result.overall.ungated_level == 3
    assert result.overall.level == 2
    assert result.overall.label == "Repeatable"
    assert result.overall.gated is True
    assert result.overall.gate_components == ("ai-strategy",)
    assert result.dont_know == ("strategy-roadmap",)
    assert (result.completeness.answered, result.completeness.total) == (10, 10)

    as_dict = result.as_dict()
    assert [s["score"] for s in as_dict["sections"]] == [2.17, 4.0]
    assert [c["score"] for c in as_dict["sections"][0]["components"]] == [1.0, 3.33]
    # Exact arithmetic gives 3.08; rounding the sections first would give 3.09.
    assert as_dict["overall"]["score"] == 3.08


# --- Questions ---------------------------------------------------------------


@pytest.mark.parametrize("level", range(5))
def test_a_questions_score_and_level_are_its_answers_level(level):
    result = score_assessment(one_component_bank("q"), {"q": answered(level)})

    component = result.component("c")
    assert (component.score, component.level, component.label) == (
        level,
        level,
        LEVEL_LABELS[level],
    )


def test_dont_know_counts_as_zero_and_is_flagged():
    result = score_assessment(one_component_bank("q1", "q2"), {"q1": answered(4), "q2": DK})

    assert result.component("c").score == 2.0
    assert result.component("c").level == 1  # min(floor(2), 0 + 1)
    assert result.component("c").dont_know == ("q2",)
    assert result.dont_know == ("q2",)
    assert result.answers[1].status == "dont_know"
    assert result.answers[1].level is None


def test_not_applicable_questions_are_left_out():
    result = score_assessment(one_component_bank("q1", "q2"), {"q1": answered(3), "q2": NA})

    assert (result.component("c").score, result.component("c").level) == (3.0, 3)


def test_unanswered_questions_are_left_out_but_make_the_result_incomplete():
    result = score_assessment(one_component_bank("q1", "q2"), {"q1": answered(3)})

    assert (result.component("c").score, result.component("c").level) == (3.0, 3)
    assert (result.completeness.answered, result.completeness.total) == (1, 2)
    assert not result.is_complete
    assert result.answers[1].status == "unanswered"


def test_not_applicable_and_dont_know_count_as_answered_for_completeness():
    result = score_assessment(one_component_bank("q1", "q2"), {"q1": NA, "q2": DK})

    assert (result.completeness.answered, result.completeness.total) == (2, 2)
    assert result.is_complete
    assert (result.component("c").answered, result.component("c").total) == (2, 2)


# --- Tiers -------------------------------------------------------------------


def test_level_is_the_floor_of_the_mean_level():
    result = score_assessment(
        one_component_bank("q1", "q2"), {"q1": answered(2), "q2": answered(3)}
    )

    assert result.component("c").score == 2.5
    assert result.component("c").level == 2


def test_a_strong_area_lifts_a_level_at_most_one_above_its_weakest_part():
    bank = one_component_bank("q1", "q2", "q3")
    result = score_assessment(bank, {"q1": answered(4), "q2": answered(4), "q3": answered(1)})

    assert result.component("c").score == 3.0
    assert result.component("c").level == 2


def test_sections_and_overall_apply_the_same_rule_to_their_children():
    bank = bank_from({"s1": {"a": ("qa",), "b": ("qb",), "c": ("qc",)}, "s2": {"d": ("qd",)}})
    answers = {"qa": answered(4), "qb": answered(4), "qc": answered(1), "qd": answered(3)}

    result = score_assessment(bank, answers)

    assert result.section("s1").score == 3.0
    assert result.section("s1").level == 2  # min(floor(3), 1 + 1)
    assert result.section("s2").level == 3
    assert result.overall.score == 3.0  # mean of section scores, not of questions
    assert result.overall.level == 2  # min(floor(2.5), 2 + 1)


def test_sections_weigh_equally_whatever_their_number_of_questions():
    bank = bank_from({"s1": {"a": ("q1", "q2", "q3")}, "s2": {"b": ("q4",)}})
    answers = {"q1": answered(4), "q2": answered(4), "q3": answered(4), "q4": answered(0)}

    assert score_assessment(bank, answers).overall.score == 2.0


def test_a_component_with_nothing_applicable_is_left_out_of_its_section():
    bank = bank_from({"s": {"a": ("q1",), "b": ("q2",)}})

    result = score_assessment(bank, {"q1": NA, "q2": answered(1)})

    assert (result.component("a").score, result.component("a").level) == (None, None)
    assert result.component("a").label is None
    assert (result.section("s").score, result.section("s").level) == (1.0, 1)


def test_a_section_with_nothing_answered_has_no_score_and_is_left_out_of_overall():
    bank = bank_from({"s1": {"a": ("q1",)}, "s2": {"b": ("q2",)}})

    result = score_assessment(bank, {"q1": answered(3)})

    assert (result.section("s2").score, result.section("s2").level) == (None, None)
    assert result.section("s2").label is None
    assert (result.overall.score, result.overall.level) == (3.0, 3)


def test_an_empty_assessment_has_no_overall_result():
    result = score_assessment(bank_from({"s": {"a": ("q1",)}}, foundations=("a",)), {})

    overall = result.overall
    assert (overall.score, overall.level, overall.label) == (None, None, None)
    assert (overall.gated, overall.gate_components) == (False, ())


def test_scores_are_exact_fractions_until_the_end():
    bank = bank_from({"s": {"a": ("q1", "q2", "q3"), "b": ("q4", "q5", "q6")}})
    answers = {q: answered(level) for q, level in zip(["q1", "q2", "q3"], [1, 1, 2], strict=True)}
    answers |= {q: answered(level) for q, level in zip(["q4", "q5", "q6"], [2, 2, 2], strict=True)}

    # (4/3 + 2) / 2 = 5/3; floats of 1.33 and 2 would give 1.665.
    assert score_assessment(bank, answers).section("s").score == 5 / 3


# --- Foundation gate ---------------------------------------------------------

GATE_BANK = bank_from(
    {"s1": {"strategy": ("q1",), "docs": ("q2",)}, "s2": {"pipelines": ("q3",)}},
    foundations=("strategy", "docs"),
)


def test_foundation_gate_caps_the_overall_level_at_repeatable():
    answers = {"q1": answered(1), "q2": answered(4), "q3": answered(4)}

    overall = score_assessment(GATE_BANK, answers).overall

    assert overall.ungated_level == 3
    assert (overall.level, overall.label) == (2, "Repeatable")
    assert overall.gated is True
    assert overall.gate_components == ("strategy",)


def test_gate_is_not_reported_as_applied_when_it_did_not_lower_the_level():
    answers = {"q1": answered(1), "q2": answered(1), "q3": answered(1)}

    overall = score_assessment(GATE_BANK, answers).overall

    assert overall.level == 1
    assert overall.gated is False
    assert overall.gate_components == ("strategy", "docs")


def test_gate_components_are_listed_in_bank_order():
    answers = {"q1": answered(0), "q2": DK, "q3": answered(4)}

    assert score_assessment(GATE_BANK, answers).overall.gate_components == ("strategy", "docs")


def test_foundation_components_at_repeatable_do_not_hold_the_gate():
    answers = {"q1": answered(2), "q2": answered(4), "q3": answered(4)}

    overall = score_assessment(GATE_BANK, answers).overall

    assert overall.level == 3
    assert (overall.gated, overall.gate_components) == (False, ())


def test_an_unscored_foundation_component_does_not_hold_the_gate():
    answers = {"q1": NA, "q2": answered(4), "q3": answered(4)}

    overall = score_assessment(GATE_BANK, answers).overall

    assert overall.level == 4
    assert (overall.gated, overall.gate_components) == (False, ())


def test_non_foundation_components_never_hold_the_gate():
    answers = {"q1": answered(4), "q2": answered(4), "q3": answered(0)}

    assert score_assessment(GATE_BANK, answers).overall.gate_components == ()


# --- Validation --------------------------------------------------------------


@pytest.mark.parametrize("level", [-1, 5, None, 2.0, True, "3"])
def test_an_answered_value_needs_a_whole_level_from_0_to_4(level):
    with pytest.raises(ValueError, match="level from 0 to 4"):
        AnswerValue("answered", level)


@pytest.mark.parametrize("status", ["not_applicable", "dont_know"])
def test_not_applicable_and_dont_know_answers_carry_no_level(status):
    with pytest.raises(ValueError, match="has no level"):
        AnswerValue(status, 0)


@pytest.mark.parametrize("status", ["unanswered", "skipped", ""])
def test_unknown_answer_statuses_are_rejected(status):
    with pytest.raises(ValueError, match="Unknown answer status"):
        AnswerValue(status)


def test_answers_for_questions_not_in_the_bank_are_rejected():
    with pytest.raises(ValueError, match="not in question bank test: ghost, zombie"):
        score_assessment(
            one_component_bank("q"), {"zombie": answered(1), "q": NA, "ghost": answered(2)}
        )


@pytest.mark.parametrize(
    ("layout", "kind"),
    [
        ({"s": {"a": ("q",), "b": ("q",)}}, "question"),
        ({"s1": {"a": ("q1",)}, "s2": {"a": ("q2",)}}, "component"),
    ],
)
def test_a_bank_with_repeated_slugs_is_rejected(layout, kind):
    with pytest.raises(ValueError, match=f"duplicate {kind} slugs"):
        bank_from(layout)


# --- Lookups and as_dict -----------------------------------------------------


def test_components_and_sections_can_be_looked_up_by_slug():
    result = score_assessment(WORKED_BANK, WORKED_ANSWERS)

    assert result.component("monitoring").title == "Monitoring"
    assert result.section("model-lifecycle").title == "Model lifecycle"
    with pytest.raises(KeyError):
        result.component("missing")
    with pytest.raises(KeyError):
        result.section("missing")


def test_as_dict_has_exactly_the_documented_results_json_shape():
    data = score_assessment(WORKED_BANK, WORKED_ANSWERS).as_dict()

    assert list(data) == ["scoring_rule", "completeness", "overall", "sections", "answers"]
    assert data["scoring_rule"] == "v1"
    assert data["completeness"] == {"answered": 10, "total": 10}
    assert list(data["overall"]) == [
        "score",
        "level",
        "label",
        "gated",
        "gate_components",
        "capped_by",
    ]
    assert data["overall"]["gate_components"] == ["ai-strategy"]
    for section in data["sections"]:
        assert list(section) == [
            "slug",
            "title",
            "score",
            "level",
            "label",
            "capped_by",
            "components",
        ]
        for component in section["components"]:
            assert list(component) == [
                "slug",
                "title",
                "score",
                "level",
                "label",
                "foundation",
                "capped_by",
            ]
    for answer in data["answers"]:
        assert list(answer) == ["question", "component", "section", "status", "level"]
    assert json.loads(json.dumps(data)) == data


def test_as_dict_lists_every_section_component_and_question_even_when_unscored():
    data = score_assessment(WORKED_BANK, {}).as_dict()

    assert [s["slug"] for s in data["sections"]] == ["strategy-data", "model-lifecycle"]
    assert all(
        (c["score"], c["level"], c["label"]) == (None, None, None)
        for s in data["sections"]
        for c in s["components"]
    )
    assert len(data["answers"]) == 10
    assert {(a["status"], a["level"]) for a in data["answers"]} == {("unanswered", None)}


def test_as_dict_answers_carry_a_level_only_when_answered():
    answers = {
        a["question"]: a for a in score_assessment(WORKED_BANK, WORKED_ANSWERS).as_dict()["answers"]
    }

    assert answers["strategy-owner"] == {
        "question": "strategy-owner",
        "component": "ai-strategy",
        "section": "strategy-data",
        "status": "answered",
        "level": 2,
    }
    assert (answers["strategy-roadmap"]["status"], answers["strategy-roadmap"]["level"]) == (
        "dont_know",
        None,
    )
    assert (answers["monitoring-drift"]["status"], answers["monitoring-drift"]["level"]) == (
        "not_applicable",
        None,
    )


def test_scores_in_as_dict_are_rounded_to_two_decimals_halves_up():
    questions = tuple(f"q{i}" for i in range(8))
    levels = [3, 3, 3, 2, 2, 2, 1, 1]  # 17 / 8 = 2.125 exactly
    result = score_assessment(
        one_component_bank(*questions),
        {q: answered(level) for q, level in zip(questions, levels, strict=True)},
    )

    assert result.component("c").score == 2.125
    assert result.as_dict()["sections"][0]["components"][0]["score"] == 2.13


# --- Properties --------------------------------------------------------------

ANSWER_CHOICES = st.one_of(
    st.integers(0, 4).map(AnswerValue.answered),
    st.just(NA),
    st.just(DK),
    st.none(),  # unanswered
)


@st.composite
def banks(draw) -> BankSpec:
    sections = []
    for s in range(draw(st.integers(1, 4))):
        components = []
        for c in range(draw(st.integers(1, 4))):
            questions = tuple(f"s{s}c{c}q{q}" for q in range(draw(st.integers(1, 4))))
            components.append(
                ComponentSpec(f"s{s}c{c}", f"C {s}.{c}", draw(st.booleans()), questions)
            )
        sections.append(SectionSpec(f"s{s}", f"Section {s}", tuple(components)))
    return BankSpec("hypothesis", tuple(sections))


@st.composite
def banks_with_answers(draw) -> tuple[BankSpec, dict[str, AnswerValue]]:
    bank = draw(banks())
    answers = {}
    for question in sorted(bank.question_slugs):
        value = draw(ANSWER_CHOICES)
        if value is not None:
            answers[question] = value
    return bank, answers


def every_node(result):
    """(node, child levels) for every scored node; question children as their levels."""
    by_component = {}
    for answer in result.answers:
        if answer.status in ("answered", "dont_know"):
            by_component.setdefault(answer.component, []).append(answer.level or 0)
    for section in result.sections:
        for component in section.components:
            yield component, by_component.get(component.slug, [])
        yield section, [c.level for c in section.components if c.level is not None]
    yield result.overall, [s.level for s in result.sections if s.level is not None]


def all_levels_and_scores(result):
    return [(node.score, node.level) for node, _ in every_node(result)]


@settings(max_examples=150, deadline=None)
@given(banks(), st.integers(0, 4))
def test_all_answers_at_one_level_give_that_level_everywhere(bank, level):
    answers = {q: AnswerValue.answered(level) for q in sorted(bank.question_slugs)}

    result = score_assessment(bank, answers)

    assert set(all_levels_and_scores(result)) == {(level, level)}
    assert result.overall.gated is False


@settings(max_examples=150, deadline=None)
@given(banks_with_answers(), st.data())
def test_raising_any_one_answer_never_lowers_any_score_or_level(bank_and_answers, data):
    bank, answers = bank_and_answers
    raisable = sorted(
        q
        for q, v in answers.items()
        if v.status == "dont_know" or (v.level is not None and v.level < 4)
    )
    if not raisable:
        return
    question = data.draw(st.sampled_from(raisable))
    current = answers[question]
    lowest = 0 if current.level is None else current.level + 1  # Don't know counts as 0
    raised = {**answers, question: AnswerValue.answered(data.draw(st.integers(lowest, 4)))}

    before = all_levels_and_scores(score_assessment(bank, answers))
    after = all_levels_and_scores(score_assessment(bank, raised))

    for (old_score, old_level), (new_score, new_level) in zip(before, after, strict=True):
        assert (old_score is None) == (new_score is None)
        if old_score is not None:
            assert new_score >= old_score
            assert new_level >= old_level


@settings(max_examples=150, deadline=None)
@given(banks_with_answers(), st.data())
def test_not_applicable_answers_never_change_other_components(bank_and_answers, data):
    bank, answers = bank_and_answers
    question = data.draw(st.sampled_from(sorted(bank.question_slugs)))

    before = score_assessment(bank, answers)
    after = score_assessment(bank, {**answers, question: NA})

    owner = next(a.component for a in before.answers if a.question == question)
    for section_before, section_after in zip(before.sections, after.sections, strict=True):
        for old, new in zip(section_before.components, section_after.components, strict=True):
            if old.slug != owner:
                assert (old.score, old.level) == (new.score, new.level)


@settings(max_examples=100, deadline=None)
@given(banks_with_answers(), st.randoms(use_true_random=False))
def test_the_order_of_the_answers_changes_nothing(bank_and_answers, rng: random.Random):
    bank, answers = bank_and_answers
    items = list(answers.items())
    rng.shuffle(items)

    assert score_assessment(bank, dict(items)) == score_assessment(bank, answers)


@settings(max_examples=200, deadline=None)
@given(banks_with_answers())
def test_every_level_respects_the_rule_and_never_exceeds_its_score(bank_and_answers):
    bank, answers = bank_and_answers
    result = score_assessment(bank, answers)

    for node, child_levels in every_node(result):
        if not child_levels:
            assert (node.score, node.level) == (None, None)
            continue
        assert 0 <= node.level <= 4
        assert 0 <= node.score <= 4
        assert node.level <= math.floor(sum(child_levels) / len(child_levels))
        assert node.level <= min(child_levels) + 1
        assert node.level <= node.score
        assert node.label == LEVEL_LABELS[node.level]
