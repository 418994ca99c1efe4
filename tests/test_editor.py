"""The attribute editor in the admin: every type both ways, validation, lossless round trips,
no lost writes (conflicts) and bulk delete with BatchWriteItem, on moto and DynamoDB Local."""

import re
import uuid

import pytest
from django.utils.html import strip_tags
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from contacts.models import CONTACTS, contacts
from dynamodb_tables import backend
from dynamodb_tables.backend import batches

from . import helpers
from .helpers import ADD_URL, LIST_URL, change_url, delete_url
from .strategies import other_attributes
from .support.formdata import blank_row, form_fields, row_index, submit

# An item as another tool (console, CLI) might write it: every type, nested documents,
# empty strings, 38-digit numbers, names that are reserved words or hold spaces, dots, unicode.
EVERY_TYPE_ITEM = {
    "id": {"S": "every"},
    "username": {"S": "Every Type"},
    "name": {"S": ""},
    "status": {"S": "line one\nline two\r\nline three"},
    "first name": {"N": "12345678901234567890123456789012345678"},
    "a.b": {"N": "-0.000000000000000000000000000000000000000001"},
    "data": {"B": "AAEC/w=="},
    "flag": {"BOOL": False},
    "nothing": {"NULL": True},
    "名前 ü": {"SS": ["x", " padded ", "ü"]},
    "scores": {"NS": ["1.5", "-2", "1E+100"]},
    "blobs": {"BS": ["AA==", "/w=="]},
    "list": {"L": [{"S": ""}, {"N": "1"}, {"L": [{"NULL": True}]}, {"SS": ["a"]},
                   {"M": {"deep": {"BS": ["AQ=="]}}}]},
    "map": {"M": {"name": {"S": "x"}, "n": {"N": "3.14"}, "m": {"M": {}}, "l": {"L": []},
                  "b": {"B": "AQID"}, "t": {"BOOL": True}}},
    "locked set": {"SS": ["has\nline break", "other"]},
    "<b onmouseover=alert(3)>": {"S": '"><img src=x onerror=alert(1)>'},
}


def stored(raw_client, contact_id):
    return normalized(helpers.stored(raw_client, contact_id))


def put(raw_client, item):
    helpers.put(raw_client, **item)


def normalized(item):
    """A raw item with set members sorted, so equal items compare equal whatever the order."""
    if item is None:
        return None

    def value(typed):
        (kind, raw), = typed.items()
        if kind in ("SS", "NS", "BS"):
            return {kind: sorted(raw)}
        if kind == "L":
            return {kind: [value(member) for member in raw]}
        if kind == "M":
            return {kind: {name: value(member) for name, member in raw.items()}}
        return {kind: raw}

    return {name: value(typed) for name, typed in item.items()}


def text(response):
    return strip_tags(response.content.decode())


def errors(response):
    """Return every error message the form shows, as text."""
    return [strip_tags(found).strip() for found in re.findall(
        r'<ul class="errorlist[^"]*"[^>]*>(.*?)</ul>', response.content.decode(), re.S)]


def set_row(data, index, name, kind, value, delete=False):
    data[f"attributes-{index}-name"] = name
    data[f"attributes-{index}-type"] = kind
    data[f"attributes-{index}-value"] = value
    if delete:
        data[f"attributes-{index}-DELETE"] = "on"


def add_rows(data, count):
    """Return the indexes of `count` more rows, as pressing "Add another attribute" would give."""
    total = int(data["attributes-TOTAL_FORMS"])
    data["attributes-TOTAL_FORMS"] = str(total + count)
    return list(range(total, total + count))


def recording_calls(monkeypatch):
    """Record the name of every DynamoDB request the app sends."""
    calls = []
    real_call = backend.call

    def call(operation, **params):
        calls.append(operation)
        return real_call(operation, **params)

    monkeypatch.setattr(backend, "call", call)
    return calls


# --- Adding and editing attributes of every type ----------------------------------------


