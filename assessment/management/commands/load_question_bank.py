from django.core.management.base import BaseCommand, CommandError

from assessment.bank import BankFileError, BankLocked, load_bank, read_bank_file
from assessment.models import Component, Section


class Command(BaseCommand):
    help = (
        "Validate question-bank YAML files and load each in one transaction, in the order "
        "given (a published bank retires the one published before it). Loading the same file "
        "again changes nothing; a version already used by assessments cannot change."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "paths",
            nargs="+",
            metavar="path",
            help="Path to a bank file, e.g. fixtures/question_bank_v2.yaml",
        )

    def handle(self, *args, paths: list[str], **options):
        for path in paths:
            self.load(path)

    def load(self, path: str) -> None:
        try:
            outcome = load_bank(data=read_bank_file(path))
        except BankFileError as error:
            count = len(error.problems)
            listing = "\n".join(f"  - {problem}" for problem in error.problems)
            raise CommandError(
                f"{path} has {count} problem{'s' if count != 1 else ''}; nothing was loaded:\n"
                f"{listing}"
            ) from None
        except BankLocked as error:
            raise CommandError(f"{error} Nothing was loaded.") from None

        bank = outcome.bank
        if outcome.action == "unchanged":
            self.stdout.write(f"Question bank v{bank.version} is already loaded and unchanged.")
            return
        sections = Section.objects.filter(bank=bank).count()
        components = Component.objects.filter(section__bank=bank).count()
        self.stdout.write(
            self.style.SUCCESS(
                f"Question bank v{bank.version} {outcome.action} ({bank.get_status_display()}): "
                f"{sections} sections, {components} components, {bank.question_count} questions."
            )
        )
