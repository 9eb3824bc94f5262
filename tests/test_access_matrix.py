"""Access-control matrix: every URL pattern of the project, for every role.

The list of URLs is not written by hand: it is generated from the URL resolver, walking
every included resolver, and each path is built with reverse() from the pattern's name and
real argument values. A view added to the project without an entry in EXPECTED below fails
`test_every_url_pattern_has_an_entry_in_the_expectation_table` with "add an entry for
<name>"; a pattern whose arguments no rule in ARGUMENTS can fill fails the same way.

The admin namespace is handled by a rule rather than an entry per URL: every admin page
sends anonymous and non-staff users to the admin login, and a sample of admin pages
(index, the assessment changelist, one assessment change page, ...) is checked for
consultants and superusers.

Roles: anonymous; alice (owner of organisation A) and bob (member of A); carol (owner of
organisation B); a consultant (staff, in the "Consultants" group, no organisation); a
superuser (no organisation).
"""

import re
from dataclasses import dataclass, fields
from itertools import product
from urllib.parse import unquote

import pytest
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.auth.tokens import default_token_generator
from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from assessment import notifications, services
from assessment.models import (
    Answer,
    Assessment,
    ConsultantNote,
    Question,
    ReviewEvent,
    Section,
)
from tests import factories

ROLES = ("anonymous", "alice", "bob", "carol", "consultant", "superuser")

# What identifies organisation A: none of it may appear in a page served to carol.
A_TITLE = "Acme confidential maturity review"
A_ORGANISATION = "Acme Analytics"
A_SECRETS = (A_TITLE, A_ORGANISATION, "alice@acme.example", "bob@acme.example")


# --- Expected outcomes -------------------------------------------------------------------


@dataclass(frozen=True)
class Redirect:
    """A 302 to the named page; `with_next` when the login page gets ?next=<this path>."""

    to: str
    with_next: bool = False

    def __str__(self) -> str:
        return f"302 → {self.to}" + (" ?next=" if self.with_next else "")


OK, FORBIDDEN, NOT_FOUND, NOT_ALLOWED = 200, 403, 404, 405
TO_LOGIN = Redirect("login", with_next=True)
TO_ADMIN_LOGIN = Redirect("admin:login", with_next=True)
TO_DASHBOARD = Redirect("dashboard")
TO_ADMIN = Redirect("admin:index")
TO_SET_PASSWORD = Redirect("password reset form for alice")


@dataclass(frozen=True)
class Row:
    """The expected GET outcome of one URL for each role."""

    anonymous: object
    alice: object
    bob: object
    carol: object
    consultant: object
    superuser: object


def everyone(outcome) -> Row:
    return Row(*[outcome] * len(ROLES))


PUBLIC = everyone(OK)
POST_ONLY = everyone(NOT_ALLOWED)
ANONYMOUS_ONLY = Row(OK, TO_DASHBOARD, TO_DASHBOARD, TO_DASHBOARD, TO_DASHBOARD, TO_DASHBOARD)
LOGGED_IN = Row(TO_LOGIN, OK, OK, OK, OK, OK)
# Pages of one's own organisation; consultants and admins belong to none: off to the admin.
ORGANISATION_PAGE = Row(TO_LOGIN, OK, OK, OK, TO_ADMIN, TO_ADMIN)
OWNER_PAGE = Row(TO_LOGIN, OK, FORBIDDEN, OK, TO_ADMIN, TO_ADMIN)
# Pages of organisation A's assessment.
ASSESSMENT_A_PAGE = Row(TO_LOGIN, OK, OK, NOT_FOUND, TO_ADMIN, TO_ADMIN)
ASSESSMENT_A_RESULT = Row(TO_LOGIN, OK, OK, NOT_FOUND, OK, OK)
# Asked only of an optional section; the sample bank has none (tests/test_optional_sections.py
# covers a bank that has one).
OPTIONAL_SECTION_PAGE = Row(TO_LOGIN, NOT_FOUND, NOT_FOUND, NOT_FOUND, TO_ADMIN, TO_ADMIN)

