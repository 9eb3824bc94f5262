import re

import pytest
from django.contrib.auth.models import User
from django.core import mail
from django.urls import reverse

from assessment.models import Invitation, Membership, Organisation
from tests import factories

SIGNUP = {
    "first_name": "Dana",
    "last_name": "Scully",
    "email": "Dana@Fbi.example",
    "password1": "trust-no-one-1993",
    "password2": "trust-no-one-1993",
    "organisation_name": "X Files Analytics",
    "sector": "public",
    "size": "medium",
}


def confirmation_link() -> str:
    return re.search(r"http://testserver(/signup/confirm/\S+/)", mail.outbox[-1].body).group(1)


@pytest.mark.django_db
def test_signing_up_creates_the_organisation_once_the_email_is_confirmed(client):
    response = client.post(reverse("signup"), SIGNUP)
    assert response["Location"] == reverse("signup_sent")
    assert "dana@fbi.example" in client.get(reverse("signup_sent")).content.decode()
    user = User.objects.get(email="dana@fbi.example")
    assert not user.is_active
    assert user.membership.role == Membership.Role.OWNER
    assert user.membership.organisation.name == "X Files Analytics"
    assert mail.outbox[0].to == ["dana@fbi.example"]

    link = confirmation_link()
    assert "X Files Analytics" in client.get(link).content.decode()
    assert not User.objects.get(pk=user.pk).is_active  # a GET (a link scanner) confirms nothing
    response = client.post(link)
    assert response["Location"] == reverse("dashboard")
    assert User.objects.get(pk=user.pk).is_active
    assert client.get(reverse("dashboard")).status_code == 200


@pytest.mark.django_db
def test_a_confirmation_link_works_once(client):
    client.post(reverse("signup"), SIGNUP)
    link = confirmation_link()
    client.post(link)
    client.logout()
    response = client.post(link)
    assert response.status_code == 404
    assert "does not work" in response.content.decode()


@pytest.mark.django_db
def test_a_tampered_confirmation_link_is_refused(client):
    client.post(reverse("signup"), SIGNUP)
    assert client.post(confirmation_link()[:-3] + "xx/").status_code == 404
    assert client.get("/signup/confirm/bm9wZQ/abc-def/").status_code == 404
    assert not User.objects.get(email="dana@fbi.example").is_active


@pytest.mark.django_db
def test_an_unconfirmed_account_cannot_log_in(client):
    client.post(reverse("signup"), SIGNUP)
    response = client.post(
        reverse("login"), {"username": "dana@fbi.example", "password": SIGNUP["password1"]}
    )
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
@pytest.mark.parametrize(
    "change, field_error",
    [
        ({"password1": "short", "password2": "short"}, "too short"),
        ({"password2": "something-else-2024"}, "The two passwords differ."),
        ({"password1": "password123", "password2": "password123"}, "too common"),
        ({"email": "not-an-email"}, "Enter a valid email address."),
        ({"sector": "piracy"}, "Select a valid choice."),
        ({"organisation_name": ""}, "This field is required."),
    ],
)
def test_sign_up_errors_are_shown_and_create_nothing(client, change, field_error):
    response = client.post(reverse("signup"), {**SIGNUP, **change})
    assert response.status_code == 200
    assert field_error in response.content.decode()
    assert not User.objects.exists()
    assert not Organisation.objects.exists()


@pytest.mark.django_db
def test_signing_up_with_a_taken_email_looks_the_same_and_tells_the_owner_by_email(client, alice):
    response = client.post(reverse("signup"), {**SIGNUP, "email": "ALICE@acme.example"})
    assert response["Location"] == reverse("signup_sent")
    assert User.objects.count() == 1
    assert Organisation.objects.count() == 1
    assert mail.outbox[0].to == ["alice@acme.example"]
    assert "You already have an account" in mail.outbox[0].body
    assert "/signup/confirm/" not in mail.outbox[0].body


@pytest.mark.django_db
def test_signing_up_again_before_confirming_sends_a_new_link(client):
    client.post(reverse("signup"), SIGNUP)
    client.post(reverse("signup"), {**SIGNUP, "organisation_name": "Other name"})
    assert User.objects.count() == 1
    assert "/signup/confirm/" in mail.outbox[1].body
    client.post(confirmation_link())
    assert User.objects.get().is_active


