"""Editing as people do it (issue 15): items that lack a declared field save unchanged, a
refused save keeps the user's work (a three-way merge; a deleted item can be created again),
and "Save as new" copies an item under another key without ever overwriting one.

On moto and DynamoDB Local, through the test client, for contacts and a browsed table
with a composite key (Orders).
"""

import html
import re

import pytest
from django import forms
from django.contrib.admin.models import ADDITION, LogEntry
from django.contrib.auth.models import Permission
from django.utils.html import strip_tags

from contacts.models import CONTACTS
from dynamodb_tables.admin import ItemForm
from dynamodb_tables.store import KeyAttribute, Table

from . import helpers
from .helpers import ADD_URL, change_url, put, stored_ids
from .orders import created_by_another_tool, raw_order, stored_order
from .support.formdata import blank_row, form_fields, row_index, submit


def stored(raw_client, contact_id):
    """The stored contact without the attributes the app derives (the username index's)."""
    item = helpers.stored(raw_client, contact_id)
    derived = {attribute.name for attribute in CONTACTS.derived}
    if item is None:
        return None
    return {name: sorted_set(value) for name, value in item.items() if name not in derived}


def sorted_set(value):
    """A raw value with a set's members sorted: sets have no order."""
    (kind, raw), = value.items()
    return {kind: sorted(raw)} if kind in ("SS", "NS", "BS") else value


def text(response):
    return html.unescape(strip_tags(response.content.decode()))


def errors(response):
    """Return every error message the form shows, as text."""
    return [html.unescape(strip_tags(found)).strip() for found in re.findall(
        r'<ul class="errorlist[^"]*"[^>]*>(.*?)</ul>', response.content.decode(), re.S)]


def set_row(data, index, name, kind, value):
    data[f"attributes-{index}-name"] = name
    data[f"attributes-{index}-type"] = kind
    data[f"attributes-{index}-value"] = value


def merge_table(response):
    """Return {attribute: the last cell's text} of the conflict page's table."""
    table = re.search(r'<table class="dynamo-differences dynamo-merge">.*?</table>',
                      response.content.decode(), re.S).group(0)
    rows = re.findall(r'<th scope="row">(.*?)</th>(.*?)</tr>', table, re.S)
    return {html.unescape(name): " | ".join(
        " ".join(html.unescape(strip_tags(cell)).split())
        for cell in re.findall(r"<td>(.*?)</td>", cells, re.S)) for name, cells in rows}


# --- 2. A declared field the item lacks is not required on change ---------------------------


def test_a_contact_without_a_username_saves_unchanged(admin_client, contacts_table, raw_client):
    """An item written by another tool without a username opens with the field optional;
    saving it as shown writes nothing, and editing another field writes only that one."""
    put(raw_client, id={"S": "cli-1"}, city={"S": "Pune"}, tags={"SS": ["a", "b"]})
    before = stored(raw_client, "cli-1")

    page = admin_client.get(change_url("cli-1"))
    saved = submit(admin_client, change_url("cli-1"), {"_save": "1"})

    field = re.search(r'<input[^>]*name="username"[^>]*>', page.content.decode()).group(0)
    assert " required" not in field
    assert saved.status_code == 302, errors(saved)
    assert stored(raw_client, "cli-1") == before
    aged = submit(admin_client, change_url("cli-1"), {"age": "30", "_save": "1"})
    assert aged.status_code == 302, errors(aged)
    assert stored(raw_client, "cli-1") == {**before, "age": {"N": "30"}}


def test_a_username_of_spaces_is_refused_where_the_field_is_optional(
    admin_client, contacts_table, raw_client
):
    put(raw_client, id={"S": "cli-1"})

    response = submit(admin_client, change_url("cli-1"), {"username": "   ", "_save": "1"})

    assert response.status_code == 200
    assert "Enter a username, or leave the field empty." in errors(response)
    assert stored(raw_client, "cli-1") == {"id": {"S": "cli-1"}}


def test_a_stored_username_and_a_new_contact_still_need_one(
    admin_client, contacts_table, raw_client
):
    """On add the username stays required, and a contact that has one cannot lose it."""
    put(raw_client, id={"S": "01"}, username={"S": "Raju"})

    added = submit(admin_client, ADD_URL, {"id": "02", "_save": "1"})
    cleared = submit(admin_client, change_url("01"), {"username": "", "_save": "1"})

    assert added.status_code == 200 and "This field is required." in errors(added)
    assert cleared.status_code == 200 and "This field is required." in errors(cleared)
    assert stored_ids(raw_client) == {"01"}
    assert stored(raw_client, "01")["username"] == {"S": "Raju"}


