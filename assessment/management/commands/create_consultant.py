"""Create a consultant: a staff user in the Consultants group, not a superuser."""

import getpass
import sys

from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.core.validators import validate_email
from django.db import transaction

from assessment.roles import consultants_group


class Command(BaseCommand):
    help = (
        "Create a consultant account: staff access to the admin with the Consultants "
        "group's permissions (review, notes, exports), not a superuser. Prompts for the "
        "password unless --password is given; the password must pass the validators."
    )

    def add_arguments(self, parser):
        parser.add_argument("email", help="The consultant's e-mail address; also the login.")
        parser.add_argument(
            "--password",
            help="The password (else you are asked for it; avoid this on shared machines, "
            "as it stays in the shell history).",
        )
        parser.add_argument("--first-name", default="", help="Given name.")
        parser.add_argument("--last-name", default="", help="Family name.")
        parser.add_argument(
            "--no-input",
            "--noinput",
            action="store_false",
            dest="interactive",
            help="Never prompt: fail when --password is missing.",
        )

    def handle(self, *args, email, password, first_name, last_name, interactive, **options):
        email = email.strip().lower()
        try:
            validate_email(email)
        except ValidationError:
            raise CommandError(f"“{email}” is not a valid e-mail address.") from None
        User = get_user_model()
        if User.objects.filter(username=email).exists():
            raise CommandError(f"An account for {email} already exists; nothing was changed.")
        user = User(
            username=email,
            email=email,
            first_name=first_name.strip(),
            last_name=last_name.strip(),
            is_staff=True,
            is_superuser=False,
        )
        if password is not None:
            self.check_password(password, user)
        elif interactive and sys.stdin.isatty():
            password = self.ask_password(user)
        else:
            raise CommandError("Give --password, or run the command in a terminal to be asked.")

        with transaction.atomic():
            user.set_password(password)
            user.save()
            user.groups.add(consultants_group())
        self.stdout.write(
            self.style.SUCCESS(
                f"Consultant {email} created. They sign in to the admin at /admin/ and see "
                "the assessments to review."
            )
        )

    def check_password(self, password: str, user) -> None:
        try:
            validate_password(password, user)
        except ValidationError as error:
            raise CommandError("The password was refused: " + " ".join(error.messages)) from None

    def ask_password(self, user) -> str:
        while True:
            password = getpass.getpass("Password: ")
            if password != getpass.getpass("Password (again): "):
                self.stderr.write("The two passwords differ. Try again.")
                continue
            try:
                validate_password(password, user)
            except ValidationError as error:
                self.stderr.write("The password was refused: " + " ".join(error.messages))
                continue
            return password
