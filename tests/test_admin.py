"""The consultant's admin: what a consultant can do there, and nothing more."""

import html

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.contrib.messages import get_messages
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from assessment import services
from assessment.bank import copy_bank_as_draft
from assessment.levels import LEVEL_LABELS
from assessment.models import (
    Answer,
    Assessment,
    ConsultantNote,
    Question,
    QuestionBank,
    ReviewEvent,
)
from tests import factories
from tests.factories import SAMPLE_LEVELS, answer_all, submitted
from tests.held_back import HELD_BACK, held_back_assessment

Status = Assessment.Status


def change_url(assessment):
    return reverse("admin:assessment_assessment_change", args=[assessment.pk])


def review_url(assessment, action):
    return reverse("admin:assessment_assessment_review", args=[assessment.pk, action])


def messages_of(response):
    return [str(message) for message in get_messages(response.wsgi_request)]


def count_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


@pytest.fixture
def submitted_a(org_a, bank, alice):
    return submitted(org_a, bank, alice)


@pytest.fixture
def submitted_b(org_b, bank, carol):
    return submitted(org_b, bank, carol, title="Birch review")


@pytest.fixture
def consultant_client(client, consultant):
    client.force_login(consultant)
    return client


# --- Who gets in ------------------------------------------------------------------------


def test_a_respondent_is_sent_to_the_admin_login(client, alice, submitted_a):
    client.force_login(alice)
    for url in (
        reverse("admin:index"),
        reverse("admin:assessment_assessment_changelist"),
        change_url(submitted_a),
        review_url(submitted_a, "start"),
        reverse("admin:assessment_assessment_export_json", args=[submitted_a.pk]),
    ):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("admin:login"))
    response = client.post(review_url(submitted_a, "start"))
    assert response.status_code == 302
    submitted_a.refresh_from_db()
    assert submitted_a.status == Status.SUBMITTED


def test_staff_outside_the_consultants_group_see_no_assessments(client, submitted_a):
    staff = factories.make_user("staff@example.com", is_staff=True)
    client.force_login(staff)
    assert client.get(reverse("admin:assessment_assessment_changelist")).status_code == 403
    assert client.post(review_url(submitted_a, "start")).status_code == 403


def test_the_consultants_group_has_exactly_the_review_permissions(consultant):
    granted = set(
        Permission.objects.filter(group__name="Consultants").values_list("codename", flat=True)
    )
    assert granted == {
        "view_organisation",
        "view_membership",
        "view_assessment",
        "change_assessment",
        "view_answer",
        "view_reviewevent",
        "view_consultantnote",
        "add_consultantnote",
        "change_consultantnote",
        "view_questionbank",
        "view_section",
        "view_component",
        "view_componentguidance",
        "view_question",
        "view_choice",
        "view_componenttarget",
        "view_action",
        "view_actionchange",
        "view_actioncomment",
        "add_actioncomment",
        "view_cohort",
        "view_cohortorganisation",
    }
    assert not consultant.is_superuser


def test_a_consultant_gets_403_on_users_and_groups(consultant_client, alice):
    for url in (
        reverse("admin:auth_user_changelist"),
        reverse("admin:auth_user_change", args=[alice.pk]),
        reverse("admin:auth_user_add"),
        reverse("admin:auth_group_changelist"),
        reverse("admin:assessment_invitation_changelist"),
    ):
        assert consultant_client.get(url).status_code == 403, url


def test_the_admin_index_shows_a_consultant_only_what_they_may_see(consultant_client):
    response = consultant_client.get(reverse("admin:index"))
    assert response.status_code == 200
    models = {
        model["object_name"] for app in response.context["app_list"] for model in app["models"]
    }
    assert {"Assessment", "Organisation", "Answer", "QuestionBank"} <= models
    assert "User" not in models and "Group" not in models and "Invitation" not in models


