"""Create, describe, update and delete the contacts table (what the commands call)."""

from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache

from . import dynamo
from .documents import KEY
from .exceptions import InvalidRequest, TableAlreadyExists, TableInUse, TableMissing

ON_DEMAND = "PAY_PER_REQUEST"
PROVISIONED = "PROVISIONED"
BILLING_MODES = (ON_DEMAND, PROVISIONED)
# Table statuses in which the table still serves reads and writes.
SERVING = ("ACTIVE", "UPDATING")
# DynamoDB refreshes a table's ItemCount about every six hours, so asking
# more than every few minutes buys nothing but a request per page view.
ITEM_COUNT_CACHE_SECONDS = 300


def table_name():
    return settings.DYNAMODB["TABLE"]


class InvalidCapacity(InvalidRequest):
    """Capacity settings that create_table and update_table refuse.

    `field` names the setting at fault (billing_mode, read_capacity or
    write_capacity) and `reason` says why in words any interface can show;
    the message adds the command-line option that sets it.
    """

    def __init__(self, field, reason, option):
        self.field = field
        self.reason = f"{reason}."
        super().__init__(f"{reason} ({option}).")


@dataclass(frozen=True)
class Capacity:
    """A billing mode and, for PROVISIONED, its read and write capacity units.

    The one place capacity settings are checked: the commands and the admin's
    table page both build one, and both show its InvalidCapacity.
    """

    billing_mode: str = ON_DEMAND
    read_capacity: int | None = None
    write_capacity: int | None = None

    def __post_init__(self):
        if self.billing_mode not in BILLING_MODES:
            raise InvalidCapacity(
                "billing_mode",
                f"Billing mode must be {' or '.join(BILLING_MODES)}, not {self.billing_mode!r}",
                "--billing-mode",
            )
        units = {"read": self.read_capacity, "write": self.write_capacity}
        if self.billing_mode == ON_DEMAND:
            for label, unit in units.items():
                if unit is not None:
                    raise InvalidCapacity(
                        f"{label}_capacity",
                        "Read and write capacity units apply only to provisioned capacity",
                        "--billing-mode PROVISIONED",
                    )
            return
        for label, unit in units.items():
            if unit is None:
                reason = f"PROVISIONED needs {label} capacity units: a whole number of at least 1"
            elif not isinstance(unit, int) or isinstance(unit, bool) or unit < 1:
                reason = (
                    f"PROVISIONED needs a whole number of at least 1 for the {label} "
                    f"capacity units, not {unit!r}"
                )
            else:
                continue
            raise InvalidCapacity(f"{label}_capacity", reason, f"--{label}-capacity")

    def __str__(self):
        """Return e.g. "PAY_PER_REQUEST" or "PROVISIONED (5 RCU, 5 WCU)", for messages."""
        if self.billing_mode == PROVISIONED:
            return f"{PROVISIONED} ({self.read_capacity} RCU, {self.write_capacity} WCU)"
        return self.billing_mode

    def request_params(self):
        """Return the BillingMode / ProvisionedThroughput parameters of a request."""
        params = {"BillingMode": self.billing_mode}
        if self.billing_mode == PROVISIONED:
            params["ProvisionedThroughput"] = {
                "ReadCapacityUnits": self.read_capacity,
                "WriteCapacityUnits": self.write_capacity,
            }
        return params


def create_request(capacity):
    """Return the CreateTable request for the contacts table: key `id` (String), no sort key."""
    return {
        "TableName": table_name(),
        "AttributeDefinitions": [{"AttributeName": KEY, "AttributeType": "S"}],
        "KeySchema": [{"AttributeName": KEY, "KeyType": "HASH"}],
        **capacity.request_params(),
    }


def create_table(capacity, wait=True):
    """Create the table; raise TableAlreadyExists if it is there already."""
    try:
        dynamo.call("create_table", **create_request(capacity))
    except TableInUse:
        raise TableAlreadyExists(table_name()) from None
    if wait:
        dynamo.wait_for_table(table_name())


def describe_table():
    """Return a summary of the table: status, key, billing, capacity, count and size."""
    table = dynamo.call("describe_table", TableName=table_name())["Table"]
    # Tables created as PROVISIONED may carry no BillingModeSummary at all.
    billing_mode = table.get("BillingModeSummary", {}).get("BillingMode", PROVISIONED)
    # On-demand tables report zero units; show them as not applicable.
    throughput = table.get("ProvisionedThroughput", {}) if billing_mode == PROVISIONED else {}
    return {
        "name": table["TableName"],
        "status": table["TableStatus"],
        "key_schema": [
            (key["AttributeName"], key["KeyType"]) for key in table["KeySchema"]
        ],
        "billing_mode": billing_mode,
        "read_capacity": throughput.get("ReadCapacityUnits"),
        "write_capacity": throughput.get("WriteCapacityUnits"),
        # DynamoDB refreshes these about every six hours: approximate by design.
        "item_count": table.get("ItemCount", 0),
        "size_bytes": table.get("TableSizeBytes", 0),
    }


def approximate_item_count():
    """Return DescribeTable's ItemCount (approximate by design), cached for a few minutes."""
    key = f"contacts:item_count:{table_name()}"
    count = cache.get(key)
    if count is None:
        count = describe_table()["item_count"]
        cache.set(key, count, ITEM_COUNT_CACHE_SECONDS)
    return count


def update_table(capacity, wait=True):
    """Switch billing mode or capacity; return False when nothing would change."""
    current = describe_table()
    if (current["billing_mode"], current["read_capacity"], current["write_capacity"]) == (
        capacity.billing_mode,
        capacity.read_capacity,
        capacity.write_capacity,
    ):
        return False
    params = capacity.request_params()
    if current["billing_mode"] == capacity.billing_mode:
        # Send only what changes: a capacity change keeps the billing mode.
        params.pop("BillingMode")
    dynamo.call("update_table", TableName=table_name(), **params)
    if wait:
        dynamo.wait_for_table(table_name())
    return True


def delete_table(wait=True):
    """Delete the table and every contact in it."""
    dynamo.call("delete_table", TableName=table_name())
    if wait:
        dynamo.wait_for_table(table_name(), exists=False)


def check_table():
    """Return the table's status if it serves requests; raise a StoreError otherwise."""
    status = table_status()
    if status is None:
        raise TableMissing(table_name())
    if status not in SERVING:
        raise TableInUse(f'Table "{table_name()}" is {status}, not serving requests.')
    return status


def table_status():
    """Return the table's status, or None when DynamoDB answers that it does not exist."""
    try:
        return dynamo.call("describe_table", TableName=table_name())["Table"]["TableStatus"]
    except TableMissing:
        return None
