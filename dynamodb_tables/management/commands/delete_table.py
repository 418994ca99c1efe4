from django.core.management.base import CommandError

from dynamodb_tables.exceptions import TableMissing
from dynamodb_tables.management.base import StoreCommand
from dynamodb_tables.store.operations import delete_table


class Command(StoreCommand):
    help = "Delete a table (the declared one by default) and every item in it."

    def add_arguments(self, parser):
        super().add_arguments(parser)
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
        name = self.table_name(options)
        label = self.table_label(name)
        if options["interactive"]:
            answer = input(
                f"This permanently deletes table {label} and every item in it.\n"
                "Type 'yes' to continue, or 'no' to cancel: "
            )
            if answer != "yes":
                raise CommandError("Deletion cancelled; the table is unchanged.")
        try:
            delete_table(name, wait=options["wait"])
        except TableMissing:
            self.stdout.write(f"Table {label} does not exist; nothing to delete.")
            return
        self.stdout.write(self.style.SUCCESS(f"Table {label} deleted."))
