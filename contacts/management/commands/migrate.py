from django.core.management import call_command
from django.core.management.commands import migrate

from contacts.management.setup_lock import setup_lock


class Command(migrate.Command):
    """Django's migrate, run by one server at a time (contacts.management.setup_lock),
    which also creates the cache tables settings.CACHES names (createcachetable: the
    item counts' tally lives in one), so that every start-up that migrates has them."""

    def handle(self, *args, **options):
        with setup_lock(options["database"]):
            result = super().handle(*args, **options)
            # Safe to run again: existing tables are left as they are.
            call_command("createcachetable", database=options["database"],
                         verbosity=options["verbosity"])
            return result
