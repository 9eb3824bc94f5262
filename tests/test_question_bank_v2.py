"""Bank v2 (fixtures/question_bank_v2.yaml): it loads, it is pinned to rule v2, every
question names its next step from each level, and no behaviour is asked twice."""

import copy
import difflib
import itertools

import pytest

from assessment import services
from assessment.bank import load_bank, read_bank_file
from assessment.domain.scoring import AnswerValue, score_assessment
from assessment.structure import bank_structure
from tests import factories
from tests.factories import FIXTURES

V1 = FIXTURES / "question_bank_v1.yaml"
V2 = FIXTURES / "question_bank_v2.yaml"
# Two options of different questions this alike read as the same behaviour asked twice.
NEAR_DUPLICATE = 0.9


@pytest.fixture(scope="module")
def v2_data():
    return read_bank_file(V2)


@pytest.fixture
def v2(db, v2_data):
    return load_bank(data=v2_data).bank


def questions_of(data):
    for section in data["sections"]:
        for component in section["components"]:
            for question in component["questions"]:
                yield section, component, question


def test_bank_v2_loads_cleanly_and_is_pinned_to_rule_v2(v2):
    assert v2.version == "2" and v2.scoring_rule == "v2"
    structure = bank_structure(v2)
    assert structure.spec.scoring_rule == "v2"
    assert v2.question_count == len(structure.questions) > 100


def test_loading_v2_twice_changes_nothing(v2, v2_data):
    assert load_bank(data=v2_data).action == "unchanged"


def test_the_generative_ai_section_is_optional_and_asks_once_whether_it_applies(v2):
    optional = [s for s in bank_structure(v2).sections if s.optional]
    assert len(optional) == 1
    assert optional[0].applies_question.strip().endswith("?")


def test_every_question_names_its_next_step_from_each_level_below_automated(v2):
    for question in bank_structure(v2).questions:
        assert sorted(question.next_steps) == ["0", "1", "2", "3"], question.slug
        assert all(step.strip() for step in question.next_steps.values()), question.slug


def test_no_two_options_of_different_questions_read_alike(v2_data):
    options = [
        (question["slug"], choice["statement"].lower())
        for _, _, question in questions_of(v2_data)
        for choice in question["choices"]
    ]
    alike = [
        (a_slug, b_slug, a_text[:60])
        for (a_slug, a_text), (b_slug, b_text) in itertools.combinations(options, 2)
        if a_slug != b_slug
        and abs(len(a_text) - len(b_text)) < 0.2 * max(len(a_text), len(b_text))
        and difflib.SequenceMatcher(None, a_text, b_text).ratio() > NEAR_DUPLICATE
    ]
    assert alike == []


def test_every_question_has_five_strictly_ordered_options_none_alike(v2_data):
    for _, _, question in questions_of(v2_data):
        levels = [choice["level"] for choice in question["choices"]]
        statements = [choice["statement"] for choice in question["choices"]]
        assert levels == [0, 1, 2, 3, 4], question["slug"]
        assert len(set(statements)) == 5, question["slug"]


def test_prefill_maps_only_to_questions_that_exist_in_v1(v2_data):
    v1_slugs = {q["slug"] for _, _, q in questions_of(read_bank_file(V1))}
    v2_slugs = {q["slug"] for _, _, q in questions_of(v2_data)}
    prefill = v2_data["prefill_from"]
    assert prefill["version"] == read_bank_file(V1)["version"]
    assert set(prefill["questions"]) <= v2_slugs
    assert set(prefill["questions"].values()) <= v1_slugs


def test_a_v2_bank_is_scored_by_rule_v2_and_v1_by_rule_v1(db, v2):
    v1 = load_bank(data=read_bank_file(V1)).bank
    for bank, rule in ((v1, "v1"), (v2, "v2")):
        spec = bank_structure(bank).spec
        answers = {slug: AnswerValue.answered(2) for slug in spec.question_slugs}
        assert score_assessment(spec, answers).scoring_rule == rule


def test_an_assessment_on_a_new_version_copies_only_what_its_mapping_table_names(db, org_a, alice):
    """The new version renames one question (mapped), keeps one slug with a new meaning
    (not mapped: not copied) and maps the rest one to one."""
    earlier_data = read_bank_file(factories.SAMPLE_BANK_FILE)
    earlier_bank = load_bank(data=earlier_data).bank
    newer_data = copy.deepcopy(earlier_data)
    newer_data["version"] = "sample-2"
    questions = [q for _, _, q in questions_of(newer_data)]
    renamed, changed_meaning, *rest = questions
    old_slug = renamed["slug"]
    renamed["slug"] = f"{old_slug}-v2"
    newer_data["prefill_from"] = {
        "version": earlier_data["version"],
        "questions": {renamed["slug"]: old_slug, **{q["slug"]: q["slug"] for q in rest}},
    }
    newer_bank = load_bank(data=newer_data).bank
    earlier = factories.make_assessment(organisation=org_a, bank=earlier_bank, created_by=alice)
    factories.answer_all(earlier)
    earlier = services.submit_assessment(assessment=earlier, user=alice)

    outcome = services.start_assessment(
        organisation=org_a, user=alice, bank=newer_bank, title="Newer", prefill_from=earlier
    )

    copied = set(outcome.assessment.answers.values_list("question__slug", flat=True))
    assert renamed["slug"] in copied
    assert changed_meaning["slug"] not in copied
    assert changed_meaning["text"] in outcome.not_copied
    assert copied == {renamed["slug"], *(q["slug"] for q in rest)}
