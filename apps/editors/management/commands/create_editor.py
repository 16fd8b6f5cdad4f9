import getpass
import os

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

PASSWORD_VARIABLE = "DJANGO_EDITOR_PASSWORD"


class Command(BaseCommand):
    help = (
        "Create an editor: a user who can sign in to the admin and edit content (the Editors "
        "group), but cannot manage users. Asks for the password twice; with --no-input it is "
        f"read from ${PASSWORD_VARIABLE}."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--email", default="", help="The editor's email address.")
        parser.add_argument(
            "--no-input",
            "--noinput",
            action="store_false",
            dest="interactive",
            help=f"Do not prompt; take the password from ${PASSWORD_VARIABLE}.",
        )

    def handle(self, *args, username, email, interactive, **options):
        User = get_user_model()
        if User.objects.filter(username=username).exists():
            raise CommandError(
                f"A user called “{username}” already exists. To change their password, run: "
                f"manage.py changepassword {username}"
            )
        try:
            group = Group.objects.get(name="Editors")
        except Group.DoesNotExist as error:
            raise CommandError(
                "The Editors group is missing: run manage.py migrate first."
            ) from error

        user = User(username=username, email=email, is_staff=True)
        password = self.read_password(user, interactive)
        with transaction.atomic():
            user.set_password(password)
            user.save()
            user.groups.add(group)
        self.stdout.write(
            self.style.SUCCESS(f"Editor “{username}” created. They can sign in at /admin/.")
        )

    def read_password(self, user, interactive):
        if not interactive:
            password = os.environ.get(PASSWORD_VARIABLE, "")
            if not password:
                raise CommandError(f"Set ${PASSWORD_VARIABLE} to the new editor's password.")
            self.check_strength(password, user)
            return password
        while True:
            password = getpass.getpass("Password: ")
            if password != getpass.getpass("Password (again): "):
                self.stderr.write("The two passwords differ. Try again.")
                continue
            try:
                self.check_strength(password, user)
            except CommandError as error:
                self.stderr.write(str(error))
                continue
            return password

    def check_strength(self, password, user):
        try:
            validate_password(password, user)
        except ValidationError as error:
            raise CommandError("This password is too weak: " + " ".join(error.messages)) from error
