"""Lists and Maps as plain JSON where that is unambiguous (DynamoDB JSON still read, and shown
for Sets and Binary), and the whole item's DynamoDB JSON page: read-only, or editable with the
change form's conflict safety. Text forms without a store; pages on moto and DynamoDB Local."""

import json
import re
from decimal import Decimal

import pytest
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.auth.models import Permission
from hypothesis import given, settings
from hypothesis import strategies as st

from contacts.models import CONTACTS
from dynamodb_tables.exceptions import InvalidItem
from dynamodb_tables.values.text import from_text, to_text
from dynamodb_tables.values.types import TYPES, dynamodb_type, equivalent

from .helpers import change_url
from .orders import ORDERS_REQUEST, orders_name, raw_order
from .strategies import numbers, strings
from .support.formdata import form_fields, row_index
from .test_editor import errors, put, recording_calls, set_row, stored

ADDRESS = {"city": "Paris", "zip": Decimal("75001")}


def json_url(contact_id):
    return change_url(contact_id).replace("/change/", "/json/")


def floats_in(value):
    """Return every float inside a value (there must be none: numbers are Decimal)."""
    if isinstance(value, float):
        return [value]
    members = value.values() if isinstance(value, dict) else value if isinstance(
        value, list) else []
    return [found for member in members for found in floats_in(member)]


# --- Text forms --------------------------------------------------------------------------


def test_lists_and_maps_of_plain_values_are_shown_as_plain_json():
    assert to_text(ADDRESS) == '{\n  "city": "Paris",\n  "zip": 75001\n}'
    assert to_text([Decimal("1.10"), "a", True, None, [], {"k": [Decimal(-2)]}]) == (
        '[\n  1.10,\n  "a",\n  true,\n  null,\n  [],\n  {"k": [-2]}\n]')


def test_plain_json_is_read_with_exact_decimal_numbers():
    """Numbers are parsed as Decimal: 38 digits and 0.1 stay exact, nothing is a float."""
    value = from_text("M", '{"city": "Paris", "zip": 75001, "n": 0.1, "ok": true, "no": null, '
                           '"big": 12345678901234567890123456789012345678, "tiny": -1E-130, '
                           '"nested": {"l": [1.50, "x", [], {}]}}')
    assert value == {"city": "Paris", "zip": Decimal(75001), "n": Decimal("0.1"), "ok": True,
                     "no": None, "big": Decimal("12345678901234567890123456789012345678"),
                     "tiny": Decimal("-1E-130"), "nested": {"l": [Decimal("1.50"), "x", [], {}]}}
    assert floats_in(value) == []
    assert str(value["nested"]["l"][0]) == "1.50"


def test_sets_and_binary_keep_dynamodb_json():
    """Plain JSON has no Set and no Binary: a value holding one is shown as DynamoDB JSON."""
    assert to_text({"tags": {"a", "b"}, "n": Decimal(1)}) == (
        '{\n  "tags": {"SS": ["a", "b"]},\n  "n": {"N": "1"}\n}')
    assert to_text([b"\x01", "x"]) == '[\n  {"B": "AQ=="},\n  {"S": "x"}\n]'
    assert to_text({"deep": [{"s": {Decimal(2)}}]}) == (
        '{\n  "deep": {"L": [{"M": {"s": {"NS": ["2"]}}}]}\n}')


def test_dynamodb_json_is_still_read():
    assert from_text("M", '{"city": {"S": "Paris"}, "zip": {"N": "75001"}}') == ADDRESS
    assert from_text("L", '[{"SS": ["a"]}, {"B": "AQ=="}]') == [{"a"}, b"\x01"]


def test_a_map_of_objects_keyed_by_type_codes_is_shown_and_read_as_dynamodb_json():
    """The documented rule: text whose members are all objects keyed by type codes is DynamoDB
    JSON. So a Map holding such an object is shown in DynamoDB JSON, which reads back as it."""
    value = {"a": {"S": "x"}, "N": "not a type here"}
    text = to_text(value)
    assert text == '{\n  "a": {"M": {"S": {"S": "x"}}},\n  "N": {"S": "not a type here"}\n}'
    assert from_text("M", text) == value
    # A Map whose own names are type codes, holding plain values, is plain JSON.
    assert to_text({"S": "x", "N": Decimal(1)}) == '{\n  "S": "x",\n  "N": 1\n}'
    assert from_text("M", '{"S": "x", "N": 1}') == {"S": "x", "N": Decimal(1)}
    # Typed-looking members: read as DynamoDB JSON, never stored as nested objects.
    assert from_text("M", '{"a": {"S": "x"}}') == {"a": "x"}


