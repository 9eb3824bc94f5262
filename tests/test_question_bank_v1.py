"""Content checks for the v1 MLOps maturity question bank.

These tests read fixtures/question_bank_v1.yaml with PyYAML directly, so they do not
depend on the loader (assessment/bank.py) or the database. The format is described in
docs/question-bank.md.
"""

import re
import statistics
from collections import Counter
from pathlib import Path

import pytest
import yaml

from tests.personas import GOOGLE_LEVEL_1, GOOGLE_LEVEL_2, MICROSOFT_LEVEL_0, PERSONAS

BANK_PATH = Path(__file__).resolve().parent.parent / "fixtures" / "question_bank_v1.yaml"

SLUG_RE = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
LEVELS = [0, 1, 2, 3, 4]

BANK_KEYS = {"version", "title", "status", "description", "sections"}
SECTION_KEYS = {"slug", "title", "layout", "intro", "components"}
COMPONENT_KEYS = {
    "slug",
    "title",
    "description",
    "foundation",
    "roadmap_stage",
    "guidance",
    "questions",
}
GUIDANCE_KEYS = {"level", "looks_like", "next_step"}
QUESTION_KEYS = {"slug", "text", "help", "allows_not_applicable", "choices"}
CHOICE_KEYS = {"level", "statement"}

# The seven practice sections (layout "questions") and the grid, in bank order.
PRACTICE_SECTIONS = [
    "business-alignment",
    "data-management",
    "model-lifecycle",
    "infrastructure",
    "documentation",
    "governance",
    "people",
]
GRID_SECTION = "pipeline-automation"

# Every pipeline component named in issue 3, mapped to its grid component slug.
PIPELINE_COMPONENTS = {
    "data ingestion": "grid-data-ingestion",
    "data validation": "grid-data-validation",
    "data versioning and lineage": "grid-data-versioning",
    "feature engineering / feature store": "grid-features",
    "training (including tuning)": "grid-training",
    "experiment tracking": "grid-experiment-tracking",
    "evaluation and validation": "grid-evaluation",
    "model registry and promotion": "grid-model-registry",
    "packaging": "grid-packaging",
    "deployment and serving": "grid-deployment",
    "prediction service": "grid-prediction-service",
    "service monitoring": "grid-service-monitoring",
    "drift and model-performance monitoring": "grid-drift-monitoring",
    "alerting and incident response": "grid-alerting",
    "retraining / continuous training": "grid-retraining",
    "feedback and ground-truth capture": "grid-feedback-capture",
    "online validation (A/B, canary, shadow)": "grid-online-validation",
    "rollback": "grid-rollback",
    "CI": "grid-ci",
    "CD": "grid-cd",
    "GitOps and infrastructure as code": "grid-gitops",
}

# Foundation components (justification in docs/question-bank.md).
FOUNDATION_COMPONENTS = {
    "data-versioning",
    "experiment-tracking",
    "model-registry",
    "release-deployment",
    "model-monitoring",
    "model-data-documentation",
}

# American spellings that should not appear in British English text.
AMERICAN_SPELLINGS = re.compile(
    r"\b(\w*(organiz|optimiz|standardiz|prioritiz|analyz|summariz|minimiz|maximiz)\w*"
    r"|behavior\w*|artifact\w*|catalog|catalogs|center|centers|color\w*"
    r"|modeling|labeling|labeled|canceled|program|programs|license[ds]?)\b",
    re.IGNORECASE,
)


@pytest.fixture(scope="module")
def bank():
    with BANK_PATH.open(encoding="utf-8") as handle:
        return yaml.safe_load(handle)


def sections(bank):
    return bank["sections"]


def components(bank, layout=None):
    return [
        component
        for section in bank["sections"]
        if layout is None or section["layout"] == layout
        for component in section["components"]
    ]


def questions(bank, layout=None):
    return [
        question for component in components(bank, layout) for question in component["questions"]
    ]


def section_of_question(bank):
    return {
        question["slug"]: section["slug"]
        for section in bank["sections"]
        for component in section["components"]
        for question in component["questions"]
    }


