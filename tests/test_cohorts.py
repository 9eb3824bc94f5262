"""Cohorts (issue 17 §2): who sees which cohort, inviting an organisation into one (its
owner's account is made on acceptance), the dashboard and its exports, and the cohort
column and filter of the assessment list."""

import csv
import io
import re

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from openpyxl import load_workbook

from assessment import roles
from assessment.cohort_dashboard import cohort_dashboard
from assessment.models import (
    Assessment,
    Cohort,
    CohortOrganisation,
    ComponentLevel,
    Invitation,
    Membership,
    Organisation,
)
from assessment.results import results_for
from assessment.services import review_transition
from tests import factories
from tests.factories import make_cohort, submitted


@pytest.fixture
def cohort(consultant, org_a, org_b):
    return make_cohort(consultants=[consultant], organisations=[org_a, org_b])


def dashboard_url(cohort):
    return reverse("admin:assessment_cohort_dashboard", args=[cohort.pk])


def invite_url(cohort):
    return reverse("admin:assessment_cohort_invite", args=[cohort.pk])


INVITE = {
    "organisation_name": "Cedar Health",
    "sector": "health",
    "size": "medium",
    "email": "Dana@Cedar.example",
}


# --- Who sees what ----------------------------------------------------------------------


def test_a_consultant_lists_only_the_cohorts_they_belong_to(client, consultant, cohort):
    make_cohort(name="Someone else's cohort")
    client.force_login(consultant)
    page = client.get(reverse("admin:assessment_cohort_changelist")).content.decode()
    assert cohort.name in page and "Someone else&#x27;s cohort" not in page


def test_a_lead_lists_every_cohort(client, lead, cohort):
    make_cohort(name="Northern cohort")
    client.force_login(lead)
    page = client.get(reverse("admin:assessment_cohort_changelist")).content.decode()
    assert cohort.name in page and "Northern cohort" in page


@pytest.mark.parametrize("view", ["dashboard", "invite", "export"])
def test_another_cohorts_pages_are_a_404_for_a_consultant_outside_it(
    client, other_consultant, cohort, view
):
    urls = {
        "dashboard": dashboard_url(cohort),
        "invite": invite_url(cohort),
        "export": reverse("admin:assessment_cohort_export", args=[cohort.pk, "csv"]),
    }
    client.force_login(other_consultant)
    assert client.get(urls[view]).status_code == 404


def test_a_lead_opens_any_cohorts_dashboard(client, lead, cohort):
    client.force_login(lead)
    assert client.get(dashboard_url(cohort)).status_code == 200


@pytest.mark.parametrize("who", ["anonymous", "respondent"])
def test_respondents_and_visitors_never_reach_a_cohort(client, alice, cohort, who):
    if who == "respondent":
        client.force_login(alice)
    for url in (dashboard_url(cohort), invite_url(cohort)):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("admin:login"))


def test_a_consultant_cannot_change_or_delete_a_cohort(client, consultant, cohort):
    client.force_login(consultant)
    change = reverse("admin:assessment_cohort_change", args=[cohort.pk])
    response = client.post(change, {"name": "Renamed", "opens_on": "2026-01-01"})
    cohort.refresh_from_db()
    assert response.status_code == 403 and cohort.name != "Renamed"
    assert client.get(reverse("admin:assessment_cohort_add")).status_code == 403


def test_the_change_page_links_to_the_dashboard(client, consultant, cohort):
    client.force_login(consultant)
    page = client.get(reverse("admin:assessment_cohort_change", args=[cohort.pk]))
    assert dashboard_url(cohort) in page.content.decode()


@pytest.mark.parametrize(
    ("name", "method"),
    [("dashboard", "post"), ("export", "post"), ("invite", "put"), ("again", "get")],
)
def test_the_cohort_views_refuse_other_methods(client, consultant, cohort, name, method):
    link = CohortOrganisation.objects.filter(cohort=cohort).first()
    urls = {
        "dashboard": dashboard_url(cohort),
        "export": reverse("admin:assessment_cohort_export", args=[cohort.pk, "xlsx"]),
        "invite": invite_url(cohort),
        "again": reverse("admin:assessment_cohort_invite_again", args=[cohort.pk, link.pk]),
    }
    client.force_login(consultant)
    assert getattr(client, method)(urls[name]).status_code == 405


# --- Inviting an organisation -----------------------------------------------------------


def accept_link(message) -> str:
    return re.search(r"http://testserver(/invitations/\S+/)", message.body).group(1)


