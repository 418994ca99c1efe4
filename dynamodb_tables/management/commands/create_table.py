import json

from dynamodb_tables.exceptions import TableAlreadyExists
from dynamodb_tables.management.base import (
    StoreCommand,
    add_capacity_arguments,
    capacity_from_options,
)
from dynamodb_tables.store.operations import ON_DEMAND, create_request, create_table


class Command(StoreCommand):
    changes_table = True
    help = (
        "Create a declared DynamoDB table with its key schema and indexes. Safe to run "
        "again: an existing table is left as it is."
    )

    def add_arguments(self, parser):
        super().add_arguments(parser)
        add_capacity_arguments(parser)
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Print the CreateTable request instead of sending it.",
        )

    def handle(self, **options):
        table = self.table(options, declared=True)
        capacity = capacity_from_options(options, default_billing_mode=ON_DEMAND)
        if options["dry_run"]:
            self.stdout.write(json.dumps(create_request(table, capacity), indent=2))
            return
        try:
            create_table(table, capacity, wait=options["wait"])
        except TableAlreadyExists as exists:
            self.stdout.write(str(exists))
            return
        self.stdout.write(self.style.SUCCESS(f'Table "{table.name}" created.'))
