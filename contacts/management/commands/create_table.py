import json

from contacts.exceptions import TableAlreadyExists
from contacts.management.base import (
    StoreCommand,
    add_capacity_arguments,
    capacity_from_options,
)
from contacts.tables import ON_DEMAND, create_request, create_table, table_name


class Command(StoreCommand):
    help = (
        "Create the DynamoDB contacts table (partition key `id`, String). "
        "Safe to run again: an existing table is left as it is."
    )

    def add_arguments(self, parser):
        add_capacity_arguments(parser)
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Print the CreateTable request instead of sending it.",
        )

    def handle(self, **options):
        capacity = capacity_from_options(options, default_billing_mode=ON_DEMAND)
        if options["dry_run"]:
            self.stdout.write(json.dumps(create_request(capacity), indent=2))
            return
        try:
            create_table(capacity, wait=options["wait"])
        except TableAlreadyExists as exists:
            self.stdout.write(str(exists))
            return
        self.stdout.write(self.style.SUCCESS(f'Table "{table_name()}" created.'))