def all_texts(bank):
    """Every piece of prose in the bank, as (location, text) pairs."""
    yield "bank.description", bank["description"]
    for section in bank["sections"]:
        yield f"{section['slug']}.title", section["title"]
        yield f"{section['slug']}.intro", section["intro"]
        for component in section["components"]:
            yield f"{component['slug']}.title", component["title"]
            yield f"{component['slug']}.description", component["description"]
            for guidance in component["guidance"]:
                where = f"{component['slug']}.guidance[{guidance['level']}]"
                yield f"{where}.looks_like", guidance["looks_like"]
                yield f"{where}.next_step", guidance["next_step"]
            for question in component["questions"]:
                yield f"{question['slug']}.text", question["text"]
                yield f"{question['slug']}.help", question["help"]
                for choice in question["choices"]:
                    yield f"{question['slug']}[{choice['level']}]", choice["statement"]


def normalise(text):
    return " ".join(text.lower().split())


# --- structure -------------------------------------------------------------------------


def test_file_parses_with_expected_top_level_fields(bank):
    assert set(bank) == BANK_KEYS
    assert bank["version"] == "1.0"
    assert isinstance(bank["version"], str)
    assert bank["title"] == "MLOps Maturity Assessment"
    assert bank["status"] in {"draft", "published"}
    assert bank["description"].strip()


def test_every_mapping_has_exactly_the_documented_keys(bank):
    for section in sections(bank):
        assert set(section) == SECTION_KEYS, section["slug"]
        for component in section["components"]:
            assert set(component) == COMPONENT_KEYS, component["slug"]
            for guidance in component["guidance"]:
                assert set(guidance) == GUIDANCE_KEYS, component["slug"]
            for question in component["questions"]:
                assert set(question) == QUESTION_KEYS, question["slug"]
                for choice in question["choices"]:
                    assert set(choice) == CHOICE_KEYS, question["slug"]


def test_sections_are_the_seven_practice_sections_and_the_grid(bank):
    assert [section["slug"] for section in sections(bank)] == [
        *PRACTICE_SECTIONS,
        GRID_SECTION,
    ]
    layouts = {section["slug"]: section["layout"] for section in sections(bank)}
    assert layouts[GRID_SECTION] == "grid"
    assert all(layouts[slug] == "questions" for slug in PRACTICE_SECTIONS)


def test_every_section_has_a_title_and_an_introduction(bank):
    for section in sections(bank):
        assert section["title"].strip(), section["slug"]
        intro = section["intro"].strip()
        assert len(intro.split()) >= 30, f"{section['slug']} intro is too short"
        assert "answer" in intro.lower(), f"{section['slug']} intro must say who answers"


def test_slugs_match_the_pattern_and_are_unique(bank):
    section_slugs = [section["slug"] for section in sections(bank)]
    component_slugs = [component["slug"] for component in components(bank)]
    question_slugs = [question["slug"] for question in questions(bank)]
    for slug in section_slugs + component_slugs + question_slugs:
        assert isinstance(slug, str) and SLUG_RE.match(slug), slug
    for kind, slugs in (
        ("section", section_slugs),
        ("component", component_slugs),
        ("question", question_slugs),
    ):
        duplicates = [slug for slug, n in Counter(slugs).items() if n > 1]
        assert not duplicates, f"duplicate {kind} slugs: {duplicates}"


def test_every_question_has_five_choices_one_per_level_in_order(bank):
    for question in questions(bank):
        levels = [choice["level"] for choice in question["choices"]]
        assert levels == LEVELS, question["slug"]
        for choice in question["choices"]:
            assert isinstance(choice["statement"], str), question["slug"]
            assert choice["statement"].strip(), question["slug"]


def test_every_component_has_guidance_for_all_five_levels(bank):
    for component in components(bank):
        levels = [guidance["level"] for guidance in component["guidance"]]
        assert levels == LEVELS, component["slug"]
        for guidance in component["guidance"]:
            assert isinstance(guidance["looks_like"], str)
            assert isinstance(guidance["next_step"], str)
            assert guidance["looks_like"].strip(), component["slug"]
            assert guidance["next_step"].strip(), component["slug"]


