"""The Word report: opened with python-docx, it has Word's headings in the report's order,
tables with a header row, the charts as pictures, every answer, and the same access as the
PDF (members of the organisation and consultants; others 404)."""

import io
from datetime import date

import pytest
from django.utils import timezone
from docx import Document
from docx.oxml.ns import qn

from assessment import services
from assessment.models import Action, Answer, Assessment
from assessment.reports.docx import report_docx
from assessment.results import results_for
from tests import factories

pytestmark = pytest.mark.django_db

DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@pytest.fixture
def reviewed(org_a, bank, alice, bob, consultant):
    """A reviewed assessment with one before it (whose lineage was Not in place), a target,
    a commented answer with a shared note on it, and actions open and dropped."""
    earlier = factories.submitted(org_a, bank, alice, title="MLOps maturity 2025")
    lineage_then = Answer.objects.get(assessment=earlier, question__slug="data-lineage")
    lineage_then.choice = lineage_then.question.choices.get(level=0)
    lineage_then.save()
    assessment = factories.submitted(org_a, bank, alice)
    services.set_targets(
        assessment=assessment, levels={"data-versioning": 3}, ambition="", user=alice
    )
    lineage = Answer.objects.get(assessment=assessment, question__slug="data-lineage")
    lineage.comment = "Lineage lives in a wiki page.\x0b Nobody updates it."
    lineage.save()
    services.review_transition(assessment=assessment, to_status="in_review", consultant=consultant)
    services.review_transition(
        assessment=assessment,
        to_status=Assessment.Status.REVIEWED,
        consultant=consultant,
        message="Fund the model registry first.",
    )
    services.add_consultant_note(
        assessment=assessment, author=consultant, text="Link the wiki.", shared=True, answer=lineage
    )
    factories.make_action(
        organisation=org_a, title="Version the training data", owner=bob, due_date=date(2027, 3, 1)
    )
    factories.make_action(organisation=org_a, title="Buy a feature store", status="dropped")
    return Assessment.objects.get(pk=assessment.pk)


def opened(assessment):
    return Document(io.BytesIO(report_docx(assessment)))


def headings(document, level: int) -> list[str]:
    return [p.text for p in document.paragraphs if p.style.name == f"Heading {level}"]


def table_starting(document, *header: str):
    return next(t for t in document.tables if [c.text for c in t.rows[0].cells] == list(header))


def texts(table) -> list[list[str]]:
    return [[cell.text for cell in row.cells] for row in table.rows]


def test_the_chapters_are_word_headings_in_the_reports_order(reviewed):
    document = opened(reviewed)

    assert headings(document, 1) == [
        "Executive summary",
        "At a glance",
        "Improvement plan",
        "Action plan",
        "Method and confidence",
        "Annex: every answer",
    ]
    assert headings(document, 2)[:4] == [
        "The consultant's verdict",
        "Strengths and gaps",
        "The three most important next steps",
        "Maturity by section",
    ]
    assert {"Next 90 days", "Next 6 months", "Next 12 months"} <= set(headings(document, 2))


def test_the_cover_names_the_organisation_its_level_and_why_and_says_confidential(reviewed):
    document = opened(reviewed)
    cover = dict(texts(document.tables[0]))

    assert next(p.text for p in document.paragraphs if p.style.name == "Title") == "Acme Analytics"
    assert cover["Overall level"] == "Level 1 · Manual, score 2.3 out of 4"
    assert cover["Why this level"] == results_for(reviewed).explanations["overall"]
    assert cover["Status"].startswith("Reviewed by Morgan on ")
    assert cover["Since last time"].startswith("Level unchanged from Manual (score 2.3)")
    assert "Confidential" in [p.text for p in document.paragraphs]
    assert "Confidential" in document.sections[0].header.paragraphs[0].text
    assert document.core_properties.title == "MLOps maturity report: Acme Analytics"


def test_the_summary_gives_the_consultants_verdict_and_the_plans_top_steps(reviewed):
    document = opened(reviewed)
    paragraphs = [p.text for p in document.paragraphs]
    steps = [p.text for p in document.paragraphs if p.style.name == "List Number"]
    top = results_for(reviewed).roadmap.top(3)

    assert "Fund the model registry first." in paragraphs
    assert len(steps) == len(top) and steps[0].startswith(top[0].title)
    assert top[0].next_step in steps[0]


