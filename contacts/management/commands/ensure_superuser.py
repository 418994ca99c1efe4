import secrets

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from contacts.management.setup_lock import setup_lock

GENERATED_USERNAME = "admin"


class Command(BaseCommand):
    help = (
        "Make sure an admin user exists: the one named by DJANGO_SUPERUSER_USERNAME "
        "(created with DJANGO_SUPERUSER_PASSWORD), or else, if there is no superuser "
        "at all, a user 'admin' whose generated password is printed once."
    )

    def handle(self, **options):
        # Servers starting together would each find no admin and create it twice.
        with setup_lock():
            self._ensure(settings.SUPERUSER)

    def _ensure(self, wanted):
        users = get_user_model()._default_manager
        if wanted["USERNAME"]:
            self._ensure_named(users, wanted)
        elif users.filter(is_superuser=True).exists():
            self.stdout.write("An admin user already exists.")
        else:
            self._create_generated(users)

    def _ensure_named(self, users, wanted):
        if users.filter(username=wanted["USERNAME"]).exists():
            # An existing user's password is never reset from the environment.
            self.stdout.write(f"Admin user “{wanted['USERNAME']}” already exists.")
            return
        if not wanted["PASSWORD"]:
            raise CommandError(
                "DJANGO_SUPERUSER_USERNAME is set but DJANGO_SUPERUSER_PASSWORD is "
                "not: set both, or neither to get a generated password."
            )
        users.create_superuser(wanted["USERNAME"], wanted["EMAIL"], wanted["PASSWORD"])
        self.stdout.write(f"Created admin user “{wanted['USERNAME']}”.")

    def _create_generated(self, users):
        if users.filter(username=GENERATED_USERNAME).exists():
            raise CommandError(
                f"User “{GENERATED_USERNAME}” exists but is not a superuser: set "
                "DJANGO_SUPERUSER_USERNAME and DJANGO_SUPERUSER_PASSWORD to create one."
            )
        password = secrets.token_urlsafe(12)
        users.create_superuser(GENERATED_USERNAME, "", password)
        self.stdout.write(
            f"Created admin user “{GENERATED_USERNAME}” with password: {password}\n"
            "This password is shown only once; change it after logging in."
        )