@pytest.mark.parametrize(("kind", "text", "message"), [
    ("M", '{"zip": 75001, "city": {"S": "Paris"}}',
     "At address.city: this value is written in DynamoDB JSON"),
    ("L", '[1, [{"N": "2"}]]', r"At address\[1\]\[0\]: this value is written in DynamoDB JSON"),
    ("M", '{"zip": {"N": 75001}}', "At address.zip: a Number is written as a string"),
    ("M", '{"zip": 1e200}', "At address.zip: “1E\\+200” is out of range"),
    ("M", '{"zip": 123456789012345678901234567890123456789}', "at most 38 significant digits"),
    ("M", '{"a": "\\ud800"}', "At address.a: .* is not valid Unicode text"),
    ("M", '{"": 1}', "At address: a name is empty"),
    ("M", '["a"]', "At address: a Map is written as a JSON object"),
    ("L", '{"a": 1}', "At address: a List is written as a JSON array"),
    ("L", "[1,", "malformed at line 1, column 4"),
])
def test_plain_json_follows_dynamodbs_rules_and_mixing_is_refused(kind, text, message):
    with pytest.raises(InvalidItem, match=message):
        from_text(kind, text, "Value", "address")


type_code_names = st.one_of(st.sampled_from([*TYPES, "Q", "city"]), st.text(min_size=1, max_size=3))
plain_leaves = st.one_of(strings, numbers(), st.booleans(), st.none(),
                         st.sets(strings, min_size=1, max_size=2), st.binary(max_size=3))
documents = st.recursive(
    plain_leaves,
    lambda children: st.one_of(st.lists(children, max_size=3),
                               st.dictionaries(type_code_names, children, max_size=3)),
    max_leaves=8,
).filter(lambda value: isinstance(value, list | dict))


@settings(max_examples=400, deadline=None)
@given(documents)
def test_property_lists_and_maps_survive_their_text_whichever_json_it_is(value):
    """Property: any List or Map, with names that are type codes, shown as plain or DynamoDB
    JSON, reads back as the same value, type for type; and shown again, gives the same text."""
    kind = dynamodb_type(value)
    text = to_text(value)
    back = from_text(kind, text)
    assert equivalent(back, value)
    assert to_text(back) == text


# --- The editor's rows ---------------------------------------------------------------------


def test_a_map_written_by_the_cli_is_shown_as_plain_json_and_saved_unchanged(
    admin_client, contacts_table, raw_client, monkeypatch
):
    """Shown as plain JSON, the Map and List are not rewritten by a save that did not change
    them (no UpdateItem at all), and keep 38-digit numbers exactly."""
    put(raw_client, {"id": {"S": "01"}, "username": {"S": "R"},
                     "address": {"M": {"city": {"S": "Paris"}, "zip": {"N": "75001"},
                                       "big": {"N": "12345678901234567890123456789012345678"}}},
                     "list": {"L": [{"S": "a"}, {"N": "1.50"}, {"BOOL": True}, {"NULL": True}]}})
    before = stored(raw_client, "01")
    page = admin_client.get(change_url("01"))
    data = form_fields(page.content)
    address = data[f"attributes-{row_index(data, 'address')}-value"]
    # DynamoDB keeps no order of a Map's members: each is one line of plain JSON.
    lines = address.split("\r\n")
    assert (lines[0], lines[-1]) == ("{", "}")
    assert sorted(line.rstrip(",") for line in lines[1:-1]) == [
        '  "big": 12345678901234567890123456789012345678', '  "city": "Paris"', '  "zip": 75001']
    assert data[f"attributes-{row_index(data, 'list')}-value"] == (
        '[\r\n  "a",\r\n  1.50,\r\n  true,\r\n  null\r\n]')
    calls = recording_calls(monkeypatch)

    response = admin_client.post(change_url("01"), {**data, "_save": "1"})

    assert response.status_code == 302, errors(response)
    assert "update_item" not in calls
    assert stored(raw_client, "01") == before


def test_plain_json_typed_into_a_row_is_stored_typed_and_exact(
    admin_client, contacts_table, raw_client
):
    put(raw_client, {"id": {"S": "01"}, "username": {"S": "R"},
                     "address": {"M": {"city": {"S": "Paris"}}}})
    data = form_fields(admin_client.get(change_url("01")).content)
    digits = "0.12345678901234567890123456789012345678"
    set_row(data, row_index(data, "address"), "address", "M",
            f'{{"city": "Lyon", "zip": 69001, "n": {digits}, "ok": false, "none": null, '
            '"l": [1, "a"]}')

    response = admin_client.post(change_url("01"), {**data, "_save": "1"})

    assert response.status_code == 302, errors(response)
    assert stored(raw_client, "01")["address"] == {"M": {
        "city": {"S": "Lyon"}, "zip": {"N": "69001"}, "n": {"N": digits}, "ok": {"BOOL": False},
        "none": {"NULL": True}, "l": {"L": [{"N": "1"}, {"S": "a"}]}}}