# Only a team assessment has a calibration; assessment A is answered by one team together
# (tests/test_team_views.py covers the calibration of a team assessment).
TEAM_ASSESSMENT_PAGE = Row(TO_LOGIN, NOT_FOUND, NOT_FOUND, NOT_FOUND, TO_ADMIN, TO_ADMIN)

# Keyed by URL name. Every named pattern outside the admin namespace must be here.
EXPECTED: dict[str, Row] = {
    "home": PUBLIC,
    "healthz": PUBLIC,
    "signup": ANONYMOUS_ONLY,
    "signup_sent": PUBLIC,
    # The link in the confirmation mail: whoever holds it sees the confirmation form.
    "signup_confirm": PUBLIC,
    "login": ANONYMOUS_ONLY,
    "logout": POST_ONLY,
    "password_change": LOGGED_IN,
    "password_change_done": LOGGED_IN,
    "password_reset": PUBLIC,
    "password_reset_done": PUBLIC,
    "password_reset_confirm": everyone(TO_SET_PASSWORD),
    "password_reset_complete": PUBLIC,
    # Whoever holds the link sees the invitation; only the invited address can use it.
    "accept_invitation": PUBLIC,
    "members": ORGANISATION_PAGE,
    "invite": POST_ONLY,
    "organisation_export": OWNER_PAGE,
    "organisation_delete": OWNER_PAGE,
    "dashboard": ORGANISATION_PAGE,
    "assessment_start": POST_ONLY,
    "assessment_overview": ASSESSMENT_A_PAGE,
    "assessment_section": ASSESSMENT_A_PAGE,
    "assessment_section_applies": OPTIONAL_SECTION_PAGE,
    "assessment_review": ASSESSMENT_A_PAGE,
    "assessment_targets": ASSESSMENT_A_PAGE,
    "assessment_submit": POST_ONLY,
    "assessment_calibration": TEAM_ASSESSMENT_PAGE,
    "assessment_team_finished": POST_ONLY,
    "assessment_team_settings": POST_ONLY,
    "assessment_results": ASSESSMENT_A_RESULT,
    "assessment_results_json": ASSESSMENT_A_RESULT,
    "assessment_report": ASSESSMENT_A_RESULT,
    "assessment_board_report": ASSESSMENT_A_RESULT,
    "assessment_report_docx": ASSESSMENT_A_RESULT,
    "assessment_results_xlsx": ASSESSMENT_A_RESULT,
    # The action plan belongs to the organisation; an action of A is a page of A.
    "action_plan": ORGANISATION_PAGE,
    "action_edit": ASSESSMENT_A_PAGE,
    "action_status": POST_ONLY,
    "action_export": ORGANISATION_PAGE,
    "notification_settings": LOGGED_IN,
    # The link in a notification email: whoever holds it is asked, and may unsubscribe.
    "unsubscribe": PUBLIC,
}

# Pages that show organisation A's name to anyone, by design (the invitation names the
# organisation it invites to). Every other page served to carol must not mention A.
SHOWN_TO_LINK_HOLDERS = {"accept_invitation"}

# The admin rule for anonymous and non-staff users: every admin URL → the admin login,
# except the login page itself, and logout, which Django sends to the index (→ login).
ADMIN_FOR_NON_STAFF = {"admin:login": OK, "admin:logout": TO_ADMIN}

# Admin pages checked for staff; every admin URL is checked for anonymous and non-staff.
ADMIN_SAMPLE: dict[str, dict[str, int]] = {
    "admin:index": {"consultant": OK, "superuser": OK},
    "admin:assessment_assessment_changelist": {"consultant": OK, "superuser": OK},
    "admin:assessment_assessment_change": {"consultant": OK, "superuser": OK},
    "admin:assessment_assessment_delete": {"consultant": FORBIDDEN, "superuser": OK},
    "admin:auth_user_changelist": {"consultant": FORBIDDEN, "superuser": OK},
    "admin:auth_user_change": {"consultant": FORBIDDEN, "superuser": OK},
}


# --- The world the URLs are filled from -----------------------------------------------------


