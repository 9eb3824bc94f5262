"""Send the day's reminders; run daily by cron (docs/deployment.md). Safe to run again:
a reminder already sent is recorded and never sent twice."""

from datetime import date

from django.core.management.base import BaseCommand, CommandError

from assessment.services.notifications import send_reminders


class Command(BaseCommand):
    help = (
        "Email the reminders that are due: 7 days and 1 day before a cohort's due date to "
        "organisations that have not submitted, and a reminder to assess again "
        "REASSESSMENT_AFTER_DAYS after an organisation's last reviewed assessment. Each is "
        "sent once, however often this runs."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--today",
            help="Run as if today were this date (YYYY-MM-DD), e.g. to catch up a missed day.",
        )

    def handle(self, *args, **options):
        try:
            today = date.fromisoformat(options["today"]) if options["today"] else None
        except ValueError as error:
            raise CommandError(f"--today must be a date such as 2027-03-01: {error}") from None
        run = send_reminders(today=today)
        self.stdout.write(
            f"Reminded {run.cohort_due} organisation(s) of a cohort's due date and "
            f"{run.reassessment} to assess again."
        )
