import json

from dynamodb_tables.management.base import StoreCommand
from dynamodb_tables.store import scaling


class Command(StoreCommand):
    help = (
        "Show the capacity of a table (the declared one by default) and of each global "
        "secondary index, beside its auto scaling (minimum, maximum, target utilisation) for "
        "reads and writes. Change it with update_table --autoscale-read / --autoscale-write. "
        "DynamoDB Local has no auto scaling: it says so."
    )

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument("--json", action="store_true", help="Print JSON for scripts.")

    def handle(self, **options):
        name = self.table_name(options)
        rows = scaling.with_scaling(name, scaling.capacities(name))
        if options["json"]:
            self.stdout.write(json.dumps([_as_json(row) for row in rows], indent=2))
            return
        for row in rows:
            of = f"index {row['index']}" if row["index"] else f"table {name}"
            for kind in scaling.KINDS:
                units = row[kind]["units"]
                setting = row[kind]["scaling"]
                self.stdout.write(
                    f"{of}, {kind}s: {'on-demand' if units is None else f'{units} units'}; "
                    f"auto scaling {setting or 'off'}")


def _as_json(row):
    return {
        "index": row["index"],
        **{kind: {"units": row[kind]["units"],
                  "auto_scaling": row[kind]["scaling"].as_json() if row[kind]["scaling"]
                  else None}
           for kind in scaling.KINDS},
    }