def test_the_add_form_adds_attributes_of_every_type(admin_client, contacts_table, raw_client):
    """The add form takes new attributes of all ten types, stored with their DynamoDB types."""
    page = admin_client.get(ADD_URL)
    data = form_fields(page.content)
    data.update(id="new", username="Ada")
    rows = [blank_row(data), *add_rows(data, 9)]
    for index, (name, kind, value) in zip(rows, [
        ("text", "S", "two\r\nlines"),
        ("count", "N", "1.10"),
        ("photo", "B", "AP8="),
        ("vip", "BOOL", "true"),
        ("none", "NULL", ""),
        ("history", "L", '[{"S": "a"}, {"N": "12345678901234567890123456789012345678"}]'),
        ("address", "M", '{"city": {"S": "Pune"}, "tags": {"SS": ["x"]}}'),
        ("tags", "SS", "friend\r\nwork\r\n"),
        ("lucky", "NS", "7\r\n-0.5"),
        ("keys", "BS", "YQ==\r\nYg=="),
    ], strict=True):
        set_row(data, index, name, kind, value)

    response = admin_client.post(ADD_URL, {**data, "_save": "1"})

    assert response.status_code == 302, errors(response)
    item = stored(raw_client, "new")
    assert item == {
        "id": {"S": "new"}, "username": {"S": "Ada"},
        "text": {"S": "two\nlines"},
        "count": {"N": item["count"]["N"]},
        "photo": {"B": b"\x00\xff"},
        "vip": {"BOOL": True},
        "none": {"NULL": True},
        "history": {"L": [{"S": "a"}, {"N": "12345678901234567890123456789012345678"}]},
        "address": {"M": {"city": {"S": "Pune"}, "tags": {"SS": ["x"]}}},
        "tags": {"SS": ["friend", "work"]},
        "lucky": {"NS": sorted(item["lucky"]["NS"])},
        "keys": {"BS": [b"a", b"b"]},
    }
    assert item["count"]["N"] in ("1.1", "1.10")  # DynamoDB Local stores the value 1.1
    assert sorted(map(float, item["lucky"]["NS"])) == [-0.5, 7]


def test_the_change_form_edits_retypes_renames_removes_and_adds(
    admin_client, contacts_table, raw_client
):
    """One save can edit a value, change a type, rename, remove and add attributes; only
    those attributes change."""
    put(raw_client, {"id": {"S": "01"}, "username": {"S": "Raju"}, "city": {"S": "Pune"},
                     "age2": {"S": "30"}, "old": {"S": "name"}, "gone": {"N": "1"},
                     "kept": {"M": {"a": {"S": "b"}}}})
    data = form_fields(admin_client.get(change_url("01")).content)
    set_row(data, row_index(data, "city"), "city", "S", "Mumbai")
    set_row(data, row_index(data, "age2"), "age2", "N", "30")
    set_row(data, row_index(data, "old"), "new", "S", "name")
    data[f"attributes-{row_index(data, 'gone')}-DELETE"] = "on"
    set_row(data, blank_row(data), "added", "BOOL", "false")

    response = admin_client.post(change_url("01"), {**data, "_save": "1"})

    assert response.status_code == 302, errors(response)
    assert stored(raw_client, "01") == {
        "id": {"S": "01"}, "username": {"S": "Raju"}, "city": {"S": "Mumbai"},
        "age2": {"N": "30"}, "new": {"S": "name"}, "kept": {"M": {"a": {"S": "b"}}},
        "added": {"BOOL": False},
    }


def test_swapping_two_names_in_one_save(admin_client, contacts_table, raw_client):
    put(raw_client, {"id": {"S": "01"}, "username": {"S": "R"}, "a": {"S": "1"}, "b": {"N": "2"}})
    data = form_fields(admin_client.get(change_url("01")).content)
    row_a, row_b = row_index(data, "a"), row_index(data, "b")
    set_row(data, row_a, "b", "S", "1")
    set_row(data, row_b, "a", "N", "2")

    response = admin_client.post(change_url("01"), {**data, "_save": "1"})

    assert response.status_code == 302, errors(response)
    assert stored(raw_client, "01") == {"id": {"S": "01"}, "username": {"S": "R"},
                                        "b": {"S": "1"}, "a": {"N": "2"}}


