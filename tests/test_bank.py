import copy

import pytest
import yaml
from django.core.management import call_command
from django.core.management.base import CommandError

from assessment import selectors
from assessment.bank import BankFileError, BankLocked, load_bank, read_bank_file, validate_bank
from assessment.models import Choice, Component, ComponentGuidance, Question, QuestionBank, Section
from assessment.structure import bank_structure
from tests import factories


@pytest.fixture
def sample():
    return read_bank_file(factories.SAMPLE_BANK_FILE)


def messages(data):
    return [str(problem) for problem in validate_bank(data)]


def content_counts():
    return (
        QuestionBank.objects.count(),
        Section.objects.count(),
        Component.objects.count(),
        Question.objects.count(),
        Choice.objects.count(),
        ComponentGuidance.objects.count(),
    )


def test_the_sample_bank_is_valid(sample):
    assert validate_bank(sample) == []


@pytest.mark.django_db
def test_loading_the_sample_bank_creates_every_row(sample, capsys):
    call_command("load_question_bank", str(factories.SAMPLE_BANK_FILE))
    assert "created (Published): 3 sections, 5 components, 10 questions" in capsys.readouterr().out
    bank = QuestionBank.objects.get(version="sample-1")
    assert bank.question_count == 10
    assert content_counts() == (1, 3, 5, 10, 50, 25)
    assert list(bank.sections.values_list("slug", flat=True)) == [
        "data-management",
        "model-lifecycle",
        "pipeline-grid",
    ]
    assert Component.objects.get(slug="data-versioning").foundation
    assert Question.objects.get(slug="feature-store").allows_not_applicable
    assert bank.published_at is not None


@pytest.mark.django_db
def test_loading_the_same_file_twice_changes_nothing(capsys):
    call_command("load_question_bank", str(factories.SAMPLE_BANK_FILE))
    first_ids = list(Question.objects.order_by("id").values_list("id", flat=True))
    call_command("load_question_bank", str(factories.SAMPLE_BANK_FILE))
    assert "already loaded and unchanged" in capsys.readouterr().out
    assert list(Question.objects.order_by("id").values_list("id", flat=True)) == first_ids
    assert content_counts() == (1, 3, 5, 10, 50, 25)


@pytest.mark.django_db
def test_a_changed_file_for_a_version_with_assessments_is_refused(sample, assessment_a):
    changed = copy.deepcopy(sample)
    changed["sections"][0]["components"][0]["questions"][0]["text"] = "A reworded question?"
    with pytest.raises(BankLocked, match="used by 1 assessment"):
        load_bank(data=changed)
    assert Question.objects.filter(text="A reworded question?").count() == 0


@pytest.mark.django_db
def test_a_changed_file_for_an_unused_version_replaces_its_content(sample):
    load_bank(data=sample)
    changed = copy.deepcopy(sample)
    changed["sections"][0]["components"][0]["questions"][0]["text"] = "A reworded question?"
    assert load_bank(data=changed).action == "replaced"
    assert Question.objects.filter(text="A reworded question?").count() == 1
    assert content_counts() == (1, 3, 5, 10, 50, 25)


@pytest.mark.django_db
def test_publishing_a_new_version_retires_the_old_one(sample):
    old = load_bank(data=sample).bank
    newer = copy.deepcopy(sample)
    newer["version"] = "sample-2"
    new = load_bank(data=newer).bank
    old.refresh_from_db()
    assert (old.status, new.status) == ("retired", "published")


@pytest.mark.django_db
def test_the_command_lists_every_problem_and_loads_nothing(tmp_path, sample):
    broken = copy.deepcopy(sample)
    broken["sections"][0]["components"][0]["questions"][0]["choices"][1]["level"] = 7
    broken["sections"][1]["components"][0]["guidance"].pop()
    broken["sections"][2]["slug"] = "Pipeline Grid"
    path = tmp_path / "broken.yaml"
    path.write_text(yaml.safe_dump(broken), encoding="utf-8")
    with pytest.raises(CommandError) as raised:
        call_command("load_question_bank", str(path))
    text = str(raised.value)
    assert "has 3 problems; nothing was loaded" in text
    assert (
        "section 'data-management' › component 'data-versioning' › "
        "question 'training-data-versions' › choices[1]: level must be a whole number from 0 to 4"
    ) in text
    assert "component 'experiment-tracking': field 'guidance' is missing level(s) 4" in text
    assert "slug 'Pipeline Grid' must be lowercase" in text
    assert content_counts() == (0, 0, 0, 0, 0, 0)


