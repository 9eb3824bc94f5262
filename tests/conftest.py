"""Personas in two organisations, shared by every test.

Organisation A (Acme Analytics): alice (owner) and bob (member).
Organisation B (Birch Robotics): carol (owner).
"""

import pytest

from assessment.models import Membership
from tests import factories


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
