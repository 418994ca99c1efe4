from django.core.management.base import CommandError

from contacts.exceptions import TableMissing
from contacts.management.base import StoreCommand
from contacts.tables import delete_table


class Command(StoreCommand):
    help = "Delete the contacts table and every contact in it."

    def add_arguments(self, parser):
        parser.add_argument(
            "--noinput",
            "--no-input",
            action="store_false",
            dest="interactive",
            help="Do not ask for confirmation (for scripts).",
        )
        parser.add_argument(
            "--no-wait",
            action="store_false",
            dest="wait",
            help="Return without waiting for the deletion to finish.",
        )

    def handle(self, **options):
        label = self.table_label()
        if options["interactive"]:
            answer = input(
                f"This permanently deletes table {label} and every contact in it.\n"
                "Type 'yes' to continue, or 'no' to cancel: "
            )
            if answer != "yes":
                raise CommandError("Deletion cancelled; the table is unchanged.")
        try:
            delete_table(wait=options["wait"])
        except TableMissing:
            self.stdout.write(f"Table {label} does not exist; nothing to delete.")
            return
        self.stdout.write(self.style.SUCCESS(f"Table {label} deleted."))