def test_any_item_form_leaves_a_missing_declared_field_optional_on_change():
    """Generic: a required field of any ItemForm is optional for an item that lacks it."""

    class NoteForm(ItemForm):
        title = forms.CharField()
        pages = forms.IntegerField()

    table = Table("Notes", KeyAttribute("book", "S"), KeyAttribute("page", "N"))
    item = {"book": "b", "page": 1, "title": "T"}

    change = NoteForm({"title": "T", "pages": ""}, table=table, item=item)
    add = NoteForm({"book": "b", "page": "2", "title": "T", "pages": ""}, table=table)

    assert change.is_valid(), change.errors
    assert change.changes() == {}
    assert not add.is_valid() and "pages" in add.errors
    assert NoteForm({"title": "", "pages": ""}, table=table, item=item).errors == {
        "title": ["This field is required."]}


# --- 3. A refused save keeps your work ----------------------------------------------------------


def two_forms(client, url, form_id="contact_form"):
    """Return the data of the same change form opened twice (two people, or two tabs)."""
    return (form_fields(client.get(url).content, form_id),
            form_fields(client.get(url).content, form_id))


def test_a_refused_save_reapplies_every_change_that_does_not_clash(
    admin_client, contacts_table, raw_client
):
    """They changed city; you changed username, age and a row and removed another: the 409
    shows the item as it is now with all of your changes in the form, nothing to choose, and
    saving it as shown keeps both edits."""
    put(raw_client, id={"S": "01"}, username={"S": "Raju"}, age={"N": "30"},
        city={"S": "Pune"}, note={"S": "old"}, score={"N": "1"})
    theirs, yours = two_forms(admin_client, change_url("01"))
    set_row(theirs, row_index(theirs, "city"), "city", "S", "Mumbai")
    assert admin_client.post(change_url("01"), {**theirs, "_save": "1"}).status_code == 302
    yours.update(username="Raju K", age="31")
    set_row(yours, row_index(yours, "note"), "note", "S", "new")
    yours[f"attributes-{row_index(yours, 'score')}-DELETE"] = "on"
    set_row(yours, blank_row(yours), "nickname", "S", "RK")

    refused = admin_client.post(change_url("01"), {**yours, "_save": "1"})

    assert refused.status_code == 409
    page = text(refused)
    assert "was changed by someone else after you opened it" in page
    assert "Your changes were not saved" in page and "none clashes with the other edit" in page
    assert merge_table(refused) == {
        "username": "Raju (String) | Raju (String) | Raju K (String) | Your change, re-applied",
        "age": "30 (Number) | 30 (Number) | 31 (Number) | Your change, re-applied",
        "city": "Pune (String) | Mumbai (String) | — | Their change, kept",
        "note": "old (String) | old (String) | new (String) | Your change, re-applied",
        "score": "1 (Number) | 1 (Number) | (removed) | Your change, re-applied",
        "nickname": "(absent) | (absent) | RK (String) | Your change, re-applied",
    }
    assert 'type="radio"' not in refused.content.decode()
    retry = form_fields(refused.content)
    assert (retry["username"], retry["age"]) == ("Raju K", "31")
    assert retry[f"attributes-{row_index(retry, 'city')}-value"] == "Mumbai"
    assert retry[f"attributes-{row_index(retry, 'note')}-value"] == "new"
    assert retry[f"attributes-{row_index(retry, 'score')}-DELETE"] == "on"
    assert retry[f"attributes-{row_index(retry, 'nickname')}-value"] == "RK"
    assert stored(raw_client, "01")["username"] == {"S": "Raju"}  # nothing saved yet

    saved = admin_client.post(change_url("01"), {**retry, "_save": "1"})

    assert saved.status_code == 302, errors(saved)
    assert stored(raw_client, "01") == {
        "id": {"S": "01"}, "username": {"S": "Raju K"}, "age": {"N": "31"},
        "city": {"S": "Mumbai"}, "note": {"S": "new"}, "nickname": {"S": "RK"}}


