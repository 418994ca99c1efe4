"""The contacts manager, run against moto and against a real DynamoDB Local."""

import secrets
from decimal import Decimal

import pytest

from contacts.admin import ContactAdmin
from contacts.models import CONTACTS, contacts
from dynamodb_tables import backend
from dynamodb_tables.backend import batches
from dynamodb_tables.exceptions import (
    InvalidCursor,
    InvalidItem,
    InvalidRequest,
    ItemAlreadyExists,
    ItemNotFound,
    StoreUnavailable,
    TableMissing,
)
from dynamodb_tables.store import REMOVE, ItemManager, KeyAttribute, Table, operations, pagination
from dynamodb_tables.store import manager as store_manager
from dynamodb_tables.values.rules import MAX_KEY_BYTES

from .helpers import without_derived

MAX_ID_BYTES = MAX_KEY_BYTES["partition"]

# An item as the DynamoDB console or the AWS CLI might write it: every type,
# nested documents, empty strings, long numbers and awkward attribute names.
EVERY_TYPE = {
    "id": {"S": "every-type"},
    "username": {"S": "Raju"},
    "empty": {"S": ""},
    "age": {"N": "30"},
    "precise": {"N": "12345678901234567890123456789012345678"},
    "tiny": {"N": "-0.000000000000000000000000000000000001"},
    "huge": {"N": "9.9999999999999999999999999999999999999E+125"},
    "photo": {"B": b"\x00\x01\xfe\xff"},
    "active": {"BOOL": True},
    "retired": {"BOOL": False},
    "nothing": {"NULL": True},
    "tags": {"SS": ["a", "b", "c d"]},
    "scores": {"NS": ["1", "2.5", "-3"]},
    "blobs": {"BS": [b"\x01", b"\x02\x03"]},
    "history": {"L": [{"S": "x"}, {"N": "1"}, {"NULL": True}, {"L": []}, {"M": {}}]},
    "address": {
        "M": {
            "street": {"S": "1 Main St"},
            "geo": {"M": {"lat": {"N": "12.9716"}, "tags": {"SS": ["home"]}}},
        }
    },
    # Reserved words and characters that break unaliased expressions.
    "name": {"S": "reserved"},
    "status": {"S": "reserved"},
    "data": {"S": "reserved"},
    "date": {"S": "reserved"},
    "a.b": {"S": "dotted"},
    "with space": {"S": "spaced"},
    "#hash:colon": {"S": "punctuated"},
    "ünïcødé 名前": {"S": "unicode"},
}


def raw_get(raw_client, contact_id):
    """Return the stored item, without the attributes the app derives (test_finding.py's)."""
    return without_derived(raw_client.get_item(
        TableName=contacts.name, Key={"id": {"S": contact_id}}, ConsistentRead=True
    ).get("Item"))


def raw_put(raw_client, item):
    raw_client.put_item(TableName=contacts.name, Item=item)


def add(count, prefix="c", **extra):
    for index in range(count):
        contacts.create({"id": f"{prefix}{index:04d}", "username": f"user {index}", **extra})


def read_all_pages(limit, search=None):
    """Follow next_cursor from the first page to the last; return the pages."""
    search_fields = ContactAdmin.search_fields
    pages = [contacts.page(limit=limit, search=search, search_fields=search_fields)]
    while pages[-1].has_next():
        pages.append(contacts.page(cursor=pages[-1].next_cursor, limit=limit, search=search,
                                   search_fields=search_fields))
        assert len(pages) < 1000, "paging did not terminate"
    return pages


# --- create / get -------------------------------------------------------------


def test_create_then_get_returns_the_item(contacts_table):
    """A created contact reads back exactly, numbers as Decimal."""
    created = contacts.create({"id": "02", "username": "Sham", "age": Decimal("30")})
    assert without_derived(created) == {"id": "02", "username": "Sham", "age": Decimal("30")}
    fetched = contacts.get("02")
    assert fetched == created
    assert isinstance(fetched["age"], Decimal)


