"""Re-assessment from the last baseline (issue 15 §4): answers copied from the previous
assessment stay "carried over" until someone changes or confirms them; submitting with some
left asks first; the results say per question what changed since last time."""

import copy
from html.parser import HTMLParser

import pytest
from django.db import connection
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from assessment import services
from assessment.bank import load_bank, read_bank_file
from assessment.changes import answer_changes
from assessment.models import Answer, Assessment, Question
from tests import factories

LAST_YEAR = "MLOps maturity 2025"
THIS_YEAR = "MLOps maturity 2026"
DATA, LIFECYCLE, GRID = "data-management", "model-lifecycle", "pipeline-grid"


@pytest.fixture
def last_year(org_a, bank, alice):
    return factories.submitted(org_a, bank, alice, title=LAST_YEAR)


@pytest.fixture
def this_year(org_a, bank, alice, last_year):
    """Started from last year's answers, as the dashboard's "Start from the answers of" does."""
    return services.start_assessment(
        organisation=org_a, user=alice, bank=bank, title=THIS_YEAR, prefill_from=last_year
    ).assessment


@pytest.fixture
def alice_client(client, alice):
    client.force_login(alice)
    return client


def carried_over(assessment) -> set[str]:
    return set(
        Answer.objects.filter(assessment=assessment, carried_over=True).values_list(
            "question__slug", flat=True
        )
    )


def revisions(assessment) -> dict[str, int]:
    return dict(
        Answer.objects.filter(assessment=assessment).values_list("question__slug", "revision")
    )


def question(assessment, slug: str) -> Question:
    return Question.objects.get(component__section__bank=assessment.bank, slug=slug)


def section_url(assessment, slug: str) -> str:
    return reverse("assessment_section", args=[assessment.pk, slug])


class SentFields(HTMLParser):
    """The fields a browser sends from a page: checked radios, hidden inputs, text boxes."""

    def __init__(self):
        super().__init__()
        self.data, self.textarea = {}, None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        kind = attrs.get("type")
        if tag == "input" and (kind == "hidden" or (kind == "radio" and "checked" in attrs)):
            self.data[attrs["name"]] = attrs.get("value", "")
        elif tag == "textarea":
            self.textarea = attrs["name"]
            self.data[self.textarea] = ""

    def handle_data(self, text):
        if self.textarea:
            self.data[self.textarea] += text

    def handle_endtag(self, tag):
        if tag == "textarea":
            self.textarea = None


def send_section(client, assessment, slug: str, *, levels=None, goto="save", **fields):
    """Open a section page and send it as the browser would, after choosing ``levels``
    (question slug → level) and typing ``fields`` (field name → value)."""
    parser = SentFields()
    parser.feed(client.get(section_url(assessment, slug)).content.decode())
    data = {**parser.data, "goto": goto, **fields}
    for question_slug, level in (levels or {}).items():
        q = question(assessment, question_slug)
        data[f"q{q.pk}"] = str(q.choices.get(level=level).pk)
    return client.post(section_url(assessment, slug), data)


# --- Copying marks answers carried over --------------------------------------------------


def test_every_answer_copied_from_the_previous_assessment_is_carried_over(last_year, this_year):
    assert carried_over(this_year) == set(factories.SAMPLE_LEVELS)
    assert carried_over(last_year) == set()


def test_an_assessment_started_blank_has_nothing_carried_over(alice_client, org_a, bank, alice):
    blank = services.start_assessment(organisation=org_a, user=alice, bank=bank, title="New")
    send_section(alice_client, blank.assessment, DATA, levels={"data-lineage": 2})
    assert Answer.objects.filter(assessment=blank.assessment).get().carried_over is False


# --- Changing, re-saving and confirming ----------------------------------------------------


def test_changing_a_carried_over_answer_clears_only_its_flag(alice_client, this_year):
    response = send_section(alice_client, this_year, DATA, levels={"data-lineage": 3})
    assert response.status_code == 302
    assert carried_over(this_year) == set(factories.SAMPLE_LEVELS) - {"data-lineage"}


def test_changing_only_the_comment_of_a_carried_over_answer_clears_its_flag(
    alice_client, this_year
):
    q = question(this_year, "feature-store")
    send_section(alice_client, this_year, DATA, **{f"c{q.pk}": "We still have none."})
    assert "feature-store" not in carried_over(this_year)
    assert "data-lineage" in carried_over(this_year)


