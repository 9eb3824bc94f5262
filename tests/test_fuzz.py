"""Hostile input on every form endpoint, generated with Hypothesis, and CSRF on each of them.

For every endpoint: valid forms are taken apart (fields replaced by hostile values,
dropped, repeated with different values) and mixed with unknown, nested and mass-assignment
field names, then sent as multipart, as URL-encoded text, or as raw bytes that are not
UTF-8 (lone surrogates, stray bytes). Whatever arrives:

- the answer is never a 5xx (the test client re-raises any exception a view lets out);
- a rejection explains itself: a 4xx page with an error text, or the form shown again with
  its errors;
- a write is whole or absent: an account, organisation and membership are created together
  or not at all; a section page saves every posted answer or none (when it answers 400 or
  409 the Answer table is exactly as before).

Each Hypothesis example runs in the test's one transaction, so each starts by resetting the
state it depends on (answers, throttle counters, login lockouts, the mail outbox).
"""

import itertools
import re
from dataclasses import dataclass
from encodings.aliases import aliases as codec_aliases
from urllib.parse import quote_from_bytes

import pytest
from django.conf import settings as django_settings
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.client import MULTIPART_CONTENT
from django.urls import reverse
from django.utils.http import parse_header_parameters, url_has_allowed_host_and_scheme
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from assessment import questionnaire, services
from assessment.models import (
    Answer,
    Assessment,
    Invitation,
    Membership,
    Organisation,
    Question,
    ReviewEvent,
)
from tests import factories

User = get_user_model()

FUZZ = settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
HUGE = 100_000
NEW_PASSWORD = "a-new-and-long-passphrase-7"
COMMENT_LIMIT = 4000

# --- Hostile values and names ----------------------------------------------------------------

NASTY_STRINGS = [
    "",
    " ",
    "\x00",
    "a\x00b",
    "\x00" * 10,
    "0",
    "-1",
    "1.5",
    "1e309",
    "NaN",
    "null",
    "None",
    "true",
    "[]",
    "{}",
    "9" * 30,
    "9" * 5000,
    "<script>alert(1)</script>",
    "' OR '1'='1' --",
    "%00",
    "%ff%fe",
    "../../../etc/passwd",
    "\u202eevil",
    "İstanbul",
    "ß",
    "\ufeff",
    "\r\n\r\nX-Injected: 1",
    "alice@acme.example\nBcc: victim@example.com",
    "😀" * 50,
]

hostile_text = st.one_of(
    st.sampled_from(NASTY_STRINGS),
    st.text(max_size=40),
    st.text(alphabet=st.characters(codec="utf-8", exclude_categories=()), max_size=20),
    st.integers().map(str),
    st.floats(allow_nan=True).map(repr),
    st.characters(categories=["Cs"]).map(lambda c: f"lone{c}surrogate"),
    st.sampled_from(["x", "\x00", "é"]).map(lambda c: c * HUGE),
)


def nested(parts: list[str]) -> str:
    return parts[0] + "".join(f"[{part}]" for part in parts[1:])


MASS_ASSIGNMENT_NAMES = [
    "is_staff",
    "is_superuser",
    "role",
    "organisation",
    "organisation_id",
    "status",
    "user",
    "pk",
    "id",
    "email",
    "overall_level",
    "csrfmiddlewaretoken",
    "__proto__",
    "next",
]

hostile_names = st.one_of(
    st.sampled_from(MASS_ASSIGNMENT_NAMES),
    st.text(min_size=1, max_size=20),
    st.lists(st.text("abcdefgh", min_size=1, max_size=3), min_size=2, max_size=60).map(nested),
    st.sampled_from(["a\x00b", "\x00", "q", "q-1", "q1.0", "c", "r", "[]", "a[]", "a[0][1]"]),
)


@st.composite
def hostile_form(draw, valid: dict[str, str], extra_names=hostile_names):
    """A valid form taken apart: (name, value) pairs in any order, names may repeat."""
    pairs = []
    for name, value in valid.items():
        how = draw(st.sampled_from(["keep", "keep", "keep", "replace", "drop", "twice", "many"]))
        if how == "keep":
            pairs.append((name, value))
        elif how == "replace":
            pairs.append((name, draw(hostile_text)))
        elif how == "twice":
            pairs += [(name, value), (name, value)]
        elif how == "many":
            pairs += [(name, draw(hostile_text)) for _ in range(draw(st.integers(2, 4)))]
    pairs += draw(st.lists(st.tuples(extra_names, hostile_text), max_size=4))
    return draw(st.permutations(pairs))


# How the body travels: multipart, URL-encoded (non-UTF-8 bytes for lone surrogates), or
# URL-encoded with raw bytes spliced in (stray %, \xff, NUL...).
body_encodings = st.one_of(
    st.just(("multipart", b"")),
    st.just(("urlencoded", b"")),
    st.binary(min_size=1, max_size=40).map(lambda junk: ("raw", junk)),
)


def encoded(text: str) -> bytes:
    return quote_from_bytes(text.encode("utf-8", "surrogatepass"), safe="").encode("ascii")


def urlencoded_body(pairs) -> bytes:
    return b"&".join(encoded(name) + b"=" + encoded(value) for name, value in pairs)


def multipart_safe(text: str) -> str:
    return text.encode("utf-8", "replace").decode("utf-8")


def send(client, url: str, pairs, encoding=("urlencoded", b""), **extra):
    how, junk = encoding
    if how == "multipart":
        data: dict[str, list[str]] = {}
        for name, value in pairs:
            data.setdefault(multipart_safe(name), []).append(multipart_safe(value))
        return client.post(url, data, content_type=MULTIPART_CONTENT, **extra)
    body = urlencoded_body(pairs)
    if how == "raw":
        cut = len(junk) // 2
        body = junk[:cut] + b"&" + body + b"&" + junk[cut:] + b"=" + junk
    return client.generic(
        "POST", url, body, content_type="application/x-www-form-urlencoded", **extra
    )


def received(text: str, how: str) -> str:
    """What the server decodes from a value sent with send() (not for "raw")."""
    if how == "multipart":
        return multipart_safe(text)
    return text.encode("utf-8", "surrogatepass").decode("utf-8", "replace")


# --- What every response must look like ---------------------------------------------------

# Crispy's field and form errors, Django's error lists, the section page's error summary.
ERROR_MARKERS = ("invalid-feedback", "alert-block alert-danger", "errorlist", 'id="error-summary"')


def html_of(response) -> str:
    return response.content.decode(errors="replace")


def assert_handled(response, *, a_200_shows_errors: bool = True) -> None:
    """Never a 5xx; a rejection says why (4xx page, or the form again with its errors)."""
    status = response.status_code
    assert status < 500, f"server error {status}"
    if status in (301, 302, 303):
        location = response["Location"]
        assert url_has_allowed_host_and_scheme(location, allowed_hosts=set()), location
        return
    html = html_of(response)
    if 400 <= status < 500:
        assert "<h1" in html and len(re.sub(r"<[^>]+>", "", html).strip()) > 20, html[:500]
        return
    assert status == 200, status
    if a_200_shows_errors:
        assert any(marker in html for marker in ERROR_MARKERS), "a rejected form shows no error"


