"""The one way tests build objects: small functions with sensible defaults."""

from pathlib import Path

from django.contrib.auth import get_user_model

from assessment.bank import load_bank, read_bank_file
from assessment.models import (
    Answer,
    Assessment,
    Membership,
    Organisation,
    Question,
    QuestionBank,
)

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
SAMPLE_BANK_FILE = FIXTURES / "sample_bank.yaml"
PASSWORD = "correct-horse-battery-staple"


def make_bank(path: Path = SAMPLE_BANK_FILE) -> QuestionBank:
    return load_bank(data=read_bank_file(path)).bank


def make_organisation(**fields) -> Organisation:
    fields.setdefault("name", "Acme Analytics")
    fields.setdefault("sector", Organisation.Sector.TECHNOLOGY)
    fields.setdefault("size", Organisation.Size.SMALL)
    return Organisation.objects.create(**fields)


def make_user(email: str, *, organisation: Organisation | None = None, role=None, **fields):
    user = get_user_model().objects.create_user(
        username=email, email=email, password=PASSWORD, **fields
    )
    if organisation is not None:
        Membership.objects.create(
            user=user, organisation=organisation, role=role or Membership.Role.MEMBER
        )
    return user


def make_assessment(*, organisation: Organisation, bank: QuestionBank, **fields) -> Assessment:
    fields.setdefault("title", "MLOps maturity 2026")
    return Assessment.objects.create(organisation=organisation, bank=bank, **fields)


def answer(assessment: Assessment, question_slug: str, level: int | None = None, **fields):
    """Answer a question at a level, or with status=not_applicable / dont_know."""
    question = Question.objects.get(component__section__bank=assessment.bank, slug=question_slug)
    choice = question.choices.get(level=level) if level is not None else None
    fields.setdefault("status", Answer.Status.ANSWERED if choice else Answer.Status.DONT_KNOW)
    return Answer.objects.create(assessment=assessment, question=question, choice=choice, **fields)
