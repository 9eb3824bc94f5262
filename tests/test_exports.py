"""CSV and JSON exports from the admin: content, spreadsheet-formula escaping, streaming."""

import csv
import io
import json

import pytest
from django.db import connection
from django.http import StreamingHttpResponse
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from assessment import exports, results, services
from assessment.levels import LEVEL_LABELS
from assessment.models import Answer, Assessment, ConsultantNote, Organisation
from tests import factories
from tests.factories import SAMPLE_LEVELS, answer_all, submitted

CHANGELIST = "admin:assessment_assessment_changelist"


def post_action(client, action, assessments=(), **extra):
    data = {"action": action, "_selected_action": [a.pk for a in assessments], **extra}
    return client.post(reverse(CHANGELIST), data)


def read_csv(response) -> list[dict]:
    assert isinstance(response, StreamingHttpResponse)
    body = b"".join(response.streaming_content).decode("utf-8")
    assert body.startswith("\ufeff")
    return list(csv.DictReader(io.StringIO(body[1:])))


@pytest.fixture
def consultant_client(client, consultant):
    client.force_login(consultant)
    return client


@pytest.fixture
def submitted_a(org_a, bank, alice):
    return submitted(org_a, bank, alice)


# --- Formula injection ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ('=HYPERLINK("http://evil.example")', '\'=HYPERLINK("http://evil.example")'),
        ("+1+1", "'+1+1"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tTabbed", "'\tTabbed"),
        ("x;=cmd|' /C calc'!A0;y", "x;'=cmd|' /C calc'!A0;y"),
        ("a, +b", "a, '+b"),
        ("first line\n@second", "first line\n'@second"),
        ('say "=1+1"', 'say "\'=1+1"'),
        ("a|-1", "a|'-1"),
        ("\uff1d1+1", "'\uff1d1+1"),
        ("\rReturn", "'\rReturn"),
        ("Plain text", "Plain text"),
        ("a=b", "a=b"),
        ("", ""),
        (3, 3),
        (2.5, 2.5),
        (None, None),
    ],
)
def test_neutralise(value, expected):
    assert exports.neutralise(value) == expected


@pytest.mark.parametrize(
    "values",
    [
        ("plain", 3, 2.5, None, ""),
        ('with "quotes"', "comma, inside", "new\nline", "carriage\rreturn", "tab\there"),
        ("ünïcödé – dash", " leading space", "trailing space ", "'already quoted"),
    ],
)
def test_every_field_is_quoted_like_the_csv_modules_quote_all(values):
    expected = io.StringIO()
    csv.writer(expected, quoting=csv.QUOTE_ALL).writerow(
        ["" if value is None else exports.neutralise(value) for value in values]
    )
    assert exports.fields(*values) + "\r\n" == expected.getvalue()


def test_dangerous_cells_are_neutralised_in_the_answers_csv(consultant_client, bank, alice):
    organisation = factories.make_organisation(name="=cmd|' /C calc'!A0")
    assessment = factories.make_assessment(
        organisation=organisation, bank=bank, title="@evil title"
    )
    factories.answer(assessment, "run-tracking", 2, comment="+SUM(1,2)")
    factories.answer(assessment, "rerun-training", 3, comment="-5 is fine")
    rows = read_csv(post_action(consultant_client, "export_answers_csv", [assessment]))
    assert {row["organisation"] for row in rows} == {"'=cmd|' /C calc'!A0"}
    assert {row["assessment"] for row in rows} == {"'@evil title"}
    assert [row["comment"] for row in rows] == ["'+SUM(1,2)", "'-5 is fine"]


FORMULA_STARTS = ("=", "+", "-", "@", "\uff1d", "\uff0b", "\uff0d", "\uff20")


@pytest.mark.parametrize("separator", [",", ";", "\t", "|"])
def test_no_cell_starts_a_formula_whatever_separator_the_spreadsheet_splits_on(
    consultant_client, bank, separator
):
    organisation = factories.make_organisation(name="Acme;=1+1")
    assessment = factories.make_assessment(organisation=organisation, bank=bank, title="a|@b")
    factories.answer(assessment, "run-tracking", 2, comment="x;=cmd|' /C calc'!A0;y")
    factories.answer(assessment, "rerun-training", 3, comment="ok,\t-2+3\n+4")
    response = post_action(consultant_client, "export_answers_csv", [assessment])
    body = b"".join(response.streaming_content).decode("utf-8")[1:]
    cells = [cell for row in csv.reader(io.StringIO(body), delimiter=separator) for cell in row]
    assert any("cmd" in cell for cell in cells)
    assert [cell for cell in cells if cell.lstrip(' \t\r\n"').startswith(FORMULA_STARTS)] == []


