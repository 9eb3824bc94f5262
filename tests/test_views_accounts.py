import re
from unittest import mock

import pytest
from django.contrib.auth.hashers import get_hasher
from django.contrib.auth.models import User
from django.contrib.sessions.models import Session
from django.core import mail
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from assessment import services
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
    response = client.post(link, {"password": SIGNUP["password1"]})
    assert response["Location"] == reverse("dashboard")
    assert User.objects.get(pk=user.pk).is_active
    assert client.get(reverse("dashboard")).status_code == 200


@pytest.mark.django_db
def test_a_confirmation_link_works_once(client):
    client.post(reverse("signup"), SIGNUP)
    link = confirmation_link()
    client.post(link, {"password": SIGNUP["password1"]})
    client.logout()
    response = client.post(link, {"password": SIGNUP["password1"]})
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


def confirm(client, link: str, password: str = SIGNUP["password1"]):
    return client.post(link, {"password": password})


def can_log_in(email: str, password: str) -> bool:
    visitor = Client()
    visitor.post(reverse("login"), {"username": email, "password": password})
    return "_auth_user_id" in visitor.session


@pytest.mark.django_db
def test_signing_up_again_before_confirming_keeps_nothing_the_first_sign_up_chose(client):
    """An attacker signs up the victim's address first; the victim's own sign-up replaces it."""
    attacker = {**SIGNUP, "password1": "attackers-pass-1", "password2": "attackers-pass-1"}
    client.post(reverse("signup"), {**attacker, "organisation_name": "Attacker Ltd"})
    attackers_link = confirmation_link()
    client.post(reverse("signup"), {**SIGNUP, "first_name": "Dana"})
    victims_link = confirmation_link()

    assert confirm(client, attackers_link, attacker["password1"]).status_code == 404
    assert confirm(client, victims_link)["Location"] == reverse("dashboard")
    user = User.objects.get()
    assert user.membership.organisation.name == SIGNUP["organisation_name"]
    assert list(Organisation.objects.values_list("name", flat=True)) == ["X Files Analytics"]
    assert not can_log_in("dana@fbi.example", attacker["password1"])
    assert can_log_in("dana@fbi.example", SIGNUP["password1"])


@pytest.mark.django_db
def test_confirming_needs_the_password_that_was_chosen_at_sign_up(client):
    """Someone re-signs-up the address after its owner: the newest link is theirs, and the
    owner, typing their own password, is refused instead of confirming a stranger's account."""
    client.post(reverse("signup"), SIGNUP)
    attacker = {**SIGNUP, "password1": "attackers-pass-1", "password2": "attackers-pass-1"}
    client.post(reverse("signup"), attacker)
    response = confirm(client, confirmation_link(), SIGNUP["password1"])
    assert response.status_code == 400
    assert "not the password given when this address was signed up" in response.content.decode()
    assert not User.objects.get().is_active
    assert not can_log_in("dana@fbi.example", attacker["password1"])


@pytest.mark.django_db
def test_a_new_and_a_known_address_do_the_same_work_at_sign_up(client, alice):
    """One password hash and one email on both paths, so timing does not tell them apart."""
    hasher = type(get_hasher())
    with mock.patch.object(hasher, "encode", autospec=True, side_effect=hasher.encode) as spy:
        client.post(reverse("signup"), SIGNUP)
        hashes_for_a_new_address = spy.call_count
        client.post(reverse("signup"), {**SIGNUP, "email": "alice@acme.example"})
        hashes_for_a_known_address = spy.call_count - hashes_for_a_new_address
    assert hashes_for_a_new_address == hashes_for_a_known_address == 1
    assert [message.to for message in mail.outbox] == [["dana@fbi.example"], ["alice@acme.example"]]


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
    _, token = services.invite_member(
        organisation=alice.membership.organisation, email="carol@birch.example", invited_by=alice
    )
    client.force_login(carol)
    client.post(reverse("accept_invitation", args=[token]))
    carol.refresh_from_db()
    assert carol.membership.organisation.name == "Birch Robotics"
    assert Invitation.objects.get().accepted_at is None


@pytest.mark.django_db
def test_inviting_a_member_of_another_organisation_says_so_when_the_invitation_is_made(
    client, alice, carol
):
    client.force_login(alice)
    response = client.post(reverse("invite"), {"email": "carol@birch.example"})
    assert response.status_code == 400
    assert "already belongs to another organisation" in response.content.decode()
    assert not Invitation.objects.exists()
    assert mail.outbox == []


@pytest.mark.django_db
def test_inviting_a_consultant_is_refused_when_the_invitation_is_made(client, alice, consultant):
    client.force_login(alice)
    response = client.post(reverse("invite"), {"email": consultant.email})
    assert response.status_code == 400
    assert "consultant or administrator account" in response.content.decode()
    assert not Invitation.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("staff", ["consultant", "superuser"])