def test_a_consultant_cannot_add_change_or_delete_assessments(consultant_client, submitted_a):
    assert consultant_client.get(reverse("admin:assessment_assessment_add")).status_code == 403
    response = consultant_client.post(
        change_url(submitted_a), {"title": "Renamed", "status": Status.REVIEWED}
    )
    assert response.status_code == 403
    delete_url = reverse("admin:assessment_assessment_delete", args=[submitted_a.pk])
    assert consultant_client.get(delete_url).status_code == 403
    assert consultant_client.post(delete_url, {"post": "yes"}).status_code == 403
    changelist = consultant_client.get(reverse("admin:assessment_assessment_changelist"))
    actions = dict(changelist.context["action_form"].fields["action"].choices)
    assert "delete_selected" not in actions
    assert {"start_review", "export_answers_csv", "export_component_scores_csv"} <= set(actions)
    submitted_a.refresh_from_db()
    assert (submitted_a.title, submitted_a.status) == ("MLOps maturity 2026", Status.SUBMITTED)


def test_the_change_page_is_read_only_without_a_save_button(consultant_client, submitted_a):
    response = consultant_client.get(change_url(submitted_a))
    assert response.status_code == 200
    body = response.content.decode()
    assert 'name="_save"' not in body
    assert 'name="title"' not in body  # no editable field


def test_a_consultant_cannot_edit_answers(consultant_client, submitted_a):
    answer = Answer.objects.filter(assessment=submitted_a).first()
    url = reverse("admin:assessment_answer_change", args=[answer.pk])
    assert consultant_client.get(url).status_code == 200  # may look
    response = consultant_client.post(url, {"comment": "edited by a consultant"})
    assert response.status_code == 403
    answer.refresh_from_db()
    assert answer.comment == ""
    delete_url = reverse("admin:assessment_answer_delete", args=[answer.pk])
    assert consultant_client.post(delete_url, {"post": "yes"}).status_code == 403
    assert Answer.objects.filter(pk=answer.pk).exists()


def test_even_a_superuser_changes_assessments_only_through_the_workflow(
    client, superuser, submitted_a
):
    client.force_login(superuser)
    response = client.post(change_url(submitted_a), {"title": "Renamed"})
    assert response.status_code == 403
    answer = Answer.objects.filter(assessment=submitted_a).first()
    url = reverse("admin:assessment_answer_change", args=[answer.pk])
    assert client.post(url, {"comment": "x"}).status_code == 403


# --- The changelist ---------------------------------------------------------------------


def test_the_changelist_shows_the_review_columns(consultant_client, submitted_a, assessment_b):
    response = consultant_client.get(reverse("admin:assessment_assessment_changelist"))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Acme Analytics" in body and "Birch Robotics" in body
    assert "Submitted" in body and "Draft" in body
    assert "vsample-1" in body
    level, score = submitted_a.overall_level, submitted_a.overall_score
    assert f'<td class="field-level">{level} · {LEVEL_LABELS[level]} ({score:.1f})</td>' in body
    assert '<td class="field-answered">10/10</td>' in body
    assert '<td class="field-answered">0/10</td>' in body
    assert response.context["cl"].show_full_result_count is False


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("status__exact=submitted", {"MLOps maturity 2026"}),
        ("status__exact=draft", {"Birch draft"}),
        ("organisation__sector__exact=manufacturing", {"Birch draft"}),
        ("organisation__size__exact=small", {"MLOps maturity 2026", "Birch draft"}),
        ("overall_level__isnull=True", {"Birch draft"}),
        ("submitted_at__isnull=False", {"MLOps maturity 2026"}),
        ("q=Birch", {"Birch draft"}),
        ("q=alice@acme.example", {"MLOps maturity 2026"}),
        ("q=carol@birch", {"Birch draft"}),
    ],
)
def test_filters_and_search(consultant_client, submitted_a, org_b, bank, carol, query, expected):
    factories.make_assessment(organisation=org_b, bank=bank, created_by=carol, title="Birch draft")
    response = consultant_client.get(
        reverse("admin:assessment_assessment_changelist") + "?" + query
    )
    assert response.status_code == 200
    titles = {assessment.title for assessment in response.context["cl"].result_list}
    assert titles == expected


def test_filters_by_overall_level_and_bank_version(consultant_client, submitted_a, bank):
    copy_bank_as_draft(bank=bank, version="sample-2")  # the filter shows from two banks on
    url = reverse("admin:assessment_assessment_changelist")
    level = submitted_a.overall_level
    response = consultant_client.get(f"{url}?overall_level__exact={level}")
    assert [a.pk for a in response.context["cl"].result_list] == [submitted_a.pk]
    response = consultant_client.get(f"{url}?overall_level__exact={(level + 1) % 5}")
    assert list(response.context["cl"].result_list) == []
    response = consultant_client.get(f"{url}?bank__id__exact={bank.pk}")
    assert [a.pk for a in response.context["cl"].result_list] == [submitted_a.pk]
    filters = {spec.title for spec in response.context["cl"].filter_specs}
    assert {"status", "overall level", "sector", "size", "bank version", "submitted at"} <= filters