def test_mixed_json_in_a_row_is_a_form_error(admin_client, contacts_table, raw_client):
    put(raw_client, {"id": {"S": "01"}, "username": {"S": "R"}, "m": {"M": {}}})
    before = stored(raw_client, "01")
    data = form_fields(admin_client.get(change_url("01")).content)
    set_row(data, row_index(data, "m"), "m", "M", '{"zip": 75001, "city": {"S": "Paris"}}')

    response = admin_client.post(change_url("01"), {**data, "_save": "1"})

    assert response.status_code == 200
    assert any("At m.city: this value is written in DynamoDB JSON" in error
               for error in errors(response)), errors(response)
    assert stored(raw_client, "01") == before


# --- The whole item's JSON page -------------------------------------------------------------

ITEM = {"id": {"S": "01"}, "username": {"S": "Raju"}, "age": {"N": "30"},
        "tags": {"SS": ["a", "b"]}, "address": {"M": {"zip": {"N": "75001"}}},
        "big": {"N": "12345678901234567890123456789012345678"}}


def written(raw_client, contact_id):
    """The stored item without the attributes the app derives on every save (store.derived)."""
    derived = {attribute.name for attribute in CONTACTS.derived}
    item = stored(raw_client, contact_id)
    return {name: value for name, value in item.items() if name not in derived}


def json_form(response):
    return form_fields(response.content, form_id="contact_json_form")


def test_the_change_page_links_to_the_items_dynamodb_json(admin_client, contacts_table,
                                                           raw_client):
    put(raw_client, ITEM)
    change = admin_client.get(change_url("01")).content.decode()
    assert f'href="{json_url("01")}"' in change

    page = admin_client.get(json_url("01"))

    assert page.status_code == 200
    assert json.loads(json_form(page)["item_json"]) == ITEM


def test_a_view_only_user_reads_the_json_but_cannot_save(
    db, client, django_user_model, contacts_table, raw_client
):
    user = django_user_model.objects.create_user("viewer", is_staff=True)
    user.user_permissions.add(Permission.objects.get(codename="view_contact"))
    client.force_login(user)
    put(raw_client, ITEM)
    before = stored(raw_client, "01")

    page = client.get(json_url("01"))

    assert page.status_code == 200
    assert re.search(r"<textarea[^>]*readonly", page.content.decode())
    assert "_save" not in page.content.decode()
    refused = client.post(json_url("01"), {"item_json": "{}"})
    assert refused.status_code == 403
    assert stored(raw_client, "01") == before
    assert client.get(json_url("missing")).status_code == 404


@pytest.mark.auth_database
def test_editing_the_json_writes_only_what_changed(admin_client, contacts_table, raw_client,
                                                   monkeypatch):
    put(raw_client, ITEM)
    data = json_form(admin_client.get(json_url("01")))
    edited = json.loads(data["item_json"])
    edited["age"] = {"N": "31"}
    del edited["tags"]
    edited["nickname"] = {"S": "R"}
    data["item_json"] = json.dumps(edited)
    calls = recording_calls(monkeypatch)

    response = admin_client.post(json_url("01"), data)

    assert response.status_code == 302
    assert response["Location"] == json_url("01")
    assert calls.count("update_item") == 1
    expected = {**ITEM, "age": {"N": "31"}, "nickname": {"S": "R"}}
    del expected["tags"]
    assert written(raw_client, "01") == expected
    entry = LogEntry.objects.get(action_flag=CHANGE)
    assert entry.get_change_message() == (
        "Added attribute “nickname”. Changed age. Deleted attribute “tags”.")


def test_saving_the_json_unchanged_writes_nothing(admin_client, contacts_table, raw_client,
                                                  monkeypatch):
    put(raw_client, ITEM)
    data = json_form(admin_client.get(json_url("01")))
    calls = recording_calls(monkeypatch)

    response = admin_client.post(json_url("01"), data)

    assert response.status_code == 302
    assert "update_item" not in calls
    assert stored(raw_client, "01") == ITEM


