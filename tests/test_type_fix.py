"""A declared field stored with another type (age "30" as a String, as the Node demo writes it)
is converted to the field's type only when the user ticks "Convert", whose label previews the
new value; a value that cannot be converted says why. Conversions on moto and DynamoDB Local."""

import re
from decimal import Decimal

import pytest
from django import forms
from django.contrib.auth.models import Permission

from contacts.forms import ContactForm
from contacts.models import CONTACTS
from dynamodb_tables.admin.type_fix import conversion

from .helpers import change_url
from .support.formdata import form_fields
from .test_editing_flow import merge_table
from .test_editor import errors, put, recording_calls, stored, text

AGE = ContactForm.base_fields["age"]


def written(raw_client, contact_id):
    """The stored item without the attributes the app derives on every save (store.derived)."""
    derived = {attribute.name for attribute in CONTACTS.derived}
    return {name: value for name, value in stored(raw_client, contact_id).items()
            if name not in derived}


# --- What a conversion gives ----------------------------------------------------------------


@pytest.mark.parametrize(("field", "stored_value", "kind", "value"), [
    (AGE, "30", "N", Decimal(30)),
    (AGE, " 30 ", "N", Decimal(30)),
    (AGE, True, "N", None),
    (forms.DecimalField(), "12345678901234567890.123456789", "N",
     Decimal("12345678901234567890.123456789")),
    (ContactForm.base_fields["username"], Decimal("42"), "S", "42"),
    (forms.BooleanField(required=False), "false", "BOOL", False),
])
def test_a_value_of_another_type_converts_to_the_fields_type(field, stored_value, kind, value):
    found = conversion(field, stored_value)
    assert found.kind == kind
    if value is None:
        assert not found.possible
    else:
        assert found.possible and found.value == value
        assert type(found.value) is type(value)


@pytest.mark.parametrize(("stored_value", "problem"), [
    ("thirty", "Enter a whole number."),
    ("30.5", "Enter a whole number."),
    ("200", "Ensure this value is less than or equal to 150."),
    (["30"], "a List has no single value to convert."),
])
def test_a_value_that_cannot_be_converted_says_why(stored_value, problem):
    found = conversion(AGE, stored_value)
    assert not found.possible
    assert found.problem == problem
    assert "cannot be converted to a Number" in found.help_text


def test_no_conversion_is_offered_for_a_value_of_the_right_type_or_an_unknown_field():
    """A Number the field refuses (30.5 for a whole number) is not a type to fix; a float field
    has no exact DynamoDB type."""
    assert conversion(AGE, Decimal("30.5")) is None
    assert conversion(forms.FloatField(), "1.5") is None


# --- On the change form ----------------------------------------------------------------------


def convert_box(content):
    """Return (name, label) of the page's "Convert" boxes."""
    page = content.decode()
    return [(name, re.search(rf'<label for="{box_id}"[^>]*>(.*?)</label>', page).group(1))
            for name, box_id in re.findall(
                r'<input type="checkbox" name="(_convert-[^"]+)" id="([^"]+)"', page)]


def test_a_number_stored_as_a_string_is_offered_a_conversion_with_a_preview(
    admin_client, contacts_table, raw_client
):
    put(raw_client, {"id": {"S": "01"}, "username": {"S": "Raju"}, "age": {"S": "30"}})

    page = admin_client.get(change_url("01"))

    assert convert_box(page.content) == [("_convert-age", "Convert to Number: 30")]
    assert "Stored as String “30”, not as the Number this field edits" in text(page)
    assert "age" not in form_fields(page.content)  # the value itself stays read-only


def test_without_the_box_ticked_nothing_is_converted(admin_client, contacts_table, raw_client,
                                                     monkeypatch):
    put(raw_client, {"id": {"S": "01"}, "username": {"S": "Raju"}, "age": {"S": "30"}})
    data = form_fields(admin_client.get(change_url("01")).content)
    calls = recording_calls(monkeypatch)

    response = admin_client.post(change_url("01"), {**data, "_save": "1"})

    assert response.status_code == 302, errors(response)
    assert "update_item" not in calls
    assert stored(raw_client, "01")["age"] == {"S": "30"}


def test_ticking_convert_stores_the_declared_type(admin_client, contacts_table, raw_client):
    """The save writes the previewed value as a Number; afterwards the field edits it."""
    put(raw_client, {"id": {"S": "01"}, "username": {"S": "Raju"}, "age": {"S": "30"},
                     "city": {"S": "Pune"}})
    data = form_fields(admin_client.get(change_url("01")).content)

    response = admin_client.post(change_url("01"),
                                 {**data, "_convert-age": "on", "_save": "1"})

    assert response.status_code == 302, errors(response)
    assert written(raw_client, "01") == {"id": {"S": "01"}, "username": {"S": "Raju"},
                                         "age": {"N": "30"}, "city": {"S": "Pune"}}
    again = admin_client.get(change_url("01"))
    assert convert_box(again.content) == []
    assert form_fields(again.content)["age"] == "30"


def test_a_value_that_cannot_be_converted_is_said_so_and_kept(
    admin_client, contacts_table, raw_client
):
    put(raw_client, {"id": {"S": "01"}, "username": {"S": "Raju"}, "age": {"S": "thirty"}})
    before = stored(raw_client, "01")

    page = admin_client.get(change_url("01"))

    assert convert_box(page.content) == []
    assert ("Stored as String “thirty”, which cannot be converted to a Number: Enter a whole "
            "number. It is kept as it is.") in text(page)
    # A forged box changes nothing: only offered conversions are applied.
    data = {**form_fields(page.content), "_convert-age": "on", "_save": "1"}
    assert admin_client.post(change_url("01"), data).status_code == 302
    assert stored(raw_client, "01") == before