def test_a_consultant_invites_an_organisation_whose_owner_account_is_made_on_acceptance(
    client, consultant, cohort
):
    client.force_login(consultant)
    response = client.post(invite_url(cohort), INVITE)
    assert response.status_code == 302 and response["Location"] == dashboard_url(cohort)
    organisation = Organisation.objects.get(name="Cedar Health")
    assert organisation.cohorts.get() == cohort
    (message,) = mail.outbox
    assert message.to == ["dana@cedar.example"]
    assert cohort.name in message.body and cohort.due_on.isoformat() in message.body
    row = next(r for r in cohort_dashboard(cohort).rows if r.organisation == organisation)
    assert row.state == "invited"

    client.logout()
    link = accept_link(message)
    page = client.get(link).content.decode()
    assert "You will be the owner of Cedar Health" in page
    response = client.post(
        link,
        {
            "first_name": "Dana",
            "last_name": "Scully",
            "password1": "a-long-enough-passphrase-42",
            "password2": "a-long-enough-passphrase-42",
        },
    )
    assert response.status_code == 302
    membership = Membership.objects.get(user__email="dana@cedar.example")
    assert membership.organisation == organisation
    assert membership.role == Membership.Role.OWNER
    row = next(r for r in cohort_dashboard(cohort).rows if r.organisation == organisation)
    assert row.state == "not_started"


def test_a_team_invitation_still_makes_a_member(alice, org_a):
    invitation, _token = factories.services.invite_member(
        organisation=org_a, email="erin@acme.example", invited_by=alice
    )
    user = factories.services.accept_invitation(
        invitation=invitation, first_name="Erin", password="a-long-enough-passphrase-42"
    )
    assert user.membership.role == Membership.Role.MEMBER


def test_an_address_that_belongs_to_an_organisation_is_refused_and_nothing_is_made(
    client, consultant, cohort, alice
):
    client.force_login(consultant)
    response = client.post(invite_url(cohort), {**INVITE, "email": alice.email})
    assert response.status_code == 400
    assert "already has an account" in response.content.decode()
    assert not Organisation.objects.filter(name="Cedar Health").exists()
    assert mail.outbox == []


def test_a_bad_invitation_form_is_a_400_with_the_fields_kept(client, consultant, cohort):
    client.force_login(consultant)
    response = client.post(invite_url(cohort), {**INVITE, "email": "not an address"})
    assert response.status_code == 400
    assert 'value="Cedar Health"' in response.content.decode()


def test_inviting_again_replaces_the_link(client, consultant, cohort):
    client.force_login(consultant)
    client.post(invite_url(cohort), INVITE)
    first = accept_link(mail.outbox[0])
    link = CohortOrganisation.objects.get(organisation__name="Cedar Health")
    url = reverse("admin:assessment_cohort_invite_again", args=[cohort.pk, link.pk])
    assert client.post(url).status_code == 302
    second = accept_link(mail.outbox[1])
    assert first != second
    assert client.get(first).status_code == 404
    assert client.get(second).status_code == 200
    assert Invitation.objects.filter(organisation=link.organisation).count() == 2


def test_an_organisation_someone_joined_is_not_invited_again(client, consultant, cohort, alice):
    client.force_login(consultant)
    link = CohortOrganisation.objects.get(cohort=cohort, organisation=alice.membership.organisation)
    url = reverse("admin:assessment_cohort_invite_again", args=[cohort.pk, link.pk])
    response = client.post(url, follow=True)
    assert "already joined" in response.content.decode()
    assert mail.outbox == []


# --- The dashboard ----------------------------------------------------------------------


def test_the_dashboard_shows_each_state_the_counts_and_the_levels(
    client, consultant, cohort, bank, alice, carol
):
    factories.make_organisation(name="Quiet Ltd")
    invited = factories.make_organisation(name="Dormant Ltd")
    CohortOrganisation.objects.create(cohort=cohort, organisation=invited)
    reviewed = submitted(alice.membership.organisation, bank, alice)
    review_transition(assessment=reviewed, to_status="in_review", consultant=consultant)
    review_transition(
        assessment=reviewed, to_status="reviewed", consultant=consultant, message="Good"
    )
    draft = factories.make_assessment(organisation=carol.membership.organisation, bank=bank)
    factories.answer(draft, "training-data-versions", 2)
    draft.answered_count = 5
    draft.save()

    dashboard = cohort_dashboard(cohort)
    states = {row.organisation.name: row.state for row in dashboard.rows}
    assert states == {
        "Acme Analytics": "reviewed",
        "Birch Robotics": "in_progress",
        "Dormant Ltd": "invited",
    }
    counts = {state: count for state, _label, count in dashboard.state_counts}
    assert counts["reviewed"] == counts["in_progress"] == counts["invited"] == 1
    assert counts["submitted"] == 0
    drafting = next(row for row in dashboard.rows if row.state == "in_progress")
    assert drafting.percent_answered == 50 and drafting.level is None
    done = next(row for row in dashboard.rows if row.state == "reviewed")
    assert done.level == reviewed.overall_level
    # One scored assessment: each component counted once, at the level its results give.
    expected = {
        component.title: component.level
        for section in results_for(reviewed).result.sections
        for component in section.components
    }
    assert {row.component for row in dashboard.heatmap} == set(expected)
    for row in dashboard.heatmap:
        level = expected[row.component]
        assert row.counts == [int(level == n) for n in range(5)]
        assert row.unscored == int(level is None)
    assert [row.section for row in dashboard.heatmap][:2] == ["Data management and pipeline"] * 2

    client.force_login(consultant)
    page = client.get(dashboard_url(cohort)).content.decode()
    assert "50% answered" in page and "Dormant Ltd" in page and "Quiet Ltd" not in page
    assert 'id="cohort-heatmap"' in page