def test_dangerous_cells_are_neutralised_in_the_scores_csv(consultant_client, bank):
    organisation = factories.make_organisation(name="+danger")
    assessment = factories.make_assessment(organisation=organisation, bank=bank, title="-x")
    rows = read_csv(post_action(consultant_client, "export_component_scores_csv", [assessment]))
    assert {(row["organisation"], row["assessment"]) for row in rows} == {("'+danger", "'-x")}


def is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def test_every_cell_of_the_exports_goes_through_neutralise(
    consultant_client, org_a, bank, monkeypatch
):
    assessment = factories.make_assessment(organisation=org_a, bank=bank)
    answer_all(assessment)
    seen = []

    def spy(value):
        seen.append(value)
        return value

    monkeypatch.setattr(exports, "neutralise", spy)
    for action in ("export_answers_csv", "export_component_scores_csv"):
        seen.clear()
        rows = read_csv(post_action(consultant_client, action, [assessment]))
        texts = {value for row in rows for value in row.values() if not is_number(value)}
        # Every text cell came from neutralise, apart from codes, dates and fixed labels.
        fixed = {"yes", "no", "answered", "dont_know", "", *map(str, LEVEL_LABELS.values())}
        unchecked = texts - {str(value) for value in seen} - fixed
        assert {value for value in unchecked if not value[:4].isdigit()} == set(), action


# --- Answers CSV ------------------------------------------------------------------------


def test_the_answers_csv_has_one_row_per_answer_in_bank_order(
    consultant_client, submitted_a, assessment_b, alice
):
    Answer.objects.filter(assessment=submitted_a, question__slug="data-lineage").update(
        comment="Lineage, in a wiki\nwith a second line"
    )
    factories.answer(assessment_b, "retraining", status=Answer.Status.NOT_APPLICABLE)
    response = post_action(consultant_client, "export_answers_csv", [submitted_a, assessment_b])
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="assessment-answers-')
    rows = read_csv(response)
    assert list(rows[0]) == exports.ANSWER_HEADER
    assert len(rows) == 11
    mine = [row for row in rows if row["assessment_id"] == str(submitted_a.pk)]
    assert [row["question_slug"] for row in mine] == list(SAMPLE_LEVELS)  # bank order
    first = mine[0]
    assert first == {
        **first,
        "organisation": "Acme Analytics",
        "assessment": "MLOps maturity 2026",
        "assessment_status": "submitted",
        "bank_version": "sample-1",
        "section": "Data management and pipeline",
        "component": "Data versioning and lineage",
        "question_slug": "training-data-versions",
        "answer_status": "answered",
        "level": "2",
        "label": "Repeatable",
        "answered_by": "alice@acme.example",
    }
    assert first["statement"]
    assert first["answered_at"].startswith(str(submitted_a.submitted_at.year))
    assert mine[1]["comment"] == "Lineage, in a wiki\nwith a second line"
    dont_know = next(row for row in mine if row["question_slug"] == "feature-store")
    assert (dont_know["answer_status"], dont_know["level"], dont_know["label"]) == (
        "dont_know",
        "",
        "",
    )
    na = next(row for row in rows if row["assessment_id"] == str(assessment_b.pk))
    assert (na["answer_status"], na["level"]) == ("not_applicable", "")


def test_exporting_every_assessment_of_a_filtered_list(
    consultant_client, submitted_a, assessment_b
):
    factories.answer(assessment_b, "retraining", 1)
    response = consultant_client.post(
        reverse(CHANGELIST) + "?status__exact=submitted",
        # The admin sends the page's ids too; select_across widens it to the whole list.
        {"action": "export_answers_csv", "select_across": "1", "_selected_action": [0]},
    )
    rows = read_csv(response)
    assert {row["assessment_id"] for row in rows} == {str(submitted_a.pk)}


def test_the_export_streams_in_constant_size_batches(consultant_client, org_a, bank, monkeypatch):
    assessments = [factories.make_assessment(organisation=org_a, bank=bank) for _ in range(5)]
    for assessment in assessments:
        answer_all(assessment)
    monkeypatch.setattr(exports, "ASSESSMENT_BATCH", 2)
    response = post_action(consultant_client, "export_answers_csv", assessments)
    assert isinstance(response, StreamingHttpResponse)
    chunks = iter(response.streaming_content)
    with CaptureQueriesContext(connection) as queries:
        header = next(chunks)
    assert len(queries) == 0  # the header leaves before any query
    assert header.decode("utf-8").startswith('\ufeff"organisation",')
    with CaptureQueriesContext(connection) as queries:
        rest = b"".join(chunks).decode("utf-8")
    rows = list(csv.reader(io.StringIO(rest)))
    assert len(rows) == 50
    assert [int(row[1]) for row in rows] == sorted(int(row[1]) for row in rows)
    # Per batch: one query for the assessments, one for their answers; plus the bank once.
    assessment_queries = [q for q in queries if 'FROM "assessment_assessment"' in q["sql"]]
    answer_queries = [q for q in queries if 'FROM "assessment_answer"' in q["sql"]]
    assert len(assessment_queries) == 4  # batches of 2, 2, 1 and the empty last one
    assert len(answer_queries) == 3
    assert all("LIMIT 2" in q["sql"] for q in assessment_queries)