@pytest.mark.django_db
def test_the_command_reports_yaml_syntax_errors_with_their_line(tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_text('version: "1"\nsections: [\n', encoding="utf-8")
    with pytest.raises(CommandError, match=r"bad.yaml, line 3, column 1: not valid YAML"):
        call_command("load_question_bank", str(path))


@pytest.mark.django_db
def test_the_command_reports_a_missing_file(tmp_path):
    with pytest.raises(CommandError, match="file not found"):
        call_command("load_question_bank", str(tmp_path / "missing.yaml"))


@pytest.mark.django_db
def test_a_locked_version_is_reported_by_the_command(tmp_path, sample, assessment_a):
    changed = copy.deepcopy(sample)
    changed["title"] = "Renamed"
    path = tmp_path / "changed.yaml"
    path.write_text(yaml.safe_dump(changed), encoding="utf-8")
    with pytest.raises(CommandError, match="cannot change.*Nothing was loaded"):
        call_command("load_question_bank", str(path))


def test_a_file_that_is_not_a_mapping_is_refused():
    assert messages(["a", "list"]) == ["bank: must be a mapping of fields, got a list"]


def test_unknown_fields_are_reported_so_typos_are_caught(sample):
    sample["sections"][0]["components"][0]["foundaton"] = True
    assert any("unknown field 'foundaton'" in message for message in messages(sample))


def test_duplicate_slugs_anywhere_in_the_bank_are_reported(sample):
    second_component = sample["sections"][1]["components"][0]
    second_component["slug"] = "data-versioning"
    second_component["questions"][0]["slug"] = "training-data-versions"
    found = messages(sample)
    assert any("component slug 'data-versioning' is used more than once" in m for m in found)
    assert any("question slug 'training-data-versions' is used more than once" in m for m in found)


def test_repeated_levels_and_statements_within_a_question_are_reported(sample):
    choices = sample["sections"][0]["components"][0]["questions"][0]["choices"]
    choices[2]["level"] = 1
    choices[4]["statement"] = choices[3]["statement"]
    found = messages(sample)
    assert any("choices[2]: level 1 appears more than once" in m for m in found)
    assert any("choice level 4: statement repeats another option" in m for m in found)


def test_wrong_types_are_reported_with_the_field(sample):
    component = sample["sections"][0]["components"][0]
    component["foundation"] = "yes"
    component["roadmap_stage"] = 9
    component["questions"][0]["text"] = ["not", "text"]
    found = messages(sample)
    assert any("field 'foundation' must be true or false" in m for m in found)
    assert any("field 'roadmap_stage' must be a whole number 1–5, got 9" in m for m in found)
    assert any("field 'text' must be text, got a list" in m for m in found)


def test_an_unknown_layout_or_status_is_reported(sample):
    sample["status"] = "live"
    sample["sections"][2]["layout"] = "matrix"
    found = messages(sample)
    assert "bank: field 'status' must be one of draft, published" in found
    assert "section 'pipeline-grid': field 'layout' must be one of questions, grid" in found


@pytest.mark.django_db
def test_load_bank_refuses_invalid_data_itself(sample):
    sample["sections"] = []
    with pytest.raises(BankFileError):
        load_bank(data=sample)
    assert QuestionBank.objects.count() == 0


@pytest.mark.django_db
def test_loading_the_makefiles_banks_publishes_the_last_for_new_assessments_and_keeps_the_rest(
    capsys,
):
    banks = [str(factories.FIXTURES / f"question_bank_v{n}.yaml") for n in ("1", "2", "2_1")]
    call_command("load_question_bank", *banks)
    call_command("load_question_bank", *banks)  # as `make run` does each time

    assert selectors.current_bank().version == "2.1"
    for version in ("1.0", "2"):
        earlier = QuestionBank.objects.get(version=version)
        assert earlier.status == QuestionBank.Status.RETIRED and earlier.published_at is not None
    assert capsys.readouterr().out.count("already loaded and unchanged") == 3


def test_prefill_from_may_name_several_earlier_versions_each_once(sample):
    slugs = [q["slug"] for s in sample["sections"] for c in s["components"] for q in c["questions"]]
    sample["prefill_from"] = [
        {"version": "1.0", "questions": {slugs[0]: "old-one", slugs[1]: "old-one"}},
        {"version": "1.0", "questions": {"no-such-question": "old-two"}},
        {"version": "0.9"},
    ]

    assert messages(sample) == [
        f"bank › prefill_from[0]: earlier question 'old-one' is mapped to both '{slugs[0]}' "
        f"and '{slugs[1]}'; one answer can fill one question",
        "bank › prefill_from[1]: question 'no-such-question' is not in this bank",
        "bank › prefill_from[1]: version '1.0' is listed more than once",
        "bank › prefill_from[2]: field 'questions' must map this bank's question slugs to the "
        "earlier version's",
    ]
    sample["prefill_from"] = [
        {"version": "1.0", "questions": {slugs[0]: "old-one"}},
        {"version": "0.9", "questions": {slugs[0]: "older-one"}},
    ]
    assert messages(sample) == []


def test_workstreams_must_name_this_banks_components_once_each(sample):
    components = [c["slug"] for s in sample["sections"] for c in s["components"]]
    sample["workstreams"] = [
        {"slug": "first", "title": "First", "components": [components[0], "no-such-component"]},
        {"slug": "second", "title": "Second", "components": [components[0]]},
        {"slug": "third", "title": "Third", "components": []},
    ]

    assert messages(sample) == [
        "workstream 'first': component 'no-such-component' is not in this bank",
        f"workstream 'second': component '{components[0]}' is already in 'first'",
        "workstream 'third': field 'components' must be a non-empty list of component slugs",
    ]


@pytest.mark.django_db
def test_v2_groups_every_component_into_a_workstream_and_the_structure_reads_them():
    bank = load_bank(data=read_bank_file(factories.FIXTURES / "question_bank_v2.yaml")).bank
    structure = bank_structure(bank)

    assert len(bank.workstreams) >= 10
    assert structure.workstream_of["grid-packaging"] == (
        "registry-release",
        "Registry, packaging, deployment and rollback",
    )
    assert not [
        slug for slug, (ws, _) in structure.workstream_of.items() if ws.startswith("section-")
    ]


@pytest.mark.django_db
def test_a_component_in_no_workstream_is_grouped_with_its_section(sample):
    bank = load_bank(data=sample).bank
    structure = bank_structure(bank)
    section = structure.sections[0]
    component = section.components_list[0]

    assert structure.workstream_of[component.slug] == (f"section-{section.slug}", section.title)