@pytest.mark.parametrize(("text", "message"), [
    ('{"id": {"S": "01"}, "age": {"N": 31}}', "At age: a Number is written as a string"),
    ('{"id": {"S": "01"},\n "age": }', "The item&#x27;s JSON is malformed at line 2, column 9"),
    ('{"id": {"S": "02"}, "age": {"N": "31"}}', "The key (id) cannot be changed"),
    ('{"age": {"N": "31"}}', "needs “id” (the key)"),
    ("[]", "one object of attributes"),
])
def test_bad_json_is_a_message_and_nothing_is_written(
    admin_client, contacts_table, raw_client, text, message
):
    put(raw_client, ITEM)
    data = {**json_form(admin_client.get(json_url("01"))), "item_json": text}

    response = admin_client.post(json_url("01"), data)

    assert response.status_code == 200
    assert message in response.content.decode()
    assert json_form(response)["item_json"].replace("\r\n", "\n") == text
    assert stored(raw_client, "01") == ITEM


def test_a_json_save_over_someone_elses_change_is_refused_and_keeps_the_text(
    admin_client, contacts_table, raw_client
):
    """Same safety as the change form: the save is conditional on the item shown; refused, the
    page shows what changed, the item as it is now, and the user's text."""
    put(raw_client, ITEM)
    data = json_form(admin_client.get(json_url("01")))
    raw_client.update_item(TableName=CONTACTS.name, Key={"id": {"S": "01"}},
                           UpdateExpression="SET #a = :a", ExpressionAttributeNames={"#a": "age"},
                           ExpressionAttributeValues={":a": {"N": "40"}})
    mine = json.loads(data["item_json"])
    mine["username"] = {"S": "Mine"}
    data["item_json"] = json.dumps(mine)

    refused = admin_client.post(json_url("01"), data)

    assert refused.status_code == 409
    assert stored(raw_client, "01") == {**ITEM, "age": {"N": "40"}}
    content = refused.content.decode()
    assert "was changed by someone else after you opened it" in content
    table = re.search(r'<table class="dynamo-differences">.*?</table>', content, re.S).group(0)
    assert "30 (Number)" in table and "40 (Number)" in table and "Mine (String)" in table
    again = json_form(refused)
    assert json.loads(again["item_json"])["age"] == {"N": "40"}
    yours = re.search(r'<textarea id="id_yours"[^>]*>(.*?)</textarea>', content, re.S).group(1)
    assert json.loads(yours.replace("&quot;", '"'))["username"] == {"S": "Mine"}
    # Saved again from the refreshed page, the change goes through over the current item.
    retry = json.loads(again["item_json"])
    retry["username"] = {"S": "Mine"}
    again["item_json"] = json.dumps(retry)
    assert admin_client.post(json_url("01"), again).status_code == 302
    assert written(raw_client, "01") == {**ITEM, "age": {"N": "40"}, "username": {"S": "Mine"}}


def test_a_json_save_over_a_deleted_item_says_so_and_keeps_the_text(
    admin_client, contacts_table, raw_client
):
    put(raw_client, ITEM)
    data = json_form(admin_client.get(json_url("01")))
    raw_client.delete_item(TableName=CONTACTS.name, Key={"id": {"S": "01"}})
    data["item_json"] = data["item_json"].replace('"Raju"', '"Gone"')

    response = admin_client.post(json_url("01"), data)

    assert response.status_code == 404
    assert "deleted after you opened it; nothing was saved" in response.content.decode()
    assert '"Gone"' in json_form(response)["item_json"]
    assert stored(raw_client, "01") is None


def test_a_browsed_tables_item_has_its_json_page_too(admin_client, store, raw_client):
    """The page is the generic layer's: a table created by another tool, with a composite
    Number sort key, opens and saves its items' JSON at /admin/tables/<name>/<id>/json/."""
    name = orders_name()
    raw_client.create_table(TableName=name, **ORDERS_REQUEST)
    try:
        check_the_json_page_of_an_order(admin_client, raw_client, name)
    finally:
        raw_client.delete_table(TableName=name)


def check_the_json_page_of_an_order(admin_client, raw_client, name):
    raw_client.put_item(TableName=name, Item=raw_order(7))
    key = {"customer": {"S": "customer-1"}, "order": {"N": "7"}}
    url = f"/admin/tables/{name}/customer-1_2C7/json/"
    assert f'href="{url}"' in admin_client.get(url.replace("/json/", "/change/")).content.decode()
    data = form_fields(admin_client.get(url).content, form_id="tableitem_json_form")
    edited = json.loads(data["item_json"])
    assert edited == raw_order(7)
    edited["status"] = {"S": "shipped"}
    data["item_json"] = json.dumps(edited)

    response = admin_client.post(url, data)

    assert response.status_code == 302
    assert raw_client.get_item(TableName=name, Key=key, ConsistentRead=True)["Item"] == (
        raw_order(7, status={"S": "shipped"}))