def fresh_example() -> None:
    """Reset what outlives one example inside the test transaction."""
    cache.clear()  # the per-address throttles
    mail.outbox.clear()
    from axes.models import AccessAttempt, AccessFailureLog

    AccessAttempt.objects.all().delete()
    AccessFailureLog.objects.all().delete()


def empty_post(pairs, encoding) -> bool:
    """A body with no field at all: the views that bind `request.POST or None` then show the
    blank form without errors (see test_an_empty_post_is_answered_with_what_is_missing)."""
    return not pairs and encoding[0] != "raw"


def client_as(user=None, **kwargs) -> Client:
    client = Client(**kwargs)
    if user is not None:
        client.force_login(user)
    return client


def last(pairs, name: str):
    values = [value for key, value in pairs if key == name]
    return values[-1] if values else None


numbers = itertools.count(1)


def sign_up_data(n: int) -> dict[str, str]:
    return {
        "first_name": "Dana",
        "last_name": "Scully",
        "email": f"dana{n}@fbi.example",
        "password1": "trust-no-one-1993",
        "password2": "trust-no-one-1993",
        "organisation_name": f"X Files Analytics {n}",
        "sector": "public",
        "size": "medium",
    }


# --- Accounts ------------------------------------------------------------------------------


@pytest.mark.django_db
@FUZZ
@given(data=st.data(), encoding=body_encodings)
def test_sign_up_never_fails_and_creates_account_organisation_and_membership_together(
    alice, data, encoding
):
    """A new address gets an inactive owner, an organisation and a membership, all three;
    an address with an account gets nothing new; either way one mail to the address."""
    fresh_example()
    valid = sign_up_data(next(numbers))
    if data.draw(st.booleans()):
        valid["email"] = data.draw(st.sampled_from([alice.email, " ALICE@acme.example "]))
    pairs = data.draw(hostile_form(valid))
    before = (User.objects.count(), Organisation.objects.count(), Membership.objects.count())
    response = send(client_as(), reverse("signup"), pairs, encoding)
    assert_handled(response, a_200_shows_errors=not empty_post(pairs, encoding))
    after = (User.objects.count(), Organisation.objects.count(), Membership.objects.count())
    if response.status_code == 302:
        assert response["Location"] == reverse("signup_sent")
        assert after in (before, tuple(count + 1 for count in before))
        assert len(mail.outbox) == 1
        if after != before:
            user = User.objects.order_by("-pk").first()
            assert not (user.is_active or user.is_staff or user.is_superuser)
            assert user.membership.role == Membership.Role.OWNER
            assert mail.outbox[0].to == [user.email]
        else:
            assert mail.outbox[0].to == [alice.email]
    else:
        assert after == before
        assert not mail.outbox


@pytest.mark.django_db
@FUZZ
@given(data=st.data(), encoding=body_encodings, address=st.ip_addresses(v=4).map(str))
def test_login_never_fails_and_only_the_right_password_logs_in(alice, data, encoding, address):
    fresh_example()
    valid = {"username": "alice@acme.example", "password": factories.PASSWORD, "next": "/team/"}
    extra_next = st.sampled_from(
        ["https://evil.example/", "//evil.example", "/\\evil.example", "javascript:alert(1)"]
    )
    pairs = data.draw(hostile_form(valid))
    if data.draw(st.booleans()):
        pairs.append(("next", data.draw(extra_next)))
    client = client_as()
    response = send(client, reverse("login"), pairs, encoding, REMOTE_ADDR=address)
    assert_handled(response)
    logged_in = client.session.get("_auth_user_id")
    if response.status_code == 302:
        assert logged_in == str(alice.pk)
        assert last(pairs, "password") == factories.PASSWORD
    else:
        assert logged_in is None


@pytest.mark.django_db
@FUZZ
@given(data=st.data(), encoding=body_encodings)
def test_password_reset_never_fails_and_mails_only_the_accounts_own_address(
    alice, carol, data, encoding
):
    fresh_example()
    pairs = data.draw(hostile_form({"email": "alice@acme.example"}))
    response = send(client_as(), reverse("password_reset"), pairs, encoding)
    assert_handled(response)
    recipients = [address for message in mail.outbox for address in message.to]
    assert set(recipients) <= {alice.email}
    assert len(recipients) <= 1
    if response.status_code != 302:
        assert not recipients


@pytest.mark.django_db
@FUZZ
@given(data=st.data(), encoding=body_encodings)
def test_password_change_never_fails_and_changes_only_with_the_old_password(alice, data, encoding):
    fresh_example()
    alice.set_password(factories.PASSWORD)
    alice.save()
    valid = {
        "old_password": factories.PASSWORD,
        "new_password1": NEW_PASSWORD,
        "new_password2": NEW_PASSWORD,
    }
    pairs = data.draw(hostile_form(valid))
    response = send(client_as(alice), reverse("password_change"), pairs, encoding)
    assert_handled(response)
    alice.refresh_from_db()
    if response.status_code == 302:
        assert last(pairs, "old_password") == factories.PASSWORD
        how = encoding[0]
        if how != "raw":  # a raw body that is not UTF-8 is read as Latin-1
            assert alice.check_password(received(last(pairs, "new_password1"), how))
    else:
        assert alice.check_password(factories.PASSWORD)


# --- Team ------------------------------------------------------------------------------------


@pytest.mark.django_db
@FUZZ
@given(data=st.data(), encoding=body_encodings)
def test_sending_an_invitation_never_fails_and_invites_into_ones_own_organisation_only(
    alice, carol, org_a, data, encoding
):
    fresh_example()
    valid = {"email": f"erin{next(numbers)}@acme.example", "organisation": str(carol.pk)}
    pairs = data.draw(hostile_form(valid))
    before = set(Invitation.objects.values_list("pk", flat=True))
    response = send(client_as(alice), reverse("invite"), pairs, encoding)
    assert_handled(response)
    created = Invitation.objects.exclude(pk__in=before)
    if response.status_code == 302:
        assert [invitation.organisation_id for invitation in created] == [org_a.pk]
        assert [message.to for message in mail.outbox] == [[created[0].email]]
    else:
        assert not created.exists()
        assert not mail.outbox


@pytest.mark.django_db
@FUZZ
@given(data=st.data(), encoding=body_encodings)
def test_accepting_an_invitation_never_fails_and_joins_as_the_invited_address_only(
    alice, org_a, org_b, data, encoding
):
    fresh_example()
    email = f"dave{next(numbers)}@newcomer.example"
    invitation, token = services.invite_member(organisation=org_a, email=email, invited_by=alice)
    valid = {
        "first_name": "Dave",
        "last_name": "Lister",
        "password1": NEW_PASSWORD,
        "password2": NEW_PASSWORD,
    }
    pairs = data.draw(hostile_form(valid))
    if data.draw(st.booleans()):  # try to choose another address, organisation or role
        pairs += [("email", "mallory@evil.example"), ("organisation", str(org_b.pk))]
        pairs += [("role", "owner"), ("is_staff", "on")]
    users_before = User.objects.count()
    client = client_as()
    response = send(client, reverse("accept_invitation", args=[token]), pairs, encoding)
    assert_handled(response, a_200_shows_errors=not empty_post(pairs, encoding))
    invitation.refresh_from_db()
    if response.status_code == 302:
        user = User.objects.get(username=email)
        assert User.objects.count() == users_before + 1
        assert (user.membership.organisation, user.membership.role) == (org_a, "member")
        assert not (user.is_staff or user.is_superuser)
        assert invitation.accepted_at is not None
    else:
        assert User.objects.count() == users_before
        assert invitation.accepted_at is None