def test_assessments_submitted_before_levels_were_stored_are_scored_the_same(
    consultant, cohort, bank, alice, carol
):
    submitted(alice.membership.organisation, bank, alice)
    submitted(carol.membership.organisation, bank, carol)
    stored = cohort_dashboard(cohort).heatmap
    assert sum(sum(row.counts) for row in stored) > 0
    ComponentLevel.objects.all().delete()
    assert cohort_dashboard(cohort).heatmap == stored


def test_an_assessment_started_before_the_window_does_not_count(consultant, bank, alice, org_a):
    old = submitted(org_a, bank, alice)
    Assessment.objects.filter(pk=old.pk).update(created_at="2020-01-01T00:00:00Z")
    cohort = make_cohort(consultants=[consultant], organisations=[org_a])
    (row,) = cohort_dashboard(cohort).rows
    assert row.state == "not_started" and row.assessment is None


@pytest.fixture
def small_and_large(consultant, bank):
    """A cohort of 3 organisations and one of 1,000, built with bulk_create."""
    small = make_cohort(consultants=[consultant], name="Small")
    factories.bulk_cohort(small, bank, 3)
    large = make_cohort(consultants=[consultant], name="Large")
    factories.bulk_cohort(large, bank, 1000)
    return small, large


def test_the_dashboard_reads_the_same_queries_for_3_or_1000_organisations(
    client, consultant, small_and_large, django_assert_num_queries
):
    small, large = small_and_large
    client.force_login(consultant)
    client.get(dashboard_url(small))  # the session, the bank's structure
    # The session's user and its permissions, the cohort, its organisations, their
    # assessments, the stored levels (counts, and which have them), the components, the
    # consultants: 10, however many organisations.
    with django_assert_num_queries(10) as small_queries:
        assert client.get(dashboard_url(small)).status_code == 200
    with django_assert_num_queries(len(small_queries.captured_queries)):
        page = client.get(dashboard_url(large))
    assert "1000 organisations" in page.content.decode()
    counts = {state: count for state, _label, count in page.context["dashboard"].state_counts}
    assert counts == {
        "invited": 200,
        "not_started": 0,
        "in_progress": 200,
        "submitted": 200,
        "in_review": 200,
        "changes_requested": 0,
        "reviewed": 200,
    }


def test_the_table_shows_a_page_of_one_state_and_the_counts_stay_whole(client, consultant, bank):
    cohort = make_cohort(consultants=[consultant])
    factories.bulk_cohort(cohort, bank, 250)
    client.force_login(consultant)
    page = client.get(dashboard_url(cohort))
    assert len(page.context["page"].object_list) == 100
    assert "1–100 of 250" in page.content.decode()
    third = client.get(dashboard_url(cohort), {"p": 3})
    assert len(third.context["page"].object_list) == 50
    invited = client.get(dashboard_url(cohort), {"state": "invited"})
    assert {row.state for row in invited.context["page"].object_list} == {"invited"}
    assert invited.context["page"].paginator.count == 50
    assert "50 organisations: Invited" in invited.content.decode()
    counts = {state: count for state, _label, count in invited.context["dashboard"].state_counts}
    assert sum(counts.values()) == 250
    # Nonsense is ignored, not an error.
    assert client.get(dashboard_url(cohort), {"state": "x", "p": "y"}).status_code == 200