def test_the_changelist_query_count_does_not_grow_with_assessments(
    client, superuser, org_a, org_b, bank, alice, carol, django_assert_max_num_queries
):
    client.force_login(superuser)
    url = reverse("admin:assessment_assessment_changelist")
    for index in range(3):
        submitted(org_a if index % 2 else org_b, bank, alice if index % 2 else carol, f"A{index}")
    client.get(url)  # warm the per-process caches
    few = count_queries(client, url)
    for index in range(27):
        factories.make_assessment(organisation=org_a, bank=bank, title=f"B{index}")
    with django_assert_max_num_queries(few):
        response = client.get(url)
    assert len(response.context["cl"].result_list) == 30


# --- The change page --------------------------------------------------------------------


def test_the_change_page_shows_answers_by_section_and_the_score(
    consultant_client, submitted_a, bank
):
    answer = Answer.objects.get(assessment=submitted_a, question__slug="data-lineage")
    Answer.objects.filter(pk=answer.pk).update(comment="Lineage lives in a wiki page.")
    response = consultant_client.get(change_url(submitted_a))
    assert response.status_code == 200
    body = response.content.decode()
    review = response.context["review"]
    assert [item["section"].slug for item in review["sections"]] == [
        "data-management",
        "model-lifecycle",
        "pipeline-grid",
    ]
    first = review["sections"][0]["components"][0]["rows"][0]
    assert first.question.slug == "training-data-versions"
    assert first.level == 2 and first.label == "Repeatable"
    statement = first.answer.choice.statement
    assert statement in body
    assert "Lineage lives in a wiki page." in body
    assert "Don&#x27;t know (scored as Not in place)" in body
    assert "Data management and pipeline" in body
    assert "Foundation gate" in body
    assert review["result"].overall.level == submitted_a.overall_level
    assert reverse("assessment_results", args=[submitted_a.pk]) in body
    assert reverse("assessment_report", args=[submitted_a.pk]) in body
    assert reverse("admin:assessment_assessment_export_json", args=[submitted_a.pk]) in body


def test_the_gate_is_explained_when_it_lowers_the_level(consultant_client, org_a, bank, alice):
    # The foundation component is at Manual; the rest would lift the overall level to 3.
    levels = dict.fromkeys(SAMPLE_LEVELS, 4) | {
        "training-data-versions": 1,
        "data-lineage": 2,
    }
    assessment = factories.make_assessment(organisation=org_a, bank=bank)
    answer_all(assessment, levels)
    response = consultant_client.get(change_url(assessment))
    review = response.context["review"]
    assert review["result"].overall.gated
    assert review["gate_components"] == ["Data versioning and lineage"]
    assert (review["result"].overall.level, review["result"].overall.ungated_level) == (2, 3)
    assert "Foundation gate applied" in response.content.decode()


def test_the_change_page_query_count_does_not_grow_with_answers(
    client, superuser, org_a, bank, django_assert_max_num_queries
):
    client.force_login(superuser)
    few = factories.make_assessment(organisation=org_a, bank=bank, title="Few")
    many = factories.make_assessment(organisation=org_a, bank=bank, title="Many")
    answer_all(few, dict(list(SAMPLE_LEVELS.items())[:2]))
    answer_all(many)
    for assessment in (few, many):
        ConsultantNote.objects.create(assessment=assessment, text="Overall note")
    for answer in Answer.objects.filter(assessment=many)[:5]:
        ConsultantNote.objects.create(assessment=many, answer=answer, text="On an answer")
    client.get(change_url(few))  # warm the per-process caches
    expected = count_queries(client, change_url(few))
    with django_assert_max_num_queries(expected):
        response = client.get(change_url(many))
    assert response.context["review"]["result"].completeness.answered == 10


# --- The review workflow ----------------------------------------------------------------


