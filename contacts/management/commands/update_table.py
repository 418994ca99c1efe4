from contacts.management.base import (
    StoreCommand,
    add_capacity_arguments,
    capacity_from_options,
)
from contacts.tables import update_table


class Command(StoreCommand):
    help = (
        "Switch the contacts table between on-demand and provisioned capacity, "
        "or change its provisioned read/write capacity units."
    )

    def add_arguments(self, parser):
        add_capacity_arguments(parser)

    def handle(self, **options):
        capacity = capacity_from_options(options)
        if not update_table(capacity, wait=options["wait"]):
            self.stdout.write(f"Table {self.table_label()} already has these settings.")
            return
        self.stdout.write(self.style.SUCCESS(f"Table {self.table_label()} updated to {capacity}."))