def test_create_never_overwrites(contacts_table, raw_client):
    """Creating an existing id raises ItemAlreadyExists and leaves the item untouched."""
    contacts.create({"id": "01", "username": "Raju", "age": Decimal("40")})
    with pytest.raises(ItemAlreadyExists, match="“01” already exists"):
        contacts.create({"id": "01", "username": "Impostor"})
    assert raw_get(raw_client, "01") == {
        "id": {"S": "01"}, "username": {"S": "Raju"}, "age": {"N": "40"}
    }


def test_create_without_id_generates_one(contacts_table):
    """An item without an id gets a fresh one, so two such items never collide."""
    first = contacts.create({"username": "Anon"})
    second = contacts.create({"username": "Anon"})
    assert first["id"] and second["id"] and first["id"] != second["id"]
    assert contacts.get(first["id"])["username"] == "Anon"


def test_get_missing_id_raises_not_found(contacts_table):
    with pytest.raises(ItemNotFound, match="“nope”"):
        contacts.get("nope")


@pytest.mark.parametrize(
    "bad_id, message",
    [("", "must not be empty"), (7, "must be a string"), ("x" * (MAX_ID_BYTES + 1), "2048 bytes")],
)
def test_bad_ids_are_refused_before_any_write(contacts_table, bad_id, message):
    """Ids DynamoDB would refuse get a clear InvalidItem, and nothing is written."""
    with pytest.raises(InvalidItem, match=message):
        contacts.create({"id": bad_id, "username": "x"})
    assert len(contacts.page()) == 0


