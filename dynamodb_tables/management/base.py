"""What the table commands share: the table they act on, and store errors as CommandError."""

import sys

from django.conf import settings
from django.contrib import admin
from django.core.management.base import BaseCommand, CommandError, OutputWrapper

from .. import backend
from ..exceptions import InvalidRequest, StoreError
from ..store import ItemManager, counts, operations
from ..store.operations import BILLING_MODES, PROVISIONED, Capacity


def declared_admins():
    """Return the DynamoModelAdmins of the default admin site, in registration order."""
    from ..admin import DynamoModelAdmin

    return [model_admin for model_admin in admin.site._registry.values()
            if isinstance(model_admin, DynamoModelAdmin)]


class StoreCommand(BaseCommand):
    """A command on one table, whose store errors become a CommandError naming what to fix.

    The table is the declared one (a DynamoModelAdmin's), or the one whose
    model is `default_model`; with several declared, or for any other
    table, `--table NAME` says which.
    """

    default_model = None
    # Set by every command that writes to a table: before anything else it prints
    # which table it will change and where (an endpoint, or an AWS region), so that
    # an import meant for DynamoDB Local never lands unnoticed in a real table.
    changes_table = False
    # Set by those that add or delete items (or the whole table): afterwards the change
    # list's approximate count asks DynamoDB for its figure again (store.counts).
    changes_items = False

    def add_arguments(self, parser):
        parser.add_argument(
            "--table", metavar="NAME",
            help="The table to act on (default: the declared table, "
                 "when only one is).",
        )

    def execute(self, *args, **options):
        target = None
        try:
            if self.changes_table_with(options):
                target = self.table_name(options)
                self.announce_target(target, options)
            return super().execute(*args, **options)
        except (StoreError, InvalidRequest) as error:
            raise CommandError(str(error)) from error
        finally:
            if target is not None and self.changes_items:
                # Items changed (or may have, in part): the change list's count asks
                # DynamoDB for its figure again rather than wait minutes.
                counts.reread(target)

    def changes_table_with(self, options):
        """Return whether this run changes a table (a command whose subcommands may only
        read overrides it, e.g. to leave out `list`)."""
        return self.changes_table and not options.get("dry_run")

    def announce_target(self, table_name, options):
        """Print the table this command will change and where it is, before any request."""
        # BaseCommand.execute sets up self.stdout only later: write where it will.
        out = OutputWrapper(options.get("stdout") or sys.stdout)
        out.write(f"Target: {target_description(table_name)}")

    def declared_admin(self, options):
        """Return the DynamoModelAdmin declaring the chosen table, or None for another table."""
        admins = declared_admins()
        wanted = options.get("table")
        if wanted is None:
            chosen = [a for a in admins if a.model is self.default_model] or admins
            if len(chosen) == 1:
                return chosen[0]
            raise CommandError(
                "Say which table with --table NAME (declared: "
                f"{', '.join(a.table_name for a in admins) or 'none'})."
            )
        return next((a for a in admins if a.table_name == wanted), None)

    def table(self, options, declared=False):
        """Return the chosen Table: its declaration, or (unless `declared`) DescribeTable's."""
        model_admin = self.declared_admin(options)
        if model_admin is not None:
            return model_admin.table
        if declared:
            raise CommandError(
                f'Table "{options["table"]}" is not declared in this project (declared: '
                f'{", ".join(a.table_name for a in declared_admins()) or "none"}).'
            )
        return operations.described_table(options["table"])

    def table_name(self, options):
        """Return the chosen table's name, without asking DynamoDB."""
        model_admin = self.declared_admin(options)
        return model_admin.table_name if model_admin is not None else options["table"]

    def items(self, options):
        return ItemManager(self.table(options))

    def table_label(self, name):
        """Return e.g. `"Orders" at http://127.0.0.1:8000`, for messages."""
        return f'"{name}" at {backend.endpoint_description()}'


def target_description(table_name):
    """Return e.g. `table "Contacts" at http://127.0.0.1:8000`, or, for real AWS,
    `table "Contacts" in AWS region eu-west-1 (real AWS: AWS_ENDPOINT_URL_DYNAMODB is
    not set)`."""
    options = settings.DYNAMODB
    if options["ENDPOINT_URL"]:
        return f'table "{table_name}" at {options["ENDPOINT_URL"]}'
    region = options["REGION"] or "(from the AWS configuration)"
    return (f'table "{table_name}" in AWS region {region} '
            "(real AWS: AWS_ENDPOINT_URL_DYNAMODB is not set)")


def add_capacity_arguments(parser):
    """Add --billing-mode / --read-capacity / --write-capacity / --no-wait."""
    parser.add_argument(
        "--billing-mode",
        choices=BILLING_MODES,
        help="PAY_PER_REQUEST (on-demand) or PROVISIONED; capacity units alone imply PROVISIONED.",
    )
    parser.add_argument(
        "--read-capacity", type=int, help="Read capacity units (PROVISIONED only)."
    )
    parser.add_argument(
        "--write-capacity", type=int, help="Write capacity units (PROVISIONED only)."
    )
    parser.add_argument(
        "--no-wait",
        action="store_false",
        dest="wait",
        help="Return without waiting for the table to become ACTIVE.",
    )


def capacity_from_options(options, default_billing_mode=None):
    """Return the validated Capacity the options describe.

    Capacity units without a billing mode imply PROVISIONED, so
    `--read-capacity 5 --write-capacity 5` does what the tutorial's step 3
    does; with neither, the command's default mode applies, if it has one.
    """
    units = (options["read_capacity"], options["write_capacity"])
    billing_mode = options["billing_mode"]
    if billing_mode is None:
        if any(unit is not None for unit in units):
            billing_mode = PROVISIONED
        elif default_billing_mode:
            billing_mode = default_billing_mode
        else:
            raise CommandError(
                "Say what to change: --billing-mode PAY_PER_REQUEST, or "
                "--read-capacity N --write-capacity N."
            )
    return Capacity(billing_mode, *units)
