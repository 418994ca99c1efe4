"""What the contacts management commands share."""

from django.core.management.base import BaseCommand, CommandError

from contacts import dynamo
from contacts.exceptions import InvalidRequest, StoreError
from contacts.tables import BILLING_MODES, PROVISIONED, Capacity, table_name


class StoreCommand(BaseCommand):
    """A command whose store errors become a CommandError naming what to fix."""

    def execute(self, *args, **options):
        try:
            return super().execute(*args, **options)
        except (StoreError, InvalidRequest) as error:
            raise CommandError(str(error)) from error

    def table_label(self):
        """Return e.g. `"Contacts" at http://127.0.0.1:8000`, for messages."""
        return f'"{table_name()}" at {dynamo.endpoint_description()}'


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
