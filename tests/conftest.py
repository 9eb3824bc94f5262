"""Personas in two organisations, shared by every test.

Organisation A (Acme Analytics): alice (owner) and bob (member).
Organisation B (Birch Robotics): carol (owner).
"""

import pytest
from django.core.cache import cache
from django_tasks import default_task_backend

from assessment.models import Membership
from tests import factories


def pytest_collection_modifyitems(config, items):
    """Browser tests last: their live server needs real transactions, and the flush after
    each of them would empty tables that other tests expect the migrations to have filled."""
    items.sort(key=lambda item: "/e2e/" in str(item.fspath))


@pytest.fixture(autouse=True)
def fresh_cache():
    """Throttle counters live in the cache: no test sees another's."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def file_storage(settings, tmp_path):
    """Stored reports go to a folder of the test's own."""
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": tmp_path / "files"},
        },
    }


@pytest.fixture
def queued_tasks(settings):
    """A task backend that keeps what is enqueued, as a database queue with no worker does."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    return default_task_backend.results


@pytest.fixture
def bank(db):
    return factories.make_bank()


@pytest.fixture
def org_a(db):
    return factories.make_organisation(name="Acme Analytics")


@pytest.fixture
def org_b(db):
    return factories.make_organisation(name="Birch Robotics", sector="manufacturing")


@pytest.fixture
def alice(org_a):
    return factories.make_user(
        "alice@acme.example", organisation=org_a, role=Membership.Role.OWNER, first_name="Alice"
    )


@pytest.fixture
def bob(org_a):
    return factories.make_user("bob@acme.example", organisation=org_a, first_name="Bob")


@pytest.fixture
def carol(org_b):
    return factories.make_user(
        "carol@birch.example", organisation=org_b, role=Membership.Role.OWNER, first_name="Carol"
    )


@pytest.fixture
def assessment_a(org_a, bank, alice):
    return factories.make_assessment(organisation=org_a, bank=bank, created_by=alice)


@pytest.fixture
def assessment_b(org_b, bank, carol):
    return factories.make_assessment(organisation=org_b, bank=bank, created_by=carol)


@pytest.fixture
def consultant(db):
    """A staff user in the Consultants group, not a superuser."""
    from assessment.roles import consultants_group

    user = factories.make_user("consultant@review.example", first_name="Morgan", is_staff=True)
    user.groups.add(consultants_group())
    return user


@pytest.fixture
def other_consultant(db):
    """A second consultant (not a lead)."""
    from assessment.roles import consultants_group

    user = factories.make_user("sam@review.example", first_name="Sam", is_staff=True)
    user.groups.add(consultants_group())
    return user


@pytest.fixture
def lead(db):
    """A lead consultant: in the Consultants and the Lead consultants groups."""
    from assessment.roles import consultants_group, lead_consultants_group

    user = factories.make_user("lee@review.example", first_name="Lee", is_staff=True)
    user.groups.add(consultants_group(), lead_consultants_group())
    return user


@pytest.fixture
def superuser(db):
    return factories.make_user(
        "admin@review.example", first_name="Alex", is_staff=True, is_superuser=True
    )
