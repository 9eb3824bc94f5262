"""Banks v2 and v2.1 (fixtures/question_bank_v2.yaml, fixtures/question_bank_v2_1.yaml): each
loads, is pinned to rule v2, names its next step from each level for every question, and asks
no behaviour twice; v2.1 keeps every component of v2 in fewer questions, maps what it kept
from v2 and v1, and says how long it takes by the word-count method of the changes note."""

import copy
import difflib
import importlib.util
import itertools
import re
import sys

import pytest
from django.utils import timezone

from assessment import services
from assessment import structure as structure_module
from assessment.bank import load_bank, read_bank_file
from assessment.domain.scoring import AnswerValue, score_assessment
from assessment.models import Answer, Assessment
from assessment.structure import bank_structure
from tests import factories, personas_v2
from tests.factories import FIXTURES

V1 = FIXTURES / "question_bank_v1.yaml"
V2 = FIXTURES / "question_bank_v2.yaml"
V2_1 = FIXTURES / "question_bank_v2_1.yaml"
# Two options of different questions this alike read as the same behaviour asked twice.
NEAR_DUPLICATE = 0.9
# version, file, how many questions it holds
BANKS = [("2", V2, range(130, 140)), ("2.1", V2_1, range(85, 96))]
BANK_IDS = [version for version, _, _ in BANKS]


@pytest.fixture(scope="module", params=BANKS, ids=BANK_IDS)
def bank_file(request):
    version, path, sizes = request.param
    return version, read_bank_file(path), sizes


@pytest.fixture
def bank_data(bank_file):
    return bank_file[1]


@pytest.fixture
def loaded(db, bank_data):
    return load_bank(data=bank_data).bank


def questions_of(data):
    for section in data["sections"]:
        for component in section["components"]:
            for question in component["questions"]:
                yield section, component, question


def slugs_of(data):
    return {question["slug"] for _, _, question in questions_of(data)}


def prefill_entries(data):
    declared = data.get("prefill_from") or []
    return declared if isinstance(declared, list) else [declared]


def test_the_bank_loads_cleanly_and_is_pinned_to_rule_v2(loaded, bank_file):
    version, _, sizes = bank_file
    assert loaded.version == version and loaded.scoring_rule == "v2"
    structure = bank_structure(loaded)
    assert structure.spec.scoring_rule == "v2"
    assert loaded.question_count == len(structure.questions)
    assert loaded.question_count in sizes


def test_loading_the_bank_twice_changes_nothing(loaded, bank_data):
    assert load_bank(data=bank_data).action == "unchanged"


def test_the_generative_ai_section_is_optional_and_asks_once_whether_it_applies(loaded):
    optional = [s for s in bank_structure(loaded).sections if s.optional]
    assert len(optional) == 1
    assert optional[0].applies_question.strip().endswith("?")


def test_every_question_names_its_next_step_from_each_level_below_automated(loaded):
    for question in bank_structure(loaded).questions:
        assert sorted(question.next_steps) == ["0", "1", "2", "3"], question.slug
        assert all(step.strip() for step in question.next_steps.values()), question.slug