def test_add_another_attribute_shows_the_form_again_with_a_new_row(
    admin_client, contacts_table, raw_client
):
    """Without JavaScript, "Add another attribute" re-shows the form as typed (no errors, nothing
    written) with one more blank row; saving then stores every row."""
    data = form_fields(admin_client.get(ADD_URL).content)
    data.update(id="", username="")  # not valid yet: no errors are shown for it
    set_row(data, blank_row(data), "tags", "SS", "a\r\nb")

    again = admin_client.post(ADD_URL, {**data, "_addattribute": "1"})

    assert again.status_code == 200
    assert errors(again) == []
    assert raw_client.scan(TableName=CONTACTS.name)["Count"] == 0
    shown = form_fields(again.content)
    assert shown["attributes-TOTAL_FORMS"] == "2"
    assert (shown["attributes-0-name"], shown["attributes-0-type"]) == ("tags", "SS")
    assert shown["attributes-0-value"] == "a\r\nb"
    shown.update(id="t1", username="T")
    set_row(shown, 1, "address", "M", '{"city": {"S": "Paris"}}')
    saved = admin_client.post(ADD_URL, {**shown, "_save": "1"})
    assert saved.status_code == 302, errors(saved)
    assert stored(raw_client, "t1") == {
        "id": {"S": "t1"}, "username": {"S": "T"}, "tags": {"SS": ["a", "b"]},
        "address": {"M": {"city": {"S": "Paris"}}},
    }


def test_enter_in_a_field_saves(admin_client, contacts_table):
    """The form's first submit button is Save (browsers submit with it on Enter), not "Add
    another attribute"."""
    content = admin_client.get(ADD_URL).content.decode()
    form = content[content.index('id="contact_form"'):]
    first_submit = re.search(r'<input type="submit"[^>]*name="([^"]+)"', form)
    assert first_submit.group(1) == "_save"


# --- Validation ------------------------------------------------------------------------------


@pytest.mark.parametrize(("row", "message"), [
    (("count", "N", "12.5.1"), "“12.5.1” is not a number"),
    (("count", "N", "1" * 39), "at most 38 significant digits"),
    (("count", "N", "1E+126"), "DynamoDB numbers range from 1E-130"),
    (("m", "M", '{"city": {"S": "Pune"},\r\n "zip": }'), "malformed at line 2, column 9"),
    (("m", "M", '{"zip": {"N": 75001}}'), "At m.zip: a Number is written"),
    (("tags", "SS", "a\r\nb\r\na"), "“a” appears more than once"),
    (("tags", "SS", "  \r\n"), "a set needs at least one member"),
    (("bin", "B", "***"), "is not valid base64"),
    (("", "S", "a value"), "Name: a name is empty; DynamoDB names have at least one character."),
    (("id", "S", "x"), "“id” is a field above; edit it there."),
    (("username", "S", "x"), "“username” is a field above; edit it there."),
    (("n" * 65536, "S", "x"), "longer than 65535 bytes"),
])
def test_bad_attribute_rows_get_a_message_on_the_field(
    admin_client, contacts_table, raw_client, row, message
):
    data = form_fields(admin_client.get(ADD_URL).content)
    data.update(id="v1", username="V")
    set_row(data, blank_row(data), *row)

    response = admin_client.post(ADD_URL, {**data, "_save": "1"})

    assert response.status_code == 200
    assert any(message in error for error in errors(response)), errors(response)
    assert "Please correct the error below." in text(response)
    assert stored(raw_client, "v1") is None


def test_duplicate_names_are_refused(admin_client, contacts_table, raw_client):
    put(raw_client, {"id": {"S": "01"}, "username": {"S": "R"}, "city": {"S": "Pune"}})
    data = form_fields(admin_client.get(change_url("01")).content)
    set_row(data, blank_row(data), "city", "S", "Delhi")
    before = stored(raw_client, "01")

    response = admin_client.post(change_url("01"), {**data, "_save": "1"})

    assert response.status_code == 200
    assert "Another attribute is already named “city”." in errors(response)
    assert stored(raw_client, "01") == before


def test_an_item_over_400_kb_is_refused_before_the_write(
    admin_client, contacts_table, raw_client, monkeypatch
):
    """The whole item's size is checked by DynamoDB's rules before any write, on change too."""
    put(raw_client, {"id": {"S": "01"}, "username": {"S": "R"}, "blob": {"S": "a" * 300_000}})
    data = form_fields(admin_client.get(change_url("01")).content)
    set_row(data, blank_row(data), "more", "S", "b" * 120_000)
    calls = recording_calls(monkeypatch)

    response = admin_client.post(change_url("01"), {**data, "_save": "1"})

    assert response.status_code == 200
    assert "DynamoDB stores items of at most 409,600 bytes" in text(response)
    assert calls == []
    assert "more" not in stored(raw_client, "01")