def test_start_review_then_request_changes_then_resubmit_then_mark_reviewed(
    consultant_client, consultant, submitted_a, alice
):
    response = consultant_client.post(review_url(submitted_a, "start"))
    assert response.status_code == 302
    assert response["Location"] == change_url(submitted_a)
    submitted_a.refresh_from_db()
    assert submitted_a.status == Status.IN_REVIEW

    response = consultant_client.get(review_url(submitted_a, "request-changes"))
    assert response.status_code == 200
    assert "Message to the organisation" in response.content.decode()
    response = consultant_client.post(
        review_url(submitted_a, "request-changes"),
        {"message": "Please describe how drift is monitored."},
    )
    assert response.status_code == 302
    submitted_a.refresh_from_db()
    assert submitted_a.status == Status.CHANGES_REQUESTED
    assert submitted_a.change_request_message == "Please describe how drift is monitored."
    assert submitted_a.is_editable  # respondents can edit again

    services.submit_assessment(assessment=submitted_a, user=alice)  # back in review at once
    response = consultant_client.post(
        review_url(submitted_a, "mark-reviewed"), {"message": "Solid foundations overall."}
    )
    assert response.status_code == 302
    submitted_a.refresh_from_db()
    assert submitted_a.status == Status.REVIEWED
    assert submitted_a.review_summary == "Solid foundations overall."
    assert submitted_a.reviewed_by == consultant
    assert submitted_a.reviewed_at is not None

    steps = list(
        ReviewEvent.objects.filter(assessment=submitted_a).values_list(
            "from_status", "to_status", "actor__email"
        )
    )
    assert steps == [
        (Status.DRAFT, Status.SUBMITTED, "alice@acme.example"),
        (Status.SUBMITTED, Status.IN_REVIEW, consultant.email),
        (Status.IN_REVIEW, Status.CHANGES_REQUESTED, consultant.email),
        (Status.CHANGES_REQUESTED, Status.IN_REVIEW, "alice@acme.example"),
        (Status.IN_REVIEW, Status.REVIEWED, consultant.email),
    ]
    page = consultant_client.get(change_url(submitted_a))
    body = page.content.decode()
    assert "Review history" in body
    assert "Please describe how drift is monitored." in body
    assert "In review → Changes requested" in body
    assert len(page.context["review"]["events"]) == 5
    assert page.context["review"]["actions"] == []


def test_the_change_page_offers_only_the_allowed_steps(consultant_client, submitted_a):
    page = consultant_client.get(change_url(submitted_a))
    slugs = [action.slug for action in page.context["review"]["actions"]]
    assert slugs == ["start", "request-changes"]
    body = page.content.decode()
    assert f'action="{review_url(submitted_a, "start")}"' in body
    assert review_url(submitted_a, "mark-reviewed") not in body


@pytest.mark.parametrize("action", ["request-changes", "mark-reviewed"])
def test_a_message_is_required(consultant_client, submitted_a, action):
    consultant_client.post(review_url(submitted_a, "start"))
    response = consultant_client.post(review_url(submitted_a, action), {"message": "   "})
    assert response.status_code == 200
    assert response.context["form"].errors["message"]
    body = response.content.decode()
    assert "Please correct the error below." in body
    submitted_a.refresh_from_db()
    assert submitted_a.status == Status.IN_REVIEW


def test_reviewed_from_draft_is_refused_with_a_message(consultant_client, assessment_a):
    response = consultant_client.post(
        review_url(assessment_a, "mark-reviewed"), {"message": "Looks fine."}
    )
    assert response.status_code == 302
    assert any("cannot be moved" in message for message in messages_of(response))
    assessment_a.refresh_from_db()
    assert assessment_a.status == Status.DRAFT
    assert not ReviewEvent.objects.filter(assessment=assessment_a).exists()
    response = consultant_client.get(review_url(assessment_a, "mark-reviewed"), follow=True)
    assert response.status_code == 200
    assert any("not possible" in message for message in messages_of(response))


def test_starting_review_twice_is_refused(consultant_client, submitted_a):
    consultant_client.post(review_url(submitted_a, "start"))
    response = consultant_client.post(review_url(submitted_a, "start"), follow=True)
    assert response.status_code == 200
    assert any("cannot be moved" in message for message in messages_of(response))
    assert ReviewEvent.objects.filter(to_status=Status.IN_REVIEW).count() == 1


