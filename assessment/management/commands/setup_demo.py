import random

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from assessment import selectors, services
from assessment.models import Answer, Membership, Organisation
from assessment.roles import consultants_group

DEMO_PASSWORD = "demo-maturity-2026"  # noqa: S105 — printed for local demos only
DEMO_COMMENTS = {
    1: "Done by hand by our lead data scientist when needed.",
    3: "Runs in our Airflow pipeline; a person approves the release.",
}


class Command(BaseCommand):
    help = "Create demo accounts (an organisation with two members, a consultant, an admin)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--force",
            action="store_true",
            help="Create the demo accounts even though DEBUG is off.",
        )

    @transaction.atomic
    def handle(self, *args, force: bool, **options):
        if not settings.DEBUG and not force:
            raise CommandError(
                "Demo accounts have a published password; refusing with DEBUG off. "
                "Use --force if you really mean it."
            )
        organisation, _ = Organisation.objects.get_or_create(
            name="Demo Analytics Ltd",
            defaults={"sector": Organisation.Sector.TECHNOLOGY, "size": Organisation.Size.SMALL},
        )
        accounts = [
            ("respondent@demo.example", "Robin", {"role": Membership.Role.OWNER}),
            ("colleague@demo.example", "Casey", {"role": Membership.Role.MEMBER}),
            ("consultant@demo.example", "Morgan", {"consultant": True}),
            ("admin@demo.example", "Alex", {"superuser": True}),
        ]
        for email, first_name, kind in accounts:
            user = self.ensure_user(email, first_name, kind)
            if "role" in kind:
                Membership.objects.get_or_create(
                    user=user, defaults={"organisation": organisation, "role": kind["role"]}
                )
        self.ensure_demo_assessment(organisation)
        self.stdout.write(f"Demo accounts (password for all: {DEMO_PASSWORD}):")
        for email, _, kind in accounts:
            role = (
                "consultant (admin at /admin/)"
                if kind.get("consultant")
                else "administrator (/admin/)"
                if kind.get("superuser")
                else f"respondent at {organisation.name}"
            )
            self.stdout.write(f"  {email:28} {role}")

    def ensure_demo_assessment(self, organisation: Organisation) -> None:
        """A submitted assessment, so results, the report and the review can be tried at once."""
        bank = selectors.current_bank()
        if bank is None or organisation.assessments.exists():
            return
        respondent = organisation.memberships.get(role=Membership.Role.OWNER).user
        assessment = services.start_assessment(
            organisation=organisation, user=respondent, bank=bank, title="MLOps maturity 2025"
        ).assessment
        structure = selectors.bank_structure(bank)
        # A fixed seed gives every demo the same, plausible spread of levels.
        generator = random.Random(2025)  # noqa: S311 — demo data, not security
        submissions = []
        for question in structure.questions:
            level = generator.choice((1, 1, 2, 2, 2, 3, 3, 4))
            choice = next(c for c in question.choices_list if c.level == level)
            submissions.append(
                services.AnswerSubmission(
                    question=question,
                    status=Answer.Status.ANSWERED,
                    choice=choice,
                    comment=DEMO_COMMENTS.get(level, ""),
                    seen_revision=0,
                )
            )
        services.save_answers(assessment=assessment, user=respondent, submissions=submissions)
        services.submit_assessment(assessment=assessment, user=respondent)

    def ensure_user(self, email: str, first_name: str, kind: dict):
        User = get_user_model()
        user = User.objects.filter(username=email).first()
        if user is None:
            user = User(username=email, email=email, first_name=first_name, last_name="Demo")
            user.set_password(DEMO_PASSWORD)
        user.is_staff = bool(kind.get("consultant") or kind.get("superuser"))
        user.is_superuser = bool(kind.get("superuser"))
        user.save()
        if kind.get("consultant"):
            user.groups.add(consultants_group())
        return user