@pytest.mark.django_db
@FUZZ
@given(data=st.data(), encoding=body_encodings)
def test_deleting_an_organisation_never_fails_and_deletes_all_of_it_or_nothing(
    alice, assessment_a, data, encoding
):
    fresh_example()
    n = next(numbers)
    doomed = factories.make_organisation(name=f"Doomed Ltd {n}")
    owner = factories.make_user(
        f"owner{n}@doomed.example", organisation=doomed, role=Membership.Role.OWNER
    )
    factories.make_assessment(organisation=doomed, bank=assessment_a.bank, created_by=owner)
    pairs = data.draw(hostile_form({"confirm_name": doomed.name}))
    response = send(client_as(owner), reverse("organisation_delete"), pairs, encoding)
    assert_handled(response, a_200_shows_errors=not empty_post(pairs, encoding))
    kept = (
        Organisation.objects.filter(pk=doomed.pk).exists(),
        User.objects.filter(pk=owner.pk).exists(),
        Assessment.objects.filter(organisation_id=doomed.pk).exists(),
    )
    assert kept == ((False,) * 3 if response.status_code == 302 else (True,) * 3)
    assert Assessment.objects.filter(pk=assessment_a.pk).exists()
    assert User.objects.filter(pk=alice.pk).exists()


# --- Assessments -----------------------------------------------------------------------------


def submit_complete(assessment, user, level: int = 2) -> Assessment:
    structure_questions = Question.objects.filter(component__section__bank=assessment.bank)
    for question in structure_questions:
        factories.answer(assessment, question.slug, level)
    return services.submit_assessment(assessment=assessment, user=user)


@pytest.mark.django_db
@FUZZ
@given(data=st.data(), encoding=body_encodings)
def test_starting_an_assessment_never_fails_and_copies_only_ones_own_submissions(
    alice, carol, org_a, org_b, bank, data, encoding
):
    fresh_example()
    if not Assessment.objects.filter(submitted_at__isnull=False).exists():
        own = factories.make_assessment(organisation=org_a, bank=bank, title="Own 2025")
        submit_complete(own, alice)
        theirs = factories.make_assessment(organisation=org_b, bank=bank, title="Theirs 2025")
        submit_complete(theirs, carol)
    own = Assessment.objects.get(title="Own 2025")
    theirs = Assessment.objects.get(title="Theirs 2025")
    prefill = st.sampled_from(["", str(own.pk), str(theirs.pk), f" {theirs.pk} ", "0", "-1"])
    valid = {"title": "Next year", "prefill_from": data.draw(prefill)}
    pairs = data.draw(hostile_form(valid))
    before = set(Assessment.objects.values_list("pk", flat=True))
    response = send(client_as(alice), reverse("assessment_start"), pairs, encoding)
    assert_handled(response)
    created = list(Assessment.objects.exclude(pk__in=before))
    if response.status_code == 302:
        assert len(created) == 1
        assert created[0].organisation_id == org_a.pk
        assert created[0].copied_from_id in (None, own.pk)
        copied = Answer.objects.filter(assessment=created[0]).count()
        assert copied in (0, Answer.objects.filter(assessment=own).count())
    else:
        assert created == []
    if last(pairs, "prefill_from") in (str(theirs.pk), f" {theirs.pk} "):
        assert response.status_code != 302, "copied another organisation's answers"


@pytest.mark.django_db
@FUZZ
@given(data=st.data(), encoding=body_encodings, complete=st.booleans())
def test_submitting_never_fails_and_submits_only_a_complete_draft(
    alice, assessment_a, data, encoding, complete
):
    fresh_example()
    Answer.objects.filter(assessment=assessment_a).delete()
    ReviewEvent.objects.filter(assessment=assessment_a).delete()
    Assessment.objects.filter(pk=assessment_a.pk).update(status="draft", submitted_at=None)
    if complete:
        for question in Question.objects.filter(component__section__bank=assessment_a.bank):
            factories.answer(assessment_a, question.slug, 1)
    pairs = data.draw(hostile_form({"status": "reviewed", "overall_level": "4"}))
    url = reverse("assessment_submit", args=[assessment_a.pk])
    response = send(client_as(alice), url, pairs, encoding)
    assert_handled(response)
    assessment_a.refresh_from_db()
    events = ReviewEvent.objects.filter(assessment=assessment_a).count()
    if complete:
        assert response["Location"] == reverse("assessment_results", args=[assessment_a.pk])
        assert (assessment_a.status, events, assessment_a.overall_level) == ("submitted", 1, 1)
    else:
        assert response["Location"] == reverse("assessment_review", args=[assessment_a.pk])
        assert (assessment_a.status, events) == ("draft", 0)


# --- Bugs found by the fuzzing above, pinned as plain examples ----------------------------

# A valid address of 146 characters whose domain mail can encode; lowercased, every "İ"
# becomes "i̇" (two characters): 286 characters.
GROWS_WHEN_LOWERCASED = "a@" + ("İ" * 28 + ".") * 4 + "İ" * 28

# Valid for Django's EmailValidator (a 63-character label), but the IDNA codec cannot
# encode the domain for mail: punycode makes the label longer than 63.
MAIL_CANNOT_ENCODE = "erin@" + "é" * 63 + ".example"


def tolerant(client: Client) -> Client:
    """Answer with the 500 page instead of raising, so the database can be checked after."""
    client.raise_request_exception = False
    return client


@pytest.mark.django_db
def test_an_email_that_grows_when_lowercased_is_refused_at_sign_up_or_fits_the_username(client):
    cache.clear()
    response = client.post(reverse("signup"), {**sign_up_data(1), "email": GROWS_WHEN_LOWERCASED})
    assert response.status_code < 500
    limit = User._meta.get_field("username").max_length
    assert all(len(name) <= limit for name in User.objects.values_list("username", flat=True))


@pytest.mark.django_db
def test_an_email_that_grows_when_lowercased_is_refused_as_an_invitation_or_fits(alice):
    cache.clear()
    response = client_as(alice).post(reverse("invite"), {"email": GROWS_WHEN_LOWERCASED})
    assert response.status_code < 500
    limit = Invitation._meta.get_field("email").max_length
    assert all(len(email) <= limit for email in Invitation.objects.values_list("email", flat=True))


