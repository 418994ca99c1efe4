import json

from dynamodb_tables.exceptions import AccessDenied, NotSupported
from dynamodb_tables.management.base import StoreCommand
from dynamodb_tables.store import ttl
from dynamodb_tables.store.operations import describe_table


class Command(StoreCommand):
    help = (
        "Show a table (the declared one by default): status, key, billing mode, capacity, "
        "item count, size, deletion protection, time to live and indexes."
    )

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument("--json", action="store_true", help="Print JSON for scripts.")

    def handle(self, **options):
        table = describe_table(self.table_name(options))
        try:
            table["time_to_live"] = ttl.describe(table["name"])
        except (AccessDenied, NotSupported) as error:
            # The rest of the description stands; say why this part is missing.
            table["time_to_live"] = {"status": None, "attribute": None, "problem": str(error)}
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
        rows.append(("Deletion protection", "on" if table["deletion_protection"] else "off"))
        expiry = table["time_to_live"]
        rows.append(("Time to live", expiry.get("problem") or f"{expiry['status']}" + (
            f" (attribute {expiry['attribute']})" if expiry["attribute"] else "")))
        for index in table["indexes"]:
            rows.append((f"{index['kind']} {index['name']}", index_line(index)))
        width = max(len(label) for label, _ in rows)
        for label, value in rows:
            self.stdout.write(f"{label:<{width}}  {value}")


def index_line(index):
    """Return e.g. "email (S); projection INCLUDE (name); ACTIVE; 12 items, 480 bytes"."""
    keys = ", ".join(f"{name} ({kind})" for name, kind in index["key_schema"])
    projection = index["projection"]
    if index["non_key_attributes"]:
        projection += f" ({', '.join(index['non_key_attributes'])})"
    parts = [keys, f"projection {projection}", index["status"] or "ACTIVE",
             f"{index['item_count']} items, {index['size_bytes']} bytes"]
    if index["read_capacity"]:
        parts.append(f"{index['read_capacity']} RCU, {index['write_capacity']} WCU")
    return "; ".join(parts)