@dataclass
class World:
    alice: object
    bob: object
    carol: object
    consultant: object
    superuser: object
    assessment_a: Assessment
    assessment_b: Assessment
    section_slugs: list[str]
    action_a: object
    invitation_token: str
    reset_uidb64: str
    pending_uidb64: str  # a sign-up waiting for its email address to be confirmed
    pending_token: str

    def reset_token(self) -> str:
        """Made when asked: logging in changes last_login, which invalidates older tokens."""
        return default_token_generator.make_token(get_user_model().objects.get(pk=self.alice.pk))

    def user(self, role: str):
        return None if role == "anonymous" else getattr(self, role)


@pytest.fixture
def world(bank, org_a, org_b, alice, bob, carol, monkeypatch) -> World:
    cache.clear()  # the per-address form throttles count in the cache
    # Access is decided before the PDF is drawn: skip WeasyPrint's seconds per report.
    monkeypatch.setattr("assessment.reports.stored.render_pdf", lambda html: b"%PDF-1.7 stub")
    monkeypatch.setattr("assessment.views.results.render_pdf", lambda html: b"%PDF-1.7 stub")
    assessment_a = factories.make_assessment(
        organisation=org_a, bank=bank, created_by=alice, title=A_TITLE
    )
    assessment_b = factories.make_assessment(
        organisation=org_b, bank=bank, created_by=carol, title="Birch maturity"
    )
    factories.answer(assessment_a, "training-data-versions", 2)
    answer = Answer.objects.get(assessment=assessment_a)
    ReviewEvent.objects.create(
        assessment=assessment_a, from_status="draft", to_status="submitted", actor=alice
    )
    consultant = factories.make_user("morgan@consult.example", is_staff=True)
    consultant.groups.add(Group.objects.get(name="Consultants"))
    ConsultantNote.objects.create(
        assessment=assessment_a, answer=answer, author=consultant, text="Looks right."
    )
    superuser = get_user_model().objects.create_superuser(
        "root@admin.example", "root@admin.example", factories.PASSWORD
    )
    _, token = services.invite_member(
        organisation=org_a, email="dave@newcomer.example", invited_by=alice
    )
    pending = services.sign_up(
        email="erin@pending.example",
        password=factories.PASSWORD,
        first_name="Erin",
        last_name="Pending",
        organisation_name="Pending Ltd",
        sector="other",
        size="micro",
    ).user
    return World(
        alice=alice,
        bob=bob,
        carol=carol,
        consultant=consultant,
        superuser=superuser,
        assessment_a=assessment_a,
        assessment_b=assessment_b,
        section_slugs=list(
            Section.objects.filter(bank=bank).order_by("order").values_list("slug", flat=True)
        ),
        action_a=factories.make_action(organisation=org_a, title=A_TITLE, owner=bob),
        invitation_token=token,
        reset_uidb64=urlsafe_base64_encode(force_bytes(alice.pk)),
        pending_uidb64=urlsafe_base64_encode(force_bytes(pending.pk)),
        pending_token=services.signup_tokens.make_token(pending),
    )


def client_for(world: World, role: str) -> Client:
    client = Client()
    user = world.user(role)
    if user is not None:
        client.force_login(user)
    return client


# --- Walking the resolver -------------------------------------------------------------------


@dataclass(frozen=True)
class Pattern:
    name: str | None  # with its namespace, e.g. "admin:index"; None when unnamed
    route: str
    params: tuple[str, ...]

    @property
    def is_admin(self) -> bool:
        return self.route.startswith(reverse("admin:index").lstrip("/"))


def pattern_params(pattern) -> list[str]:
    converters = getattr(pattern.pattern, "converters", None)
    if converters:
        return list(converters)
    return list(pattern.pattern.regex.groupindex)


