"""The results page's cost and its cache: a submitted assessment's content is rendered once
per state (assessment/results_page.py), and anything it shows that can still change
renders it afresh."""

from datetime import timedelta

import pytest
from django.urls import reverse

from assessment.models import Answer, Assessment, ComponentTarget, ConsultantNote
from assessment.results_page import fingerprint
from tests import factories


@pytest.fixture
def this_year(org_a, bank, alice):
    factories.submitted(org_a, bank, alice, title="Last year")
    return factories.submitted(org_a, bank, alice, title="This year")


def results_url(assessment):
    return reverse("assessment_results", args=[assessment.pk])


def test_a_submitted_assessments_results_are_rendered_once_then_served_in_three_queries(
    client, alice, this_year, django_assert_num_queries
):
    client.force_login(alice)
    with django_assert_num_queries(9):
        first = client.get(results_url(this_year))
    with django_assert_num_queries(3):
        again = client.get(results_url(this_year))
    assert content_of(again) == content_of(first)


def content_of(response) -> bytes:
    """The page below the site header (whose logout form has a fresh CSRF token each time)."""
    return response.content.split(b'<nav aria-label="Breadcrumb">', 1)[1]


def test_a_draft_is_never_served_from_the_cache(client, alice, org_a, bank):
    draft = factories.make_assessment(organisation=org_a, bank=bank, created_by=alice)
    client.force_login(alice)
    assert "0 of 10 questions" in client.get(results_url(draft)).content.decode()
    factories.answer(draft, "data-lineage", 2)
    assert "1 of 10 questions" in client.get(results_url(draft)).content.decode()


def test_a_target_set_after_submitting_shows_at_once(client, alice, this_year):
    client.force_login(alice)
    assert "No targets are set yet" in client.get(results_url(this_year)).content.decode()
    ComponentTarget.objects.create(assessment=this_year, component_slug="data-versioning", level=4)
    assert "No targets are set yet" not in client.get(results_url(this_year)).content.decode()


def test_a_shared_note_and_a_review_show_at_once(client, alice, this_year, consultant):
    client.force_login(alice)
    client.get(results_url(this_year))
    ConsultantNote.objects.create(
        assessment=this_year, author=consultant, text="Evidence checked.", shared=True
    )
    assert "Evidence checked." in client.get(results_url(this_year)).content.decode()
    Assessment.objects.filter(pk=this_year.pk).update(status="reviewed", review_summary="Sound.")
    assert "Sound." in client.get(results_url(this_year)).content.decode()


def test_an_action_done_since_the_last_assessment_shows_at_once(client, alice, org_a, this_year):
    Assessment.objects.filter(title="Last year").update(
        submitted_at=this_year.submitted_at - timedelta(days=100)
    )
    client.force_login(alice)
    assert "Version the fraud model" not in client.get(results_url(this_year)).content.decode()
    factories.make_action(
        organisation=org_a,
        title="Version the fraud model's data",
        status="done",
        done_at=this_year.submitted_at - timedelta(days=10),
    )
    assert "Version the fraud model" in client.get(results_url(this_year)).content.decode()


def test_a_consultant_and_a_member_get_their_own_content(client, alice, this_year, consultant):
    client.force_login(alice)
    assert "Set targets" in client.get(results_url(this_year)).content.decode()
    client.force_login(consultant)
    assert "Set targets" not in client.get(results_url(this_year)).content.decode()


def test_while_changes_are_requested_the_page_follows_the_answers(client, alice, this_year):
    Assessment.objects.filter(pk=this_year.pk).update(status="changes_requested")
    client.force_login(alice)
    before = content_of(client.get(results_url(this_year)))
    lineage = Answer.objects.get(assessment=this_year, question__slug="data-lineage")
    lineage.choice = lineage.question.choices.get(level=4)
    lineage.save()
    assert content_of(client.get(results_url(this_year))) != before


def test_the_assessment_it_is_compared_with_is_part_of_the_cached_state(client, alice, this_year):
    client.force_login(alice)
    assert "Last year" in client.get(results_url(this_year)).content.decode()
    Assessment.objects.filter(title="Last year").delete()
    assert "Last year" not in client.get(results_url(this_year)).content.decode()


def test_only_a_shared_note_changes_the_cached_state(this_year, consultant):
    unchanged = fingerprint(this_year)
    ConsultantNote.objects.create(
        assessment=this_year, author=consultant, text="Only for us.", shared=False
    )
    assert fingerprint(this_year) == unchanged
    ConsultantNote.objects.create(
        assessment=this_year, author=consultant, text="For the client.", shared=True
    )
    assert fingerprint(this_year) != unchanged