@pytest.mark.django_db
def test_a_sign_up_with_an_address_mail_cannot_encode_is_refused_and_creates_nothing():
    cache.clear()
    client = tolerant(client_as())
    response = client.post(reverse("signup"), {**sign_up_data(2), "email": MAIL_CANNOT_ENCODE})
    problems = []
    if response.status_code >= 500:
        problems.append(f"status {response.status_code}")
    if response.status_code != 302 and User.objects.filter(email=MAIL_CANNOT_ENCODE).exists():
        problems.append("an account was stored although the sign-up failed")
    assert not problems


@pytest.mark.django_db
def test_an_invitation_to_an_address_mail_cannot_encode_is_refused_and_leaves_nothing(alice):
    cache.clear()
    response = tolerant(client_as(alice)).post(reverse("invite"), {"email": MAIL_CANNOT_ENCODE})
    problems = []
    if response.status_code >= 500:
        problems.append(f"status {response.status_code}")
    if response.status_code != 302 and Invitation.objects.exists():
        problems.append("an invitation was stored although the invite failed")
    assert not problems


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["signup", "accept_invitation", "organisation_delete"])
def test_an_empty_post_is_answered_with_what_is_missing(name, alice):
    cache.clear()
    if name == "accept_invitation":
        _, token = services.invite_member(
            organisation=alice.membership.organisation, email="dave@new.example", invited_by=alice
        )
        client, url = client_as(), reverse(name, args=[token])
    else:
        client = client_as(alice if name == "organisation_delete" else None)
        url = reverse(name)
    response = client.post(url, {})
    assert response.status_code in (200, 400)
    assert any(marker in html_of(response) for marker in ERROR_MARKERS)


@pytest.mark.django_db
def test_a_conflict_with_an_answer_by_a_deleted_account_is_shown_not_a_server_error(
    alice, bob, assessment_a
):
    question = Question.objects.get(slug="training-data-versions")
    url = reverse("assessment_section", args=[assessment_a.pk, "data-management"])
    level_2 = str(question.choices.get(level=2).pk)
    # Alice opened the page while the question was unanswered (revision 0); Bob answers it,
    # then leaves and his account is deleted; Alice saves her own, different answer.
    saved = client_as(bob).post(url, {f"q{question.pk}": level_2, f"r{question.pk}": "0"})
    assert saved.status_code == 302
    bob.delete()
    response = client_as(alice).post(url, {f"q{question.pk}": DK, f"r{question.pk}": "0"})
    assert response.status_code == 409
    assert "A colleague" in html_of(response)


# --- The section page: all posted answers saved, or none ----------------------------------

NA, DK = "na", "dk"


@dataclass
class Slot:
    """What one question of the page gets in an example."""

    existing: tuple | None  # (status, level or None, comment, revision) saved beforehand
    values: list[str]  # posted q<id> values (several when the field repeats)
    comment: str | None  # posted c<id>, None when absent
    revision: str | None  # posted r<id>, None when absent


def snapshot(assessment) -> dict[int, tuple]:
    return {
        row[0]: row[1:]
        for row in Answer.objects.filter(assessment=assessment).values_list(
            "question_id", "status", "choice_id", "comment", "revision", "answered_by_id"
        )
    }


def revision_options(current: int | None):
    current = current or 1
    return st.sampled_from(
        [None, "0", str(current), str(current + 1), "-3", "abc", "9" * 5000, f" {current} "]
    )


def seen_revision(raw: str | None) -> int:
    """The revision the respondent looked at: 0 (nothing saved) when absent or unreadable."""
    try:
        return max(int(raw), 0)
    except (TypeError, ValueError):  # None, "abc", or more digits than int() reads
        return 0


@st.composite
def slots_for(draw, questions, foreign_choice_ids):
    slots = {}
    for question in questions:
        choice_ids = [str(choice.pk) for choice in question.choices.all()]
        statuses = ["answered", "dont_know"]
        statuses += ["not_applicable"] if question.allows_not_applicable else []
        existing = None
        if draw(st.booleans()):
            status = draw(st.sampled_from(statuses))
            existing = (
                status,
                draw(st.integers(0, 4)) if status == "answered" else None,
                draw(st.sampled_from(["", "old note"])),
                draw(st.integers(1, 3)),
            )
        valid = st.sampled_from([*choice_ids, NA, DK])
        values = draw(
            st.one_of(
                st.just([]),
                valid.map(lambda value: [value]),
                valid.map(lambda value: [f" {value}\t"]),
                st.sampled_from(["", " ", "\n"]).map(lambda value: [value]),
                st.sampled_from(foreign_choice_ids).map(lambda value: [value]),
                hostile_text.filter(lambda text: len(text) < 1000).map(lambda text: [text]),
                st.lists(valid, min_size=2, max_size=3),
            )
        )
        comment = draw(
            st.one_of(
                st.none(),
                st.sampled_from(["", "  ", "\x00", "old note", " old note\x00 ", "why\x00not"]),
                st.text(max_size=30),
                st.sampled_from(
                    [
                        "y" * COMMENT_LIMIT,
                        "y" * (COMMENT_LIMIT + 1),
                        " " + "y" * COMMENT_LIMIT + " ",
                        "y" * (COMMENT_LIMIT - 1) + "\x00\x00",
                        "x" * HUGE,
                    ]
                ),
            )
        )
        revision = draw(revision_options(existing[3] if existing else None))
        slots[question.pk] = Slot(existing, values, comment, revision)
    return slots


def expected_outcome(questions, slots: dict[int, Slot], decode) -> tuple[int, dict]:
    """The status the page must answer, and the answers it must then hold.

    The rule, from the form's contract: a question's value is its last q<id> (stripped), a
    choice of that question, "na" (when allowed) or "dk"; two different values, an unknown
    value, a comment over the limit, or a new comment without an answer are errors, and one
    error saves nothing (400). A changed answer whose saved revision is not the one posted
    is a conflict, and one conflict saves nothing (409). Otherwise everything is saved.
    """
    errors, submissions = False, {}
    for question in questions:
        slot = slots[question.pk]
        values = [decode(value) for value in slot.values]
        value = values[-1].strip() if values else ""
        comment = decode(slot.comment or "").replace("\x00", "").replace("\r\n", "\n").strip()
        existing_comment = slot.existing[2] if slot.existing else None
        choices = {str(choice.pk): choice for choice in question.choices.all()}
        if len(set(values)) > 1 or len(comment) > COMMENT_LIMIT:
            errors = True
        elif not value:
            errors = errors or bool(comment and comment != existing_comment)
        elif value == NA and question.allows_not_applicable:
            submissions[question.pk] = ("not_applicable", None, comment)
        elif value == DK:
            submissions[question.pk] = ("dont_know", None, comment)
        elif value in choices:
            submissions[question.pk] = ("answered", choices[value].pk, comment)
        else:
            errors = True
    if errors:
        return 400, {}
    conflict, changes = False, {}
    for question_id, (status, choice_id, comment) in submissions.items():
        slot = slots[question_id]
        if slot.existing is None:
            changes[question_id] = (status, choice_id, comment, 1)
            continue
        old_status, old_level, old_comment, old_revision = slot.existing
        old_choice = (
            Question.objects.get(pk=question_id).choices.get(level=old_level).pk
            if old_status == "answered"
            else None
        )
        if (old_status, old_choice, old_comment) == (status, choice_id, comment):
            continue
        if seen_revision(slot.revision) != old_revision:
            conflict = True
        changes[question_id] = (status, choice_id, comment, old_revision + 1)
    return (409, {}) if conflict else (302, changes)