def test_values_text_cannot_carry_are_read_only_kept_and_deletable(
    admin_client, contacts_table, raw_client
):
    """A String Set with a line break in a member is shown read-only: saving keeps it exactly;
    its Delete box still removes it."""
    put(raw_client, {"id": {"S": "01"}, "username": {"S": "R"},
                     "odd": {"SS": ["a\nb", "c"]}, "empty member": {"SS": ["", "c"]}})
    before = stored(raw_client, "01")
    page = admin_client.get(change_url("01"))
    data = form_fields(page.content)
    assert "attributes-0-value" not in data  # disabled fields are not posted

    kept = admin_client.post(change_url("01"), {**data, "username": "R2", "_save": "1"})
    assert kept.status_code == 302
    assert stored(raw_client, "01") == {**before, "username": {"S": "R2"}}

    data = form_fields(admin_client.get(change_url("01")).content)
    data["attributes-0-DELETE"] = "on"
    removed = admin_client.post(change_url("01"), {**data, "_save": "1"})
    assert removed.status_code == 302
    assert "odd" not in stored(raw_client, "01")
    assert "empty member" in stored(raw_client, "01")


def test_a_view_only_user_sees_rows_disabled(db, client, django_user_model, contacts_table,
                                             raw_client):
    from django.contrib.auth.models import Permission

    user = django_user_model.objects.create_user("viewer", is_staff=True)
    user.user_permissions.add(Permission.objects.get(codename="view_contact"))
    client.force_login(user)
    put(raw_client, {"id": {"S": "01"}, "username": {"S": "R"}, "city": {"S": "Pune"}})

    content = client.get(change_url("01")).content.decode()

    assert "Add another attribute" not in content
    assert not [name for name in form_fields(content) if name.startswith("attributes-0")]
    assert re.search(r'<textarea[^>]*disabled[^>]*>\s*Pune</textarea>', content)


# --- Lossless round trips ---------------------------------------------------------------------


def test_every_type_written_by_another_tool_survives_open_and_save(
    admin_client, contacts_table, raw_client
):
    """Open and save unchanged (as a browser posts it, CRLF line breaks and all): the item is
    identical, attribute for attribute, type for type."""
    put(raw_client, EVERY_TYPE_ITEM)
    before = stored(raw_client, "every")

    response = submit(admin_client, change_url("every"), {"_save": "1"})

    assert response.status_code == 302, errors(response)
    assert stored(raw_client, "every") == before


def test_text_html_cannot_carry_is_kept_read_only(admin_client, contacts_table, raw_client):
    """NUL characters (HTML turns them into U+FFFD) and line breaks in names (text inputs drop
    them) cannot make a browser round trip: such fields and rows are read-only and kept."""
    put(raw_client, {"id": {"S": "01"}, "username": {"S": "a\x00b"}, "nul": {"S": "x\x00"},
                     "two\nlines": {"S": "x"}, "phone": {"S": "555\n0100"}})
    before = stored(raw_client, "01")

    response = submit(admin_client, change_url("01"), {"email": "a@example.com", "_save": "1"})

    assert response.status_code == 302, errors(response)
    assert stored(raw_client, "01") == {**before, "email": {"S": "a@example.com"}}


@pytest.mark.parametrize("name", [name for name in EVERY_TYPE_ITEM
                                  if name not in ("id", "username", "locked set")])
def test_changing_one_attribute_changes_only_that_one(
    admin_client, contacts_table, raw_client, name
):
    put(raw_client, EVERY_TYPE_ITEM)
    before = stored(raw_client, "every")
    data = form_fields(admin_client.get(change_url("every")).content)
    set_row(data, row_index(data, name), name, "S", "changed")

    response = admin_client.post(change_url("every"), {**data, "_save": "1"})

    assert response.status_code == 302, errors(response)
    assert stored(raw_client, "every") == {**before, name: {"S": "changed"}}