def test_no_two_options_of_different_questions_read_alike(bank_data):
    options = [
        (question["slug"], choice["statement"].lower())
        for _, _, question in questions_of(bank_data)
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


def test_every_question_has_five_strictly_ordered_options_none_alike(bank_data):
    for _, _, question in questions_of(bank_data):
        levels = [choice["level"] for choice in question["choices"]]
        statements = [choice["statement"] for choice in question["choices"]]
        assert levels == [0, 1, 2, 3, 4], question["slug"]
        assert len(set(statements)) == 5, question["slug"]


def test_every_grid_row_asks_how_automated_a_step_is_and_no_practice_question_does(bank_data):
    """The grid has one question per component; the practice sections ask no question
    that names a grid row's component."""
    grid = [s for s in bank_data["sections"] if s.get("layout") == "grid"]
    assert len(grid) == 1
    assert all(len(component["questions"]) == 1 for component in grid[0]["components"])
    practice = slugs_of({"sections": [s for s in bank_data["sections"] if s not in grid]})
    assert not [slug for slug in practice if slug.startswith("grid-")]


def test_prefill_maps_only_to_questions_of_the_versions_it_names(bank_data):
    earlier_files = {"1.0": V1, "2": V2}
    entries = prefill_entries(bank_data)
    assert entries
    for entry in entries:
        earlier = read_bank_file(earlier_files[entry["version"]])
        assert earlier["version"] == entry["version"]
        assert set(entry["questions"]) <= slugs_of(bank_data)
        assert set(entry["questions"].values()) <= slugs_of(earlier)
        # One earlier answer fills at most one question.
        assert len(set(entry["questions"].values())) == len(entry["questions"])


def test_a_v2_bank_is_scored_by_rule_v2_and_v1_by_rule_v1(db, loaded):
    v1 = load_bank(data=read_bank_file(V1)).bank
    for bank, rule in ((v1, "v1"), (loaded, "v2")):
        spec = bank_structure(bank).spec
        answers = {slug: AnswerValue.answered(2) for slug in spec.question_slugs}
        assert score_assessment(spec, answers).scoring_rule == rule


# --- v2.1: the same components in fewer questions ------------------------------------------


@pytest.fixture(scope="module")
def v2_data():
    return read_bank_file(V2)


@pytest.fixture(scope="module")
def v2_1_data():
    return read_bank_file(V2_1)


def components_of(data):
    return {
        component["slug"]: (section["slug"], component.get("foundation", False))
        for section in data["sections"]
        for component in section["components"]
    }


def test_v2_1_keeps_every_component_of_v2_in_its_section_with_its_foundation_flag(
    v2_data, v2_1_data
):
    assert components_of(v2_1_data) == components_of(v2_data)
    assert [s["slug"] for s in v2_1_data["sections"]] == [s["slug"] for s in v2_data["sections"]]


def test_a_v2_slug_kept_in_v2_1_keeps_its_meaning_so_it_is_mapped(v2_data, v2_1_data):
    """A slug is reused only for a question whose five levels mean what they meant in v2;
    a merged or reworded question gets a new slug, so no v2 answer lands on a new meaning."""
    from_v2 = next(e for e in prefill_entries(v2_1_data) if e["version"] == "2")["questions"]
    reused = slugs_of(v2_1_data) & slugs_of(v2_data)
    assert reused == set(from_v2)
    assert all(from_v2[slug] == slug for slug in reused)


def test_v2_1_maps_from_v1_exactly_what_it_kept_from_v2_that_v2_had_kept_from_v1(
    v2_data, v2_1_data
):
    entries = {e["version"]: e["questions"] for e in prefill_entries(v2_1_data)}
    v2_from_v1 = v2_data["prefill_from"]["questions"]
    expected = {new: v2_from_v1[old] for new, old in entries["2"].items() if old in v2_from_v1}
    assert entries["1.0"] == expected


def bank_reading_time():
    path = FIXTURES.parent / "benchmarks" / "bank_reading_time.py"
    spec = importlib.util.spec_from_file_location("bank_reading_time", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault(spec.name, module)  # its dataclasses look their module up
    spec.loader.exec_module(module)
    return module


def test_v2_1_states_once_an_estimate_within_40_to_60_minutes_that_its_words_bear_out(
    v2_1_data,
):
    """docs/question-bank-v2-changes.md §7's method: every word on the pages at 200-230
    words a minute, the help on one question in four, 10 seconds a decision."""
    stated = re.findall(r"about (\d+) minutes, or about (\d+) without", v2_1_data["description"])
    assert len(stated) == 1 and len(re.findall(r"\d+ minutes", v2_1_data["description"])) == 1
    with_genai, without_genai = map(int, stated[0])
    reading = bank_reading_time()
    times = reading.section_times(v2_1_data)
    low, high = reading.minutes_range(times, 0.25)
    assert low <= with_genai <= high
    low, high = reading.minutes_range([t for t in times if not t.optional], 0.25)
    assert low <= without_genai <= high
    assert 40 <= without_genai < with_genai <= 60


def test_the_reading_time_method_gives_v2_the_figure_its_changes_note_states(v2_data):
    reading = bank_reading_time()
    low, high = reading.minutes_range(reading.section_times(v2_data), 0.25)
    assert low <= 95 <= high and (low, high) == (91, 102)


# --- Pre-filling v2.1 from an earlier assessment ---------------------------------------------


@pytest.fixture
def fresh_structures(monkeypatch):
    """Structures are cached by bank id and content; these tests load the same bank at the
    same id after a different earlier bank, so its question ids differ from the cached ones."""
    monkeypatch.setattr(structure_module, "_structure_cache", {})


def submitted_assessment(organisation, bank, user, answers):
    assessment = factories.make_assessment(organisation=organisation, bank=bank, created_by=user)
    for slug, value in answers.items():
        if value == personas_v2.NA:
            factories.answer(assessment, slug, status=Answer.Status.NOT_APPLICABLE)
        else:
            factories.answer(assessment, slug, value)
    Assessment.objects.filter(pk=assessment.pk).update(
        status=Assessment.Status.SUBMITTED, submitted_at=timezone.now()
    )
    return assessment


def test_a_v2_1_assessment_started_from_a_v2_one_copies_what_maps_and_names_the_rest(
    db, fresh_structures, org_a, alice, v2_data, v2_1_data
):
    v2 = load_bank(data=v2_data).bank
    v2_1 = load_bank(data=copy.deepcopy(v2_1_data)).bank
    answers = personas_v2.GOOGLE_LEVEL_1
    earlier = submitted_assessment(org_a, v2, alice, answers)

    outcome = services.start_assessment(
        organisation=org_a, user=alice, bank=v2_1, title="On v2.1", prefill_from=earlier
    )

    from_v2 = next(e for e in prefill_entries(v2_1_data) if e["version"] == "2")["questions"]
    copied = dict(outcome.assessment.answers.values_list("question__slug", "choice__level"))
    expected = {new: answers[old] for new, old in from_v2.items() if old in answers}
    assert copied == {
        slug: (None if level == personas_v2.NA else level) for slug, level in expected.items()
    }
    texts = {q["slug"]: q["text"] for _, _, q in questions_of(v2_data)}
    unmapped = set(answers) - set(from_v2.values())
    assert sorted(outcome.not_copied) == sorted(texts[slug] for slug in unmapped)
    assert "acceptance-criteria-timing" in unmapped and outcome.copied == len(expected)


def test_a_v2_1_assessment_started_from_a_v1_one_copies_through_the_v1_mapping(
    db, fresh_structures, org_a, alice, v2_1_data
):
    v1_data = read_bank_file(V1)
    v1 = load_bank(data=v1_data).bank
    v2_1 = load_bank(data=copy.deepcopy(v2_1_data)).bank
    answers = {q["slug"]: 2 for _, _, q in questions_of(v1_data)}
    earlier = submitted_assessment(org_a, v1, alice, answers)

    outcome = services.start_assessment(
        organisation=org_a, user=alice, bank=v2_1, title="From v1", prefill_from=earlier
    )

    from_v1 = next(e for e in prefill_entries(v2_1_data) if e["version"] == "1.0")["questions"]
    copied = dict(outcome.assessment.answers.values_list("question__slug", "choice__level"))
    assert copied == dict.fromkeys(from_v1, 2)
    assert set(from_v1.values()) < set(answers)
    assert len(outcome.not_copied) == len(answers) - len(from_v1)


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