def prepare(assessment, questions, slots: dict[int, Slot], colleague, *, locked: bool) -> None:
    """Answers saved beforehand, by a colleague (their revisions are what conflicts test)."""
    Answer.objects.filter(assessment=assessment).delete()
    for question in questions:
        existing = slots[question.pk].existing
        if existing is not None:
            status, level, comment, revision = existing
            choice = question.choices.get(level=level) if status == "answered" else None
            Answer.objects.create(
                assessment=assessment,
                question=question,
                status=status,
                choice=choice,
                comment=comment,
                revision=revision,
                answered_by=colleague,
            )
    Assessment.objects.filter(pk=assessment.pk).update(
        status="submitted" if locked else "draft",
        answered_count=Answer.objects.filter(assessment=assessment).count(),
    )


def section_pairs(questions, slots: dict[int, Slot], extras) -> list[tuple[str, str]]:
    pairs = [("goto", "save")]
    for question in questions:
        slot = slots[question.pk]
        pairs += [(f"q{question.pk}", value) for value in slot.values]
        if slot.comment is not None:
            pairs.append((f"c{question.pk}", slot.comment))
        if slot.revision is not None:
            pairs.append((f"r{question.pk}", slot.revision))
    return pairs + extras


def section_extras(questions, other_questions):
    own_names = {f"{prefix}{question.pk}" for question in questions for prefix in "qcr"}
    safe_names = st.text(
        st.characters(codec="ascii", exclude_characters='"\r\n\\'), min_size=1, max_size=20
    )
    names = st.one_of(
        safe_names,
        st.lists(st.text("abc", min_size=1, max_size=2), min_size=2, max_size=60).map(nested),
        st.sampled_from([f"q{question.pk}" for question in other_questions]),
        st.sampled_from(["q999999999", "q-1", "q00", "goto", "status", "assessment"]),
    ).filter(lambda name: name not in own_names)
    values = st.one_of(
        hostile_text.filter(lambda text: len(text) < 1000),
        st.sampled_from([DK, NA, "section:pipeline-grid", "exit", "next", "previous"]),
    )
    return st.lists(st.tuples(names, values), max_size=5)


@pytest.mark.django_db
@pytest.mark.parametrize("section_slug", ["data-management", "pipeline-grid"])
@FUZZ
@given(
    data=st.data(),
    how=st.sampled_from(["multipart", "urlencoded"]),
    expired_session=st.booleans(),
    locked=st.integers(0, 9).map(lambda n: n == 0),
)
def test_a_section_page_saves_every_posted_answer_or_none(
    alice, bob, assessment_a, section_slug, data, how, expired_session, locked
):
    """Questions layout and grid layout; a save after the login expired is replayed on the
    GET after logging in again, and must follow the same rule (unless it was larger than
    the page's fields can be, and so not kept)."""
    fresh_example()
    questions = list(
        Question.objects.filter(
            component__section__bank=assessment_a.bank, component__section__slug=section_slug
        ).order_by("component__order", "order")
    )
    others = Question.objects.filter(component__section__bank=assessment_a.bank).exclude(
        pk__in=[question.pk for question in questions]
    )
    foreign_choice_ids = [str(pk) for pk in others.values_list("choices__pk", flat=True)]
    slots = data.draw(slots_for(questions, foreign_choice_ids))
    extras = data.draw(section_extras(questions, others))
    prepare(assessment_a, questions, slots, bob, locked=locked)
    before = snapshot(assessment_a)
    url = reverse("assessment_section", args=[assessment_a.pk, section_slug])
    pairs = section_pairs(questions, slots, extras)

    if expired_session:
        # The browser kept the page, with the field a logged-in member's form carries, and
        # dropped the expired session cookie.
        client = client_as()
        token = questionnaire.answering_as_token(alice, assessment_a)
        response = send(client, url, [*pairs, ("answering_as", token)], (how, b""))
        assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
        assert snapshot(assessment_a) == before
        own = {f"{prefix}{question.pk}" for question in questions for prefix in "qcr"}
        size = sum(
            len(received(value, how)) + questionnaire.VALUE_OVERHEAD
            for name, value in pairs
            if received(name, how) in own
        )
        kept = "pending-post" in client.session
        assert kept == (size <= len(questions) * questionnaire.QUESTION_ROOM), size
        client.force_login(alice)
        response = client.get(url)
        if not kept:
            assert response.status_code == 200 and snapshot(assessment_a) == before
            return
    else:
        response = send(client_as(alice), url, pairs, (how, b""))
    assert_handled(response, a_200_shows_errors=False)
    after = snapshot(assessment_a)

    if locked:
        assert response.status_code == 409
        assert "can no longer be changed" in html_of(response)
        assert after == before
        return
    status, changes = expected_outcome(questions, slots, lambda text: received(text, how))
    assert response.status_code == status, (status, html_of(response)[:3000])
    if status in (400, 409):
        assert after == before, "a refused save changed answers"
        html = html_of(response)
        assert "Nothing on this page was saved yet" in html
        if status == 400:
            assert 'id="error-' in html, "no error next to the question"
        if status == 409:
            assert "of these answers while you were editing" in html
        return
    expected = dict(before)
    for question_id, (answer_status, choice_id, comment, revision) in changes.items():
        expected[question_id] = (answer_status, choice_id, comment, revision, alice.pk)
    assert after == expected
    assessment_a.refresh_from_db()
    assert assessment_a.answered_count == len(after)


@pytest.mark.django_db
@pytest.mark.parametrize("section_slug", ["data-management", "pipeline-grid"])
@FUZZ
@given(data=st.data(), encoding=body_encodings)
def test_a_section_page_survives_any_body_and_never_half_saves(
    alice, bob, assessment_a, section_slug, data, encoding
):
    """Raw bodies too: whatever is sent, 400 and 409 leave the answers as they were, and a
    save only touches this section's questions and keeps the count right."""
    fresh_example()
    Answer.objects.filter(assessment=assessment_a).delete()
    for slug in ("training-data-versions", "grid-rollback-automation"):
        factories.answer(assessment_a, slug, 1, comment="before", answered_by=bob)
    Assessment.objects.filter(pk=assessment_a.pk).update(answered_count=2, status="draft")
    questions = Question.objects.filter(component__section__slug=section_slug)
    valid = {"goto": "next"}
    for question in questions:
        valid[f"q{question.pk}"] = data.draw(
            st.sampled_from([DK, *(str(c.pk) for c in question.choices.all())])
        )
        valid[f"c{question.pk}"] = data.draw(st.sampled_from(["", "note"]))
        valid[f"r{question.pk}"] = data.draw(st.sampled_from(["0", "1", "2"]))
    pairs = data.draw(hostile_form(valid))
    before = snapshot(assessment_a)
    url = reverse("assessment_section", args=[assessment_a.pk, section_slug])
    response = send(client_as(alice), url, pairs, encoding)
    assert_handled(response, a_200_shows_errors=False)
    after = snapshot(assessment_a)
    if response.status_code != 302:
        assert after == before
    section_ids = {question.pk for question in questions}
    changed = {pk for pk in set(before) | set(after) if before.get(pk) != after.get(pk)}
    assert changed <= section_ids
    assessment_a.refresh_from_db()
    assert assessment_a.answered_count == len(after)