def test_an_unknown_review_action_or_assessment_is_404(consultant_client, submitted_a):
    assert consultant_client.get(review_url(submitted_a, "approve")).status_code == 404
    missing = reverse("admin:assessment_assessment_review", args=[999999, "start"])
    assert consultant_client.post(missing).status_code == 404


def test_the_start_review_action_reports_what_it_refused(
    consultant_client, submitted_a, submitted_b, assessment_a
):
    response = consultant_client.post(
        reverse("admin:assessment_assessment_changelist"),
        {
            "action": "start_review",
            "_selected_action": [submitted_a.pk, submitted_b.pk, assessment_a.pk],
        },
        follow=True,
    )
    assert response.status_code == 200
    shown = messages_of(response)
    assert "Review started for 2 assessment(s)." in shown
    assert (
        f"1 assessment(s) could not start review. MLOps maturity 2026 (#{assessment_a.pk}): "
        "An assessment that is draft cannot be moved to “in review”." in shown
    )
    statuses = dict(Assessment.objects.values_list("pk", "status"))
    assert statuses[submitted_a.pk] == statuses[submitted_b.pk] == Status.IN_REVIEW
    assert statuses[assessment_a.pk] == Status.DRAFT


# --- Consultant notes -------------------------------------------------------------------


def test_a_consultant_adds_internal_and_shared_notes(consultant_client, consultant, submitted_a):
    add_url = reverse("admin:assessment_assessment_add_note", args=[submitted_a.pk])
    response = consultant_client.post(add_url, {"text": "Check their CI set-up."})
    assert response.status_code == 302
    answer = Answer.objects.get(assessment=submitted_a, question__slug="drift-monitoring")
    response = consultant_client.get(f"{add_url}?answer={answer.pk}")
    assert response.status_code == 200
    assert response.context["form"].initial["answer"] == answer.pk
    consultant_client.post(
        add_url, {"text": "Drift checks would help here.", "answer": answer.pk, "shared": "on"}
    )
    notes = list(ConsultantNote.objects.order_by("pk"))
    assert [(n.text, n.answer, n.shared, n.author) for n in notes] == [
        ("Check their CI set-up.", None, False, consultant),
        ("Drift checks would help here.", answer, True, consultant),
    ]
    page = consultant_client.get(change_url(submitted_a))
    body = page.content.decode()
    assert "Check their CI set-up." in body and "Drift checks would help here." in body
    rows = [
        row
        for item in page.context["review"]["sections"]
        for component in item["components"]
        for row in component["rows"]
    ]
    drift = next(row for row in rows if row.question.slug == "drift-monitoring")
    assert [note.text for note in drift.notes] == ["Drift checks would help here."]


def test_a_note_on_another_assessments_answer_or_without_text_is_refused(
    consultant_client, submitted_a, submitted_b
):
    add_url = reverse("admin:assessment_assessment_add_note", args=[submitted_a.pk])
    foreign = Answer.objects.filter(assessment=submitted_b).first()
    response = consultant_client.post(add_url, {"text": "Wrong place", "answer": foreign.pk})
    assert response.status_code == 200
    assert response.context["form"].errors["answer"]
    response = consultant_client.post(add_url, {"text": "  "})
    assert response.status_code == 200
    assert response.context["form"].errors["text"] == ["A note needs some text."]
    assert not ConsultantNote.objects.exists()


def test_a_consultant_edits_their_own_notes_only(consultant_client, consultant, submitted_a):
    other = factories.make_user("other@review.example", is_staff=True)
    other.groups.add(Group.objects.get(name="Consultants"))
    mine = ConsultantNote.objects.create(assessment=submitted_a, author=consultant, text="Mine")
    theirs = ConsultantNote.objects.create(assessment=submitted_a, author=other, text="Theirs")
    url = reverse("admin:assessment_consultantnote_change", args=[mine.pk])
    response = consultant_client.post(url, {"text": "Mine, shared", "shared": "on"})
    assert response.status_code == 302
    mine.refresh_from_db()
    assert (mine.text, mine.shared) == ("Mine, shared", True)
    url = reverse("admin:assessment_consultantnote_change", args=[theirs.pk])
    assert consultant_client.post(url, {"text": "Hijacked"}).status_code == 403
    theirs.refresh_from_db()
    assert theirs.text == "Theirs"