def walk(resolver=None, namespace=(), route="", params=()) -> list[Pattern]:
    resolver = resolver or get_resolver()
    found = []
    for entry in resolver.url_patterns:
        here = route + str(entry.pattern)
        here_params = (*params, *pattern_params(entry))
        if isinstance(entry, URLResolver):
            inner = (*namespace, entry.namespace) if entry.namespace else namespace
            found += walk(entry, inner, here, here_params)
        elif isinstance(entry, URLPattern):
            name = ":".join((*namespace, entry.name)) if entry.name else None
            found.append(Pattern(name=name, route=here, params=here_params))
    return found


def admin_model_for(url_name: str):
    """The registered model an admin URL name such as admin:assessment_answer_change is for."""
    local = url_name.removeprefix("admin:")
    matches = [
        model
        for model in admin.site._registry
        if local.startswith(f"{model._meta.app_label}_{model._meta.model_name}_")
    ]
    return max(matches, key=lambda m: len(m._meta.model_name), default=None)


def admin_object_id(world: World, url_name: str):
    model = admin_model_for(url_name)
    if model is None:
        return None
    if model is Assessment:
        return world.assessment_a.pk
    if model is get_user_model():
        return world.alice.pk
    first = model._default_manager.order_by("pk").first()
    return first.pk if first is not None else 0  # an unknown id is a fine argument too


def token_for(world: World, url_name: str) -> str | None:
    if url_name == "password_reset_confirm":
        return world.reset_token()
    if url_name == "unsubscribe":
        return notifications.unsubscribe_token(world.alice, "reviewed")
    return {"signup_confirm": world.pending_token, "accept_invitation": world.invitation_token}.get(
        url_name
    )


# Parameter name → function(world, url name) giving the value, or a list of values; None
# when the rule does not know that URL (the completeness test then says what to add).
ARGUMENTS = {
    "assessment_id": lambda w, name: w.assessment_a.pk,
    "section_slug": lambda w, name: w.section_slugs,
    "action_id": lambda w, name: w.action_a.pk,
    "extension": lambda w, name: (
        ["csv", "xlsx"] if name in ("action_export", "admin:assessment_cohort_export") else None
    ),
    "kind": lambda w, name: "reviewed" if name == "unsubscribe" else None,
    "link_id": lambda w, name: 0 if name == "admin:assessment_cohort_invite_again" else None,
    "token": lambda w, name: token_for(w, name),
    "uidb64": lambda w, name: {
        "password_reset_confirm": w.reset_uidb64,
        "signup_confirm": w.pending_uidb64,
    }.get(name),
    "object_id": lambda w, name: (
        w.assessment_a.pk if name == "admin:view_on_site" else admin_object_id(w, name)
    ),
    "content_type_id": lambda w, name: ContentType.objects.get_for_model(Assessment).pk,
    "app_label": lambda w, name: "assessment",
    "id": lambda w, name: admin_object_id(w, name),  # admin:auth_user_password_change
    "action": lambda w, name: "start" if name.startswith("admin:assessment_") else None,
}


class CannotFill(Exception):
    pass


def paths_for(pattern: Pattern, world: World) -> list[str]:
    """Every path to test for a pattern, reversed by name with real arguments."""
    choices = {}
    for param in pattern.params:
        rule = ARGUMENTS.get(param)
        value = rule(world, pattern.name) if rule else None
        if value is None:
            raise CannotFill(
                f"add an entry for {pattern.name}: no rule in ARGUMENTS fills its parameter "
                f"{param!r} (route {pattern.route!r})"
            )
        choices[param] = value if isinstance(value, list) else [value]
    names = list(choices)
    return [
        reverse(pattern.name, kwargs=dict(zip(names, values, strict=True)))
        for values in product(*(choices[name] for name in names))
    ]


def named_patterns() -> list[Pattern]:
    return [pattern for pattern in walk() if pattern.name]


def project_patterns() -> list[Pattern]:
    return [pattern for pattern in named_patterns() if not pattern.is_admin]


def admin_patterns() -> list[Pattern]:
    return [pattern for pattern in named_patterns() if pattern.is_admin]


# --- Checking one response ------------------------------------------------------------------


