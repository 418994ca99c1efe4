import json

from dynamodb_tables.management.base import StoreCommand
from dynamodb_tables.store.operations import describe_table


class Command(StoreCommand):
    help = (
        "Show a table (the declared one by default): status, key, billing mode, capacity, "
        "item count, size and indexes."
    )

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument("--json", action="store_true", help="Print JSON for scripts.")

    def handle(self, **options):
        table = describe_table(self.table_name(options))
        if options["json"]:
            self.stdout.write(json.dumps(table, indent=2))
            return
        key = ", ".join(f"{name} ({kind})" for name, kind in table["key_schema"])
        rows = [
            ("Table", table["name"]),
            ("Status", table["status"]),
            ("Key", key),
            ("Billing mode", table["billing_mode"]),
        ]
        if table["read_capacity"] is not None:
            rows.append(("Read capacity units", table["read_capacity"]))
            rows.append(("Write capacity units", table["write_capacity"]))
        rows.append(("Items (approximate)", table["item_count"]))
        rows.append(("Size (approximate)", f"{table['size_bytes']} bytes"))
        for index in table["indexes"]:
            keys = ", ".join(f"{name} ({kind})" for name, kind in index["key_schema"])
            rows.append((f"{index['kind']} {index['name']}",
                         f"{keys}; projection {index['projection']}"))
        width = max(len(label) for label, _ in rows)
        for label, value in rows:
            self.stdout.write(f"{label:<{width}}  {value}")
