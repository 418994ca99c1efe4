from django.core.management.commands import migrate

from contacts.management.setup_lock import setup_lock


class Command(migrate.Command):
    """Django's migrate, run by one server at a time (contacts.management.setup_lock)."""

    def handle(self, *args, **options):
        with setup_lock(options["database"]):
            return super().handle(*args, **options)