def location_of(redirect: Redirect, world: World) -> str:
    if redirect.to == TO_SET_PASSWORD.to:
        return reverse(
            "password_reset_confirm",
            kwargs={"uidb64": world.reset_uidb64, "token": "set-password"},
        )
    return reverse(redirect.to)


def mismatch(response, expected, path: str, world: World) -> str | None:
    """None when the response is what was expected, otherwise what differs."""
    if isinstance(expected, Redirect):
        if response.status_code != 302:
            return f"expected {expected}, got {response.status_code}"
        target = location_of(expected, world)
        location = response["Location"]
        if expected.with_next:
            prefix = f"{target}?next="
            if not location.startswith(prefix) or unquote(location[len(prefix) :]) != path:
                return f"expected {expected} (next={path}), got 302 → {location}"
        elif location != target:
            return f"expected {expected} ({target}), got 302 → {location}"
        return None
    if response.status_code != expected:
        return f"expected {expected}, got {response.status_code}"
    return None


def body_of(response) -> str:
    if response.get("Content-Type", "").startswith("application/pdf"):
        return ""
    content = b"".join(response.streaming_content) if response.streaming else response.content
    return content.decode(errors="replace")


# --- Tests ------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_every_url_pattern_has_an_entry_in_the_expectation_table(world):
    problems = []
    unnamed = [p.route for p in walk() if p.name is None and not p.is_admin]
    problems += [f"give the URL pattern {route!r} a name, then add an entry" for route in unnamed]
    in_resolver = {pattern.name for pattern in project_patterns()}
    problems += [
        f"add an entry for {name} to EXPECTED in tests/test_access_matrix.py"
        for name in sorted(in_resolver - set(EXPECTED))
    ]
    problems += [
        f"remove the entry for {name}: no such URL name any more"
        for name in sorted(set(EXPECTED) - in_resolver)
    ]
    for pattern in named_patterns():
        try:
            paths_for(pattern, world)
        except CannotFill as error:
            problems.append(str(error))
    assert set(ADMIN_SAMPLE) <= {pattern.name for pattern in admin_patterns()}
    assert not problems, "\n".join(problems)


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_every_page_gives_each_role_the_expected_status(world, role):
    client = client_for(world, role)
    failures = []
    for pattern in project_patterns():
        if pattern.name not in EXPECTED:
            continue  # reported by the completeness test above
        expected = getattr(EXPECTED[pattern.name], role)
        for path in paths_for(pattern, world):
            response = client.get(path)
            problem = mismatch(response, expected, path, world)
            if problem:
                failures.append(f"{role} GET {path} ({pattern.name}): {problem}")
            if role == "carol" and pattern.name not in SHOWN_TO_LINK_HOLDERS:
                body = body_of(response)
                leaked = [secret for secret in A_SECRETS if secret in body]
                if leaked:
                    failures.append(f"carol GET {path} ({pattern.name}) shows {leaked}")
    assert not failures, "\n".join(failures)


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["anonymous", "alice", "carol"])
def test_every_admin_page_sends_anonymous_and_non_staff_users_to_the_admin_login(world, role):
    client = client_for(world, role)
    failures = []
    for pattern in admin_patterns():
        expected = ADMIN_FOR_NON_STAFF.get(pattern.name, TO_ADMIN_LOGIN)
        for path in paths_for(pattern, world):
            problem = mismatch(client.get(path), expected, path, world)
            if problem:
                failures.append(f"{role} GET {path} ({pattern.name}): {problem}")
    assert not failures, "\n".join(failures)


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["consultant", "superuser"])
def test_admin_pages_are_open_to_consultants_and_superusers_as_their_permissions_allow(world, role):
    client = client_for(world, role)
    patterns = {pattern.name: pattern for pattern in admin_patterns()}
    failures = []
    for name, expected in ADMIN_SAMPLE.items():
        for path in paths_for(patterns[name], world):
            problem = mismatch(client.get(path), expected[role], path, world)
            if problem:
                failures.append(f"{role} GET {path} ({name}): {problem}")
    assert not failures, "\n".join(failures)