def test_a_clash_is_marked_and_asked_about_and_keep_mine_writes_yours(
    admin_client, contacts_table, raw_client
):
    """Both changed city and username: those two are asked about (the form shows yours,
    marked); your change to age is re-applied without a question. Keeping yours saves it."""
    put(raw_client, id={"S": "01"}, username={"S": "Raju"}, age={"N": "30"}, city={"S": "Pune"})
    theirs, yours = two_forms(admin_client, change_url("01"))
    theirs["username"] = "Raju T"
    set_row(theirs, row_index(theirs, "city"), "city", "S", "Mumbai")
    assert admin_client.post(change_url("01"), {**theirs, "_save": "1"}).status_code == 302
    yours.update(username="Raju Y", age="31")
    set_row(yours, row_index(yours, "city"), "city", "S", "Delhi")

    refused = admin_client.post(change_url("01"), {**yours, "_save": "1"})

    assert refused.status_code == 409
    assert "2 of them clash with the other edit" in text(refused)
    outcomes = merge_table(refused)
    assert outcomes["age"].endswith("Your change, re-applied")
    for name in ("username", "city"):
        assert outcomes[name].endswith("Keep mine (the form's value) Take theirs")
    content = refused.content.decode()
    assert content.count('type="radio"') == 4
    assert "Someone else changed this too: this is your value." in content  # username's mark
    city_row = re.search(r'<tr class="[^"]*dynamo-attribute-clash[^"]*">(.*?)</tr>', content,
                         re.S).group(1)
    assert "Delhi" in city_row
    retry = form_fields(refused.content)
    assert (retry["username"], retry["age"]) == ("Raju Y", "31")
    assert set(retry[name] for name in retry if name.startswith("_clash-")) == {"mine"}

    saved = admin_client.post(change_url("01"), {**retry, "_save": "1"})

    assert saved.status_code == 302, errors(saved)
    assert stored(raw_client, "01") == {"id": {"S": "01"}, "username": {"S": "Raju Y"},
                                        "age": {"N": "31"}, "city": {"S": "Delhi"}}


def test_take_theirs_keeps_the_other_edit_and_still_saves_the_rest(
    admin_client, contacts_table, raw_client
):
    put(raw_client, id={"S": "01"}, username={"S": "Raju"}, age={"N": "30"}, city={"S": "Pune"})
    theirs, yours = two_forms(admin_client, change_url("01"))
    theirs["username"] = "Raju T"
    set_row(theirs, row_index(theirs, "city"), "city", "S", "Mumbai")
    assert admin_client.post(change_url("01"), {**theirs, "_save": "1"}).status_code == 302
    yours.update(username="Raju Y", age="31")
    set_row(yours, row_index(yours, "city"), "city", "S", "Delhi")
    retry = form_fields(admin_client.post(change_url("01"), {**yours, "_save": "1"}).content)
    choices = {name for name in retry if name.startswith("_clash-")}
    assert len(choices) == 2

    saved = admin_client.post(change_url("01"), {**retry, **dict.fromkeys(choices, "theirs"),
                                                 "_save": "1"})

    assert saved.status_code == 302, errors(saved)
    assert stored(raw_client, "01") == {"id": {"S": "01"}, "username": {"S": "Raju T"},
                                        "age": {"N": "31"}, "city": {"S": "Mumbai"}}


def test_the_same_change_made_by_both_is_no_clash(admin_client, contacts_table, raw_client):
    put(raw_client, id={"S": "01"}, username={"S": "Raju"}, city={"S": "Pune"})
    theirs, yours = two_forms(admin_client, change_url("01"))
    set_row(theirs, row_index(theirs, "city"), "city", "S", "Mumbai")
    assert admin_client.post(change_url("01"), {**theirs, "_save": "1"}).status_code == 302
    set_row(yours, row_index(yours, "city"), "city", "S", "Mumbai")
    yours["username"] = "Raju K"

    refused = admin_client.post(change_url("01"), {**yours, "_save": "1"})

    assert refused.status_code == 409
    assert merge_table(refused)["city"].endswith("Their change, the same as yours")
    assert 'type="radio"' not in refused.content.decode()
    retry = form_fields(refused.content)
    assert admin_client.post(change_url("01"), {**retry, "_save": "1"}).status_code == 302
    assert stored(raw_client, "01") == {"id": {"S": "01"}, "username": {"S": "Raju K"},
                                        "city": {"S": "Mumbai"}}