def test_the_exports_hold_every_organisation_formula_safe(client, consultant, cohort, org_a):
    Organisation.objects.filter(pk=org_a.pk).update(name="=HYPERLINK(1)")
    client.force_login(consultant)
    response = client.get(reverse("admin:assessment_cohort_export", args=[cohort.pk, "csv"]))
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert rows[0][:2] == ["Organisation", "State"]
    assert sorted(row[0] for row in rows[1:]) == ["'=HYPERLINK(1)", "Birch Robotics"]

    response = client.get(reverse("admin:assessment_cohort_export", args=[cohort.pk, "xlsx"]))
    workbook = load_workbook(io.BytesIO(response.content))
    assert workbook.sheetnames == ["Organisations", "Levels by component"]
    names = [row[0].value for row in workbook["Organisations"].iter_rows(min_row=2)]
    assert sorted(names) == ["'=HYPERLINK(1)", "Birch Robotics"]
    assert (
        client.get(reverse("admin:assessment_cohort_export", args=[cohort.pk, "pdf"])).status_code
        == 404
    )


# --- The assessment list ----------------------------------------------------------------


def changelist(client, **params):
    return client.get(reverse("admin:assessment_assessment_changelist"), params)


def test_the_list_names_the_cohort_and_filters_by_it(client, consultant, cohort, bank, alice):
    inside = submitted(alice.membership.organisation, bank, alice)
    outsider = factories.make_organisation(name="Elm Outside")
    outside = submitted(
        outsider, bank, factories.make_user("eve@elm.example", organisation=outsider)
    )
    client.force_login(consultant)
    page = changelist(client).content.decode()
    assert cohort.name in page
    shown = changelist(client, cohort=cohort.pk).context["cl"].result_list
    assert [a.pk for a in shown] == [inside.pk]
    assert outside.pk not in [a.pk for a in shown]


def test_a_consultant_cannot_filter_by_a_cohort_they_do_not_see(
    client, other_consultant, cohort, bank, alice
):
    submitted(alice.membership.organisation, bank, alice)
    client.force_login(other_consultant)
    response = changelist(client, cohort=cohort.pk)
    assert list(response.context["cl"].result_list) == []
    assert cohort.name not in response.content.decode()


def test_the_list_with_the_cohort_column_and_filter_reads_constant_queries(
    client, consultant, small_and_large, django_assert_num_queries
):
    small, large = small_and_large
    client.force_login(consultant)
    changelist(client)
    # As the list without cohorts (test_admin_review_scale; nobody is assigned here), and
    # the cohort filter's choices and the page's organisations' cohorts; filtered, the cohort.
    with django_assert_num_queries(10):
        changelist(client)
    with django_assert_num_queries(11):
        changelist(client, cohort=small.pk)
    with django_assert_num_queries(11):
        response = changelist(client, cohort=large.pk)
    assert len(response.context["cl"].result_list) == 50


def test_the_demo_cohort_has_ten_organisations_in_every_state(settings, bank, db):
    settings.DEBUG = True
    factories.make_user("consultant@demo.example", is_staff=True).groups.add(
        roles.consultants_group()
    )
    call_command("seed_demo_cohort", stdout=io.StringIO())
    cohort = Cohort.objects.get(name="BridgeAI demo cohort")
    counts = {state: count for state, _label, count in cohort_dashboard(cohort).state_counts}
    assert counts == {
        "invited": 2,
        "not_started": 1,
        "in_progress": 2,
        "submitted": 2,
        "in_review": 1,
        "changes_requested": 1,
        "reviewed": 1,
    }
    call_command("seed_demo_cohort", "--reset", stdout=io.StringIO())
    assert Cohort.objects.filter(name="BridgeAI demo cohort").count() == 1
    assert CohortOrganisation.objects.count() == 10


def cohort_form(**fields):
    """The admin's add-cohort form, with an empty organisations inline."""
    return {
        "name": "Autumn intake",
        "opens_on": "2027-09-01",
        "due_on": "2027-10-15",
        "members-TOTAL_FORMS": "0",
        "members-INITIAL_FORMS": "0",
        **fields,
    }


def test_a_lead_creates_a_cohort_in_the_admin(client, lead, consultant, org_a):
    client.force_login(lead)
    response = client.post(
        reverse("admin:assessment_cohort_add"),
        cohort_form(
            consultants=[consultant.pk],
            **{
                "members-TOTAL_FORMS": "1",
                "members-0-organisation": org_a.pk,
            },
        ),
    )
    assert response.status_code == 302
    cohort = Cohort.objects.get(name="Autumn intake")
    assert list(cohort.consultants.all()) == [consultant]
    assert list(cohort.organisations.all()) == [org_a]


def test_a_due_date_before_the_opening_is_refused_with_the_form_kept(client, lead):
    client.force_login(lead)
    response = client.post(reverse("admin:assessment_cohort_add"), cohort_form(due_on="2027-08-01"))
    assert response.status_code == 200
    page = response.content.decode()
    assert "The due date cannot be before the day it opens." in page
    assert 'value="Autumn intake"' in page
    assert not Cohort.objects.exists()