@pytest.mark.django_db
def test_the_admin_login_page_sends_staff_who_are_logged_in_to_the_admin_index(world):
    for role in ("consultant", "superuser"):
        response = client_for(world, role).get(reverse("admin:login"))
        assert mismatch(response, TO_ADMIN, reverse("admin:login"), world) is None, role


def without_per_request_tokens(html: str) -> str:
    html = re.sub(r'nonce="[^"]*"', 'nonce=""', html)
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", html)


def with_assessment_id(path_pattern: Pattern, world: World, assessment_id: int) -> list[str]:
    paths = paths_for(path_pattern, world)
    own = str(world.assessment_a.pk)
    return [path.replace(f"/{own}/", f"/{assessment_id}/", 1) for path in paths]


@pytest.mark.django_db
def test_ids_are_sequential_yet_another_organisations_id_looks_exactly_like_a_missing_one(world):
    a, b = world.assessment_a.pk, world.assessment_b.pk
    assert b == a + 1, "ids are guessable: only scoping by organisation protects them"
    missing = Assessment.objects.order_by("-pk").first().pk + 1000
    huge = 10**30  # beyond any database integer
    patterns = [p for p in project_patterns() if "assessment_id" in p.params]
    assert patterns, "no URL has an assessment_id: the test would prove nothing"
    answers_before = Answer.objects.count()
    status_before = Assessment.objects.get(pk=a).status
    client = client_for(world, "carol")
    failures = []
    for pattern in patterns:
        for method in ("get", "post"):
            own, unknown, far = (
                with_assessment_id(pattern, world, assessment_id)
                for assessment_id in (a, missing, huge)
            )
            for path_a, path_missing, path_huge in zip(own, unknown, far, strict=True):
                response_a, response_missing, response_huge = (
                    getattr(client, method)(path) for path in (path_a, path_missing, path_huge)
                )
                statuses = [r.status_code for r in (response_a, response_missing, response_huge)]
                label = f"carol {method.upper()} {path_a} ({pattern.name})"
                if method == "get":
                    alike = statuses == [EXPECTED[pattern.name].carol] * 3
                else:  # a POST is refused the same way, whatever the view's methods
                    alike = len(set(statuses)) == 1 and statuses[0] in (NOT_FOUND, NOT_ALLOWED)
                if not alike:
                    failures.append(f"{label}: A's id, a missing id, a huge id gave {statuses}")
                body_a, body_missing = (body_of(r) for r in (response_a, response_missing))
                leaked = [secret for secret in A_SECRETS if secret in body_a]
                if leaked:
                    failures.append(f"{label}: the page shows {leaked}")
                if without_per_request_tokens(body_a) != without_per_request_tokens(body_missing):
                    failures.append(f"{label}: the page differs from a missing id's page")
    assert not failures, "\n".join(failures)
    assert Answer.objects.count() == answers_before
    assert Assessment.objects.get(pk=a).status == status_before


@pytest.mark.django_db
def test_question_ids_posted_on_another_organisations_page_write_nothing_elsewhere(world):
    """Carol posts every question id on her own section page: A's answers stay untouched,
    and only questions of that section are answered for B."""
    client = client_for(world, "carol")
    questions = Question.objects.filter(component__section__bank=world.assessment_a.bank)
    data = {"goto": "save"}
    for question in questions:
        data[f"q{question.pk}"] = "dk"
    url = reverse("assessment_section", args=[world.assessment_b.pk, world.section_slugs[0]])
    before = set(Answer.objects.filter(assessment=world.assessment_a).values_list("pk", "revision"))
    client.post(url, data)
    after = set(Answer.objects.filter(assessment=world.assessment_a).values_list("pk", "revision"))
    assert before == after
    section_ids = set(
        Question.objects.filter(component__section__slug=world.section_slugs[0]).values_list(
            "pk", flat=True
        )
    )
    saved = set(
        Answer.objects.filter(assessment=world.assessment_b).values_list("question_id", flat=True)
    )
    assert saved <= section_ids, "answers to questions of other sections were written"


def test_the_table_has_a_column_for_every_role_tested():
    assert tuple(field.name for field in fields(Row)) == ROLES
