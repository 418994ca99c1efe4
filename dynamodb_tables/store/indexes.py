"""Secondary indexes of a live table: list them, add a global one, remove one.

DynamoDB creates at most one global secondary index per UpdateTable, and a
new index is CREATING (backfilling) for seconds on DynamoDB Local, minutes
or hours on AWS; `add_declared_indexes` therefore adds the declared ones it
lacks one after another, waiting for each. Local secondary indexes exist
only from CreateTable on: they are listed, never added or removed here.
"""

import re
import time

from django.core.cache import cache

from .. import backend
from ..exceptions import InvalidRequest, StoreUnavailable
from .table import PROJECTIONS, Index, from_description

INDEX_NAME = re.compile(r"[A-Za-z0-9_.-]{3,255}\Z")
# DynamoDB Local builds an index in seconds; AWS can take hours for a big table.
INDEX_WAIT_SECONDS = 6 * 60 * 60
INDEX_POLL_SECONDS = 2


class InvalidIndex(InvalidRequest):
    """An index that add_index or remove_index refuses: `field` names the setting at fault
    (name, partition_key, sort_key, projection, non_key_attributes, capacity) and
    `reason` says why."""

    def __init__(self, field, reason):
        self.field = field
        self.reason = reason
        super().__init__(reason)


def summaries(description):
    """Return each index of a DescribeTable "Table" as a dict: name, kind, key, projection,
    status, item count, size and (provisioned GSIs) capacity units."""
    raw = {entry["IndexName"]: entry for kind in ("GlobalSecondaryIndexes",
           "LocalSecondaryIndexes") for entry in description.get(kind, [])}
    found = []
    for index in from_description(description).indexes:
        entry = raw[index.name]
        throughput = entry.get("ProvisionedThroughput", {})
        found.append({
            "name": index.name,
            "kind": index.kind,
            "key_schema": [(key.name, key.type) for key in index.key_attributes],
            "projection": index.projection,
            "non_key_attributes": list(index.non_key_attributes),
            "status": index.status,
            # An LSI shares the table's state: ACTIVE once the table is.
            "item_count": entry.get("ItemCount", 0),
            "size_bytes": entry.get("IndexSizeBytes", 0),
            # On-demand tables report 0 units (or none): not applicable.
            "read_capacity": throughput.get("ReadCapacityUnits") or None,
            "write_capacity": throughput.get("WriteCapacityUnits") or None,
        })
    return found


def new_index(name, partition_key, sort_key=None, projection="ALL", non_key_attributes=()):
    """Return the global Index these settings describe, or InvalidIndex naming the fault."""
    if not INDEX_NAME.match(name or ""):
        raise InvalidIndex("name", f"“{name}” is not a valid index name: 3 to 255 letters, "
                                   "digits, underscores, hyphens or dots.")
    if projection not in PROJECTIONS:
        raise InvalidIndex("projection", f"Projection must be {', '.join(PROJECTIONS)}, "
                                         f"not {projection!r}.")
    non_key_attributes = tuple(non_key_attributes)
    if projection == "INCLUDE" and not non_key_attributes:
        raise InvalidIndex("non_key_attributes",
                           "INCLUDE needs the attributes to project (one or more names).")
    if projection != "INCLUDE" and non_key_attributes:
        raise InvalidIndex("non_key_attributes",
                           f"Attributes to project apply only to INCLUDE, not {projection}.")
    if sort_key is not None and sort_key.name == partition_key.name:
        raise InvalidIndex("sort_key", "The sort key must differ from the partition key.")
    keys = {partition_key.name} | ({sort_key.name} if sort_key else set())
    projected_keys = keys.intersection(non_key_attributes)
    if projected_keys:
        raise InvalidIndex("non_key_attributes", f"“{sorted(projected_keys)[0]}” is a key "
                           "attribute of the index: it is always projected.")
    return Index(name, partition_key, sort_key, True, projection, non_key_attributes)