@pytest.mark.django_db
def test_a_section_post_with_too_many_fields_or_too_big_a_body_is_refused_whole(
    alice, assessment_a
):
    client = client_as(alice)
    url = reverse("assessment_section", args=[assessment_a.pk, "data-management"])
    question = Question.objects.get(slug="training-data-versions")
    many = [(f"q{question.pk}", DK)] + [
        (f"x{n}", "1") for n in range(django_settings.DATA_UPLOAD_MAX_NUMBER_FIELDS + 1)
    ]
    big = [(f"q{question.pk}", DK), ("x", "x" * (django_settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1))]
    for pairs in (many, big):
        response = send(client, url, pairs)
        assert response.status_code == 400
        assert "could not be understood" in html_of(response)
        assert not Answer.objects.exists()


# --- Session size and races (hardening #4 and #7) ----------------------------------------
#
# An anonymous post is kept, to be saved after logging in, only when its form was given to
# a logged-in member (the signed answering_as field), and then only the last one, with the
# section's own fields, no bigger than those can be. A save that loses a race with a submit
# is refused with the "no longer editable" page, and writes nothing.

SECTIONS = ["data-management", "model-lifecycle", "pipeline-grid"]


def own_fields(assessment, slug: str) -> set[str]:
    questions = Question.objects.filter(
        component__section__bank=assessment.bank, component__section__slug=slug
    )
    return {f"{prefix}{question.pk}" for question in questions for prefix in "qcr"}


def session_size(client) -> int:
    session = client.session
    return len(session.encode(dict(session.items())))


@pytest.mark.django_db
@FUZZ
@given(
    data=st.data(),
    how=st.sampled_from(["multipart", "urlencoded"]),
    posts=st.integers(1, 4),
    had_logged_in=st.booleans(),
)
def test_anonymous_posts_keep_at_most_one_bounded_post_of_the_sections_own_fields(
    alice, assessment_a, data, how, posts, had_logged_in
):
    fresh_example()
    client = client_as()
    token = questionnaire.answering_as_token(alice, assessment_a)
    big = st.sampled_from(["x" * HUGE, "y" * (COMMENT_LIMIT + 1), "z" * 2 * COMMENT_LIMIT])
    for _ in range(posts):
        slug = data.draw(st.sampled_from(SECTIONS))
        own = sorted(own_fields(assessment_a, slug))
        names = st.one_of(st.sampled_from(own), hostile_names)
        values = st.one_of(hostile_text, st.sampled_from([DK, NA, "1"]), big)
        pairs = data.draw(st.lists(st.tuples(names, values), max_size=8))
        if had_logged_in:
            pairs.append(("answering_as", token))
        url = reverse("assessment_section", args=[assessment_a.pk, slug])
        response = send(client, url, pairs, (how, b""))
        assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    session = dict(client.session.items())
    pending = [key for key in session if key.startswith("pending-post")]
    assert len(pending) <= (1 if had_logged_in else 0), pending
    largest_room = max(
        len(own_fields(assessment_a, slug)) // 3 * questionnaire.QUESTION_ROOM for slug in SECTIONS
    )
    assert session_size(client) < largest_room + 2_000
    if pending:
        kept = session["pending-post"]
        slug = kept["path"].rstrip("/").rsplit("/", 1)[1]
        assert set(kept["data"]) <= own_fields(assessment_a, slug)
    assert not Answer.objects.exists()


@pytest.mark.django_db
def test_four_anonymous_posts_of_two_megabytes_leave_a_small_session(alice, assessment_a):
    """The attack as reported: 4 posts of 2.3 MB made a 9 MB session row."""
    client = client_as()
    token = questionnaire.answering_as_token(alice, assessment_a)
    for slug in [*SECTIONS, SECTIONS[0]]:
        question = Question.objects.filter(component__section__slug=slug).first()
        url = reverse("assessment_section", args=[assessment_a.pk, slug])
        for pairs in (
            [(f"c{question.pk}", "x" * 2_300_000)],
            [(f"junk{n}", "x" * 2_300) for n in range(900)],
            [(f"c{question.pk}", "x" * 2_300_000), ("answering_as", token)],
        ):
            assert send(client, url, pairs).status_code == 302
    assert session_size(client) < 5_000


class SubmitLands:
    """A colleague's submit that commits before the n-th query of the request, or after the
    request when the save's transaction starts first: a real submit can land no later than
    just before the save locks the assessment row, and otherwise waits for it to commit."""

    def __init__(self, assessment, user, before_query: int):
        self.assessment, self.user, self.before_query = assessment, user, before_query
        self.queries, self.landed, self.in_save = 0, False, False

    def __call__(self, execute, sql, params, many, context):
        self.queries += 1
        self.in_save = self.in_save or sql.startswith(("SAVEPOINT", "BEGIN"))
        if not (self.landed or self.in_save) and self.queries >= self.before_query:
            self.land()
        return execute(sql, params, many, context)

    def land(self):
        self.landed = True
        services.submit_assessment(assessment=self.assessment, user=self.user)


@pytest.mark.django_db
@pytest.mark.parametrize("section_slug", ["data-management", "pipeline-grid"])
@pytest.mark.parametrize("background", [False, True])
@FUZZ
@given(before_query=st.integers(1, 16), level=st.integers(0, 4))
def test_a_save_racing_a_submit_is_saved_before_it_or_refused_never_a_server_error(
    alice, bob, assessment_a, section_slug, background, before_query, level
):
    fresh_example()
    Answer.objects.filter(assessment=assessment_a).delete()
    Assessment.objects.filter(pk=assessment_a.pk).update(status="draft", submitted_at=None)
    complete(assessment_a)
    assessment_a.refresh_from_db()
    questions = list(Question.objects.filter(component__section__slug=section_slug))
    pairs = [("goto", "next")]
    for question in questions:
        pairs += [(f"q{question.pk}", str(question.choices.get(level=level).pk))]
        pairs += [(f"c{question.pk}", "raced"), (f"r{question.pk}", "1")]
    before = snapshot(assessment_a)
    url = reverse("assessment_section", args=[assessment_a.pk, section_slug])
    headers = {"headers": {"Accept": "application/json"}} if background else {}
    race = SubmitLands(assessment_a, bob, before_query)
    with connection.execute_wrapper(race):
        response = send(client_as(alice), url, pairs, **headers)
    if not race.landed:
        race.land()
    if background:  # JSON for the page's script
        assert response.status_code < 500 and response.json()["message"]
    else:
        assert_handled(response, a_200_shows_errors=False)
    assessment_a.refresh_from_db()
    assert assessment_a.status == "submitted"
    if response.status_code == 409:
        assert snapshot(assessment_a) == before, "a refused save changed answers"
        if background:
            assert response.json()["status"] == "not_editable"
        else:
            assert "can no longer be changed" in html_of(response)
            assert html_of(response).count(">raced</textarea>") == len(questions)
        return
    assert response.status_code == (200 if background else 302)
    expected = dict(before)
    for question in questions:
        choice = question.choices.get(level=level).pk
        expected[question.pk] = ("answered", choice, "raced", 2, alice.pk)
    assert snapshot(assessment_a) == expected


