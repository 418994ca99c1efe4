from django.core.management.base import CommandError

from dynamodb_tables.management.base import (
    StoreCommand,
    add_capacity_arguments,
    capacity_from_options,
)
from dynamodb_tables.management.safety import (
    add_autoscale_arguments,
    autoscale_requested,
    change_autoscaling,
)
from dynamodb_tables.management.table_options import (
    add_table_setting_arguments,
    change_setting,
    index_capacities,
    setting_options,
)
from dynamodb_tables.store.operations import update_table


class Command(StoreCommand):
    changes_table = True
    help = (
        "Change a table (the declared one by default): switch between on-demand and "
        "provisioned capacity or change its units; add or remove a global secondary index "
        "(--add-index, --remove-index), add the declared indexes it lacks (--add-indexes); "
        "turn time to live (--ttl ATTRIBUTE, --no-ttl) or deletion protection on or off. "
        "One kind of change per run."
    )

    def add_arguments(self, parser):
        super().add_arguments(parser)
        add_capacity_arguments(parser)
        add_table_setting_arguments(parser)
        add_autoscale_arguments(parser)

    def handle(self, **options):
        settings = setting_options(options)
        capacity_given = any(options[name] is not None for name in (
            "billing_mode", "read_capacity", "write_capacity"))
        scaling_given = autoscale_requested(options) or bool(options["autoscale_index"])
        if len(settings) + capacity_given + scaling_given > 1:
            raise CommandError("Give one kind of change per run: DynamoDB refuses a second "
                               "change while the table is UPDATING.")
        if settings:
            change_setting(self, settings[0], options)
            return
        if scaling_given:
            change_autoscaling(self, options)
            return
        if not capacity_given:
            raise CommandError(
                "Say what to change: --billing-mode PAY_PER_REQUEST, or --read-capacity N "
                "--write-capacity N; --add-index NAME, --remove-index NAME, --add-indexes; "
                "--ttl ATTRIBUTE or --no-ttl; --deletion-protection or --no-deletion-protection; "
                "--autoscale-read MIN:MAX:TARGET or off (and --autoscale-write)."
            )
        capacity = capacity_from_options(options)
        name = self.table_name(options)
        if not update_table(name, capacity, wait=options["wait"],
                            index_capacity=index_capacities(self, name, capacity, options)):
            self.stdout.write(f"Table {self.table_label(name)} already has these settings.")
            return
        self.stdout.write(
            self.style.SUCCESS(f"Table {self.table_label(name)} updated to {capacity}."))
