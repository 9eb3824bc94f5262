"""Consultants see targets and action plans read-only in the admin, and comment on actions."""

import pytest
from django.urls import reverse

from assessment import services
from assessment.domain.targets import IN_PRODUCTION
from assessment.models import Action, ActionComment
from tests import factories

pytestmark = pytest.mark.django_db


def comment_form(action: Action, text: str, **changes) -> dict:
    return {
        "comments-TOTAL_FORMS": "1",
        "comments-INITIAL_FORMS": "0",
        "comments-MIN_NUM_FORMS": "0",
        "comments-MAX_NUM_FORMS": "1000",
        "comments-0-text": text,
        "comments-0-action": str(action.pk),
        "changes-TOTAL_FORMS": "0",
        "changes-INITIAL_FORMS": "0",
        "changes-MIN_NUM_FORMS": "0",
        "changes-MAX_NUM_FORMS": "1000",
        **changes,
    }


def test_a_consultant_reads_an_action_and_comments_on_it_signed_with_their_name(
    client, consultant, org_a
):
    action = factories.make_action(organisation=org_a, title="Set up a model registry")
    client.force_login(consultant)
    url = reverse("admin:assessment_action_change", args=[action.pk])

    assert "Set up a model registry" in client.get(url).content.decode()
    response = client.post(url, comment_form(action, "Start with the fraud model.", title="Nope"))

    assert response.status_code == 302
    (comment,) = ActionComment.objects.filter(action=action)
    assert (comment.text, comment.author) == ("Start with the fraud model.", consultant)
    action.refresh_from_db()
    assert action.title == "Set up a model registry"  # every field is read-only


def test_the_organisation_sees_the_consultants_comment_on_the_action(
    client, consultant, alice, org_a
):
    action = factories.make_action(organisation=org_a)
    ActionComment.objects.create(action=action, author=consultant, text="Agree the owner first.")
    client.force_login(alice)

    page = client.get(reverse("action_edit", args=[action.pk])).content.decode()

    assert "Comments from your consultant" in page and "Agree the owner first." in page


def test_a_consultant_sees_the_targets_read_only(client, consultant, alice, assessment_a):
    slug = assessment_a.bank.sections.first().components.first().slug
    services.set_targets(
        assessment=assessment_a, levels={slug: 3}, ambition=IN_PRODUCTION, user=alice
    )
    client.force_login(consultant)

    page = client.get(reverse("admin:assessment_componenttarget_changelist")).content.decode()

    assert slug in page and "3 · Reproducible" in page
    target = assessment_a.targets.get()
    change = reverse("admin:assessment_componenttarget_change", args=[target.pk])
    client.post(change, {"level": "0"})
    target.refresh_from_db()
    assert target.level == 3


def test_respondents_cannot_open_the_action_admin(client, alice, org_a):
    action = factories.make_action(organisation=org_a)
    client.force_login(alice)
    response = client.get(reverse("admin:assessment_action_change", args=[action.pk]))
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
