"""Reviewing at scale in the admin (issue 17 §1): the list's columns and filters, assignment,
the review page's summary, filters and notes in place, resubmissions that come straight
back, and 24-hour times in the organisation's time zone."""

import re
from datetime import UTC, datetime, timedelta

import pytest
from django.contrib.auth.models import Group
from django.contrib.messages import get_messages
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from assessment import roles, services
from assessment.models import (
    Answer,
    Assessment,
    ComponentTarget,
    ConsultantNote,
    Organisation,
    Question,
    ReviewEvent,
)
from tests import factories
from tests.factories import submitted

Status = Assessment.Status
CHANGELIST = "admin:assessment_assessment_changelist"


def page(assessment, query=""):
    url = reverse("admin:assessment_assessment_change", args=[assessment.pk])
    return f"{url}?{query}" if query else url


def assign_url(assessment):
    return reverse("admin:assessment_assessment_assign", args=[assessment.pk])


def shown_slugs(response) -> list[str]:
    return [
        row.question.slug
        for item in response.context["review"]["sections"]
        for component in item["components"]
        for row in component["rows"]
    ]


def queries_for(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@pytest.fixture
def submitted_a(org_a, bank, alice):
    return submitted(org_a, bank, alice)


def as_user(client, user):
    client.force_login(user)
    return client


# --- Assignment ---------------------------------------------------------------------------


def test_migrations_create_the_lead_consultants_group_with_only_the_lead_permissions(db):
    group = Group.objects.get(name="Lead consultants")
    codenames = {p.codename for p in group.permissions.all()}
    assert codenames == {"assign_assessment", *roles.LEAD_PERMISSIONS}
    assert "delete_cohort" not in codenames


def test_a_consultant_assigns_themselves_and_the_history_records_it(
    client, consultant, submitted_a
):
    response = as_user(client, consultant).post(
        assign_url(submitted_a), {"assignee": consultant.pk}
    )
    assert response.status_code == 302
    submitted_a.refresh_from_db()
    assert submitted_a.assigned_to == consultant
    event = ReviewEvent.objects.filter(assessment=submitted_a).last()
    assert event.is_assignment and event.assigned_to == consultant and event.actor == consultant
    body = client.get(page(submitted_a)).content.decode()
    assert "Assigned to Morgan" in body
    assert "Unassign me" in body


def test_a_consultant_cannot_assign_someone_else(client, consultant, other_consultant, submitted_a):
    response = as_user(client, consultant).post(
        assign_url(submitted_a), {"assignee": other_consultant.pk}
    )
    submitted_a.refresh_from_db()
    assert submitted_a.assigned_to is None
    assert "Only a lead consultant" in str(list(get_messages(response.wsgi_request))[0])


@pytest.mark.parametrize("who", ["lead", "superuser"])
def test_a_lead_consultant_or_a_superuser_assigns_anyone_who_reviews(
    request, client, other_consultant, submitted_a, who
):
    user = request.getfixturevalue(who)
    assert roles.is_lead(user)
    body = as_user(client, user).get(page(submitted_a)).content.decode()
    assert 'name="assignee"' in body and "Sam" in body  # the lead's form lists consultants
    client.post(assign_url(submitted_a), {"assignee": other_consultant.pk})
    submitted_a.refresh_from_db()
    assert submitted_a.assigned_to == other_consultant
    client.post(assign_url(submitted_a), {"assignee": ""})
    submitted_a.refresh_from_db()
    assert submitted_a.assigned_to is None


def test_a_plain_consultant_sees_no_form_to_assign_others(client, consultant, submitted_a):
    review = as_user(client, consultant).get(page(submitted_a)).context["review"]
    assert review["assignment"]["form"] is None and review["assignment"]["can_take"]


def test_nobody_assigns_a_respondent_a_draft_or_a_finished_review(
    lead, alice, submitted_a, assessment_a
):
    with pytest.raises(services.AssignmentError) as refused:
        services.assign_assessment(assessment=submitted_a, assignee=alice, by=lead)
    assert refused.value.reason == services.AssignmentError.NOT_A_REVIEWER
    with pytest.raises(services.AssignmentError) as refused:
        services.assign_assessment(assessment=assessment_a, assignee=lead, by=lead)
    assert refused.value.reason == services.AssignmentError.NOT_OPEN


def test_a_respondent_never_reaches_the_assign_url(client, alice, submitted_a):
    response = as_user(client, alice).post(assign_url(submitted_a), {"assignee": alice.pk})
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
    submitted_a.refresh_from_db()
    assert submitted_a.assigned_to is None
    with pytest.raises(services.AssignmentError):
        services.assign_assessment(assessment=submitted_a, assignee=alice, by=alice)


def test_start_review_assigns_the_consultant_who_starts_it(
    client, consultant, lead, other_consultant, submitted_a
):
    services.assign_assessment(assessment=submitted_a, assignee=other_consultant, by=lead)
    as_user(client, consultant).post(
        reverse("admin:assessment_assessment_review", args=[submitted_a.pk, "start"])
    )
    submitted_a.refresh_from_db()
    assert (submitted_a.status, submitted_a.assigned_to) == (Status.IN_REVIEW, consultant)
    assert ReviewEvent.objects.filter(assessment=submitted_a).last().assigned_to == consultant
    assert "assigned to Morgan" in client.get(page(submitted_a)).content.decode()


def test_the_list_action_assigns_the_selected_to_me_and_skips_drafts(
    client, consultant, submitted_a, assessment_b
):
    as_user(client, consultant).post(
        reverse(CHANGELIST),
        {"action": "assign_to_me", "_selected_action": [submitted_a.pk, assessment_b.pk]},
    )
    assert Assessment.objects.get(pk=submitted_a.pk).assigned_to == consultant
    assert Assessment.objects.get(pk=assessment_b.pk).assigned_to is None


# --- The list -----------------------------------------------------------------------------


def test_the_list_shows_level_and_score_waiting_time_and_assignee(client, consultant, submitted_a):
    Assessment.objects.filter(pk=submitted_a.pk).update(
        submitted_at=timezone.now() - timedelta(days=5), assigned_to=consultant
    )
    submitted_a.refresh_from_db()
    body = as_user(client, consultant).get(reverse(CHANGELIST)).content.decode()
    assert '<td class="field-waiting">5\xa0days</td>' in body
    assert '<td class="field-assignee">Morgan</td>' in body
    assert f"({submitted_a.overall_score:.1f})</td>" in body


def test_filters_assigned_to_me_and_waiting_more_than_n_days(
    client, consultant, other_consultant, org_a, org_b, bank, alice, carol
):
    now = timezone.now()
    mine = submitted(org_a, bank, alice, title="Mine, 10 days")
    theirs = submitted(org_b, bank, carol, title="Theirs, 4 days")
    Assessment.objects.filter(pk=mine.pk).update(
        assigned_to=consultant, submitted_at=now - timedelta(days=10)
    )
    Assessment.objects.filter(pk=theirs.pk).update(
        assigned_to=other_consultant, submitted_at=now - timedelta(days=4)
    )
    as_user(client, consultant)

    def titles(query):
        response = client.get(f"{reverse(CHANGELIST)}?{query}")
        return [a.title for a in response.context["cl"].result_list]

    assert titles("assigned=me") == ["Mine, 10 days"]
    assert titles("assigned=nobody") == []
    assert titles("waiting=3") == ["Theirs, 4 days", "Mine, 10 days"]
    assert titles("waiting=7") == ["Mine, 10 days"]
    assert titles("waiting=14") == []
    assert titles("status__exact=submitted") == ["Mine, 10 days", "Theirs, 4 days"]  # oldest first
    Assessment.objects.filter(pk=mine.pk).update(status=Status.REVIEWED)
    assert titles("waiting=7") == []  # a finished review waits no more


def test_the_list_runs_the_same_queries_for_1_and_30_assessments(
    client, consultant, other_consultant, org_a, org_b, bank, alice, carol
):
    url = reverse(CHANGELIST)
    first = submitted(org_a, bank, alice, title="First")
    Assessment.objects.filter(pk=first.pk).update(assigned_to=consultant)
    as_user(client, consultant).get(url)  # warm the per-process caches
    one = queries_for(client, url)
    for index in range(29):
        organisation = factories.make_organisation(name=f"Org {index}", time_zone="Asia/Tokyo")
        made = factories.make_assessment(organisation=organisation, bank=bank, title=f"A{index}")
        Assessment.objects.filter(pk=made.pk).update(
            assigned_to=(consultant, other_consultant, None)[index % 3]
        )
    # The session's user, their two permission lookups, the bank and cohort filters'
    # choices, the count, the page, and its organisations, their cohorts, banks and assignees.
    assert queries_for(client, url) == one == 11
    assert queries_for(client, f"{url}?assigned=me&waiting=7") <= one


# --- The review page ----------------------------------------------------------------------


def test_the_summary_counts_what_a_consultant_looks_at_first(client, consultant, submitted_a):
    Answer.objects.filter(assessment=submitted_a, question__slug="data-lineage").update(
        comment="In a wiki.", carried_over=True
    )
    response = as_user(client, consultant).get(page(submitted_a))
    summary = response.context["review"]["summary"]
    assert (summary.dont_know, summary.carried_over, summary.comments) == (1, 1, 1)
    body = response.content.decode()
    assert "1 Don't know" in body and "1 comment" in body
    assert "1 carried over, not confirmed" in body
    assert response.context["review"]["explanations"]["overall"] in body


def test_the_jump_menu_links_to_every_section(client, consultant, submitted_a):
    body = as_user(client, consultant).get(page(submitted_a)).content.decode()
    for slug in ("data-management", "model-lifecycle", "pipeline-grid"):
        assert f'href="#section-{slug}"' in body and f'id="section-{slug}"' in body


def test_filters_show_only_answers_with_comments_or_dont_know_or_below_target(
    client, consultant, submitted_a
):
    Answer.objects.filter(assessment=submitted_a, question__slug="retraining").update(
        comment="Quarterly."
    )
    ComponentTarget.objects.create(assessment=submitted_a, component_slug="monitoring", level=2)
    as_user(client, consultant)
    assert shown_slugs(client.get(page(submitted_a, "show=comments"))) == ["retraining"]
    assert shown_slugs(client.get(page(submitted_a, "show=dont_know"))) == ["feature-store"]
    assert shown_slugs(client.get(page(submitted_a, "show=below_target"))) == ["drift-monitoring"]
    assert len(shown_slugs(client.get(page(submitted_a, "show=nonsense")))) == 10
    body = client.get(page(submitted_a, "show=comments")).content.decode()
    assert 'href="?show=comments#answers" aria-current="true"' in body
    assert "No answers in this section match." in body


def test_the_filter_changed_since_last_time_compares_with_the_previous_assessment(
    client, consultant, org_a, bank, alice
):
    earlier = submitted(org_a, bank, alice, title="2025")
    Assessment.objects.filter(pk=earlier.pk).update(
        submitted_at=timezone.now() - timedelta(days=365)
    )
    later = factories.make_assessment(organisation=org_a, bank=bank, title="2026")
    factories.answer_all(later, factories.SAMPLE_LEVELS | {"drift-monitoring": 3})
    response = as_user(client, consultant).get(page(later, "show=changed"))
    assert shown_slugs(response) == ["drift-monitoring"]
    assert response.context["review"]["summary"].changed == 1
    assert "Last time: Manual" in response.content.decode()


def test_a_note_is_written_beside_its_answer_and_listed_there(client, consultant, submitted_a):
    answer = Answer.objects.get(assessment=submitted_a, question__slug="feature-store")
    body = as_user(client, consultant).get(page(submitted_a)).content.decode()
    assert f'id="note-text-{answer.pk}"' in body
    response = client.post(
        reverse("admin:assessment_assessment_add_note", args=[submitted_a.pk]),
        {
            "answer": answer.pk,
            "text": "Ask who owns features.",
            "in_place": "1",
            "show": "dont_know",
        },
    )
    assert response["Location"] == page(submitted_a, "show=dont_know") + f"#answer-{answer.pk}"
    note = ConsultantNote.objects.get(answer=answer)
    assert (note.text, note.shared, note.author) == ("Ask who owns features.", False, consultant)
    rows = client.get(page(submitted_a, "show=dont_know")).context["review"]["sections"]
    assert rows[0]["components"][1]["rows"][0].notes == [note]


def test_the_review_page_of_a_134_question_bank_runs_as_many_queries_as_with_few_answers(
    client, consultant, org_a, alice
):
    bank_v2 = factories.make_bank(factories.FIXTURES / "question_bank_v2.yaml")
    questions = list(Question.objects.filter(component__section__bank=bank_v2))
    few = factories.make_assessment(organisation=org_a, bank=bank_v2, title="Few")
    full = factories.make_assessment(organisation=org_a, bank=bank_v2, title="Full")
    for assessment, answered in ((few, questions[:3]), (full, questions)):
        Answer.objects.bulk_create(
            Answer(assessment=assessment, question=q, status=Answer.Status.DONT_KNOW)
            for q in answered
        )
    for answer in Answer.objects.filter(assessment=full)[:20]:
        ConsultantNote.objects.create(assessment=full, answer=answer, text="Why?")
    as_user(client, consultant).get(page(few))  # warm the per-process caches
    expected = queries_for(client, page(few))
    assert queries_for(client, page(full)) == expected
    assert queries_for(client, page(full, "show=dont_know")) == expected
    assert len(questions) == 134


# --- Resubmission ---------------------------------------------------------------------------


def request_changes(assessment, consultant):
    return services.review_transition(
        assessment=assessment,
        to_status=Status.CHANGES_REQUESTED,
        consultant=consultant,
        message="Say more about drift.",
    )


def change_answer(assessment, user, slug, level):
    question = Question.objects.get(component__section__bank=assessment.bank, slug=slug)
    current = Answer.objects.get(assessment=assessment, question=question)
    services.save_answers(
        assessment=assessment,
        user=user,
        submissions=[
            services.AnswerSubmission(
                question=question,
                status=Answer.Status.ANSWERED,
                choice=question.choices.get(level=level),
                comment=current.comment,
                seen_revision=current.revision,
            )
        ],
    )


def test_a_resubmission_goes_straight_back_into_review_with_the_same_assignee(
    client, consultant, alice, submitted_a
):
    services.review_transition(
        assessment=submitted_a, to_status=Status.IN_REVIEW, consultant=consultant
    )
    request_changes(submitted_a, consultant)
    change_answer(submitted_a, alice, "drift-monitoring", 3)
    change_answer(submitted_a, alice, "retraining", 2)  # sent unchanged: not a change
    services.submit_assessment(assessment=submitted_a, user=alice)
    submitted_a.refresh_from_db()
    assert (submitted_a.status, submitted_a.assigned_to) == (Status.IN_REVIEW, consultant)
    last = ReviewEvent.objects.filter(assessment=submitted_a).last()
    assert (last.from_status, last.to_status, last.actor) == (
        Status.CHANGES_REQUESTED,
        Status.IN_REVIEW,
        alice,
    )
    response = as_user(client, consultant).get(page(submitted_a, "show=since_request"))
    assert shown_slugs(response) == ["drift-monitoring"]
    assert response.context["review"]["summary"].since_request == 1
    body = response.content.decode()
    assert "answer-since-request" in body and "1 changed since changes were requested" in body


def test_changes_requested_straight_from_submitted_assigns_the_consultant_who_asked(
    consultant, alice, submitted_a
):
    request_changes(submitted_a, consultant)
    submitted_a.refresh_from_db()
    assert submitted_a.assigned_to == consultant
    services.submit_assessment(assessment=submitted_a, user=alice)
    submitted_a.refresh_from_db()
    assert submitted_a.status == Status.IN_REVIEW


def test_a_resubmission_with_nobody_assigned_waits_as_submitted(consultant, alice, submitted_a):
    request_changes(submitted_a, consultant)
    services.assign_assessment(assessment=submitted_a, assignee=None, by=consultant)
    services.submit_assessment(assessment=submitted_a, user=alice)
    submitted_a.refresh_from_db()
    assert (submitted_a.status, submitted_a.assigned_to) == (Status.SUBMITTED, None)


def test_before_a_resubmission_nothing_is_highlighted(client, consultant, submitted_a):
    request_changes(submitted_a, consultant)
    review = as_user(client, consultant).get(page(submitted_a)).context["review"]
    assert review["request_event"] is None
    assert "since_request" not in [link["value"] for link in review["filters"]]


# --- Times ----------------------------------------------------------------------------------


def at(assessment, when):
    Assessment.objects.filter(pk=assessment.pk).update(submitted_at=when)
    ReviewEvent.objects.filter(assessment=assessment).update(created_at=when)


def test_times_are_24_hour_in_the_default_zone(client, consultant, submitted_a):
    at(submitted_a, datetime(2026, 7, 1, 14, 5, tzinfo=UTC))  # 15:05 in London (BST)
    body = as_user(client, consultant).get(page(submitted_a)).content.decode()
    assert "1 Jul 2026, 15:05" in body
    # No 12-hour clock anywhere (other times on the page are "now", so no fixed text).
    assert not re.search(r"\d{1,2}:\d{2}\s*(a\.m\.|p\.m\.|AM|PM)", body)
    assert "Europe/London" in body
    listing = client.get(reverse(CHANGELIST)).content.decode()
    assert "1 Jul 2026, 15:05" in listing


def test_times_follow_the_organisations_time_zone(client, consultant, org_a, submitted_a):
    Organisation.objects.filter(pk=org_a.pk).update(time_zone="Asia/Tokyo")
    at(submitted_a, datetime(2026, 1, 15, 16, 30, tzinfo=UTC))  # 01:30 the next day in Tokyo
    body = as_user(client, consultant).get(page(submitted_a)).content.decode()
    assert "16 Jan 2026, 01:30" in body and "15 Jan 2026, 16:30" not in body
    listing = client.get(reverse(CHANGELIST)).content.decode()
    assert "16 Jan 2026, 01:30" in listing


def test_an_organisation_time_zone_defaults_to_london_and_must_be_a_real_zone(org_a):
    assert org_a.time_zone == "Europe/London"
    for wrong in ("Mars/Olympus_Mons", "../etc/passwd", ""):
        org_a.time_zone = wrong
        with pytest.raises(ValidationError) as refused:
            org_a.full_clean()
        assert "time_zone" in refused.value.message_dict
    org_a.time_zone = "America/New_York"
    org_a.full_clean()
