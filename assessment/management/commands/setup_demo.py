import random
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from assessment import selectors, services
from assessment.domain.targets import IN_PRODUCTION
from assessment.models import Action, Answer, Assessment, Membership, Organisation
from assessment.results import results_for
from assessment.roles import consultants_group
from assessment.structure import bank_structure

DEMO_PASSWORD = "demo-maturity-2026"  # noqa: S105 — printed for local demos only
DEMO_ORGANISATION = "Demo Analytics Ltd"
DEMO_EMAILS = (
    "respondent@demo.example",
    "colleague@demo.example",
    "consultant@demo.example",
    "admin@demo.example",
)
DEMO_COMMENTS = {
    1: "Done by hand by our lead data scientist when needed.",
    3: "Runs in our Airflow pipeline; a person approves the release.",
}
# Two submitted assessments a year apart, so that the results page shows the comparison
# with the previous one: (title, levels drawn from, seed, days ago submitted).
DEMO_ASSESSMENTS = (
    ("MLOps maturity 2024", (0, 1, 1, 1, 2, 2, 2, 3), 2024, 365),
    ("MLOps maturity 2025", (1, 1, 2, 2, 2, 3, 3, 4), 2025, 0),
)


class Command(BaseCommand):
    help = (
        "Create demo accounts (an organisation with two members and two submitted "
        "assessments, a consultant, an admin)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--force",
            action="store_true",
            help="Create the demo accounts even though DEBUG is off.",
        )
        parser.add_argument(
            "--reset",
            action="store_true",
            help="Delete the demo organisation, its assessments and the demo accounts first, "
            "so the demo starts as new. Nothing else is touched.",
        )

    @transaction.atomic
    def handle(self, *args, force: bool, reset: bool, **options):
        if not settings.DEBUG and not force:
            raise CommandError(
                "Demo accounts have a published password; refusing with DEBUG off. "
                "Use --force if you really mean it."
            )
        if reset:
            Organisation.objects.filter(name=DEMO_ORGANISATION).delete()
            get_user_model().objects.filter(username__in=DEMO_EMAILS).delete()
        organisation, _ = Organisation.objects.get_or_create(
            name=DEMO_ORGANISATION,
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
        """Submitted assessments, so results, the comparison, the report and the review can
        be tried at once. One already there (by title) is left as it is."""
        bank = selectors.current_bank()
        if bank is None:
            return
        respondent = organisation.memberships.get(role=Membership.Role.OWNER).user
        structure = bank_structure(bank)
        existing = set(organisation.assessments.values_list("title", flat=True))
        for title, levels, seed, days_ago in DEMO_ASSESSMENTS:
            if title in existing:
                continue
            assessment = services.start_assessment(
                organisation=organisation,
                user=respondent,
                bank=bank,
                title=title,
                ambition=IN_PRODUCTION,
            ).assessment
            for section in structure.sections:
                if section.optional:
                    services.set_section_applies(
                        assessment=assessment,
                        section_slug=section.slug,
                        applies=True,
                        user=respondent,
                    )
            # A fixed seed gives every demo the same, plausible spread of levels.
            generator = random.Random(seed)  # noqa: S311 — demo data, not security
            submissions = []
            for question in structure.questions:
                level = generator.choice(levels)
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
            if days_ago:
                # The comparison takes the latest assessment submitted before this one.
                when = timezone.now() - timedelta(days=days_ago)
                Assessment.objects.filter(pk=assessment.pk).update(
                    created_at=when, submitted_at=when
                )
                assessment.refresh_from_db()
                self.ensure_demo_actions(organisation, assessment, respondent)

    def ensure_demo_actions(self, organisation, planned_in, respondent) -> None:
        """Three actions from the first workstreams of the older plan: one done since, one
        due soon, one overdue, so the dashboard, the action plan and the comparison show
        them."""
        if organisation.actions.exists():
            return
        colleague = organisation.memberships.exclude(user=respondent).first().user
        today = timezone.localdate()
        plans = [
            (Action.Status.DONE, respondent, today - timedelta(days=200)),
            (Action.Status.IN_PROGRESS, colleague, today + timedelta(days=5)),
            (Action.Status.NOT_STARTED, respondent, today - timedelta(days=10)),
        ]
        workstreams = results_for(planned_in).roadmap.workstreams
        for (status, owner, due), workstream in zip(plans, workstreams, strict=False):
            action = services.create_action(
                organisation=organisation,
                user=respondent,
                planned_in=planned_in,
                fields=services.ActionFields(
                    title=workstream.title,
                    components=tuple(item.component for item in workstream.items),
                    from_level=min(item.current_level for item in workstream.items),
                    to_level=max(item.target_level for item in workstream.items),
                    owner_id=owner.pk,
                    due_date=due,
                    status=status,
                    note=workstream.items[0].next_step,
                ),
            )
            if status == Action.Status.DONE:
                done_at = timezone.now() - timedelta(days=200)
                Action.objects.filter(pk=action.pk).update(done_at=done_at)

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
