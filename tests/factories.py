"""The one way tests build objects: small functions with sensible defaults."""

from datetime import timedelta
from pathlib import Path

from django.contrib.auth import get_user_model
from django.utils import timezone

from assessment import services
from assessment.bank import load_bank, read_bank_file
from assessment.models import (
    Action,
    Answer,
    Assessment,
    Cohort,
    CohortOrganisation,
    Component,
    ComponentLevel,
    Membership,
    Organisation,
    Participant,
    ParticipantAnswer,
    Question,
    QuestionBank,
)
from assessment.results import results_for

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
    question, choice = _question_and_choice(assessment.bank, question_slug, level, fields)
    return Answer.objects.create(assessment=assessment, question=question, choice=choice, **fields)


def _question_and_choice(bank: QuestionBank, question_slug: str, level: int | None, fields: dict):
    question = Question.objects.get(component__section__bank=bank, slug=question_slug)
    choice = question.choices.get(level=level) if level is not None else None
    fields.setdefault("status", Answer.Status.ANSWERED if choice else Answer.Status.DONT_KNOW)
    return question, choice


# An answer for every question of the sample bank (None: "Don't know").
SAMPLE_LEVELS = {
    "training-data-versions": 2,
    "data-lineage": 1,
    "data-validation-checks": 3,
    "feature-store": None,  # Don't know
    "run-tracking": 3,
    "rerun-training": 2,
    "drift-monitoring": 1,
    "retraining": 2,
    "grid-deployment-automation": 4,
    "grid-rollback-automation": 3,
}


def answer_all(assessment, levels=None, **fields):
    """Answer every question of the sample bank, at SAMPLE_LEVELS unless told otherwise."""
    for slug, level in (levels or SAMPLE_LEVELS).items():
        answer(assessment, slug, level, **fields)


def submitted(organisation, bank, user, title="MLOps maturity 2026"):
    """A fully answered assessment, submitted through the service as a respondent does."""
    assessment = make_assessment(organisation=organisation, bank=bank, created_by=user, title=title)
    answer_all(assessment, answered_by=user)
    return services.submit_assessment(assessment=assessment, user=user)


def make_action(*, organisation: Organisation, **fields) -> Action:
    return Action.objects.create(
        organisation=organisation, title=fields.pop("title", "Version the training data"), **fields
    )


def make_cohort(*, consultants=(), organisations=(), **fields) -> Cohort:
    """A cohort whose window opened 30 days ago and is due in 30 days, unless told otherwise."""
    today = timezone.localdate()
    fields.setdefault("name", "BridgeAI cohort 4")
    fields.setdefault("opens_on", today - timedelta(days=30))
    fields.setdefault("due_on", today + timedelta(days=30))
    cohort = Cohort.objects.create(**fields)
    cohort.consultants.add(*consultants)
    CohortOrganisation.objects.bulk_create(
        CohortOrganisation(cohort=cohort, organisation=organisation)
        for organisation in organisations
    )
    return cohort


def bulk_cohort(cohort: Cohort, bank: QuestionBank, count: int) -> list[Organisation]:
    """``count`` organisations in the cohort, built with bulk_create: a fifth invited (nobody
    joined), the rest with an owner and an assessment in turn a draft, submitted, in review
    and reviewed; the submitted ones answered at SAMPLE_LEVELS."""
    organisations = Organisation.objects.bulk_create(
        Organisation(name=f"Cohort organisation {n:04d}", sector="technology", size="small")
        for n in range(count)
    )
    CohortOrganisation.objects.bulk_create(
        CohortOrganisation(cohort=cohort, organisation=organisation)
        for organisation in organisations
    )
    joined = [o for n, o in enumerate(organisations) if n % 5]
    users = get_user_model().objects.bulk_create(
        get_user_model()(
            username=f"owner{o.pk}@cohort.example", email=f"owner{o.pk}@cohort.example"
        )
        for o in joined
    )
    Membership.objects.bulk_create(
        Membership(user=user, organisation=o, role=Membership.Role.OWNER)
        for user, o in zip(users, joined, strict=True)
    )
    statuses = ["draft", "submitted", "in_review", "reviewed"]
    assessments = Assessment.objects.bulk_create(
        Assessment(
            organisation=o,
            bank=bank,
            title="MLOps maturity",
            status=statuses[n % 4],
            answered_count=len(SAMPLE_LEVELS),
            overall_level=None if n % 4 == 0 else 2,
        )
        for n, o in enumerate(joined)
    )
    scored = [assessment for assessment in assessments if assessment.status != "draft"]
    questions = {q.slug: q for q in Question.objects.filter(component__section__bank=bank)}
    choices = {(c.question_id, c.level): c for q in questions.values() for c in q.choices.all()}
    Answer.objects.bulk_create(
        Answer(
            assessment=assessment,
            question=questions[slug],
            choice=None if level is None else choices[(questions[slug].pk, level)],
            status=Answer.Status.ANSWERED if level is not None else Answer.Status.DONT_KNOW,
        )
        for assessment in scored
        for slug, level in SAMPLE_LEVELS.items()
    )
    # The component levels the submit service stores: the same answers, the same levels.
    levels = results_for(scored[0]).result if scored else None
    component_ids = {c.slug: c.pk for c in Component.objects.filter(section__bank=bank)}
    ComponentLevel.objects.bulk_create(
        ComponentLevel(assessment=assessment, component_id=component_ids[c.slug], level=c.level)
        for assessment in scored
        for section in levels.sections
        for c in section.components
    )
    return organisations


def make_team_assessment(*, organisation, bank, owner, members=(), **fields) -> Assessment:
    """A team assessment started by ``owner``, who takes part with ``members``."""
    assessment = make_assessment(
        organisation=organisation, bank=bank, created_by=owner, mode=Assessment.Mode.TEAM, **fields
    )
    Participant.objects.bulk_create(
        Participant(assessment=assessment, user=person, name=person.get_full_name() or person.email)
        for person in (owner, *members)
    )
    return assessment


def participant_of(assessment: Assessment, user) -> Participant:
    return Participant.objects.get(assessment=assessment, user=user)


def own_answer(participant: Participant, question_slug: str, level: int | None = None, **fields):
    """A participant's own answer at a level, or with status=not_applicable / dont_know."""
    bank = participant.assessment.bank
    question, choice = _question_and_choice(bank, question_slug, level, fields)
    return ParticipantAnswer.objects.create(
        participant=participant, question=question, choice=choice, **fields
    )