def test_saving_a_section_unchanged_keeps_its_carried_over_flags_and_revisions(
    alice_client, this_year
):
    before = revisions(this_year)
    for goto in ("save", "next"):
        assert send_section(alice_client, this_year, DATA, goto=goto).status_code == 302
    assert carried_over(this_year) == set(factories.SAMPLE_LEVELS)
    assert revisions(this_year) == before


def test_confirm_all_clears_the_flags_of_that_section_and_no_other(alice_client, this_year, bob):
    before = revisions(this_year)
    response = send_section(alice_client, this_year, DATA, goto="confirm-carried-over")
    assert response["Location"] == section_url(this_year, DATA)
    page = alice_client.get(response["Location"]).content.decode()
    assert "Saved, and 4 carried-over answers confirmed." in page
    assert carried_over(this_year) == {
        "run-tracking",
        "rerun-training",
        "drift-monitoring",
        "retraining",
        "grid-deployment-automation",
        "grid-rollback-automation",
    }
    after = revisions(this_year)
    assert {slug for slug in after if after[slug] == before[slug] + 1} == {
        "training-data-versions",
        "data-lineage",
        "data-validation-checks",
        "feature-store",
    }


def test_confirming_saves_the_changes_on_the_page_first(alice_client, this_year):
    send_section(
        alice_client, this_year, LIFECYCLE, levels={"run-tracking": 4}, goto="confirm-carried-over"
    )
    run_tracking = Answer.objects.get(assessment=this_year, question__slug="run-tracking")
    assert run_tracking.choice.level == 4
    assert carried_over(this_year) & {"run-tracking", "rerun-training", "retraining"} == set()


def test_confirming_a_page_with_an_answer_that_needs_attention_saves_and_confirms_nothing(
    alice_client, this_year
):
    q = question(this_year, "data-lineage")
    response = send_section(
        alice_client, this_year, DATA, goto="confirm-carried-over", **{f"q{q.pk}": "9999"}
    )
    assert response.status_code == 400
    assert "not one of this question&#x27;s options" in response.content.decode()
    assert carried_over(this_year) == set(factories.SAMPLE_LEVELS)


def test_confirming_again_when_nothing_is_left_says_so(alice_client, this_year):
    send_section(alice_client, this_year, GRID, goto="confirm-carried-over")
    response = send_section(alice_client, this_year, GRID, goto="confirm-carried-over")
    page = alice_client.get(response["Location"]).content.decode()
    assert "No carried-over answers were left to confirm in this section." in page


def test_a_colleagues_stale_page_is_told_that_a_confirmed_answer_changed(this_year, alice, bob):
    q = question(this_year, "data-lineage")
    seen = Answer.objects.get(assessment=this_year, question=q).revision
    services.confirm_carried_over(assessment=this_year, section_slug=DATA, user=alice)
    outcome = services.save_answers(
        assessment=this_year,
        user=bob,
        submissions=[
            services.AnswerSubmission(
                question=q,
                status=Answer.Status.ANSWERED,
                choice=q.choices.get(level=4),
                comment="",
                seen_revision=seen,
            )
        ],
    )
    assert [conflict.current.answered_by for conflict in outcome.conflicts] == [alice]


def test_a_submitted_assessments_answers_cannot_be_confirmed(this_year, alice):
    Assessment.objects.filter(pk=this_year.pk).update(status=Assessment.Status.SUBMITTED)
    with pytest.raises(services.NotEditable):
        services.confirm_carried_over(assessment=this_year, section_slug=DATA, user=alice)
    assert carried_over(this_year) == set(factories.SAMPLE_LEVELS)


# --- What the pages say ---------------------------------------------------------------------


def test_the_section_page_marks_each_carried_over_question_and_says_how_many_remain(
    alice_client, this_year
):
    send_section(alice_client, this_year, DATA, levels={"data-lineage": 3})
    html = alice_client.get(section_url(this_year, DATA)).content.decode()
    assert "3 answers in this section are carried over from “MLOps maturity 2025”" in html
    assert html.count("Carried over from “MLOps maturity 2025” — confirm or change") == 3
    assert 'value="confirm-carried-over"' in html
    assert "Confirm all carried-over answers in this section" in html
    marked = question(this_year, "training-data-versions")
    assert f'<p id="carried-{marked.pk}"' in html
    assert f'aria-describedby="carried-{marked.pk} help-{marked.pk}"' in html
    changed = question(this_year, "data-lineage")
    assert f'id="carried-{changed.pk}"' not in html


def test_the_grid_marks_its_carried_over_rows_too(alice_client, this_year):
    html = alice_client.get(section_url(this_year, GRID)).content.decode()
    assert "2 answers in this section are carried over" in html
    row = question(this_year, "grid-rollback-automation")
    assert f'<p id="carried-{row.pk}"' in html
    assert f'aria-describedby="carried-{row.pk}' in html


