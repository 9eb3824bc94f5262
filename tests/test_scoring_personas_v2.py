"""Banks v2 and v2.1 with rule v2 give each published maturity level exactly its level, and every
result made with bank v1 scores as it always did."""

import pytest

from assessment.bank import load_bank, read_bank_file
from assessment.domain.roadmap import build_roadmap
from assessment.domain.scoring import AnswerValue, score_assessment
from assessment.domain.targets import IN_PRODUCTION, suggest_targets
from assessment.models import Answer, QuestionBank
from assessment.results import results_for
from assessment.structure import bank_structure
from tests import factories, personas, personas_v2, test_scoring_personas
from tests.factories import FIXTURES


def answer_values(persona: dict) -> dict:
    return {
        slug: AnswerValue.not_applicable() if value == "na" else AnswerValue.answered(value)
        for slug, value in persona.items()
    }


BANK_FILES = {"2": "question_bank_v2.yaml", "2.1": "question_bank_v2_1.yaml"}
PERSONAS_OF = {"2": personas_v2.BY_NAME, "2.1": personas_v2.BY_NAME_V2_1}


@pytest.fixture
def v2_structure(db):
    """Bank v2 through the real loader, as every page reads it."""
    return bank_structure(load_bank(data=read_bank_file(FIXTURES / "question_bank_v2.yaml")).bank)


@pytest.fixture
def v2_spec(v2_structure):
    return v2_structure.spec


@pytest.fixture(params=sorted(BANK_FILES))
def bank_and_personas(request, db):
    """Bank v2 or v2.1 through the real loader, with the personas' answers to it."""
    bank = load_bank(data=read_bank_file(FIXTURES / BANK_FILES[request.param])).bank
    return bank_structure(bank).spec, PERSONAS_OF[request.param]


@pytest.fixture
def v1_spec(db):
    bank = load_bank(data=read_bank_file(FIXTURES / "question_bank_v1.yaml")).bank
    return bank_structure(bank).spec


def scored_v2(spec, persona):
    return score_assessment(spec, answer_values(persona), skipped_sections=personas_v2.SKIPPED)


def overall_of(bank_and_personas, name):
    spec, personas = bank_and_personas
    result = scored_v2(spec, personas[name])
    return (result.overall.level, result.overall.label)


def test_every_persona_answers_every_question_outside_the_skipped_section(bank_and_personas):
    spec, personas = bank_and_personas
    for name, persona in personas.items():
        assert set(persona) <= set(spec.question_slugs), name
        result = scored_v2(spec, persona)
        assert result.is_complete, name
        assert result.section("genai").applies is False


def test_nothing_in_place_scores_not_in_place(bank_and_personas):
    assert overall_of(bank_and_personas, "nothing") == (0, "Not in place")


def test_microsoft_level_0_scores_manual(bank_and_personas):
    assert overall_of(bank_and_personas, "ms0") == (1, "Manual")


def test_google_level_0_scores_manual(bank_and_personas):
    assert overall_of(bank_and_personas, "g0") == (1, "Manual")


def test_microsoft_level_2_automated_training_scores_repeatable(bank_and_personas):
    assert overall_of(bank_and_personas, "ms2") == (2, "Repeatable")


def test_google_level_1_pipeline_automation_scores_reproducible(bank_and_personas):
    assert overall_of(bank_and_personas, "g1") == (3, "Reproducible")


def test_google_level_2_ci_cd_pipeline_automation_scores_automated(bank_and_personas):
    assert overall_of(bank_and_personas, "g2") == (4, "Automated")


# --- v1 results unchanged -------------------------------------------------------------