def test_component_fields_have_valid_types(bank):
    for component in components(bank):
        assert isinstance(component["foundation"], bool), component["slug"]
        stage = component["roadmap_stage"]
        assert isinstance(stage, int) and 1 <= stage <= 5, component["slug"]
        assert component["title"].strip() and component["description"].strip()
    for question in questions(bank):
        assert isinstance(question["allows_not_applicable"], bool), question["slug"]
        assert question["text"].strip().endswith("?"), question["slug"]
        assert question["help"].strip(), question["slug"]


# --- counts ----------------------------------------------------------------------------


def test_practice_sections_have_25_to_30_components_and_80_to_100_questions(bank):
    assert len([s for s in sections(bank) if s["layout"] == "questions"]) == 7
    assert 25 <= len(components(bank, "questions")) <= 30
    assert 80 <= len(questions(bank, "questions")) <= 100


def test_practice_components_have_two_to_four_questions(bank):
    for component in components(bank, "questions"):
        assert 2 <= len(component["questions"]) <= 4, component["slug"]


def test_grid_components_have_exactly_one_question(bank):
    for component in components(bank, "grid"):
        assert len(component["questions"]) == 1, component["slug"]


@pytest.mark.parametrize("name,slug", sorted(PIPELINE_COMPONENTS.items()))
def test_pipeline_component_is_in_the_grid(bank, name, slug):
    grid = {component["slug"] for component in components(bank, "grid")}
    assert slug in grid, f"pipeline component {name!r} missing from the grid"


def test_grid_has_no_components_beyond_the_pipeline_components(bank):
    grid = {component["slug"] for component in components(bank, "grid")}
    assert grid == set(PIPELINE_COMPONENTS.values())


def test_grid_option_statements_are_short_enough_for_table_cells(bank):
    for question in questions(bank, "grid"):
        for choice in question["choices"]:
            words = len(choice["statement"].split())
            assert words <= 20, f"{question['slug']}[{choice['level']}]: {words} words"


def test_foundation_components_are_the_documented_six(bank):
    foundation = {c["slug"] for c in components(bank) if c["foundation"]}
    assert foundation == FOUNDATION_COMPONENTS
    assert not any(component["foundation"] for component in components(bank, "grid"))


# --- wording ---------------------------------------------------------------------------


def test_no_empty_or_duplicate_texts_anywhere(bank):
    seen = {}
    for where, text in all_texts(bank):
        assert isinstance(text, str) and text.strip(), f"empty text at {where}"
        key = normalise(text)
        assert key not in seen, f"{where} repeats {seen.get(key)}: {text!r}"
        seen[key] = where


def test_options_of_a_question_are_distinct(bank):
    for question in questions(bank):
        statements = [normalise(choice["statement"]) for choice in question["choices"]]
        assert len(set(statements)) == 5, question["slug"]


def test_dont_know_and_not_applicable_are_not_written_as_options(bank):
    for question in questions(bank):
        for choice in question["choices"]:
            lowered = choice["statement"].lower()
            assert not lowered.startswith(("don't know", "do not know")), question["slug"]
            assert "not applicable" not in lowered, question["slug"]


def test_help_explains_not_applicable_exactly_when_it_is_allowed(bank):
    for question in questions(bank):
        mentions = "not applicable" in question["help"].lower()
        assert mentions == question["allows_not_applicable"], question["slug"]


def test_help_texts_give_an_example(bank):
    for question in questions(bank):
        assert "example" in question["help"].lower(), question["slug"]


def test_text_uses_british_spelling(bank):
    for where, text in all_texts(bank):
        match = AMERICAN_SPELLINGS.search(text)
        assert match is None, f"{where}: {match.group(0)!r}"


# --- personas --------------------------------------------------------------------------


def answered_levels(persona):
    return [level for level in persona.values() if level != "na"]