@pytest.mark.django_db
def test_logging_in_uses_the_email_in_any_case(client, alice):
    response = client.post(
        reverse("login"), {"username": "Alice@ACME.example", "password": factories.PASSWORD}
    )
    assert response["Location"] == reverse("dashboard")


@pytest.mark.django_db
def test_a_wrong_password_is_refused_without_saying_which_part_was_wrong(client, alice):
    response = client.post(reverse("login"), {"username": "alice@acme.example", "password": "x"})
    assert response.status_code == 200
    assert "Please enter a correct email and password" in response.content.decode()


@pytest.mark.django_db
def test_password_reset_sends_a_link_that_sets_a_new_password(client, alice):
    client.post(reverse("password_reset"), {"email": "alice@acme.example"})
    assert len(mail.outbox) == 1
    link = re.search(r"http://testserver(/password-reset/\S+/)", mail.outbox[0].body).group(1)
    form_page = client.get(link, follow=True)
    response = client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": "a-brand-new-secret-77", "new_password2": "a-brand-new-secret-77"},
    )
    assert response["Location"] == reverse("password_reset_complete")
    alice.refresh_from_db()
    assert alice.check_password("a-brand-new-secret-77")


@pytest.mark.django_db
def test_password_reset_for_an_unknown_email_looks_the_same(client):
    response = client.post(reverse("password_reset"), {"email": "nobody@example.com"})
    assert response["Location"] == reverse("password_reset_done")
    assert mail.outbox == []


def invite(client, email="erin@acme.example") -> str:
    client.post(reverse("invite"), {"email": email})
    return re.search(r"http://testserver(/invitations/\S+/)", mail.outbox[-1].body).group(1)


@pytest.mark.django_db
def test_an_invited_colleague_sets_a_password_and_joins(client, alice, org_a):
    client.force_login(alice)
    link = invite(client)
    assert "Alice" in mail.outbox[0].subject
    client.logout()
    response = client.post(
        link,
        {
            "first_name": "Erin",
            "last_name": "Lee",
            "password1": "pipelines-all-the-way",
            "password2": "pipelines-all-the-way",
        },
    )
    assert response["Location"] == reverse("dashboard")
    erin = User.objects.get(email="erin@acme.example")
    assert erin.membership.organisation == org_a
    assert Invitation.objects.get().accepted_at is not None
    client.logout()
    assert client.get(link).status_code == 404  # used once only


@pytest.mark.django_db
def test_an_expired_or_made_up_invitation_link_explains_itself(client, alice):
    client.force_login(alice)
    link = invite(client)
    Invitation.objects.update(expires_at="2020-01-01T00:00:00Z")
    client.logout()
    response = client.get(link)
    assert response.status_code == 404
    assert "does not work" in response.content.decode()
    assert client.get("/invitations/made-up-token/").status_code == 404


@pytest.mark.django_db
def test_an_existing_account_without_organisation_joins_by_logging_in(client, alice, org_a):
    client.force_login(alice)
    link = invite(client, "freelancer@example.com")
    freelancer = factories.make_user("freelancer@example.com")
    client.force_login(freelancer)
    assert "Join Acme Analytics" in client.get(link).content.decode()
    client.post(link)
    freelancer.refresh_from_db()
    assert freelancer.membership.organisation == org_a


@pytest.mark.django_db
def test_a_member_of_another_organisation_cannot_accept(client, alice, carol):
    client.force_login(alice)
    link = invite(client, "carol@birch.example")
    client.force_login(carol)
    client.post(link)
    carol.refresh_from_db()
    assert carol.membership.organisation.name == "Birch Robotics"
    assert Invitation.objects.get().accepted_at is None


@pytest.mark.django_db
def test_inviting_an_existing_member_is_refused(client, alice, bob):
    client.force_login(alice)
    response = client.post(reverse("invite"), {"email": "bob@acme.example"})
    assert response.status_code == 400
    assert "already a member" in response.content.decode()
    assert mail.outbox == []


@pytest.mark.django_db
def test_the_team_page_lists_members_and_open_invitations_of_ones_own_organisation(
    client, alice, bob, carol
):
    client.force_login(alice)
    invite(client, "pending@acme.example")
    html = client.get(reverse("members")).content.decode()
    assert "bob@acme.example" in html and "pending@acme.example" in html
    assert "carol@birch.example" not in html