def test_longest_allowed_id_works_everywhere(contacts_table):
    """A 2048-byte id (multi-byte characters included) is stored, read, updated and deleted."""
    long_id = "é" * (MAX_ID_BYTES // 2)
    contacts.create({"id": long_id, "username": "long"})
    assert contacts.update(long_id, {"username": "longer"})["username"] == "longer"
    assert contacts.delete(long_id)["id"] == long_id


def test_float_and_oversized_numbers_are_refused(contacts_table):
    """Floats would lose precision and 39 digits do not fit: both refused, nothing written."""
    with pytest.raises(InvalidItem, match="age"):
        contacts.create({"id": "f", "age": 1.5})
    with pytest.raises(InvalidItem, match="38 significant digits"):
        contacts.create({"id": "g", "age": Decimal("1" * 39)})
    assert len(contacts.page()) == 0


def test_38_digit_numbers_round_trip_exactly(contacts_table):
    number = Decimal("12345678901234567890123456789012345678")
    contacts.create({"id": "n", "big": number, "fraction": Decimal("0.1234567890123456789")})
    item = contacts.get("n")
    assert item["big"] == number and str(item["big"]) == str(number)
    assert str(item["fraction"]) == "0.1234567890123456789"


def test_numbers_longer_than_38_digits_but_exact_are_kept(contacts_table):
    """10**40 has one significant digit: it is stored and read back as the same number."""
    contacts.create({"id": "z", "big": 10**40, "bigger": Decimal("1" + "0" * 125)})
    item = contacts.get("z")
    assert item["big"] == 10**40 and item["bigger"] == Decimal("1E+125")
    contacts.update("z", {"big": item["big"], "bigger": item["bigger"]})
    assert contacts.get("z") == item


# --- documents written by other tools ----------------------------------------


def test_every_type_from_other_tools_is_returned_as_is(contacts_table, raw_client):
    """Every DynamoDB type reads back as its natural Python value, nothing as float."""
    raw_put(raw_client, EVERY_TYPE)
    item = contacts.get("every-type")
    assert set(item) == set(EVERY_TYPE)
    assert item["precise"] == Decimal("12345678901234567890123456789012345678")
    assert item["photo"] == b"\x00\x01\xfe\xff"
    assert item["active"] is True and item["retired"] is False and item["nothing"] is None
    assert item["tags"] == {"a", "b", "c d"}
    assert item["scores"] == {Decimal("1"), Decimal("2.5"), Decimal("-3")}
    assert item["blobs"] == {b"\x01", b"\x02\x03"}
    assert item["history"] == ["x", Decimal("1"), None, [], {}]
    assert item["address"]["geo"] == {"lat": Decimal("12.9716"), "tags": {"home"}}
    assert item["a.b"] == "dotted" and item["ünïcødé 名前"] == "unicode"


def test_item_read_and_written_back_is_identical(contacts_table, raw_client):
    """Reading an item and saving it as a new contact keeps every attribute and type."""
    raw_put(raw_client, EVERY_TYPE)
    copy = {**without_derived(contacts.get("every-type")), "id": "copy"}
    contacts.create(copy)
    stored = raw_get(raw_client, "copy")
    assert normalised(stored) == normalised({**EVERY_TYPE, "id": {"S": "copy"}})


def test_update_with_every_value_read_changes_nothing(contacts_table, raw_client):
    """Setting every attribute to the value just read leaves the stored item identical."""
    raw_put(raw_client, EVERY_TYPE)
    item = without_derived(contacts.get("every-type"))
    del item["id"]
    contacts.update("every-type", item)
    assert normalised(raw_get(raw_client, "every-type")) == normalised(EVERY_TYPE)


def normalised(value):
    """Return a raw item as DynamoDB means it: numbers by value, sets unordered.

    DynamoDB stores numbers, not their spelling (DynamoDB Local answers
    1E+125 with 126 digits), and keeps no order in sets.
    """
    if isinstance(value, dict):
        return {key: normalised_typed(key, member) for key, member in value.items()}
    if isinstance(value, list):
        return [normalised(member) for member in value]
    return value


def normalised_typed(kind, value):
    if kind == "N":
        return Decimal(value)
    if kind == "NS":
        return sorted(Decimal(member) for member in value)
    if kind in ("SS", "BS"):
        return sorted(value)
    return normalised(value)


# --- update / delete ---------------------------------------------------------


def test_update_touches_only_the_changed_attributes(contacts_table, raw_client):
    """One attribute set, one removed: every other attribute stays byte for byte."""
    raw_put(raw_client, EVERY_TYPE)
    new = contacts.update("every-type", {"username": "Raju K", "status": REMOVE, "new one": 1})
    expected = {**EVERY_TYPE, "username": {"S": "Raju K"}, "new one": {"N": "1"}}
    del expected["status"]
    assert normalised(raw_get(raw_client, "every-type")) == normalised(expected)
    assert new["username"] == "Raju K" and "status" not in new


def test_update_reserved_word_names(contacts_table):
    """Reserved words and punctuation work as attribute names in updates."""
    contacts.create({"id": "r", "username": "x"})
    names = ["name", "status", "data", "date", "key", "user", "comment", "ttl", "a.b", "#x", ":y"]
    contacts.update("r", {name: f"value of {name}" for name in names})
    item = contacts.get("r")
    assert all(item[name] == f"value of {name}" for name in names)


def test_update_of_missing_contact_creates_nothing(contacts_table, raw_client):
    """UpdateItem would upsert; ours refuses, so a deleted contact never comes back."""
    with pytest.raises(ItemNotFound):
        contacts.update("ghost", {"username": "Boo"})
    assert raw_get(raw_client, "ghost") is None


def test_update_refuses_id_changes_and_empty_changes(contacts_table):
    contacts.create({"id": "u", "username": "x"})
    with pytest.raises(InvalidItem, match="cannot be changed"):
        contacts.update("u", {"id": "v"})
    with pytest.raises(InvalidItem, match="nothing to update"):
        contacts.update("u", {})


def test_update_with_invalid_value_writes_nothing(contacts_table):
    contacts.create({"id": "u", "username": "x"})
    with pytest.raises(InvalidItem, match="age"):
        contacts.update("u", {"username": "changed", "age": 2.5})
    assert without_derived(contacts.get("u")) == {"id": "u", "username": "x"}


def test_delete_returns_the_old_item_and_removes_it(contacts_table):
    contacts.create({"id": "d", "username": "Del"})
    assert without_derived(contacts.delete("d")) == {"id": "d", "username": "Del"}
    with pytest.raises(ItemNotFound):
        contacts.get("d")
    with pytest.raises(ItemNotFound):
        contacts.delete("d")


# --- paging ------------------------------------------------------------------


def test_pages_cover_every_item_once(contacts_table):
    """60 contacts in pages of 25: 25, 25, 10, every id exactly once."""
    add(60)
    pages = read_all_pages(limit=25)
    assert [len(page) for page in pages] == [25, 25, 10]
    ids = [item["id"] for page in pages for item in page]
    assert sorted(ids) == [f"c{index:04d}" for index in range(60)]
    assert not pages[0].has_previous() and pages[1].has_previous()


def test_table_ending_on_a_page_boundary_has_no_empty_last_page(contacts_table):
    add(50)
    pages = read_all_pages(limit=25)
    assert [len(page) for page in pages] == [25, 25]


def test_empty_table_is_one_empty_page(contacts_table):
    page = contacts.page()
    assert list(page) == [] and not page.has_next()


def test_paging_across_the_1mb_response_limit(contacts_table, monkeypatch):
    """Items of ~100 KB: DynamoDB stops each Scan at 1 MB; pages still fill and cover all."""
    add(30, payload="x" * 100_000)
    scans = []
    real_call = backend.call

    def counting_call(operation, **params):
        response = real_call(operation, **params)
        if operation == "scan":
            scans.append(len(response["Items"]))
        return response

    monkeypatch.setattr(backend, "call", counting_call)
    pages = read_all_pages(limit=25)
    assert [len(page) for page in pages] == [25, 5]
    assert len({item["id"] for page in pages for item in page}) == 30
    if contacts_table == "dynamodb_local":
        # The boundary was really crossed: 25 items of 100 KB took several requests.
        assert len(scans) >= 4 and max(scans) < 25


def test_search_matches_id_or_username_across_pages(contacts_table):
    add(40)
    contacts.create({"id": "raju-1", "username": "Raju"})
    contacts.create({"id": "x1", "username": "Raju again"})
    contacts.create({"id": "x2", "username": "Sham", "name": "Raju"})  # other fields do not count
    found = [item["id"] for page in read_all_pages(limit=1, search="Raju") for item in page]
    assert sorted(found) == ["raju-1", "x1"]


def test_search_stops_at_its_read_budget_and_says_so(contacts_table, monkeypatch):
    """A search reads a bounded number of items per page and can be continued."""
    monkeypatch.setattr(store_manager, "SEARCH_READ_BUDGET", 10)
    add(35)
    contacts.create({"id": "needle", "username": "needle"})
    pages = read_all_pages(limit=5, search="needle")
    assert all(page.scanned_count <= 10 for page in pages)
    assert any(page.budget_spent for page in pages)
    assert [item["id"] for page in pages for item in page] == ["needle"]


def test_tampered_or_foreign_cursors_are_refused(contacts_table):
    add(3)
    cursor = contacts.page(limit=1).next_cursor
    with pytest.raises(InvalidCursor):
        contacts.page(cursor=cursor[:-2] + "xx", limit=1)
    with pytest.raises(InvalidCursor):
        contacts.page(cursor="not a cursor", limit=1)
    with pytest.raises(InvalidCursor):
        ItemManager(Table("Other", KeyAttribute("id"))).page(cursor=cursor, limit=1)


def test_previous_cursors_lead_back_page_by_page(contacts_table):
    """Each page's previous_cursor reads the page before it; page 2's leads to the first."""
    add(60)
    pages = read_all_pages(limit=25)
    assert pages[0].previous_cursor is None
    assert pages[1].previous_cursor == ""  # the first page: no cursor at all
    back = contacts.page(cursor=pages[2].previous_cursor, limit=25)
    assert list(back) == list(pages[1])
    assert back.next_cursor and list(contacts.page(cursor=back.next_cursor, limit=25)) == list(
        pages[2]
    )
    assert back.previous_cursor == ""


def test_cursors_stay_short_and_previous_stops_where_the_trail_ends(contacts_table):
    """With long ids a deep cursor keeps only the newest start keys: bounded, still valid."""
    for _ in range(40):
        contacts.create({"id": secrets.token_hex(150)})  # random: compression cannot help
    pages = read_all_pages(limit=1)
    assert len(pages) == 40
    assert all(len(page.next_cursor) <= pagination.MAX_CURSOR_CHARS for page in pages[:-1])
    # Walking back from the last page reaches some pages, then the trail ends.
    page, steps = pages[-1], 0
    while page.previous_cursor:
        page = contacts.page(cursor=page.previous_cursor, limit=1)
        steps += 1
        assert list(page) == list(pages[-1 - steps])
    assert 1 <= steps < 39
    assert page.previous_cursor is None and page.has_previous()


def test_get_many_returns_existing_contacts_in_the_order_asked(contacts_table):
    """BatchGetItem in chunks of 100: order kept, duplicates once, missing ids left out."""
    add(130)
    wanted = ["c0129", "missing", "c0000", "c0129", *[f"c{index:04d}" for index in range(1, 120)]]
    found = contacts.get_many(wanted)
    assert [item["id"] for item in found] == list(dict.fromkeys(wanted[:1] + wanted[2:]))
    assert without_derived(found[0]) == {"id": "c0129", "username": "user 129"}


def test_get_many_resends_unprocessed_keys(contacts_table, monkeypatch):
    """Keys DynamoDB leaves unprocessed are asked for again until every one is answered."""
    add(3)
    real_call = backend.call
    requests = []

    def deferring_call(operation, **params):
        response = real_call(operation, **params)
        if operation == "batch_get_item":
            requests.append(params["RequestItems"])
            table, answered = next(iter(response["Responses"].items()))
            if len(answered) > 1:  # hold back all but one item, as a throttled batch does
                keys = [{"id": item["id"]} for item in answered[1:]]
                response = {
                    "Responses": {table: answered[:1]},
                    "UnprocessedKeys": {table: {"Keys": keys, "ConsistentRead": True}},
                }
        return response

    monkeypatch.setattr(backend, "call", deferring_call)
    monkeypatch.setattr(batches, "BATCH_FIRST_PAUSE", 0.001)
    found = contacts.get_many(["c0000", "c0001", "c0002"])
    assert sorted(item["id"] for item in found) == ["c0000", "c0001", "c0002"]
    assert len(requests) == 3


def test_get_many_gives_up_when_keys_stay_unprocessed(contacts_table, monkeypatch):
    add(1)

    def stuck_call(operation, **params):
        return {"Responses": {}, "UnprocessedKeys": params["RequestItems"]}

    monkeypatch.setattr(backend, "call", stuck_call)
    monkeypatch.setattr(batches, "BATCH_FIRST_PAUSE", 0.001)
    with pytest.raises(StoreUnavailable, match="unprocessed"):
        contacts.get_many(["c0000"])


@pytest.mark.parametrize("limit", [0, -1, 1001, "25", 2.5])
def test_bad_page_sizes_are_refused(contacts_table, limit):
    with pytest.raises(InvalidRequest, match="page size"):
        contacts.page(limit=limit)


# --- failures ----------------------------------------------------------------


def test_missing_table_says_how_to_create_it(store):
    with pytest.raises(TableMissing, match="python manage.py create_table"):
        contacts.get("01")
    with pytest.raises(TableMissing):
        contacts.page()


def test_unreachable_endpoint_is_store_unavailable(unreachable_store, settings):
    with pytest.raises(StoreUnavailable, match=settings.DYNAMODB["ENDPOINT_URL"]):
        contacts.get("01")


# --- approximate count ---------------------------------------------------------


def test_approximate_count_asks_dynamodb_once_per_table_then_uses_the_cache(
    contacts_table, settings, monkeypatch
):
    """DescribeTable's ItemCount is cached per table, so a list page does not ask every time."""
    from django.core.cache import cache

    cache.clear()
    describes = []
    real_call = backend.call

    def counting_call(operation, **params):
        if operation == "describe_table":
            describes.append(params["TableName"])
        return real_call(operation, **params)

    monkeypatch.setattr(backend, "call", counting_call)
    table = contacts.name
    first = operations.approximate_item_count(CONTACTS.name)
    assert operations.approximate_item_count(CONTACTS.name) == first
    assert describes == [table]
    settings.DYNAMODB = {**settings.DYNAMODB, "TABLE": "Another"}
    with pytest.raises(TableMissing):
        operations.approximate_item_count(CONTACTS.name)  # another table: its own entry, asked anew
    assert describes == [table, "Another"]