def test_a_clash_with_a_value_the_field_cannot_edit_keeps_theirs_and_says_so(
    admin_client, contacts_table, raw_client
):
    """They stored age as a String (the field shows it read-only): your age cannot be shown
    in the form, so it is not offered as "keep mine"; your other change still is re-applied."""
    put(raw_client, id={"S": "01"}, username={"S": "Raju"}, age={"N": "30"})
    yours = form_fields(admin_client.get(change_url("01")).content)
    put(raw_client, id={"S": "01"}, username={"S": "Raju"}, age={"S": "30"})
    yours.update(username="Raju K", age="31")

    refused = admin_client.post(change_url("01"), {**yours, "_save": "1"})

    assert refused.status_code == 409
    assert merge_table(refused)["age"].endswith(
        "Their change, kept: the field cannot edit their value")
    assert 'type="radio"' not in refused.content.decode()
    retry = form_fields(refused.content)
    assert admin_client.post(change_url("01"), {**retry, "_save": "1"}).status_code == 302
    assert stored(raw_client, "01") == {"id": {"S": "01"}, "username": {"S": "Raju K"},
                                        "age": {"S": "30"}}


def test_a_second_conflict_on_the_refreshed_form_merges_again(
    admin_client, contacts_table, raw_client
):
    """The refreshed form's save is conditional on the item as it now shows it."""
    put(raw_client, id={"S": "01"}, username={"S": "Raju"}, city={"S": "Pune"})
    theirs, yours = two_forms(admin_client, change_url("01"))
    set_row(theirs, row_index(theirs, "city"), "city", "S", "Mumbai")
    assert admin_client.post(change_url("01"), {**theirs, "_save": "1"}).status_code == 302
    yours["username"] = "Raju K"
    retry = form_fields(admin_client.post(change_url("01"), {**yours, "_save": "1"}).content)
    put(raw_client, id={"S": "01"}, username={"S": "Raju"}, city={"S": "Goa"})

    again = admin_client.post(change_url("01"), {**retry, "_save": "1"})

    assert again.status_code == 409
    assert stored(raw_client, "01")["city"] == {"S": "Goa"}
    final = form_fields(again.content)
    assert final["username"] == "Raju K"
    assert admin_client.post(change_url("01"), {**final, "_save": "1"}).status_code == 302
    assert stored(raw_client, "01") == {"id": {"S": "01"}, "username": {"S": "Raju K"},
                                        "city": {"S": "Goa"}}


@pytest.mark.auth_database
def test_a_save_over_a_deleted_contact_offers_to_create_it_again(
    admin_client, contacts_table, raw_client
):
    """Deleted meanwhile: the page says so and keeps what you typed; one click creates the
    contact again with your values, every attribute included."""
    put(raw_client, id={"S": "01"}, username={"S": "Raju"}, tags={"SS": ["a", "b"]})
    yours = form_fields(admin_client.get(change_url("01")).content)
    raw_client.delete_item(TableName=CONTACTS.name, Key={"id": {"S": "01"}})
    yours["username"] = "Raju K"
    set_row(yours, blank_row(yours), "city", "S", "Pune")

    refused = admin_client.post(change_url("01"), {**yours, "_save": "1"})

    assert refused.status_code == 404
    assert ("No contact with id “01” exists. The contact “Raju” was deleted by someone else "
            "after you opened it") in text(refused)
    assert 'name="_recreate"' in refused.content.decode()
    kept = form_fields(refused.content)
    assert kept["username"] == "Raju K"
    assert kept[f"attributes-{row_index(kept, 'city')}-value"] == "Pune"
    assert stored(raw_client, "01") is None

    created = admin_client.post(change_url("01"), {**kept, "_recreate": "1"})

    assert created.status_code == 302, errors(created)
    assert stored(raw_client, "01") == {"id": {"S": "01"}, "username": {"S": "Raju K"},
                                        "tags": {"SS": ["a", "b"]}, "city": {"S": "Pune"}}
    assert LogEntry.objects.get().action_flag == ADDITION