def test_a_section_with_nothing_carried_over_has_no_mark_and_no_button(alice_client, this_year):
    send_section(alice_client, this_year, DATA, goto="confirm-carried-over")
    html = alice_client.get(section_url(this_year, DATA)).content.decode()
    assert "carried over from" not in html.lower()
    assert 'value="confirm-carried-over"' not in html


def test_the_overview_says_per_section_how_many_carried_over_answers_remain(
    alice_client, this_year
):
    send_section(alice_client, this_year, GRID, goto="confirm-carried-over")
    send_section(alice_client, this_year, DATA, levels={"data-lineage": 3})
    html = alice_client.get(reverse("assessment_overview", args=[this_year.pk])).content.decode()
    assert "7 answers carried over from “MLOps maturity 2025” are not yet confirmed" in html
    assert html.count("carried over<span") == 2  # data management: 3, model lifecycle: 4
    assert ">3 carried over<" in html and ">4 carried over<" in html


# --- Submitting -----------------------------------------------------------------------------


def submit(client, assessment, **data):
    return client.post(reverse("assessment_submit", args=[assessment.pk]), data)


def test_submitting_with_carried_over_answers_asks_first_listing_the_sections(
    alice_client, this_year
):
    send_section(alice_client, this_year, GRID, goto="confirm-carried-over")
    response = submit(alice_client, this_year)
    assert response.status_code == 200
    html = response.content.decode()
    assert "8 answers are still carried over from “MLOps maturity 2025”" in html
    assert "Not submitted yet" in html
    data_link = f'href="{section_url(this_year, DATA)}">Data management and pipeline</a>'
    assert f"{data_link}: 4 carried over" in html
    assert f'href="{section_url(this_year, LIFECYCLE)}">' in html
    assert "Pipeline automation grid</a>: " not in html
    assert 'name="carried_over_confirmed" value="yes"' in html and "Submit anyway" in html
    this_year.refresh_from_db()
    assert this_year.status == Assessment.Status.DRAFT and this_year.submitted_at is None


def test_a_submit_refused_for_carried_over_answers_says_so_once(alice_client, this_year):
    html = submit(alice_client, this_year).content.decode()
    assert html.count("still carried over") == 1
    assert html.count("Not submitted yet") == 1
    assert html.count('role="alert"') == 1 and 'class="messages"' not in html
    assert "still need an answer" not in html


def test_submit_anyway_submits_with_the_carried_over_answers_as_they_are(alice_client, this_year):
    response = submit(alice_client, this_year, carried_over_confirmed="yes")
    assert response["Location"] == reverse("assessment_results", args=[this_year.pk])
    this_year.refresh_from_db()
    assert this_year.status == Assessment.Status.SUBMITTED
    assert carried_over(this_year) == set(factories.SAMPLE_LEVELS)


def test_a_garbled_confirmation_asks_again_and_changes_nothing(alice_client, this_year):
    response = submit(alice_client, this_year, carried_over_confirmed="yes please")
    assert response.status_code == 200 and "Submit anyway" in response.content.decode()
    this_year.refresh_from_db()
    assert this_year.status == Assessment.Status.DRAFT
    assert carried_over(this_year) == set(factories.SAMPLE_LEVELS)


def test_once_everything_is_confirmed_or_changed_submitting_asks_nothing(alice_client, this_year):
    for slug in (DATA, LIFECYCLE, GRID):
        send_section(alice_client, this_year, slug, goto="confirm-carried-over")
    response = submit(alice_client, this_year)
    assert response["Location"] == reverse("assessment_results", args=[this_year.pk])


def test_the_review_page_lists_carried_over_answers_before_any_submit(alice_client, this_year):
    html = alice_client.get(reverse("assessment_review", args=[this_year.pk])).content.decode()
    assert "10 answers are still carried over" in html
    assert "Submit anyway" not in html
    assert 'aria-describedby="carried-over"' in html


def test_an_unanswered_question_is_asked_for_before_carried_over_answers(alice_client, this_year):
    Answer.objects.filter(assessment=this_year, question__slug="retraining").delete()
    response = submit(alice_client, this_year)
    assert response["Location"] == reverse("assessment_review", args=[this_year.pk])
    review = alice_client.get(response["Location"]).content.decode()
    assert "1 question still needs an answer" in review


