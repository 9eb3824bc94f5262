"""A demo cohort of ten organisations, one or two in every state, for trying the cohort
dashboard as the demo consultant (after setup_demo)."""

import random
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from assessment import selectors, services
from assessment.management.commands.setup_demo import DEMO_PASSWORD
from assessment.models import Answer, Cohort, CohortOrganisation, Membership, Organisation
from assessment.services import cohorts as cohort_services
from assessment.structure import bank_structure

COHORT_NAME = "BridgeAI demo cohort"
CONSULTANT = "consultant@demo.example"
# (organisation, sector, where it gets to, share of the questions answered, level spread)
ORGANISATIONS = (
    ("Alder Foods", "agriculture", "invited", 0, ()),
    ("Beacon Freight", "transport", "invited", 0, ()),
    ("Cobalt Health", "health", "not_started", 0, ()),
    ("Delta Retail Group", "retail", "in_progress", 35, (0, 1, 1, 2)),
    ("Ember Energy", "energy", "in_progress", 80, (1, 2, 2, 3)),
    ("Fjord Finance", "finance", "submitted", 100, (1, 2, 3, 3)),
    ("Granite Build", "construction", "submitted", 100, (0, 1, 1, 2)),
    ("Harbour Media", "creative", "in_review", 100, (2, 2, 3, 4)),
    ("Iris Manufacturing", "manufacturing", "changes_requested", 100, (1, 1, 2, 2)),
    ("Juniper Public Services", "public", "reviewed", 100, (2, 3, 3, 4)),
)


class Command(BaseCommand):
    help = (
        f"Create '{COHORT_NAME}': ten organisations in every state of a cohort (invited, "
        "not started, in progress, submitted, in review, changes requested, reviewed), run "
        f"by {CONSULTANT}. Run setup_demo first. --reset removes it first."
    )

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true", help="Even though DEBUG is off.")
        parser.add_argument("--reset", action="store_true", help="Remove the demo cohort first.")

    @transaction.atomic
    def handle(self, *args, force: bool, reset: bool, **options):
        if not settings.DEBUG and not force:
            raise CommandError("Demo data has a published password; refusing with DEBUG off.")
        consultant = get_user_model().objects.filter(username=CONSULTANT).first()
        bank = selectors.current_bank()
        if consultant is None or bank is None:
            raise CommandError("Run `manage.py setup_demo` first (its consultant and bank).")
        if reset:
            self.remove()
        if Cohort.objects.filter(name=COHORT_NAME).exists():
            self.stdout.write(f"'{COHORT_NAME}' exists already (--reset to make it again).")
            return
        today = timezone.localdate()
        cohort = Cohort.objects.create(
            name=COHORT_NAME, opens_on=today - timedelta(days=21), due_on=today + timedelta(days=6)
        )
        cohort.consultants.add(consultant)
        structure = bank_structure(bank)
        for number, (name, sector, state, percent, levels) in enumerate(ORGANISATIONS):
            if state == "invited":
                cohort_services.invite_organisation(
                    cohort=cohort,
                    name=name,
                    sector=sector,
                    size="small",
                    email=f"owner@{self.domain(name)}",
                    invited_by=consultant,
                )
                continue
            organisation = Organisation.objects.create(name=name, sector=sector, size="medium")
            CohortOrganisation.objects.create(cohort=cohort, organisation=organisation)
            owner = get_user_model().objects.create_user(
                username=f"owner@{self.domain(name)}",
                email=f"owner@{self.domain(name)}",
                password=DEMO_PASSWORD,
                first_name="Owner",
                last_name=name.split()[0],
            )
            Membership.objects.create(
                user=owner, organisation=organisation, role=Membership.Role.OWNER
            )
            if state != "not_started":
                assessment = self.answered(owner, bank, structure, percent, levels, seed=number)
                self.take_to(state, assessment, owner, consultant)
        self.stdout.write(
            f"'{COHORT_NAME}': ten organisations, run by {CONSULTANT}, due {cohort.due_on}."
        )

    def answered(self, owner, bank, structure, percent, levels, *, seed: int):
        """An assessment with ``percent`` of its questions answered (optional sections left
        out), at levels drawn from ``levels``."""
        assessment = services.start_assessment(
            organisation=owner.membership.organisation,
            user=owner,
            bank=bank,
            title="MLOps maturity 2026",
        ).assessment
        questions = []
        for section in structure.sections:
            if section.optional:
                services.set_section_applies(
                    assessment=assessment, section_slug=section.slug, applies=False, user=owner
                )
                continue
            questions += [q for c in section.components_list for q in c.questions_list]
        generator = random.Random(seed)  # noqa: S311 — demo data, not security
        submissions = []
        for question in questions[: len(questions) * percent // 100]:
            level = generator.choice(levels)
            submissions.append(
                services.AnswerSubmission(
                    question=question,
                    status=Answer.Status.ANSWERED,
                    choice=next(c for c in question.choices_list if c.level == level),
                    comment="",
                    seen_revision=0,
                )
            )
        services.save_answers(assessment=assessment, user=owner, submissions=submissions)
        return assessment

    def take_to(self, state: str, assessment, owner, consultant) -> None:
        """Submit it and take it through review as far as ``state``."""
        if state == "in_progress":
            return
        services.submit_assessment(assessment=assessment, user=owner)
        steps = {
            "in_review": [("in_review", "")],
            "changes_requested": [
                ("in_review", ""),
                ("changes_requested", "Please say who approves a model's release."),
            ],
            "reviewed": [
                ("in_review", ""),
                ("reviewed", "Sound data practice; monitoring in production is the next step."),
            ],
        }
        for to_status, message in steps.get(state, []):
            services.review_transition(
                assessment=assessment, to_status=to_status, consultant=consultant, message=message
            )

    @staticmethod
    def domain(name: str) -> str:
        return name.split()[0].lower() + ".demo.example"

    def remove(self) -> None:
        names = [name for name, *_ in ORGANISATIONS]
        emails = [f"owner@{self.domain(name)}" for name in names]
        Organisation.objects.filter(name__in=names, cohort_links__cohort__name=COHORT_NAME).delete()
        get_user_model().objects.filter(username__in=emails, is_staff=False).delete()
        Cohort.objects.filter(name=COHORT_NAME).delete()
