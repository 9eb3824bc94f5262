"""Every level explains itself in one line (assessment/domain/explain.py): what the score
gives, and what held it back or capped it."""

from dataclasses import replace

import pytest

from assessment.domain.explain import (
    explain_component,
    explain_overall,
    explain_section,
    format_score,
)
from assessment.domain.scoring import AnswerValue, score_assessment
from tests.worked_example import WORKED_ANSWERS, WORKED_BANK

answered = AnswerValue.answered

# docs/scoring.md's rule v2 worked example.
WORKED_BANK_V2 = replace(WORKED_BANK, version="example-2", scoring_rule="v2")
WORKED_ANSWERS_V2 = {**WORKED_ANSWERS, "data-access": answered(4), "tracking-params": answered(1)}
TITLES = {
    "tracking-params": "Parameters tracked",
    "tracking-runs": "Runs tracked",
    "strategy-data": "Strategy and data",
    "model-lifecycle": "Model lifecycle",
    "ai-strategy": "AI strategy",
    "data-versioning": "Data versioning",
    "experiment-tracking": "Experiment tracking",
}


@pytest.fixture
def v2_result():
    return score_assessment(WORKED_BANK_V2, WORKED_ANSWERS_V2)


@pytest.fixture
def v1_result():
    return score_assessment(WORKED_BANK, WORKED_ANSWERS_V2)


def test_a_level_held_back_names_the_weakest_part_and_what_the_score_would_give(v2_result):
    line = explain_component(v2_result.component("experiment-tracking"), rule="v2", titles=TITLES)
    assert line == (
        "Repeatable — score 2.5 would round to Reproducible, held back by Parameters "
        "tracked (Manual)"
    )


def test_a_level_nothing_held_back_says_it_is_the_nearest_whole_level(v2_result):
    line = explain_component(v2_result.component("data-versioning"), rule="v2", titles=TITLES)
    assert line == "Automated — score 3.7, the nearest whole level"
    section = explain_section(v2_result.section("model-lifecycle"), rule="v2", titles=TITLES)
    assert section == "Reproducible — score 3.3, the nearest whole level"


def test_a_section_held_back_names_its_weakest_components():
    result = score_assessment(
        WORKED_BANK_V2,
        {**WORKED_ANSWERS_V2, "monitoring-service": answered(4), "tracking-runs": answered(1)},
    )
    # Experiment tracking (1, 1) is Manual; Monitoring 4: score 2.5 rounds to 3, cap 2.
    line = explain_section(result.section("model-lifecycle"), rule="v2", titles=TITLES)
    assert line == (
        "Repeatable — score 2.5 would round to Reproducible, held back by Experiment "
        "tracking (Manual)"
    )


def test_every_part_that_held_a_level_back_is_named():
    bank = replace(
        WORKED_BANK_V2,
        sections=(
            replace(
                WORKED_BANK_V2.sections[1],
                components=(
                    replace(
                        WORKED_BANK_V2.sections[1].components[0],
                        questions=("tracking-runs", "tracking-params", "q3", "q4"),
                    ),
                ),
            ),
        ),
    )
    result = score_assessment(
        bank,
        {
            "tracking-runs": answered(4),
            "tracking-params": answered(1),
            "q3": answered(4),
            "q4": answered(1),
        },
    )
    assert explain_component(result.component("experiment-tracking"), rule="v2", titles=TITLES) == (
        "Repeatable — score 2.5 would round to Reproducible, held back by Parameters "
        "tracked (Manual), q4 (Manual)"
    )


def test_the_gate_says_which_foundations_hold_the_overall_level(v2_result):
    line = explain_overall(v2_result.overall, rule="v2", titles=TITLES)
    assert line == (
        "Repeatable — score 2.8 would round to Reproducible; at most Repeatable while these "
        "foundations are below Repeatable: AI strategy"
    )


def test_a_gate_that_did_not_lower_the_level_is_not_mentioned():
    everything_manual = {slug: answered(1) for slug in WORKED_BANK_V2.question_slugs}
    result = score_assessment(WORKED_BANK_V2, everything_manual)
    assert result.overall.gate_components and not result.overall.gated
    assert explain_overall(result.overall, rule="v2", titles=TITLES) == (
        "Manual — score 1.0, the nearest whole level"
    )


def test_an_overall_level_held_back_and_then_gated_says_both(v2_result):
    overall = replace(
        v2_result.overall,
        score=3.6,
        level=2,
        ungated_level=3,
        uncapped_level=4,
        capped_by=("strategy-data",),
        gated=True,
        gate_components=("ai-strategy", "data-versioning"),
    )
    assert explain_overall(overall, rule="v2", titles=TITLES) == (
        "Repeatable — score 3.6 would round to Automated, held back to Reproducible by "
        "Strategy and data (Repeatable); at most Repeatable while these foundations are "
        "below Repeatable: AI strategy, Data versioning"
    )


def test_rule_v1_says_honestly_that_it_rounds_down(v1_result):
    # Data versioning 3, 4, 4: 3.67 is nearer Automated, but rule v1 rounds down.
    assert explain_component(v1_result.component("data-versioning"), rule="v1", titles={}) == (
        "Reproducible — score 3.7, rounded down by rule v1"
    )
    assert explain_component(v1_result.component("ai-strategy"), rule="v1", titles={}) == (
        "Manual — score 1.0"
    )
    # Section levels 2 and 3 average 2.5, rounded down to 2; the score is 2.79.
    assert explain_overall(v1_result.overall, rule="v1", titles=TITLES) == (
        "Repeatable — score 2.8, rounded down by rule v1"
    )


def test_rule_v1_names_what_held_a_level_back_and_the_gate():
    result = score_assessment(
        WORKED_BANK,
        {**WORKED_ANSWERS, "strategy-owner": answered(4), "strategy-roadmap": answered(4)},
    )
    # 4, 4, 1: the mean 3 rounds down to 3, but the manual budget holds it at 2.
    assert explain_component(result.component("ai-strategy"), rule="v1", titles={}) == (
        "Repeatable — score 3.0, held back by strategy-budget (Manual)"
    )
    gated = score_assessment(WORKED_BANK, WORKED_ANSWERS)  # docs/scoring.md, rule v1
    assert explain_overall(gated.overall, rule="v1", titles=TITLES) == (
        "Repeatable — score 3.1 gives Reproducible by rule v1; at most Repeatable while these "
        "foundations are below Repeatable: AI strategy"
    )


def test_nothing_scored_says_so(v2_result):
    result = score_assessment(WORKED_BANK_V2, {"monitoring-drift": AnswerValue.not_applicable()})
    assert explain_component(result.component("monitoring"), rule="v2", titles={}) == (
        "No level: nothing here was scored (all Not applicable or unanswered)."
    )


@pytest.mark.parametrize(
    ("score", "shown"), [(2.25, "2.3"), (2.79, "2.8"), (0.05, "0.1"), (3.0, "3.0"), (4, "4.0")]
)
def test_scores_are_shown_with_one_decimal_halves_up(score, shown):
    assert format_score(score) == shown


def test_an_optional_section_left_out_says_so():
    bank = replace(
        WORKED_BANK_V2,
        sections=(
            WORKED_BANK_V2.sections[0],
            replace(WORKED_BANK_V2.sections[1], optional=True),
        ),
    )
    result = score_assessment(
        bank, WORKED_ANSWERS_V2, skipped_sections=frozenset({"model-lifecycle"})
    )
    assert explain_section(result.section("model-lifecycle"), rule="v2", titles={}) == (
        "Left out: you said this section does not apply."
    )
