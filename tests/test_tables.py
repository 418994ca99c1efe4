"""The table model and the item manager over any key schema, on moto and on DynamoDB Local.

Each test runs over Contacts (a String partition key) and over Orders (a
String partition key and a Number sort key, with a GSI and an LSI), both
declared and created by the app's own code, then on both stores.
"""

import base64
import io
import json
from decimal import Decimal

import pytest
from django.core.management import call_command

from contacts.models import CONTACTS
from dynamodb_tables.exceptions import (
    InvalidItem,
    InvalidRequest,
    ItemAlreadyExists,
    ItemChanged,
    ItemNotFound,
)
from dynamodb_tables.store import ItemManager, KeyAttribute, Table, operations
from dynamodb_tables.store.table import from_description

from .orders import ORDERS, order_key


def contact_key(number):
    return {"id": f"c{number:04d}"}


@pytest.fixture(params=["contacts", "orders"])
def declared(request, store):
    """(ItemManager, key of item n) for a fresh table created by create_table's code."""
    table, key = (CONTACTS, contact_key) if request.param == "contacts" else (ORDERS, order_key)
    operations.create_table(table, operations.Capacity())
    yield ItemManager(table), key
    if store == "dynamodb_local":
        operations.delete_table(table.name, wait=False)


EVERY_TYPE = {
    "text": "Raju",
    "empty": "",
    "number": Decimal("12345678901234567890123456789012345678"),
    "tiny": Decimal("-1E-130"),
    "blob": b"\x00\xff",
    "yes": True,
    "nothing": None,
    "tags": {"a", "b"},
    "scores": {Decimal(1), Decimal("2.5")},
    "blobs": {b"\x01", b"\x02"},
    "nested": {"list": ["x", Decimal(1), None, [], {}], "map": {"deep": {"z"}}},
    "status": "reserved word",
}


def test_an_item_round_trips_type_for_type(declared):
    items, key = declared
    item = {**key(1), **EVERY_TYPE}
    items.create(item)
    assert items.get(key(1)) == item


def test_create_never_overwrites_and_names_the_whole_key(declared):
    items, key = declared
    items.create({**key(1), "text": "first"})
    with pytest.raises(ItemAlreadyExists) as raised:
        items.create({**key(1), "text": "second"})
    assert items.table.key_label(key(1)) in str(raised.value)
    assert items.get(key(1))["text"] == "first"


def test_update_changes_only_what_it_is_given_and_refuses_stale_values(declared):
    items, key = declared
    shown = items.create({**key(1), "text": "a", "other": Decimal(1)})
    items.update(key(1), {"other": Decimal(2)})  # someone else's save

    with pytest.raises(ItemChanged) as raised:
        items.update(key(1), {"text": "b"}, expected=shown)

    assert raised.value.current["other"] == Decimal(2)
    assert items.get(key(1)) == {**key(1), "text": "a", "other": Decimal(2)}
    assert items.update(key(1), {"text": "b"})["text"] == "b"


def test_the_key_cannot_change_and_a_partial_key_is_refused(declared):
    items, key = declared
    items.create({**key(1), "text": "a"})
    name = items.table.key_names[-1]
    with pytest.raises(InvalidItem, match="cannot be changed"):
        items.update(key(1), {name: key(2)[name]})
    if items.table.sort_key is not None:
        with pytest.raises(InvalidItem, match="needs “order”"):
            items.create({"customer": "x", "text": "no order"})
        with pytest.raises(InvalidItem, match="“order” must be a number"):
            items.create({"customer": "x", "order": "1"})


def test_deletes_need_the_whole_key_and_the_values_shown(declared):
    items, key = declared
    shown = items.create({**key(1), "text": "a"})
    items.update(key(1), {"text": "b"})
    with pytest.raises(ItemChanged):
        items.delete(key(1), expected=shown)
    assert items.delete(key(1))["text"] == "b"
    with pytest.raises(ItemNotFound):
        items.get(key(1))


def test_batches_read_and_delete_by_whole_keys(declared):
    items, key = declared
    for number in range(30):
        items.create({**key(number), "n": Decimal(number)})
    wanted = [key(5), key(29), key(99), key(0)]

    assert [item["n"] for item in items.get_many(wanted)] == [5, 29, 0]
    assert len(items.delete_many([key(n) for n in range(10, 40)])) == 20
    assert len(items.get_many([key(n) for n in range(30)])) == 10


def test_pages_cover_every_item_once_with_cursors_of_whole_keys(declared):
    """60 items, several per partition for Orders: pages of 25, 25 and 10, each item once,
    and "Previous" leads back; a start key without the sort key would repeat or skip."""
    items, key = declared
    for number in range(60):
        items.create({**key(number), "n": Decimal(number)})
    pages = [items.page(limit=25)]
    while pages[-1].has_next():
        pages.append(items.page(cursor=pages[-1].next_cursor, limit=25))

    assert [len(page) for page in pages] == [25, 25, 10]
    assert sorted(item["n"] for page in pages for item in page) == list(range(60))
    back = items.page(cursor=pages[2].previous_cursor, limit=25)
    assert list(back) == list(pages[1])