def test_the_submit_service_refuses_carried_over_answers_unless_confirmed(this_year, alice):
    with pytest.raises(services.CarriedOverRemain) as refused:
        services.submit_assessment(assessment=this_year, user=alice)
    sections = {section.slug: section.pk for section in this_year.bank.sections.all()}
    assert refused.value.remaining == {sections[DATA]: 4, sections[LIFECYCLE]: 4, sections[GRID]: 2}
    submitted = services.submit_assessment(
        assessment=this_year, user=alice, carried_over_confirmed=True
    )
    assert submitted.status == Assessment.Status.SUBMITTED


# --- Who may confirm and submit -------------------------------------------------------------


def test_a_colleague_in_the_organisation_can_confirm_and_submit(client, bob, this_year):
    client.force_login(bob)
    send_section(client, this_year, DATA, goto="confirm-carried-over")
    assert Answer.objects.filter(assessment=this_year, answered_by=bob).count() == 4
    response = submit(client, this_year, carried_over_confirmed="yes")
    assert response["Location"] == reverse("assessment_results", args=[this_year.pk])


def test_anonymous_visitors_are_sent_to_log_in_and_nothing_is_confirmed(client, this_year):
    confirm = client.post(section_url(this_year, DATA), {"goto": "confirm-carried-over"})
    anyway = submit(client, this_year, carried_over_confirmed="yes")
    for response in (confirm, anyway):
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login") + "?next=")
    assert carried_over(this_year) == set(factories.SAMPLE_LEVELS)
    this_year.refresh_from_db()
    assert this_year.status == Assessment.Status.DRAFT


def test_another_organisation_gets_404_and_nothing_is_confirmed(client, carol, this_year):
    client.force_login(carol)
    confirm = client.post(section_url(this_year, DATA), {"goto": "confirm-carried-over"})
    anyway = submit(client, this_year, carried_over_confirmed="yes")
    assert confirm.status_code == 404 and anyway.status_code == 404
    assert carried_over(this_year) == set(factories.SAMPLE_LEVELS)


def test_confirming_and_submitting_take_only_their_methods(alice_client, this_year):
    confirm = alice_client.put(section_url(this_year, DATA), {"goto": "confirm-carried-over"})
    assert confirm.status_code == 405
    assert alice_client.get(reverse("assessment_submit", args=[this_year.pk])).status_code == 405
    assert carried_over(this_year) == set(factories.SAMPLE_LEVELS)


# --- What changed since last time -----------------------------------------------------------


def summary(changes) -> dict:
    return {
        section.slug: (
            [(c.question_slug, c.before, c.after, c.carried_over) for c in section.changes],
            section.unchanged,
        )
        for section in changes
    }


def test_the_changes_list_per_section_what_changed_and_what_is_still_carried_over(
    alice_client, this_year
):
    send_section(alice_client, this_year, DATA, levels={"data-lineage": 3}, goto="next")
    send_section(alice_client, this_year, LIFECYCLE, levels={"run-tracking": 1})
    send_section(alice_client, this_year, GRID, goto="confirm-carried-over")
    assert summary(answer_changes(this_year)) == {
        DATA: (
            [
                ("training-data-versions", "Repeatable", "Repeatable", True),
                ("data-lineage", "Manual", "Reproducible", False),
                ("data-validation-checks", "Reproducible", "Reproducible", True),
                ("feature-store", "Don't know", "Don't know", True),
            ],
            0,
        ),
        LIFECYCLE: (
            [
                ("run-tracking", "Reproducible", "Manual", False),
                ("rerun-training", "Repeatable", "Repeatable", True),
                ("drift-monitoring", "Manual", "Manual", True),
                ("retraining", "Repeatable", "Repeatable", True),
            ],
            0,
        ),
        GRID: ([], 2),
    }
    lineage = answer_changes(this_year)[0].changes[1]
    assert (lineage.changed, lineage.direction) == (True, 1)


def test_there_are_no_changes_without_a_previous_submitted_assessment(last_year):
    assert answer_changes(last_year) == []


def test_a_new_question_was_not_asked_last_time(alice_client, last_year, this_year, alice):
    Answer.objects.filter(assessment=last_year, question__slug="feature-store").delete()
    Answer.objects.filter(assessment=this_year, question__slug="feature-store").delete()
    factories.answer(this_year, "feature-store", 2, answered_by=alice)
    data = answer_changes(this_year)[0]
    assert [(c.question_slug, c.before, c.after) for c in data.changes if c.changed] == [
        ("feature-store", "Not answered", "Repeatable")
    ]