def test_a_conversion_over_someone_elses_change_is_refused(
    admin_client, contacts_table, raw_client
):
    """The conversion is part of the conditional save: if the value changed meanwhile, the
    save is refused rather than writing a conversion of a value nobody saw."""
    put(raw_client, {"id": {"S": "01"}, "username": {"S": "Raju"}, "age": {"S": "30"}})
    data = form_fields(admin_client.get(change_url("01")).content)
    raw_client.update_item(TableName=CONTACTS.name, Key={"id": {"S": "01"}},
                           UpdateExpression="SET #a = :a", ExpressionAttributeNames={"#a": "age"},
                           ExpressionAttributeValues={":a": {"S": "31"}})

    response = admin_client.post(change_url("01"),
                                 {**data, "_convert-age": "on", "_save": "1"})

    assert response.status_code == 409
    assert stored(raw_client, "01")["age"] == {"S": "31"}


def test_a_view_only_user_is_offered_no_conversion(db, client, django_user_model,
                                                   contacts_table, raw_client):
    user = django_user_model.objects.create_user("viewer", is_staff=True)
    user.user_permissions.add(Permission.objects.get(codename="view_contact"))
    client.force_login(user)
    put(raw_client, {"id": {"S": "01"}, "username": {"S": "Raju"}, "age": {"S": "30"}})

    page = client.get(change_url("01"))

    assert page.status_code == 200
    assert convert_box(page.content) == []


def test_a_save_over_a_deleted_item_keeps_the_conversion_ticked(
    admin_client, contacts_table, raw_client
):
    """The page of an item deleted meanwhile keeps the user's values, the conversion too: its
    box is shown ticked, still with its preview."""
    put(raw_client, {"id": {"S": "01"}, "username": {"S": "Raju"}, "age": {"S": "30"}})
    data = form_fields(admin_client.get(change_url("01")).content)
    raw_client.delete_item(TableName=CONTACTS.name, Key={"id": {"S": "01"}})

    gone = admin_client.post(change_url("01"), {**data, "_convert-age": "on", "_save": "1"})

    assert gone.status_code == 404
    assert convert_box(gone.content) == [("_convert-age", "Convert to Number: 30")]
    assert form_fields(gone.content).get("_convert-age") == "on"
    assert stored(raw_client, "01") is None


def set_attribute(raw_client, contact_id, name, value):
    """Write one attribute as another tool would, between opening a form and saving it."""
    raw_client.update_item(TableName=CONTACTS.name, Key={"id": {"S": contact_id}},
                           UpdateExpression="SET #a = :a", ExpressionAttributeNames={"#a": name},
                           ExpressionAttributeValues={":a": value})


def test_a_refused_save_keeps_the_conversion_ticked_and_its_save_converts(
    admin_client, contacts_table, raw_client
):
    """Someone else changed another attribute meanwhile: the 409's form of the item as it is
    now still carries the conversion (ticked, listed as re-applied), and saving it stores age
    as a Number while keeping their change."""
    put(raw_client, {"id": {"S": "01"}, "username": {"S": "Raju"}, "age": {"S": "30"},
                     "city": {"S": "Pune"}})
    data = form_fields(admin_client.get(change_url("01")).content)
    set_attribute(raw_client, "01", "city", {"S": "Mumbai"})

    refused = admin_client.post(change_url("01"), {**data, "_convert-age": "on", "_save": "1"})

    assert refused.status_code == 409
    assert merge_table(refused)["age"] == (
        "30 (String) | 30 (String) | 30 (Number) | Your change, re-applied")
    assert convert_box(refused.content) == [("_convert-age", "Convert to Number: 30")]
    retry = form_fields(refused.content)
    assert retry.get("_convert-age") == "on"
    assert written(raw_client, "01")["age"] == {"S": "30"}  # nothing saved yet

    saved = admin_client.post(change_url("01"), {**retry, "_save": "1"})

    assert saved.status_code == 302, errors(saved)
    assert written(raw_client, "01") == {"id": {"S": "01"}, "username": {"S": "Raju"},
                                         "age": {"N": "30"}, "city": {"S": "Mumbai"}}


@pytest.mark.parametrize("theirs", ["31", " 30 "])
def test_a_conversion_of_a_value_changed_meanwhile_is_not_carried_over(
    admin_client, contacts_table, raw_client, theirs
):
    """They stored another String meanwhile (even one that converts to the same number): your
    conversion was of a value that is gone, so their value is kept and the merge says so; the
    form offers converting their value, unticked, and saving it as shown keeps theirs."""
    put(raw_client, {"id": {"S": "01"}, "username": {"S": "Raju"}, "age": {"S": "30"}})
    data = form_fields(admin_client.get(change_url("01")).content)
    set_attribute(raw_client, "01", "age", {"S": theirs})

    refused = admin_client.post(change_url("01"), {**data, "_convert-age": "on", "_save": "1"})

    assert refused.status_code == 409
    assert merge_table(refused)["age"].endswith(
        "Their change, kept: the field cannot edit their value")
    preview = f"Convert to Number: {int(theirs)}"
    assert convert_box(refused.content) == [("_convert-age", preview)]
    retry = form_fields(refused.content)
    assert "_convert-age" not in retry

    saved = admin_client.post(change_url("01"), {**retry, "_save": "1"})

    assert saved.status_code == 302, errors(saved)
    assert written(raw_client, "01")["age"] == {"S": theirs}