def test_the_section_table_has_a_header_row_and_each_sections_level_score_previous_target(
    reviewed,
):
    table = table_starting(opened(reviewed), "Section", "Level", "Score", "Previous", "Target")

    assert table.rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None
    assert table.style.name == "Table Grid"
    assert table.rows[1].cells[0].paragraphs[0].style.name == "Table Text"
    assert texts(table)[1:] == [
        [
            "1. Data management and pipeline",
            "1 · Manual",
            "1.5",
            "1 · Manual (1.3)",
            "2 · Repeatable",
        ],
        ["2. Model lifecycle", "1 · Manual", "2.0", "1 · Manual (2.0)", "1 · Manual"],
        [
            "3. Pipeline automation grid",
            "3 · Reproducible",
            "3.5",
            "3 · Reproducible (3.5)",
            "3 · Reproducible",
        ],
    ]


def test_the_plan_is_laid_out_by_horizon_and_workstream(reviewed):
    document = opened(reviewed)
    roadmap = results_for(reviewed).roadmap
    workstream = roadmap.horizons[0].workstreams[0]
    table = next(t for t in document.tables if t.rows[0].cells[0].text == "Component")

    assert headings(document, 3)[0] == f"{workstream.title} — holds the overall level back"
    assert texts(table)[1][0] == workstream.items[0].title
    assert texts(table)[1][3] == workstream.items[0].next_step


def test_the_action_plan_lists_open_and_done_actions_with_their_owners(reviewed):
    factories.make_action(
        organisation=reviewed.organisation,
        title="Track every run",
        status=Action.Status.DONE,
        done_at=reviewed.submitted_at,
    )
    table = table_starting(opened(reviewed), "Action", "Components", "Owner", "Due date", "Status")

    assert texts(table)[1:] == [
        ["Version the training data", "", "Bob", "1 Mar 2027", "Not started"],
        ["Track every run", "", "", "", "Done"],
    ]


def test_the_annex_has_every_answer_with_its_comment_and_the_reviewers_note(reviewed):
    table = table_starting(opened(reviewed), "No.", "Question", "Answer", "Comment")
    rows = texts(table)
    lineage = next(row for row in rows if row[0] == "1.2")

    assert rows[1] == ["Data versioning and lineage"] * 4  # one cell across the table
    assert lineage[2].startswith("1 · Manual: ")
    assert lineage[3] == (
        "Lineage lives in a wiki page. Nobody updates it.\nReviewer's note: Link the wiki."
    )
    assert [
        "1.4",
        "How are features shared between training and serving?",
        "Don't know (counts as Not in place)",
        "",
    ] in rows


def test_the_method_counts_dont_know_and_not_applicable(reviewed):
    facts = dict(texts(table_starting(opened(reviewed), "Fact", "Value"))[1:])

    assert (facts["Don't know"], facts["Not applicable"]) == ("1", "0")
    assert facts["Scoring rule"] == reviewed.bank.scoring_rule
    assert facts["Answered by"] == "Alice"


def test_the_charts_are_pictures_described_by_their_data(reviewed):
    document = opened(reviewed)
    descriptions = [shape._inline.docPr.get("descr") for shape in document.inline_shapes]

    # The radar, then the heatmap in the board report's two columns of sections.
    assert len(descriptions) == 3
    assert descriptions[0].startswith("Level by section, 0 to 4: ")
    assert all(text.startswith("Level by component:") for text in descriptions[1:])
    assert all(shape.width > 0 for shape in document.inline_shapes)


def test_a_draft_with_nothing_answered_still_makes_a_provisional_report(
    assessment_a, org_a, bank, alice
):
    earlier = factories.submitted(org_a, bank, alice, title="MLOps maturity 2025")
    document = opened(assessment_a)
    paragraphs = [p.text for p in document.paragraphs]
    cover = dict(texts(document.tables[0]))

    assert "Nothing is scored yet: 0 of 10 questions are answered." in paragraphs
    assert "Provisional — not submitted" in paragraphs
    assert "No section is scored yet." in paragraphs
    then = timezone.localtime(earlier.submitted_at)
    assert cover["Since last time"] == f"The assessment of {then:%-d %B %Y}: Manual (score 2.3)."
    assert "Provisional" in document.sections[0].header.paragraphs[0].text