@pytest.mark.parametrize("store", ["dynamodb_local"], indirect=True)
@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(attributes=other_attributes, data=st.data())
def test_random_documents_survive_open_and_save_on_dynamodb_local(
    admin_client, contacts_table, raw_client, attributes, data
):
    """Property: any document another tool writes opens and saves unchanged; then changing one
    random attribute changes exactly that one."""
    contact_id = uuid.uuid4().hex
    put(raw_client, backend.to_attributes({"id": contact_id, "username": "u", **attributes}))
    before = stored(raw_client, contact_id)

    unchanged = submit(admin_client, change_url(contact_id), {"_save": "1"})

    assert unchanged.status_code == 302, errors(unchanged)
    assert stored(raw_client, contact_id) == before
    if not attributes:
        return
    name = data.draw(st.sampled_from(sorted(attributes)))
    content = admin_client.get(change_url(contact_id)).content
    index = row_index(form_fields(content, include_disabled=True), name)
    page = form_fields(content)
    if f"attributes-{index}-value" not in page:  # shown read-only: it can only be deleted
        return
    set_row(page, index, name, "N", "42")
    changed = admin_client.post(change_url(contact_id), {**page, "_save": "1"})
    assert changed.status_code == 302, errors(changed)
    assert stored(raw_client, contact_id) == {**before, name: {"N": "42"}}


# --- No lost writes -------------------------------------------------------------------------------


def test_the_second_of_two_concurrent_saves_is_refused_with_both_values_shown(
    admin_client, contacts_table, raw_client
):
    """Two people open the same contact (written by another tool, no version attribute) and
    both save: the second gets a 409 naming the conflict, their value beside the current one,
    and a form of the current item that saves normally."""
    put(raw_client, {"id": {"S": "01"}, "username": {"S": "Raju"}, "city": {"S": "Pune"}})
    first = form_fields(admin_client.get(change_url("01")).content)
    second = form_fields(admin_client.get(change_url("01")).content)
    set_row(first, row_index(first, "city"), "city", "S", "Mumbai")
    second["username"] = "Raju K"

    assert admin_client.post(change_url("01"), {**first, "_save": "1"}).status_code == 302
    refused = admin_client.post(change_url("01"), {**second, "_save": "1"})

    assert refused.status_code == 409
    page = text(refused)
    assert "The contact “01” was changed by someone else after you opened it." in page
    assert "Your changes were not saved" in page
    table = re.search(r'<table class="dynamo-differences[^"]*">.*?</table>',
                      refused.content.decode(), re.S).group(0)
    assert "Pune (String)" in table and "Mumbai (String)" in table and "Raju K (String)" in table
    assert stored(raw_client, "01") == {"id": {"S": "01"}, "username": {"S": "Raju"},
                                        "city": {"S": "Mumbai"}}
    # The form the conflict page shows is built from the current item, with the user's
    # change (which does not clash) re-applied: saving it as shown keeps both.
    retry = form_fields(refused.content)
    assert retry["username"] == "Raju K"
    assert admin_client.post(change_url("01"), {**retry, "_save": "1"}).status_code == 302
    assert stored(raw_client, "01")["username"] == {"S": "Raju K"}
    assert stored(raw_client, "01")["city"] == {"S": "Mumbai"}


def test_a_change_by_another_tool_to_an_unseen_attribute_is_kept(
    admin_client, contacts_table, raw_client
):
    """An attribute another tool adds after the form was shown is not the form's to judge: the
    save goes through (it writes only what the user changed) and the new attribute stays."""
    put(raw_client, {"id": {"S": "01"}, "username": {"S": "Raju"}})
    data = form_fields(admin_client.get(change_url("01")).content)
    raw_client.update_item(TableName=CONTACTS.name, Key={"id": {"S": "01"}},
                           UpdateExpression="SET #t = :t", ExpressionAttributeNames={"#t": "tool"},
                           ExpressionAttributeValues={":t": {"S": "cli"}})
    data["username"] = "Raju K"

    assert admin_client.post(change_url("01"), {**data, "_save": "1"}).status_code == 302
    assert stored(raw_client, "01") == {"id": {"S": "01"}, "username": {"S": "Raju K"},
                                        "tool": {"S": "cli"}}


def test_adding_an_attribute_someone_else_just_added_is_a_conflict(
    admin_client, contacts_table, raw_client
):
    put(raw_client, {"id": {"S": "01"}, "username": {"S": "Raju"}})
    data = form_fields(admin_client.get(change_url("01")).content)
    put(raw_client, {"id": {"S": "01"}, "username": {"S": "Raju"}, "city": {"S": "Pune"}})
    set_row(data, blank_row(data), "city", "S", "Delhi")

    response = admin_client.post(change_url("01"), {**data, "_save": "1"})

    assert response.status_code == 409
    assert stored(raw_client, "01")["city"] == {"S": "Pune"}