@pytest.mark.parametrize("name", sorted(PERSONAS))
def test_persona_answers_every_question_of_the_bank_and_nothing_else(bank, name):
    persona = PERSONAS[name]
    slugs = {question["slug"] for question in questions(bank)}
    assert set(persona) - slugs == set(), "persona uses unknown question slugs"
    assert slugs - set(persona) == set(), "persona leaves bank questions unanswered"


@pytest.mark.parametrize("name", sorted(PERSONAS))
def test_persona_answers_are_levels_or_allowed_not_applicable(bank, name):
    persona = PERSONAS[name]
    allows_na = {q["slug"]: q["allows_not_applicable"] for q in questions(bank)}
    for slug, answer in persona.items():
        if answer == "na":
            assert allows_na[slug], f"{slug} does not allow Not applicable"
        else:
            assert answer in LEVELS, f"{slug}: {answer!r}"


@pytest.mark.parametrize("name", sorted(PERSONAS))
def test_persona_has_a_realistic_spread(name):
    levels = answered_levels(PERSONAS[name])
    counts = Counter(levels)
    assert len(counts) >= 2, "a real organisation is not at one level everywhere"
    # At least one answer in ten differs from the persona's most common level.
    assert max(counts.values()) <= 0.9 * len(levels)


def test_microsoft_level_0_persona_is_mostly_manual():
    levels = answered_levels(MICROSOFT_LEVEL_0)
    assert statistics.mean(levels) < 1.5
    assert max(levels) <= 2
    # Microsoft level 0: manual training and release, no tracking or monitoring, silos.
    for slug in (
        "grid-training-automation",
        "release-process",
        "experiment-tracking-run-records",
        "monitoring-scope",
        "collab-working-together",
    ):
        assert MICROSOFT_LEVEL_0[slug] <= 1, slug


def test_google_level_1_persona_has_pipeline_automation_but_no_pipeline_cicd():
    levels = answered_levels(GOOGLE_LEVEL_1)
    assert 2.5 <= statistics.mean(levels) <= 3.5
    # Google level 1: orchestrated pipeline with data and model validation, metadata
    # tracking and continuous training ...
    for slug in (
        "grid-data-validation-automation",
        "grid-training-automation",
        "grid-experiment-tracking-automation",
        "grid-evaluation-automation",
        "grid-retraining-automation",
        "training-pipeline-symmetry",
    ):
        assert GOOGLE_LEVEL_1[slug] >= 3, slug
    # ... but pipeline changes are still tested and deployed by hand.
    for slug in (
        "grid-ci-automation",
        "grid-cd-automation",
        "change-control-pipeline-delivery",
    ):
        assert GOOGLE_LEVEL_1[slug] <= 2, slug


def test_google_level_2_persona_has_cicd_for_pipelines():
    levels = answered_levels(GOOGLE_LEVEL_2)
    assert statistics.mean(levels) >= 3.5
    assert min(levels) >= 2
    # Google level 2: source control, CI and CD of the pipeline, registry, feature store,
    # metadata store and orchestrator.
    for slug in (
        "grid-ci-automation",
        "grid-cd-automation",
        "change-control-pipeline-delivery",
        "grid-model-registry-automation",
        "grid-features-automation",
        "grid-experiment-tracking-automation",
        "orchestration-workflows",
    ):
        assert GOOGLE_LEVEL_2[slug] >= 3, slug


def test_personas_are_ordered_in_every_section(bank):
    section_of = section_of_question(bank)

    def section_means(persona):
        by_section = {}
        for slug, answer in persona.items():
            if answer != "na":
                by_section.setdefault(section_of[slug], []).append(answer)
        return {slug: statistics.mean(values) for slug, values in by_section.items()}

    ms0 = section_means(MICROSOFT_LEVEL_0)
    g1 = section_means(GOOGLE_LEVEL_1)
    g2 = section_means(GOOGLE_LEVEL_2)
    for section in sections(bank):
        slug = section["slug"]
        assert ms0[slug] < g1[slug] < g2[slug], slug