def test_the_consultant_fixture_can_review_but_is_no_superuser(consultant):
    assert consultant.is_staff and not consultant.is_superuser
    assert consultant.has_perm("assessment.change_assessment")
    assert not consultant.has_perm("assessment.delete_assessment")
    assert not consultant.has_perm("assessment.change_answer")
    assert not consultant.has_perm("auth.view_user")


# --- Organisations ----------------------------------------------------------------------


def test_organisations_list_member_and_assessment_counts(
    consultant_client, submitted_a, bob, assessment_b
):
    factories.make_assessment(organisation=submitted_a.organisation, bank=submitted_a.bank)
    response = consultant_client.get(reverse("admin:assessment_organisation_changelist"))
    assert response.status_code == 200
    counts = {
        org.name: (org.member_count, org.assessment_count)
        for org in response.context["cl"].result_list
    }
    assert counts == {"Acme Analytics": (2, 2), "Birch Robotics": (1, 1)}
    response = consultant_client.get(
        reverse("admin:assessment_organisation_changelist") + "?q=bob@acme"
    )
    assert [org.name for org in response.context["cl"].result_list] == ["Acme Analytics"]
    org_page = consultant_client.get(
        reverse("admin:assessment_organisation_change", args=[submitted_a.organisation_id])
    )
    assert org_page.status_code == 200
    assert "bob@acme.example" in org_page.content.decode()
    response = consultant_client.post(
        reverse("admin:assessment_organisation_change", args=[submitted_a.organisation_id]),
        {"name": "Renamed", "sector": "other", "size": "large"},
    )
    assert response.status_code == 403


# --- create_consultant ------------------------------------------------------------------


@pytest.mark.django_db
def test_create_consultant_makes_a_staff_user_in_the_group(capsys):
    call_command("create_consultant", "Morgan@Review.Example", password="a-long-review-passphrase")
    user = get_user_model().objects.get(username="morgan@review.example")
    assert user.is_staff and not user.is_superuser
    assert user.check_password("a-long-review-passphrase")
    assert list(user.groups.values_list("name", flat=True)) == ["Consultants"]
    assert not hasattr(user, "membership") or user.membership is None
    assert "Consultant morgan@review.example created" in capsys.readouterr().out


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("email", "options", "error"),
    [
        ("not-an-email", {"password": "a-long-review-passphrase"}, "not a valid e-mail"),
        ("m@review.example", {"password": "short"}, "too short"),
        ("m@review.example", {"password": "password123"}, "too common"),
        ("m@review.example", {"interactive": False}, "Give --password"),
    ],
)
def test_create_consultant_refuses_bad_input(email, options, error):
    with pytest.raises(CommandError, match=error):
        call_command("create_consultant", email, **options)
    assert not get_user_model().objects.exists()


def test_create_consultant_refuses_an_existing_account(alice):
    with pytest.raises(CommandError, match="already exists"):
        call_command("create_consultant", alice.email, password="a-long-review-passphrase")
    alice.refresh_from_db()
    assert not alice.is_staff


@pytest.mark.django_db
def test_create_consultant_asks_for_the_password_until_it_is_good(monkeypatch):
    typed = iter(
        [
            "short",
            "short",
            "a-long-review-passphrase",
            "typo-in-the-second",
            "a-long-review-passphrase",
            "a-long-review-passphrase",
        ]
    )
    monkeypatch.setattr("getpass.getpass", lambda prompt="": next(typed))
    monkeypatch.setattr("sys.stdin.isatty", lambda: True)
    call_command("create_consultant", "asked@review.example")
    user = get_user_model().objects.get(username="asked@review.example")
    assert user.check_password("a-long-review-passphrase")


def test_questions_of_the_sample_bank_are_the_ones_answered_here(bank):
    slugs = set(
        Question.objects.filter(component__section__bank=bank).values_list("slug", flat=True)
    )
    assert slugs == set(SAMPLE_LEVELS)
    assert QuestionBank.objects.get().status == QuestionBank.Status.PUBLISHED


def test_the_score_panel_says_why_a_level_was_held_back(consultant_client, org_a, alice):
    assessment = held_back_assessment(org_a, alice)
    page = html.unescape(consultant_client.get(change_url(assessment)).content.decode())
    assert HELD_BACK in page
    assert "Why this level:" in page