def test_staff_accept_no_invitation_and_the_page_says_why(client, alice, staff, request):
    account = request.getfixturevalue(staff)
    _, token = services.invite_member(
        organisation=alice.membership.organisation, email=account.email, invited_by=alice
    )
    client.force_login(account)
    page = client.get(reverse("accept_invitation", args=[token]))
    assert "cannot join an organisation" in page.content.decode()
    assert "Join Acme Analytics</button>" not in page.content.decode()
    assert client.post(reverse("accept_invitation", args=[token])).status_code == 403
    assert not Membership.objects.filter(user=account).exists()
    assert Invitation.objects.get().accepted_at is None


@pytest.mark.django_db
def test_the_service_refuses_to_let_staff_join_an_organisation(alice, consultant):
    invitation, _ = services.invite_member(
        organisation=alice.membership.organisation, email=consultant.email, invited_by=alice
    )
    with pytest.raises(ValidationError, match="cannot join an organisation"):
        services.accept_invitation(invitation=invitation, existing_user=consultant)


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


@pytest.mark.django_db
@pytest.mark.parametrize("field", ["first_name", "last_name", "organisation_name"])
def test_sign_up_refuses_a_name_with_a_line_break(client, field):
    response = client.post(reverse("signup"), {**SIGNUP, field: "Acme\nBcc: x@evil.example"})
    assert response.status_code == 200
    assert "no line breaks or tabs" in response.content.decode()
    assert not User.objects.exists()


@pytest.mark.django_db
def test_an_invitation_from_a_name_saved_with_a_line_break_is_sent_with_a_one_line_subject(
    client, alice
):
    """Names saved before the form refused them (or through the admin) still mail safely."""
    alice.first_name = "Alice\r\nBcc: x@evil.example"
    alice.save()
    organisation = alice.membership.organisation
    organisation.name = "Acme\nAnalytics"
    organisation.save()
    client.force_login(alice)
    response = client.post(reverse("invite"), {"email": "erin@acme.example"})
    assert response["Location"] == reverse("members")
    (message,) = mail.outbox
    assert "\n" not in message.subject and "\r" not in message.subject
    assert message.subject.startswith("Alice Bcc: x@evil.example")
    assert message.to == ["erin@acme.example"]


def html_of(message) -> str:
    return message.alternatives[0][0]


@pytest.mark.django_db
def test_every_email_has_a_text_and_an_html_body(client, alice):
    client.post(reverse("signup"), {**SIGNUP, "organisation_name": "Fox & Scully"})
    client.post(reverse("signup"), {**SIGNUP, "email": "alice@acme.example"})
    client.force_login(alice)
    client.post(reverse("invite"), {"email": "erin@acme.example"})
    assert len(mail.outbox) == 3
    for message in mail.outbox:
        (html, mimetype), *_ = message.alternatives
        assert mimetype == "text/html"
        assert "&amp;" not in message.body  # text bodies are not HTML-escaped
        assert html.startswith("<!doctype html>")
    assert "Fox & Scully" in mail.outbox[0].body
    assert "Fox &amp; Scully" in html_of(mail.outbox[0])


@pytest.mark.django_db
def test_sector_and_size_start_empty_and_must_be_chosen(client):
    page = client.get(reverse("signup")).content.decode()
    assert '<option value="" selected>Choose one</option>' in page
    response = client.post(reverse("signup"), {**SIGNUP, "sector": "", "size": ""})
    assert response.status_code == 200
    summary = response.context["form"].errors
    assert set(summary) == {"sector", "size"}
    assert not User.objects.exists()


@pytest.mark.django_db
def test_errors_are_summarised_at_the_top_with_a_link_to_each_field(client):
    response = client.post(reverse("signup"), {**SIGNUP, "email": "nope", "sector": ""})
    html = response.content.decode()
    summary = html[
        html.index('id="error-summary"') : html.index("</ul>", html.index("error-summary"))
    ]
    assert html.index('id="error-summary"') < html.index("<h1")
    assert 'href="#id_email"' in summary and 'href="#id_sector"' in summary
    assert "There is a problem" in summary


@pytest.mark.django_db
def test_a_password_mismatch_does_not_hide_that_the_password_is_too_weak(client):
    response = client.post(reverse("signup"), {**SIGNUP, "password1": "short", "password2": "x"})
    errors = response.context["form"].errors
    assert "too short" in " ".join(errors["password1"])
    assert errors["password2"] == ["The two passwords differ."]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url_name, data",
    [
        ("invite", {"email": "nope"}),
        ("assessment_start", {"title": ""}),
        ("organisation_delete", {}),
    ],
)
def test_member_forms_with_errors_show_the_error_summary(client, alice, bank, url_name, data):
    client.force_login(alice)
    response = client.post(reverse(url_name), data)
    assert response.status_code == 400
    assert 'id="error-summary"' in response.content.decode()


@pytest.mark.django_db
def test_a_session_lives_in_the_shared_cache_and_survives_the_cache_being_emptied(client, alice):
    client.post(
        reverse("login"), {"username": "alice@acme.example", "password": factories.PASSWORD}
    )
    key = client.session.session_key
    assert any(key in cache_key for cache_key in cache._cache)  # read from the cache
    assert Session.objects.filter(session_key=key).exists()  # written through to the database
    cache.clear()
    assert client.get(reverse("dashboard")).status_code == 200
