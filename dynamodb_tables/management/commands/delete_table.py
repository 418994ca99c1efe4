from django.core.management.base import CommandError

from dynamodb_tables.exceptions import TableMissing
from dynamodb_tables.management.base import StoreCommand
from dynamodb_tables.management.safety import add_backup_first_argument, backup_first
from dynamodb_tables.store.operations import check_deletable, delete_table


class Command(StoreCommand):
    changes_table = True
    changes_items = True
    help = (
        "Delete a table (the declared one by default) and every item in it. A table with "
        "deletion protection on is refused (update_table --no-deletion-protection)."
    )

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
        add_backup_first_argument(parser, "deleting it")

    def handle(self, **options):
        name = self.table_name(options)
        label = self.table_label(name)
        try:
            # Before asking: a protected table is refused whatever the answer.
            check_deletable(name)
        except TableMissing:
            self.stdout.write(f"Table {label} does not exist; nothing to delete.")
            return
        if options["interactive"]:
            if not options["backup_first"]:
                self.stdout.write("(Run with --backup-first to make an on-demand backup first.)")
            answer = input(
                f"This permanently deletes table {label} and every item in it.\n"
                "Type 'yes' to continue, or 'no' to cancel: "
            )
            if answer != "yes":
                raise CommandError("Deletion cancelled; the table is unchanged.")
        if options["backup_first"]:
            backup_first(self, name, "the table was not deleted")
        try:
            delete_table(name, wait=options["wait"])
        except TableMissing:
            self.stdout.write(f"Table {label} does not exist; nothing to delete.")
            return
        self.stdout.write(self.style.SUCCESS(f"Table {label} deleted."))