# --- CSRF ------------------------------------------------------------------------------------


@dataclass
class FormEndpoint:
    page: str  # the GET page that shows the form (and sets the CSRF cookie)
    target: str  # where the form posts
    data: dict
    user: object = None


def complete(assessment) -> None:
    for question in Question.objects.filter(component__section__bank=assessment.bank):
        factories.answer(assessment, question.slug, 2)


def section_form(assessment, slug: str) -> dict:
    data = {"goto": "save"}
    for question in Question.objects.filter(
        component__section__bank=assessment.bank, component__section__slug=slug
    ):
        data.update({f"q{question.pk}": DK, f"r{question.pk}": "0"})
    return data


def form_endpoint(name: str, alice, assessment_a) -> FormEndpoint:
    password = {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
    if name == "signup":
        return FormEndpoint(reverse("signup"), reverse("signup"), sign_up_data(0))
    if name == "login":
        credentials = {"username": alice.email, "password": factories.PASSWORD}
        return FormEndpoint(reverse("login"), reverse("login"), credentials)
    if name == "password_reset":
        url = reverse("password_reset")
        return FormEndpoint(url, url, {"email": alice.email})
    if name == "password_change":
        url = reverse("password_change")
        return FormEndpoint(url, url, {"old_password": factories.PASSWORD, **password}, alice)
    if name == "invite":
        data = {"email": "erin@acme.example"}
        return FormEndpoint(reverse("members"), reverse("invite"), data, alice)
    if name == "accept_invitation":
        _, token = services.invite_member(
            organisation=assessment_a.organisation, email="dave@new.example", invited_by=alice
        )
        url = reverse("accept_invitation", args=[token])
        data = {"first_name": "Dave", "last_name": "Lister", "password1": NEW_PASSWORD}
        return FormEndpoint(url, url, {**data, "password2": NEW_PASSWORD})
    if name == "assessment_start":
        data = {"title": "Next year", "prefill_from": ""}
        return FormEndpoint(reverse("dashboard"), reverse("assessment_start"), data, alice)
    if name.startswith("assessment_section:"):
        slug = name.split(":")[1]
        url = reverse("assessment_section", args=[assessment_a.pk, slug])
        return FormEndpoint(url, url, section_form(assessment_a, slug), alice)
    if name == "assessment_submit":
        complete(assessment_a)
        page = reverse("assessment_review", args=[assessment_a.pk])
        return FormEndpoint(page, reverse("assessment_submit", args=[assessment_a.pk]), {}, alice)
    if name == "organisation_delete":
        url = reverse("organisation_delete")
        return FormEndpoint(url, url, {"confirm_name": assessment_a.organisation.name}, alice)
    raise AssertionError(f"add a form endpoint for {name}")


FORM_ENDPOINTS = [
    "signup",
    "login",
    "password_reset",
    "password_change",
    "invite",
    "accept_invitation",
    "assessment_start",
    "assessment_section:data-management",
    "assessment_section:pipeline-grid",
    "assessment_submit",
    "organisation_delete",
]


def database_state() -> tuple:
    return (
        sorted(User.objects.values_list("pk", "password", "is_active")),
        sorted(Organisation.objects.values_list("pk", "name")),
        sorted(Membership.objects.values_list("pk", "organisation_id", "role")),
        sorted(Invitation.objects.values_list("pk", "accepted_at")),
        sorted(Assessment.objects.values_list("pk", "status", "title")),
        sorted(Answer.objects.values_list("pk", "status", "choice_id", "comment", "revision")),
        len(mail.outbox),
    )


CSRF_TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


@pytest.mark.django_db
@pytest.mark.parametrize("name", FORM_ENDPOINTS)
def test_a_post_without_a_valid_csrf_token_is_refused_and_writes_nothing(name, alice, assessment_a):
    cache.clear()
    endpoint = form_endpoint(name, alice, assessment_a)
    client = client_as(endpoint.user, enforce_csrf_checks=True)
    page = client.get(endpoint.page)
    assert page.status_code == 200
    state = database_state()
    session_user = client.session.get("_auth_user_id")
    for token in (None, "x" * 64):
        data = (
            dict(endpoint.data)
            if token is None
            else {**endpoint.data, "csrfmiddlewaretoken": token}
        )
        response = client.post(endpoint.target, data)
        assert response.status_code == 403, token
        assert "Your form had expired" in html_of(response)
        assert database_state() == state
        assert client.session.get("_auth_user_id") == session_user


@pytest.mark.django_db
@pytest.mark.parametrize("name", FORM_ENDPOINTS)
def test_a_post_with_the_csrf_token_from_the_page_works(name, alice, assessment_a):
    cache.clear()
    endpoint = form_endpoint(name, alice, assessment_a)
    client = client_as(endpoint.user, enforce_csrf_checks=True)
    page = client.get(endpoint.page)
    token = CSRF_TOKEN.search(html_of(page))
    assert token, f"{endpoint.page} has no CSRF token in its form"
    state = database_state()
    response = client.post(endpoint.target, {**endpoint.data, "csrfmiddlewaretoken": token[1]})
    assert response.status_code == 302, html_of(response)[:2000]
    if name == "login":
        assert client.session.get("_auth_user_id") == str(alice.pk)
    else:
        assert database_state() != state


# --- Charsets --------------------------------------------------------------------------------

# Every page is UTF-8, so a form body or query string declared in another charset is refused
# with the 400 page before CSRF reads it (Django's own error handlers would re-parse it and
# fail). Unknown names are refused too: the body cannot be decoded as declared.
FOREIGN_CHARSETS = ["latin-1", "utf-16", "utf-32", "cp1252", "shift_jis", "base64", "no-such-set"]
UTF8_SPELLINGS = ["utf-8", "UTF-8", "utf8", '"UTF-8"']
# Beyond the forms above, every other URL that accepts a POST.
OTHER_POST_ENDPOINTS = ["logout", "signup_confirm", "password_reset_confirm", "admin_login"]
CHARSET_ENDPOINTS = FORM_ENDPOINTS + OTHER_POST_ENDPOINTS
MULTIPART_BOUNDARY = "fuzzboundary"


def other_post_endpoint(name: str, alice, assessment_a) -> FormEndpoint:
    from django.contrib.auth.tokens import default_token_generator
    from django.utils.encoding import force_bytes
    from django.utils.http import urlsafe_base64_encode

    uid = urlsafe_base64_encode(force_bytes(alice.pk))
    token = default_token_generator.make_token(alice)
    if name == "logout":
        return FormEndpoint(reverse("dashboard"), reverse("logout"), {}, alice)
    # The two emailed links: the login page gives the CSRF token, which any page's form
    # shares, so that only the charset is wrong.
    if name == "signup_confirm":
        return FormEndpoint(reverse("login"), reverse("signup_confirm", args=[uid, token]), {})
    if name == "password_reset_confirm":
        url = reverse("password_reset_confirm", args=[uid, token])
        data = {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
        return FormEndpoint(reverse("login"), url, data)
    if name == "admin_login":
        url = reverse("admin:login")
        return FormEndpoint(url, url, {"username": alice.email, "password": factories.PASSWORD})
    return form_endpoint(name, alice, assessment_a)


def part_header(name: str) -> bytes:
    disposition = f'Content-Disposition: form-data; name="{name}"'
    return f"--{MULTIPART_BOUNDARY}\r\n{disposition}\r\n\r\n".encode("ascii")


def body_in(charset: str, data: dict, content_type: str) -> tuple[bytes, str]:
    """The form as a browser using that charset would send it (UTF-8 when Python has no
    text codec of that name), with the charset named in the Content-Type."""
    try:
        "x".encode(charset.strip('"'))
        codec = charset.strip('"')
    except LookupError:
        codec = "utf-8"

    def value_bytes(value) -> bytes:
        return str(value).encode(codec, "xmlcharrefreplace")

    if content_type == "multipart":
        body = b"".join(
            part_header(name) + value_bytes(value) + b"\r\n" for name, value in data.items()
        )
        body += f"--{MULTIPART_BOUNDARY}--\r\n".encode("ascii")
        return body, f"multipart/form-data; boundary={MULTIPART_BOUNDARY}; charset={charset}"
    body = "&".join(
        f"{name}={quote_from_bytes(value_bytes(value))}" for name, value in data.items()
    )
    return body.encode("ascii"), f"application/x-www-form-urlencoded; charset={charset}"


def assert_charset_refused(response) -> None:
    assert response.status_code == 400, response.status_code
    html = html_of(response)
    assert "character encoding other than UTF-8" in html
    assert "<h1" in html


@pytest.mark.django_db
@pytest.mark.parametrize("content_type", ["urlencoded", "multipart"])
@pytest.mark.parametrize("name", CHARSET_ENDPOINTS)
def test_a_post_in_another_charset_is_refused_with_400_before_csrf(
    name, content_type, alice, assessment_a
):
    cache.clear()
    endpoint = other_post_endpoint(name, alice, assessment_a)
    client = client_as(endpoint.user, enforce_csrf_checks=True)
    page = client.get(endpoint.page)
    token = CSRF_TOKEN.search(html_of(page))
    assert token, f"{endpoint.page} has no CSRF token in its form"
    state = database_state()
    session_user = client.session.get("_auth_user_id")
    for charset in FOREIGN_CHARSETS:
        data = {**endpoint.data, "csrfmiddlewaretoken": token[1], "name": "Ça coûte €5"}
        body, header = body_in(charset, data, content_type)
        response = client.generic("POST", endpoint.target, body, content_type=header)
        assert_charset_refused(response)
        assert database_state() == state, charset
        assert client.session.get("_auth_user_id") == session_user, charset


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["login", "assessment_section:data-management"])
@pytest.mark.parametrize("charset", UTF8_SPELLINGS)
def test_a_post_that_names_utf8_in_any_spelling_is_accepted(name, charset, alice, assessment_a):
    endpoint = form_endpoint(name, alice, assessment_a)
    client = client_as(endpoint.user, enforce_csrf_checks=True)
    token = CSRF_TOKEN.search(html_of(client.get(endpoint.page)))[1]
    body, header = body_in(charset, {**endpoint.data, "csrfmiddlewaretoken": token}, "urlencoded")
    response = client.generic("POST", endpoint.target, body, content_type=header)
    assert response.status_code == 302, html_of(response)[:2000]


def through_wsgi(method: str, path: str, content_type: str, body: bytes) -> tuple[int, str]:
    """A request through the WSGI application that gunicorn serves, as the server sends it:
    Django builds the request there, so a header that breaks that is seen too."""
    import io
    import sys

    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    from maturity_site.wsgi import application

    environ = {
        "REQUEST_METHOD": method,
        "PATH_INFO": path,
        "QUERY_STRING": "next=%2F%E9&x=%FF",
        "SCRIPT_NAME": "",
        "SERVER_NAME": "localhost",
        "SERVER_PORT": "80",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "HTTP_HOST": "localhost",
        "REMOTE_ADDR": "127.0.0.1",
        "CONTENT_TYPE": content_type,
        "CONTENT_LENGTH": str(len(body)),
        "wsgi.input": io.BytesIO(body),
        "wsgi.errors": sys.stderr,
        "wsgi.url_scheme": "http",
        "wsgi.version": (1, 0),
        "wsgi.multithread": False,
        "wsgi.multiprocess": False,
        "wsgi.run_once": False,
    }
    statuses = []
    # As Django's test client does: the start and end of a request must not close the connection
    # that holds the test's transaction (on PostgreSQL it would).
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        chunks = application(
            environ, lambda status, headers, exc_info=None: statuses.append(status)
        )
        try:
            content = b"".join(chunks).decode("utf-8", "replace")
        finally:
            getattr(chunks, "close", lambda: None)()
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)
    return int(statuses[0].split()[0]), content


