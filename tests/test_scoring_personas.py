"""The v1 bank scores organisations described by the published maturity models sensibly."""

import pytest

from assessment.bank import read_bank_file
from assessment.domain.scoring import (
    AnswerValue,
    BankSpec,
    ComponentSpec,
    SectionSpec,
    score_assessment,
)
from tests import factories
from tests.personas import GOOGLE_LEVEL_1, GOOGLE_LEVEL_2, MICROSOFT_LEVEL_0


@pytest.fixture(scope="module")
def v1_spec() -> BankSpec:
    data = read_bank_file(factories.FIXTURES / "question_bank_v1.yaml")
    return BankSpec(
        version=data["version"],
        sections=tuple(
            SectionSpec(
                slug=section["slug"],
                title=section["title"],
                components=tuple(
                    ComponentSpec(
                        slug=component["slug"],
                        title=component["title"],
                        foundation=component.get("foundation", False),
                        questions=tuple(q["slug"] for q in component["questions"]),
                    )
                    for component in section["components"]
                ),
            )
            for section in data["sections"]
        ),
    )


def scored(spec, persona):
    answers = {
        slug: AnswerValue.not_applicable() if value == "na" else AnswerValue.answered(value)
        for slug, value in persona.items()
    }
    return score_assessment(spec, answers)


def test_a_microsoft_level_0_organisation_scores_not_in_place_or_manual(v1_spec):
    result = scored(v1_spec, MICROSOFT_LEVEL_0)
    assert result.is_complete
    assert result.overall.level in (0, 1)
    assert result.overall.score < 1.5
    assert result.overall.gate_components  # its foundations are missing, and the report says so


def test_a_google_level_1_organisation_scores_about_reproducible(v1_spec):
    result = scored(v1_spec, GOOGLE_LEVEL_1)
    assert 2.5 <= result.overall.score < 3.5
    assert result.overall.level in (2, 3)
    grid = result.section("pipeline-automation")
    assert grid.level == 3


def test_a_google_level_2_organisation_scores_about_automated(v1_spec):
    result = scored(v1_spec, GOOGLE_LEVEL_2)
    assert result.overall.score >= 3.4
    assert result.overall.level >= 3
    assert not result.overall.gated


def test_the_personas_are_ranked_in_every_section(v1_spec):
    results = [scored(v1_spec, p) for p in (MICROSOFT_LEVEL_0, GOOGLE_LEVEL_1, GOOGLE_LEVEL_2)]
    for section in results[0].sections:
        scores = [result.section(section.slug).score for result in results]
        assert scores == sorted(scores), section.slug