def test_creating_it_again_never_overwrites_one_created_meanwhile(
    admin_client, contacts_table, raw_client
):
    """If someone created the contact again before you clicked, yours is merged into theirs
    as after any conflict; nothing is overwritten."""
    put(raw_client, id={"S": "01"}, username={"S": "Raju"}, city={"S": "Pune"})
    yours = form_fields(admin_client.get(change_url("01")).content)
    raw_client.delete_item(TableName=CONTACTS.name, Key={"id": {"S": "01"}})
    yours["username"] = "Raju K"
    gone = admin_client.post(change_url("01"), {**yours, "_save": "1"})
    assert gone.status_code == 404
    kept = form_fields(gone.content)
    put(raw_client, id={"S": "01"}, username={"S": "Asha"}, city={"S": "Pune"})

    refused = admin_client.post(change_url("01"), {**kept, "_recreate": "1"})

    assert refused.status_code == 409
    assert stored(raw_client, "01") == {"id": {"S": "01"}, "username": {"S": "Asha"},
                                        "city": {"S": "Pune"}}
    assert "Keep mine" in text(refused)
    assert form_fields(refused.content)["username"] == "Raju K"


def test_a_save_without_changes_over_a_deleted_contact_also_offers_it(
    admin_client, contacts_table, raw_client
):
    put(raw_client, id={"S": "01"}, username={"S": "Raju"})
    yours = form_fields(admin_client.get(change_url("01")).content)
    raw_client.delete_item(TableName=CONTACTS.name, Key={"id": {"S": "01"}})

    refused = admin_client.post(change_url("01"), {**yours, "_save": "1"})

    assert refused.status_code == 404
    assert "was deleted by someone else" in text(refused)
    assert admin_client.post(change_url("01"), {**form_fields(refused.content),
                                                "_recreate": "1"}).status_code == 302
    assert stored(raw_client, "01") == {"id": {"S": "01"}, "username": {"S": "Raju"}}


# --- 6. Save as new ------------------------------------------------------------------------------


@pytest.mark.auth_database
def test_save_as_new_copies_every_attribute_under_the_new_id(
    admin_client, contacts_table, raw_client
):
    """The copy is the form as shown (edits included, undeclared and read-only attributes
    kept), under the id typed; the original is untouched; the copy's page opens."""
    put(raw_client, id={"S": "01"}, username={"S": "Raju"}, age={"N": "30.5"},
        tags={"SS": ["a", "b"]}, address={"M": {"city": {"S": "Pune"}}},
        locked={"SS": ["has\nline break"]})
    before = stored(raw_client, "01")
    page = admin_client.get(change_url("01")).content.decode()
    assert 'name="_saveasnew"' in page and 'name="copy-id"' in page
    assert '<label for="id_copy-id">id of the copy:</label>' in page

    response = submit(admin_client, change_url("01"),
                      {"copy-id": "02", "username": "Raju copy", "_saveasnew": "Save as new"})

    assert response.status_code == 302, errors(response)
    assert response["Location"] == change_url("02")
    assert stored(raw_client, "02") == {**before, "id": {"S": "02"},
                                        "username": {"S": "Raju copy"}}
    assert stored(raw_client, "01") == before
    assert LogEntry.objects.get().action_flag == ADDITION


def test_save_as_new_without_an_id_generates_one(admin_client, contacts_table, raw_client):
    put(raw_client, id={"S": "01"}, username={"S": "Raju"}, city={"S": "Pune"})

    response = submit(admin_client, change_url("01"), {"_saveasnew": "Save as new"})

    assert response.status_code == 302, errors(response)
    (new_id,) = stored_ids(raw_client) - {"01"}
    assert stored(raw_client, new_id) == {"id": {"S": new_id}, "username": {"S": "Raju"},
                                          "city": {"S": "Pune"}}


def test_save_as_new_never_overwrites_an_existing_id(admin_client, contacts_table, raw_client):
    put(raw_client, id={"S": "01"}, username={"S": "Raju"})
    put(raw_client, id={"S": "02"}, username={"S": "Asha"})

    response = submit(admin_client, change_url("01"),
                      {"copy-id": "02", "username": "Raju K", "_saveasnew": "Save as new"})

    assert response.status_code == 200
    assert "A contact with id “02” already exists." in errors(response)
    assert form_fields(response.content)["username"] == "Raju K"  # what you typed is kept
    assert stored(raw_client, "02") == {"id": {"S": "02"}, "username": {"S": "Asha"}}
    assert stored(raw_client, "01") == {"id": {"S": "01"}, "username": {"S": "Raju"}}


def test_plain_save_ignores_the_copy_fields(admin_client, contacts_table, raw_client):
    put(raw_client, id={"S": "01"}, username={"S": "Raju"})

    response = submit(admin_client, change_url("01"),
                      {"copy-id": "02", "username": "Raju K", "_save": "1"})

    assert response.status_code == 302
    assert stored_ids(raw_client) == {"01"}