charset_names = st.one_of(
    st.sampled_from(sorted({*codec_aliases.values(), *codec_aliases})),
    st.text(st.characters(codec="ascii", exclude_characters='"\\;\r\n'), max_size=12),
)


@pytest.mark.django_db
@FUZZ
@given(
    content_type=st.one_of(
        charset_names.map(lambda name: f"application/x-www-form-urlencoded; charset={name}"),
        charset_names.map(lambda name: f"multipart/form-data; boundary=b; charset={name}"),
        charset_names.map(lambda name: f"text/plain; charset*={name}''{name}"),
    ),
    method=st.sampled_from(["GET", "POST"]),
    path=st.sampled_from(["/", "/login/", "/signup/", "/password-reset/", "/healthz"]),
)
# Found by this test: a NUL in a charset name, and an RFC 2231 value in a bytes codec.
@example(content_type="application/x-www-form-urlencoded; charset=\x00", method="GET", path="/")
@example(content_type="text/plain; charset*=zip''zip", method="POST", path="/login/")
def test_any_declared_charset_gets_a_page_never_a_server_error(content_type, method, path):
    """Query strings are decoded in the declared charset too, so GETs are checked as well."""
    from maturity_site.middleware import is_utf8

    fresh_example()
    status, html = through_wsgi(method, path, content_type, b"email=a%E9%40b.example")
    assert status < 500, (status, html[:500])
    try:
        declared = parse_header_parameters(content_type)[1]
    except ValueError:
        declared = {"charset": "unparseable"}
    if "charset" in declared and not is_utf8(declared["charset"]):
        assert status == 400, status
        assert "character encoding other than UTF-8" in html