def test_questions_are_matched_across_bank_versions_as_answers_are_copied(org_a, alice, last_year):
    """The newer bank renames data-lineage (mapped) and gives feature-store a new meaning
    (not mapped): the first is compared with last year's answer, the second was not asked."""
    data = copy.deepcopy(read_bank_file(factories.SAMPLE_BANK_FILE))
    data["version"] = "sample-2"
    kept = [q["slug"] for s in data["sections"] for c in s["components"] for q in c["questions"]]
    lineage = data["sections"][0]["components"][0]["questions"][1]
    assert lineage["slug"] == "data-lineage"
    lineage["slug"] = "data-lineage-v2"
    data["prefill_from"] = {
        "version": last_year.bank.version,
        "questions": {
            "data-lineage-v2": "data-lineage",
            **{slug: slug for slug in kept if slug not in ("data-lineage", "feature-store")},
        },
    }
    newer = load_bank(data=data).bank
    assessment = services.start_assessment(
        organisation=org_a, user=alice, bank=newer, title="On sample-2", prefill_from=last_year
    ).assessment
    factories.answer(assessment, "feature-store", 1, answered_by=alice)
    Answer.objects.filter(assessment=assessment, question__slug="data-lineage-v2").update(
        choice=question(assessment, "data-lineage-v2").choices.get(level=2), carried_over=False
    )
    rows = {c.question_slug: (c.before, c.after) for c in answer_changes(assessment)[0].changes}
    assert rows["data-lineage-v2"] == ("Manual", "Repeatable")
    assert rows["feature-store"] == ("Not asked", "Manual")


def test_the_changes_partial_shows_before_and_after_and_the_flags(alice_client, this_year):
    send_section(alice_client, this_year, DATA, levels={"data-lineage": 3})
    html = render_to_string(
        "assessment/_answer_changes.html", {"changes": answer_changes(this_year)}
    )
    assert "<details" in html and "What changed since the previous assessment" in html
    lineage = question(this_year, "data-lineage")
    assert lineage.text in html
    assert 'Manual <span aria-hidden="true">→</span>' in html
    assert "<strong>Reproducible</strong>" in html
    assert html.count(">still carried over<") == 9
    assert render_to_string("assessment/_answer_changes.html", {"changes": []}).strip() == ""


def test_the_results_page_shows_per_question_what_changed_since_last_time(alice_client, this_year):
    send_section(alice_client, this_year, DATA, levels={"data-lineage": 3})

    page = alice_client.get(reverse("assessment_results", args=[this_year.pk])).content.decode()

    assert "What changed since the previous assessment" in page
    assert question(this_year, "data-lineage").text in page


def test_the_changes_take_the_same_queries_however_many_answers(
    this_year, django_assert_num_queries
):
    answer_changes(this_year)  # the bank structures are read once per process
    with django_assert_num_queries(3):
        answer_changes(this_year)
    Answer.objects.filter(assessment=this_year, question__slug__startswith="grid").delete()
    with django_assert_num_queries(3):
        answer_changes(this_year)


# --- Query counts ---------------------------------------------------------------------------


def queries(request) -> int:
    with CaptureQueriesContext(connection) as captured:
        request()
    return len(captured)


def test_carried_over_answers_cost_the_section_page_one_query_whatever_their_number(
    alice_client, this_year
):
    alice_client.get(section_url(this_year, DATA))  # warm the bank-structure cache
    four_carried = queries(lambda: alice_client.get(section_url(this_year, DATA)))
    two_carried = queries(lambda: alice_client.get(section_url(this_year, GRID)))
    send_section(alice_client, this_year, DATA, goto="confirm-carried-over")
    none_carried = queries(lambda: alice_client.get(section_url(this_year, DATA)))
    # The one more: the title of the assessment they were carried over from.
    assert four_carried == two_carried == none_carried + 1
    assert four_carried <= 8  # the bound tests/test_views_questionnaire.py pins


def test_confirming_a_section_costs_the_same_queries_whatever_it_holds(alice_client, this_year):
    def send(slug, goto):
        parser = SentFields()
        parser.feed(alice_client.get(section_url(this_year, slug)).content.decode())
        data = {**parser.data, "goto": goto}
        return queries(lambda: alice_client.post(section_url(this_year, slug), data))

    unchanged_save = send(DATA, "save")
    # After the same save: a savepoint, the assessment locked, the answers updated, who
    # last edited it, the savepoint released.
    assert send(DATA, "confirm-carried-over") == unchanged_save + 5
    assert send(GRID, "confirm-carried-over") == unchanged_save + 5
    assert unchanged_save + 5 <= 14  # the bound of a save in tests/test_views_questionnaire.py