def user_client(client, django_user_model, *codenames):
    """A logged-in staff user with these permissions on contacts."""
    user = django_user_model.objects.create_user("someone", is_staff=True)
    user.user_permissions.set(Permission.objects.filter(
        codename__in=codenames, content_type__app_label="contacts"))
    client.force_login(user)
    return client


@pytest.mark.auth_database
def test_save_as_new_takes_the_right_to_add(client, django_user_model, contacts_table,
                                            raw_client):
    """As in the admin: without "add" there is no Save as new (and a forged one is a 403);
    with "view" and "add" only, the read-only page can still be copied as it is."""
    put(raw_client, id={"S": "01"}, username={"S": "Raju"}, city={"S": "Pune"})
    editor = user_client(client, django_user_model, "view_contact", "change_contact")
    page = editor.get(change_url("01")).content.decode()
    data = form_fields(page)
    assert 'name="_saveasnew"' not in page and "copy-id" not in data
    forged = editor.post(change_url("01"), {**data, "copy-id": "02", "_saveasnew": "1"})
    assert forged.status_code == 403
    django_user_model.objects.get().user_permissions.set(Permission.objects.filter(
        codename__in=["view_contact", "add_contact"], content_type__app_label="contacts"))

    copied = submit(editor, change_url("01"), {"copy-id": "02", "_saveasnew": "Save as new"})

    assert copied.status_code == 302, errors(copied)
    assert stored(raw_client, "02") == {"id": {"S": "02"}, "username": {"S": "Raju"},
                                        "city": {"S": "Pune"}}
    assert stored_ids(raw_client) == {"01", "02"}


# --- Browsed tables: composite keys ---------------------------------------------------------------

FORM = "tableitem_form"


@pytest.fixture
def orders(store, raw_client):
    """A table created and filled by another tool (the AWS CLI): a few orders."""
    yield from created_by_another_tool(raw_client, store, 6)


def order_url(name, customer, order):
    return f"/admin/tables/{name}/{customer}_2C{order}/change/"


def test_save_as_new_copies_an_order_under_a_new_composite_key(admin_client, orders, raw_client):
    url = order_url(orders, "customer-1", 4)
    data = form_fields(admin_client.get(url).content, FORM)
    assert {"copy-customer", "copy-order"} <= set(data)
    data[f"attributes-{row_index(data, 'status')}-value"] = "copied"

    missing = admin_client.post(url, {**data, "copy-customer": "customer-9",
                                      "_saveasnew": "Save as new"})
    taken = admin_client.post(url, {**data, "copy-customer": "customer-2", "copy-order": "5",
                                    "_saveasnew": "Save as new"})
    copied = admin_client.post(url, {**data, "copy-customer": "customer-9", "copy-order": "40",
                                     "_saveasnew": "Save as new"})

    assert missing.status_code == 200 and "This field is required." in errors(missing)
    assert taken.status_code == 200
    assert "An item with customer “customer-2”, order “5” already exists." in errors(taken)
    assert stored_order(raw_client, orders, "customer-2", 5) == raw_order(5)
    assert copied.status_code == 302, errors(copied)
    assert copied["Location"] == order_url(orders, "customer-9", 40)
    assert stored_order(raw_client, orders, "customer-9", 40) == raw_order(
        4, customer={"S": "customer-9"}, order={"N": "40"}, status={"S": "copied"})
    assert stored_order(raw_client, orders, "customer-1", 4) == raw_order(4)


def test_a_conflict_on_an_order_reapplies_your_change(admin_client, orders, raw_client):
    url = order_url(orders, "customer-1", 4)
    theirs, yours = two_forms(admin_client, url, FORM)
    theirs[f"attributes-{row_index(theirs, 'status')}-value"] = "shipped"
    assert admin_client.post(url, {**theirs, "_save": "1"}).status_code == 302
    yours[f"attributes-{row_index(yours, 'placed')}-value"] = "2026-12-01"

    refused = admin_client.post(url, {**yours, "_save": "1"})

    assert refused.status_code == 409
    retry = form_fields(refused.content, FORM)
    assert admin_client.post(url, {**retry, "_save": "1"}).status_code == 302
    assert stored_order(raw_client, orders, "customer-1", 4) == raw_order(
        4, status={"S": "shipped"}, placed={"S": "2026-12-01"})
