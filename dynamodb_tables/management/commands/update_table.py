from dynamodb_tables.management.base import (
    StoreCommand,
    add_capacity_arguments,
    capacity_from_options,
)
from dynamodb_tables.store.operations import update_table


class Command(StoreCommand):
    help = (
        "Switch a table (the declared one by default) between on-demand and provisioned "
        "capacity, or change its provisioned read/write capacity units."
    )

    def add_arguments(self, parser):
        super().add_arguments(parser)
        add_capacity_arguments(parser)

    def handle(self, **options):
        capacity = capacity_from_options(options)
        name = self.table_name(options)
        if not update_table(name, capacity, wait=options["wait"]):
            self.stdout.write(f"Table {self.table_label(name)} already has these settings.")
            return
        self.stdout.write(
            self.style.SUCCESS(f"Table {self.table_label(name)} updated to {capacity}."))