def add_index(table_name, index, capacity=None, wait=False):
    """Send the UpdateTable that creates this global index; `capacity` (read, write units)
    is required on a provisioned table and refused on an on-demand one.

    Raise InvalidIndex (nothing sent) when the table already has an index of that
    name, or defines a key attribute with another type.
    """
    description = _described(table_name)
    existing = {entry["IndexName"] for kind in ("GlobalSecondaryIndexes",
                "LocalSecondaryIndexes") for entry in description.get(kind, [])}
    if index.name in existing:
        raise InvalidIndex("name", f'Table "{table_name}" already has an index named '
                                   f"“{index.name}”.")
    types = {d["AttributeName"]: d["AttributeType"]
             for d in description.get("AttributeDefinitions", [])}
    for field, attribute in (("partition_key", index.partition_key),
                             ("sort_key", index.sort_key)):
        if attribute and types.get(attribute.name, attribute.type) != attribute.type:
            raise InvalidIndex(field, f"“{attribute.name}” is already a key attribute of type "
                                      f"{types[attribute.name]} in this table, not "
                                      f"{attribute.type}.")
    provisioned = (description.get("BillingModeSummary", {}).get("BillingMode", "PROVISIONED")
                   == "PROVISIONED")
    create = {
        "IndexName": index.name,
        "KeySchema": _key_schema(index),
        "Projection": _projection(index),
    }
    if provisioned:
        if capacity is None:
            raise InvalidIndex("capacity", f'Table "{table_name}" has provisioned capacity: '
                                           "the index needs read and write capacity units too.")
        create["ProvisionedThroughput"] = {"ReadCapacityUnits": capacity[0],
                                           "WriteCapacityUnits": capacity[1]}
    elif capacity is not None:
        raise InvalidIndex("capacity", f'Table "{table_name}" is on-demand: an index takes '
                                       "no capacity units.")
    backend.call(
        "update_table", TableName=table_name,
        AttributeDefinitions=[{"AttributeName": a.name, "AttributeType": a.type}
                              for a in index.key_attributes],
        GlobalSecondaryIndexUpdates=[{"Create": create}],
    )
    forget(table_name)
    if wait:
        wait_for_index(table_name, index.name)


def remove_index(table_name, index_name, wait=False):
    """Send the UpdateTable that deletes a global index; InvalidIndex if there is none."""
    description = _described(table_name)
    names = [entry["IndexName"] for entry in description.get("GlobalSecondaryIndexes", [])]
    if index_name not in names:
        local = any(entry["IndexName"] == index_name
                    for entry in description.get("LocalSecondaryIndexes", []))
        reason = (f"“{index_name}” is a local secondary index: DynamoDB removes those only "
                  "with the table." if local else
                  f'Table "{table_name}" has no global secondary index named “{index_name}” '
                  f"(it has: {', '.join(names) or 'none'}).")
        raise InvalidIndex("name", reason)
    backend.call("update_table", TableName=table_name,
                 GlobalSecondaryIndexUpdates=[{"Delete": {"IndexName": index_name}}])
    forget(table_name)
    if wait:
        wait_for_index(table_name, index_name, gone=True)


def missing_indexes(table):
    """Return the declared global indexes of `table` that the live table lacks, in order."""
    description = _described(table.name)
    live = {entry["IndexName"] for kind in ("GlobalSecondaryIndexes", "LocalSecondaryIndexes")
            for entry in description.get(kind, [])}
    return [index for index in table.indexes if index.name not in live]


def add_declared_indexes(table, capacity=None, report=lambda index: None):
    """Add, one after another, every declared index the live table lacks, each waited
    for until ACTIVE; return the indexes added.

    On a provisioned table each index gets `capacity` (read, write units), by
    default the table's own, as `create_table` gives declared indexes. Local
    secondary indexes cannot be added to a table that exists: one missing is
    an InvalidIndex, before anything is sent.
    """
    missing = missing_indexes(table)
    if capacity is None:
        throughput = _described(table.name).get("ProvisionedThroughput", {})
        if throughput.get("ReadCapacityUnits"):
            capacity = (throughput["ReadCapacityUnits"], throughput["WriteCapacityUnits"])
    local = [index.name for index in missing if not index.is_global]
    if local:
        raise InvalidIndex("name", f"Declared local secondary index “{local[0]}” is missing, "
                                   "and DynamoDB adds those only with a new table.")
    for index in missing:
        report(index)
        add_index(table.name, index, capacity, wait=True)
    return missing


def wait_for_index(table_name, index_name, gone=False):
    """Block until the index is ACTIVE (or gone); StoreUnavailable after INDEX_WAIT_SECONDS."""
    deadline = time.monotonic() + INDEX_WAIT_SECONDS
    while True:
        description = backend.call("describe_table", TableName=table_name)["Table"]
        status = next((entry.get("IndexStatus") for entry in
                       description.get("GlobalSecondaryIndexes", [])
                       if entry["IndexName"] == index_name), None)
        settled = (status is None) if gone else (status == "ACTIVE")
        if settled and description["TableStatus"] == "ACTIVE":
            forget(table_name)
            return
        if time.monotonic() > deadline:
            raise StoreUnavailable(f"Gave up waiting for index “{index_name}” of table "
                                   f'"{table_name}" (still {status}).')
        time.sleep(INDEX_POLL_SECONDS)


def forget(table_name):
    """Drop the cached description of a table whose indexes changed."""
    cache.delete(f"dynamodb_tables:description:{table_name}")


def _described(table_name):
    return backend.call("describe_table", TableName=table_name)["Table"]


def _key_schema(index):
    return [{"AttributeName": attribute.name, "KeyType": key_type}
            for attribute, key_type in zip(index.key_attributes, ("HASH", "RANGE"),
                                           strict=False)]


def _projection(index):
    projection = {"ProjectionType": index.projection}
    if index.non_key_attributes:
        projection["NonKeyAttributes"] = list(index.non_key_attributes)
    return projection