def test_object_ids_round_trip_through_urls(declared):
    """The object id (what URLs and the log call an item) gives back the whole key."""
    items, key = declared
    for odd in ("a,b", "x_2C1", "é/?#%", "."):
        whole = {**key(7), items.table.partition_key.name: odd}
        object_id = items.table.object_id(whole)
        assert items.table.key_from_object_id(object_id) == whole


def test_create_table_makes_the_declared_keys_and_indexes(store):
    """Orders comes out of CreateTable with its composite key, its GSI and its LSI, and
    DescribeTable reads back the same declaration."""
    operations.create_table(ORDERS, operations.Capacity())

    described = operations.describe_table(ORDERS.name)
    table = operations.described_table(ORDERS.name)

    assert described["key_schema"] == [("customer", "HASH"), ("order", "RANGE")]
    assert {(i["name"], i["kind"]) for i in described["indexes"]} == {
        ("by-status", "GSI"), ("by-total", "LSI")}
    assert table.key_attributes == ORDERS.key_attributes

    def shape(indexes):
        return sorted((i.name, i.kind, i.key_attributes, i.projection) for i in indexes)

    assert shape(table.indexes) == shape(ORDERS.indexes)
    if store == "dynamodb_local":
        operations.delete_table(ORDERS.name, wait=False)


def test_a_provisioned_table_gives_its_global_indexes_capacity_too():
    request = operations.create_request(ORDERS, operations.Capacity(operations.PROVISIONED, 3, 4))
    by_name = {index["IndexName"]: index for index in
               request["GlobalSecondaryIndexes"] + request["LocalSecondaryIndexes"]}
    assert by_name["by-status"]["ProvisionedThroughput"] == {
        "ReadCapacityUnits": 3, "WriteCapacityUnits": 4}
    assert "ProvisionedThroughput" not in by_name["by-total"]


def test_binary_keys_work_in_items_urls_and_cursors(store, raw_client):
    """A table keyed by Binary (created by another tool): items, object ids and paging."""
    name = f"{CONTACTS.name}-blobs"
    raw_client.create_table(
        TableName=name, BillingMode="PAY_PER_REQUEST",
        AttributeDefinitions=[{"AttributeName": "hash", "AttributeType": "B"}],
        KeySchema=[{"AttributeName": "hash", "KeyType": "HASH"}],
    )
    items = ItemManager(operations.described_table(name))
    for number in range(5):
        items.create({"hash": bytes([number, 255]), "n": Decimal(number)})

    first = items.page(limit=2)
    rest = items.page(cursor=first.next_cursor, limit=10)
    assert sorted(item["n"] for item in [*first, *rest]) == list(range(5))
    object_id = items.table.object_id({"hash": b"\x00\xff"})
    assert object_id == base64.b64encode(b"\x00\xff").decode()
    assert items.get(items.table.key_from_object_id(object_id))["n"] == 0
    with pytest.raises(InvalidRequest, match="not base64"):
        items.table.key_from_object_id("***")
    if store == "dynamodb_local":
        operations.delete_table(name, wait=False)


def test_from_description_reads_any_key_schema():
    table = from_description({
        "TableName": "T",
        "AttributeDefinitions": [{"AttributeName": "k", "AttributeType": "N"}],
        "KeySchema": [{"AttributeName": "k", "KeyType": "HASH"}],
    })
    assert table.key_attributes == (KeyAttribute("k", "N"),) and table.indexes == ()
    assert table.key_from_object_id("1.50") == {"k": Decimal("1.5")}
    with pytest.raises(InvalidRequest, match="is not a number"):
        table.key_from_object_id("one")
    assert Table("T", KeyAttribute("a"), KeyAttribute("b")).key_from_object_id("x_2Cy,z") == {
        "a": "x,y", "b": "z"}


def test_export_and_import_take_the_key_schema_from_the_table(store, tmp_path):
    """export_items / import_items on a table that is not declared: its key is read from
    DescribeTable; the import refuses a line without the sort key, naming it."""
    operations.create_table(ORDERS, operations.Capacity())
    items = ItemManager(ORDERS)
    for number in range(7):
        items.create({**order_key(number), "n": Decimal(number)})
    exported = tmp_path / "orders.jsonl"
    call_command("export_items", "--table", ORDERS.name, "-o", str(exported), stdout=io.StringIO())
    lines = exported.read_text().splitlines()
    assert len(lines) == 7 and all(set(json.loads(line)) >= {"customer", "order"} for line in lines)

    items.delete_many([order_key(number) for number in range(7)])
    out = io.StringIO()
    call_command("import_items", "--table", ORDERS.name, str(exported), stdout=out)
    assert "created 7" in out.getvalue()
    assert sorted(item["n"] for item in items.get_many([order_key(n) for n in range(7)])) == list(
        range(7))

    broken = tmp_path / "broken.jsonl"
    broken.write_text('{"customer": {"S": "x"}, "n": {"N": "1"}}\n')
    with pytest.raises(Exception, match="the item has no “order” attribute"):
        call_command("import_items", "--table", ORDERS.name, str(broken), stdout=io.StringIO())
    if store == "dynamodb_local":
        operations.delete_table(ORDERS.name, wait=False)