def test_deleting_a_contact_changed_since_the_confirmation_is_refused(
    admin_client, contacts_table, raw_client
):
    put(raw_client, {"id": {"S": "01"}, "username": {"S": "Raju"}})
    data = form_fields(admin_client.get(delete_url("01")).content, "contact_delete_form")
    put(raw_client, {"id": {"S": "01"}, "username": {"S": "Raju K"}})

    refused = admin_client.post(delete_url("01"), data)

    assert refused.status_code == 409
    assert "was changed by someone else after you opened this page, so it was not deleted" in (
        text(refused))
    assert "Raju K (String)" in text(refused)
    assert stored(raw_client, "01") is not None
    again = form_fields(refused.content, "contact_delete_form")
    assert admin_client.post(delete_url("01"), again).status_code == 302
    assert stored(raw_client, "01") is None


def test_a_change_post_is_one_dynamodb_request(admin_client, contacts_table, raw_client,
                                               monkeypatch):
    """Saving sends one conditional UpdateItem and nothing else; deleting one DeleteItem."""
    put(raw_client, {"id": {"S": "01"}, "username": {"S": "Raju"}, "city": {"S": "Pune"}})
    data = form_fields(admin_client.get(change_url("01")).content)
    delete_form = form_fields(admin_client.get(delete_url("01")).content, "contact_delete_form")
    data["username"] = "Raju K"
    calls = recording_calls(monkeypatch)

    assert admin_client.post(change_url("01"), {**data, "_save": "1"}).status_code == 302
    assert calls == ["update_item"]
    calls.clear()
    assert admin_client.post(delete_url("01"), delete_form).status_code == 409  # changed since
    assert calls == ["delete_item"]


# --- Bulk delete ------------------------------------------------------------------------------


def test_bulk_delete_uses_batch_write_item_in_chunks_of_25(
    admin_client, contacts_table, raw_client, monkeypatch
):
    """Deleting 60 selected contacts (and 2 already gone) reads them in one BatchGetItem, deletes
    them with three BatchWriteItem requests, and reports exactly 60."""
    ids = [f"c{number:02d}" for number in range(60)]
    for contact_id in ids:
        put(raw_client, {"id": {"S": contact_id}, "username": {"S": contact_id}})
    put(raw_client, {"id": {"S": "keep"}, "username": {"S": "keep"}})
    calls = recording_calls(monkeypatch)
    selection = {"action": "delete_selected", "_selected_action": [*ids, "gone1", "gone2"],
                 "post": "yes"}

    response = admin_client.post(LIST_URL, selection, follow=True)

    assert "Successfully deleted 60 contacts." in text(response)
    assert calls.count("batch_write_item") == 3
    assert calls.count("delete_item") == 0
    assert [item["id"]["S"] for item in raw_client.scan(
        TableName=CONTACTS.name)["Items"]] == ["keep"]


def test_bulk_delete_resends_unprocessed_items(contacts_table, raw_client, monkeypatch):
    """When DynamoDB leaves part of a batch unprocessed, the rest is sent again after a pause
    until every contact is gone."""
    for number in range(30):
        put(raw_client, {"id": {"S": f"c{number}"}})
    real_call = backend.call
    sent = []

    def throttling_call(operation, **params):
        if operation != "batch_write_item":
            return real_call(operation, **params)
        (table, requests), = params["RequestItems"].items()
        sent.append(len(requests))
        half = len(requests) // 2 if len(sent) == 1 else len(requests)
        response = real_call(operation, RequestItems={table: requests[:half]})
        if requests[half:]:
            response["UnprocessedItems"] = {table: requests[half:]}
        return response

    monkeypatch.setattr(backend, "call", throttling_call)
    monkeypatch.setattr(batches, "BATCH_FIRST_PAUSE", 0.001)

    deleted = contacts.delete_many([f"c{number}" for number in range(30)])

    assert len(deleted) == 30
    assert sent == [25, 13, 5]
    assert raw_client.scan(TableName=CONTACTS.name)["Count"] == 0