# The v1 personas' results as rule v1 gave them before rule v2 existed: scored with
# assessment/domain/scoring.py as it was at 04d4e52^ (the commit before rule v2) through the
# v1 bank file. Overall score (2 decimals, as results.json gives it), level and gate; then
# the level of every section and of every component in bank order ("-": nothing scored).
V1_BEFORE_RULE_V2 = {
    "MICROSOFT_LEVEL_0": {
        "score": 0.97,
        "level": 0,
        "gate_components": (
            "data-versioning",
            "experiment-tracking",
            "model-registry",
            "release-deployment",
            "model-monitoring",
            "model-data-documentation",
        ),
        "sections": "11001000",
        "components": "111111111101111000011110111101111111100100111-1111",
    },
    "GOOGLE_LEVEL_1": {
        "score": 2.54,
        "level": 2,
        "gate_components": (),
        "sections": "22222223",
        "components": "22223322333233323212222222222443343433333434323222",
    },
    "GOOGLE_LEVEL_2": {
        "score": 3.49,
        "level": 3,
        "gate_components": (),
        "sections": "33333333",
        "components": "33333343344333434333333333333444444434344444434434",
    },
}


def levels_in_order(results) -> str:
    return "".join("-" if r.level is None else str(r.level) for r in results)


def assert_as_before(result, before):
    assert round(result.overall.score, 2) == before["score"]
    assert result.overall.level == before["level"]
    assert result.overall.gate_components == before["gate_components"]
    assert levels_in_order(result.sections) == before["sections"]
    assert levels_in_order(c for s in result.sections for c in s.components) == before["components"]


def test_bank_v1_is_still_scored_by_rule_v1(v1_spec):
    assert v1_spec.scoring_rule == "v1"


@pytest.mark.parametrize("name", sorted(V1_BEFORE_RULE_V2))
def test_a_v1_persona_scores_exactly_as_before_rule_v2(v1_spec, name):
    result = test_scoring_personas.scored(v1_spec, getattr(personas, name))
    assert_as_before(result, V1_BEFORE_RULE_V2[name])


def test_a_stored_v1_assessment_scores_exactly_as_before_rule_v2(v1_spec, org_a, alice):
    """Through the database: answers saved as a respondent saves them, scored by results_for."""
    bank = QuestionBank.objects.get(version="1.0")
    assessment = factories.make_assessment(organisation=org_a, bank=bank, created_by=alice)
    for slug, level in personas.GOOGLE_LEVEL_1.items():
        if level == "na":
            factories.answer(assessment, slug, status=Answer.Status.NOT_APPLICABLE)
        else:
            factories.answer(assessment, slug, level)
    result = results_for(assessment).result
    assert result.scoring_rule == "v1"
    assert_as_before(result, V1_BEFORE_RULE_V2["GOOGLE_LEVEL_1"])


def test_the_v1_persona_checks_still_hold_through_the_loaded_v1_bank(v1_spec):
    # The v1 persona tests, run against the bank as loaded rather than as read from file.
    test_scoring_personas.test_a_microsoft_level_0_organisation_scores_not_in_place_or_manual(
        v1_spec
    )
    test_scoring_personas.test_a_google_level_1_organisation_scores_about_reproducible(v1_spec)
    test_scoring_personas.test_a_google_level_2_organisation_scores_about_automated(v1_spec)
    test_scoring_personas.test_the_personas_are_ranked_in_every_section(v1_spec)


@pytest.mark.parametrize("persona", ["ms0", "g0", "ms2", "g1"])
def test_a_v2_plan_holds_at_most_six_workstreams_for_90_days_each_naming_a_question_step(
    v2_structure, persona
):
    result = scored_v2(v2_structure.spec, personas_v2.BY_NAME[persona])
    targets = suggest_targets(IN_PRODUCTION, v2_structure.target_subjects)

    plan = build_roadmap(result, v2_structure.component_meta, v2_structure.question_texts, targets)

    below_target = {
        c.slug
        for s in result.sections
        for c in s.components
        if c.level is not None and c.level < targets[c.slug]
    }
    assert {item.component for item in plan.items} == below_target
    assert 0 < len(plan.horizons[0].workstreams) <= 6
    steps = {
        q.slug: q.next_steps
        for meta in v2_structure.component_meta.values()
        for q in meta.questions
    }
    for item in plan.items:
        assert item.question is not None, item.component
        assert item.next_step in steps[item.question].values()
