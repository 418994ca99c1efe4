"""Table operations: create, describe, update, delete, list (what the table commands and
the table page call)."""

from dataclasses import dataclass

from django.core.cache import cache

from .. import backend
from ..exceptions import InvalidRequest, TableAlreadyExists, TableInUse, TableMissing
from . import indexes
from .table import from_description

ON_DEMAND = "PAY_PER_REQUEST"
PROVISIONED = "PROVISIONED"
BILLING_MODES = (ON_DEMAND, PROVISIONED)
# Table statuses in which the table still serves reads and writes.
SERVING = ("ACTIVE", "UPDATING")
# DynamoDB refreshes a table's ItemCount about every six hours, so asking
# more than every few minutes buys nothing but a request per page view.
ITEM_COUNT_CACHE_SECONDS = 300
DESCRIPTION_CACHE_SECONDS = 300


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


def create_request(table, capacity):
    """Return the CreateTable request for a declared table: its keys, indexes and capacity."""
    definitions = {}
    for attribute in table.key_attributes + tuple(
        attribute for index in table.indexes for attribute in index.key_attributes
    ):
        definitions.setdefault(attribute.name, attribute.type)
    request = {
        "TableName": table.name,
        "AttributeDefinitions": [
            {"AttributeName": name, "AttributeType": kind} for name, kind in definitions.items()
        ],
        "KeySchema": _key_schema(table.key_attributes),
        **capacity.request_params(),
    }
    for is_global, entries in ((True, "GlobalSecondaryIndexes"), (False, "LocalSecondaryIndexes")):
        indexes = [index for index in table.indexes if index.is_global == is_global]
        if indexes:
            request[entries] = [_index_request(index, capacity) for index in indexes]
    return request


def _key_schema(attributes):
    return [
        {"AttributeName": attribute.name, "KeyType": key_type}
        for attribute, key_type in zip(attributes, ("HASH", "RANGE"), strict=False)
    ]


def _index_request(index, capacity):
    projection = {"ProjectionType": index.projection}
    if index.non_key_attributes:
        projection["NonKeyAttributes"] = list(index.non_key_attributes)
    request = {
        "IndexName": index.name,
        "KeySchema": _key_schema(index.key_attributes),
        "Projection": projection,
    }
    # A global index has capacity of its own; on-demand tables give it none.
    if index.is_global and "ProvisionedThroughput" in capacity.request_params():
        request["ProvisionedThroughput"] = capacity.request_params()["ProvisionedThroughput"]
    return request


def create_table(table, capacity, wait=True):
    """Create a declared table; raise TableAlreadyExists if it is there already."""
    try:
        backend.call("create_table", **create_request(table, capacity))
    except TableInUse:
        raise TableAlreadyExists(table.name) from None
    if wait:
        backend.wait_for_table(table.name)


def describe_table(name):
    """Return a summary of a table: status, key, billing, capacity, count, size and indexes."""
    table = backend.call("describe_table", TableName=name)["Table"]
    # What described_table reads: one DescribeTable serves both (a list page
    # wants the count and the indexes).
    cache.set(_description_key(name), table, DESCRIPTION_CACHE_SECONDS)
    # Tables created as PROVISIONED may carry no BillingModeSummary at all.
    billing_mode = table.get("BillingModeSummary", {}).get("BillingMode", PROVISIONED)
    # On-demand tables report zero units; show them as not applicable.
    throughput = table.get("ProvisionedThroughput", {}) if billing_mode == PROVISIONED else {}
    schema = from_description(table)
    return {
        "name": table["TableName"],
        "status": table["TableStatus"],
        "key_schema": [
            (key["AttributeName"], key["KeyType"]) for key in table["KeySchema"]
        ],
        "key_types": {attribute.name: attribute.type for attribute in schema.key_attributes},
        "billing_mode": billing_mode,
        "read_capacity": throughput.get("ReadCapacityUnits"),
        "write_capacity": throughput.get("WriteCapacityUnits"),
        # DynamoDB refreshes these about every six hours: approximate by design.
        "item_count": table.get("ItemCount", 0),
        "size_bytes": table.get("TableSizeBytes", 0),
        "deletion_protection": table.get("DeletionProtectionEnabled", False),
        "indexes": indexes.summaries(table),
    }


def described_table(name, **options):
    """Return the Table DescribeTable reports for `name` (key schema and indexes), cached
    for a few minutes: a table's key schema never changes."""
    key = _description_key(name)
    description = cache.get(key)
    if description is None:
        description = backend.call("describe_table", TableName=name)["Table"]
        cache.set(key, description, DESCRIPTION_CACHE_SECONDS)
    return from_description(description, **options)