def test_export_queries_do_not_grow_with_answers(
    consultant_client, org_a, bank, django_assert_max_num_queries
):
    few = factories.make_assessment(organisation=org_a, bank=bank)
    factories.answer(few, "run-tracking", 1)
    many = factories.make_assessment(organisation=org_a, bank=bank)
    answer_all(many)
    with CaptureQueriesContext(connection) as queries:
        read_csv(post_action(consultant_client, "export_answers_csv", [few]))
    with django_assert_max_num_queries(len(queries)):
        rows = read_csv(post_action(consultant_client, "export_answers_csv", [many]))
    assert len(rows) == 10


# --- Component scores CSV ---------------------------------------------------------------


def test_the_component_scores_csv_matches_the_results(consultant_client, submitted_a, assessment_b):
    factories.answer(assessment_b, "run-tracking", 4)
    response = post_action(
        consultant_client, "export_component_scores_csv", [submitted_a, assessment_b]
    )
    rows = read_csv(response)
    assert list(rows[0]) == exports.SCORE_HEADER
    assert len(rows) == 10  # five components for each of two assessments
    document = results.results_document(submitted_a)
    expected = [
        (component["title"], component["score"], component["level"], component["label"])
        for section in document["sections"]
        for component in section["components"]
    ]
    mine = [row for row in rows if row["assessment_id"] == str(submitted_a.pk)]
    assert [
        (
            row["component"],
            float(row["score"]) if row["score"] else None,
            int(row["level"]) if row["level"] else None,
            row["label"] or None,
        )
        for row in mine
    ] == expected
    assert mine[0]["foundation"] == "yes"
    assert (mine[0]["answered"], mine[0]["total"]) == ("2", "2")
    draft = [row for row in rows if row["assessment_id"] == str(assessment_b.pk)]
    tracking = next(
        row for row in draft if row["component"] == "Experiment tracking and reproducibility"
    )
    assert (tracking["answered"], tracking["total"], tracking["level"]) == ("1", "2", "4")
    unscored = next(row for row in draft if row["component"] == "Monitoring and retraining")
    assert (unscored["score"], unscored["level"], unscored["label"]) == ("", "", "")


# --- JSON of one assessment -------------------------------------------------------------


def test_the_json_export_is_results_json_plus_metadata(consultant_client, consultant, submitted_a):
    services.review_transition(
        assessment=submitted_a, to_status=Assessment.Status.IN_REVIEW, consultant=consultant
    )
    ConsultantNote.objects.create(assessment=submitted_a, text="Internal only")
    ConsultantNote.objects.create(assessment=submitted_a, text="For the team", shared=True)
    submitted_a.refresh_from_db()
    url = reverse("admin:assessment_assessment_export_json", args=[submitted_a.pk])
    response = consultant_client.get(url)
    assert response.status_code == 200
    assert response["Content-Disposition"] == (
        f'attachment; filename="assessment-{submitted_a.pk}.json"'
    )
    document = json.loads(response.content)
    expected = results.results_document(submitted_a)
    assert {key: document[key] for key in expected} == expected
    assert document["title"] == "MLOps maturity 2026"
    assert document["organisation"] == {
        "id": submitted_a.organisation_id,
        "name": "Acme Analytics",
        "sector": Organisation.Sector.TECHNOLOGY,
        "size": Organisation.Size.SMALL,
    }
    assert document["submitted_at"].startswith(str(submitted_a.submitted_at.year))
    assert [(step["from_status"], step["to_status"]) for step in document["review_history"]] == [
        ("draft", "submitted"),
        ("submitted", "in_review"),
    ]
    assert document["review_history"][1]["by"] == consultant.email
    assert [note["text"] for note in document["shared_notes"]] == ["For the team"]


def test_the_json_export_of_a_missing_assessment_is_404(consultant_client):
    url = reverse("admin:assessment_assessment_export_json", args=[424242])
    assert consultant_client.get(url).status_code == 404


def test_respondents_cannot_export(client, alice, submitted_a):
    client.force_login(alice)
    response = post_action(client, "export_answers_csv", [submitted_a])
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))