def _description_key(name):
    return f"dynamodb_tables:description:{name}"


def approximate_item_count(name):
    """Return DescribeTable's ItemCount (approximate by design), cached for a few minutes."""
    key = f"dynamodb_tables:item_count:{name}"
    count = cache.get(key)
    if count is None:
        count = describe_table(name)["item_count"]
        cache.set(key, count, ITEM_COUNT_CACHE_SECONDS)
    return count


def update_table(name, capacity, wait=True, index_capacity=None):
    """Switch billing mode or capacity; return False when nothing would change.

    A switch to provisioned capacity needs units for each global secondary
    index too (DynamoDB refuses it otherwise): `index_capacity` maps index
    names to their Capacity, and an index it leaves out gets the table's.
    """
    current = describe_table(name)
    index_updates = _index_capacity_updates(current, capacity, index_capacity or {})
    if not index_updates and (
        current["billing_mode"], current["read_capacity"], current["write_capacity"]
    ) == (capacity.billing_mode, capacity.read_capacity, capacity.write_capacity):
        return False
    params = capacity.request_params()
    if current["billing_mode"] == capacity.billing_mode:
        # Send only what changes: a capacity change keeps the billing mode.
        params.pop("BillingMode")
        if (current["read_capacity"], current["write_capacity"]) == (
                capacity.read_capacity, capacity.write_capacity):
            params.pop("ProvisionedThroughput", None)
    if index_updates:
        params["GlobalSecondaryIndexUpdates"] = index_updates
    backend.call("update_table", TableName=name, **params)
    if wait:
        backend.wait_for_table(name)
    return True


def _index_capacity_updates(current, capacity, index_capacity):
    """Return the GlobalSecondaryIndexUpdates giving each GSI its units, for a provisioned
    `capacity`; on a switch to it, a GSI given none gets the table's."""
    if capacity.billing_mode != PROVISIONED:
        return []
    switching = current["billing_mode"] != PROVISIONED
    updates = []
    for index in current["indexes"]:
        if index["kind"] != "GSI":
            continue
        units = index_capacity.get(index["name"])
        if units is None:
            if not switching:
                continue
            # As create_table gives declared indexes: the table's own units.
            units = capacity
        if (units.read_capacity, units.write_capacity) == (
                index["read_capacity"], index["write_capacity"]):
            continue
        updates.append({"Update": {
            "IndexName": index["name"],
            "ProvisionedThroughput": units.request_params()["ProvisionedThroughput"],
        }})
    return updates


class TableProtected(InvalidRequest):
    """delete_table refused: the table has deletion protection on."""

    def __init__(self, name):
        self.table = name
        super().__init__(
            f'Table "{name}" has deletion protection on, so it was not deleted. Turn it off '
            f"first: `python manage.py update_table --table {name} --no-deletion-protection`."
        )


def check_deletable(name):
    """Raise TableProtected if the table has deletion protection on (TableMissing if none)."""
    table = backend.call("describe_table", TableName=name)["Table"]
    if table.get("DeletionProtectionEnabled"):
        raise TableProtected(name)


def set_deletion_protection(name, enabled):
    """Turn deletion protection on or off; return False when it already is."""
    current = backend.call("describe_table", TableName=name)["Table"]
    if bool(current.get("DeletionProtectionEnabled")) == enabled:
        return False
    backend.call("update_table", TableName=name, DeletionProtectionEnabled=enabled)
    return True


def delete_table(name, wait=True):
    """Delete the table and every item in it; TableProtected if it has deletion protection."""
    check_deletable(name)
    backend.call("delete_table", TableName=name)
    cache.delete(f"dynamodb_tables:description:{name}")
    if wait:
        backend.wait_for_table(name, exists=False)


def check_table(name):
    """Return the table's status if it serves requests; raise a StoreError otherwise."""
    status = table_status(name)
    if status is None:
        raise TableMissing(name)
    if status not in SERVING:
        raise TableInUse(f'Table "{name}" is {status}, not serving requests.')
    return status


def table_status(name):
    """Return the table's status, or None when DynamoDB answers that it does not exist."""
    try:
        return backend.call("describe_table", TableName=name)["Table"]["TableStatus"]
    except TableMissing:
        return None


def list_tables():
    """Return the names of every table these credentials can see, in DynamoDB's order."""
    names, params = [], {}
    while True:
        response = backend.call("list_tables", **params)
        names.extend(response.get("TableNames", []))
        if not response.get("LastEvaluatedTableName"):
            return names
        params["ExclusiveStartTableName"] = response["LastEvaluatedTableName"]
