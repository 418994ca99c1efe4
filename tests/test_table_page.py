"""The admin's table page: DescribeTable's figures and the capacity switch, for superusers."""

import html
import re

import pytest
from botocore.stub import Stubber
from django.urls import reverse

from contacts.models import CONTACTS
from dynamodb_tables import backend
from dynamodb_tables.exceptions import TableInUse
from dynamodb_tables.store import operations

TABLE_URL = "/admin/contacts/contact/table/"
LIST_URL = "/admin/contacts/contact/"
ERRORS = re.compile(r'<ul class="errorlist[^"]*"[^>]*>(.*?)</ul>', re.S)

dynamodb_local_only = pytest.mark.parametrize("store", ["dynamodb_local"], indirect=True)


def errors(response):
    """Return the text of every error list on the page."""
    return [
        html.unescape(re.sub(r"<[^>]+>", "", found))
        for found in ERRORS.findall(response.content.decode())
    ]


def cell(response, name):
    """Return the text of a figure on the page, e.g. cell(response, "rcu")."""
    found = re.search(rf'class="dynamo-table-{name}">([^<]*)<', response.content.decode())
    return found.group(1) if found else None


def billing():
    table = operations.describe_table(CONTACTS.name)
    return table["billing_mode"], table["read_capacity"], table["write_capacity"]


def provisioned(read, write):
    return {"billing_mode": "PROVISIONED", "read_capacity": str(read), "write_capacity": str(write)}


# --- Who may see it ----------------------------------------------------------------


def test_the_url_is_named_inside_the_admin():
    """The page is "admin:contacts_contact_table", beside the contacts' own admin URLs."""
    assert reverse("admin:contacts_contact_table") == TABLE_URL


def test_staff_who_are_not_superusers_get_403_before_any_dynamodb_request(
    contacts_staff, contacts_table
):
    """Even with every contacts permission: 403, for GET and POST, and nothing is sent."""
    answers = contacts_staff.get(TABLE_URL), contacts_staff.post(TABLE_URL, provisioned(5, 5))
    for response in answers:
        assert response.status_code == 403
        assert response["X-DynamoDB-Requests"] == "0"
    assert billing() == ("PAY_PER_REQUEST", None, None)


def test_anonymous_visitors_are_sent_to_the_login_page(db, client):
    response = client.get(TABLE_URL)
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


def test_only_superusers_see_the_link_on_the_change_list(
    admin_client, contacts_staff, contacts_table
):
    """The change list's object tools link to the page for superusers only."""
    link = f'href="{TABLE_URL}"'
    assert link in admin_client.get(LIST_URL).content.decode()
    response = contacts_staff.get(LIST_URL)
    assert response.status_code == 200
    assert link not in response.content.decode()


# --- Figures -------------------------------------------------------------------------


def test_superuser_sees_the_tables_figures(admin_client, contacts_table, raw_client):
    """Status, billing mode, approximate count and size come from DescribeTable."""
    response = admin_client.get(TABLE_URL)

    assert response.status_code == 200
    content = response.content.decode()
    assert CONTACTS.name in content
    assert cell(response, "status") == "ACTIVE"
    assert cell(response, "billing") == "On-demand (PAY_PER_REQUEST)"
    assert cell(response, "rcu") is None  # units mean nothing on demand
    assert cell(response, "count") == "0"
    assert cell(response, "size") == "0\xa0bytes (0 bytes)"
    assert 'value="PAY_PER_REQUEST" class="radiolist" required id="id_billing_mode_0" checked' in (
        content
    )
    assert '<div class="breadcrumbs">' in content


def test_a_provisioned_tables_units_are_shown_and_filled_in(admin_client, store):
    operations.create_table(CONTACTS, operations.Capacity(operations.PROVISIONED, 3, 4))

    response = admin_client.get(TABLE_URL)

    assert cell(response, "billing") == "Provisioned (PROVISIONED)"
    assert (cell(response, "rcu"), cell(response, "wcu")) == ("3", "4")
    content = response.content.decode()
    assert 'name="read_capacity" value="3"' in content
    assert 'name="write_capacity" value="4"' in content


# --- Switching ----------------------------------------------------------------------


@dynamodb_local_only
def test_switch_to_provisioned_and_back(admin_client, contacts_table):
    """The tutorial's step 3 and back: POST, redirect, GET with a message, table changed."""
    response = admin_client.post(TABLE_URL, provisioned(5, 5))
    assert response.status_code == 302
    assert response["Location"] == TABLE_URL
    assert billing() == ("PROVISIONED", 5, 5)

    page = admin_client.get(TABLE_URL)
    assert "is switching to PROVISIONED (5 RCU, 5 WCU)" in page.content.decode()
    assert (cell(page, "rcu"), cell(page, "wcu")) == ("5", "5")

    # The browser sends the unit fields as the page filled them in: on-demand ignores them.
    response = admin_client.post(
        TABLE_URL, {"billing_mode": "PAY_PER_REQUEST", "read_capacity": "5", "write_capacity": "5"}
    )
    assert response.status_code == 302
    assert billing() == ("PAY_PER_REQUEST", None, None)
    assert "is switching to PAY_PER_REQUEST" in admin_client.get(TABLE_URL).content.decode()


@dynamodb_local_only
def test_changing_provisioned_units_keeps_the_billing_mode(admin_client, store):
    operations.create_table(CONTACTS, operations.Capacity(operations.PROVISIONED, 5, 5))

    response = admin_client.post(TABLE_URL, provisioned(7, 6), follow=True)

    assert billing() == ("PROVISIONED", 7, 6)
    assert "is switching to PROVISIONED (7 RCU, 6 WCU)" in response.content.decode()


def test_the_same_settings_again_change_nothing(admin_client, contacts_table):
    response = admin_client.post(TABLE_URL, {"billing_mode": "PAY_PER_REQUEST"}, follow=True)

    assert response.redirect_chain == [(TABLE_URL, 302)]
    assert "already has these settings: PAY_PER_REQUEST" in response.content.decode()
    # One DescribeTable decided it: no UpdateTable was sent (the GET after it is a new request).
    assert billing() == ("PAY_PER_REQUEST", None, None)


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        pytest.param(
            {"billing_mode": "PROVISIONED", "write_capacity": "5"},
            "read_capacity",
            "PROVISIONED needs read capacity units: a whole number of at least 1.",
            id="missing-read",
        ),
        pytest.param(
            provisioned(5, 0),
            "write_capacity",
            "PROVISIONED needs a whole number of at least 1 for the write capacity units, not 0.",
            id="zero-write",
        ),
        pytest.param(provisioned("many", 5), "read_capacity", "Enter a whole number.",
                     id="not-a-number"),
        pytest.param(
            {"billing_mode": "FREE"},
            "billing_mode",
            "Select a valid choice. FREE is not one of the available choices.",
            id="unknown-mode",
        ),
        pytest.param({}, "billing_mode", "This field is required.", id="no-mode"),
    ],
)
def test_bad_input_is_a_form_error_and_changes_nothing(
    admin_client, contacts_table, data, field, message
):
    """The same rules as `update_table` (operations.Capacity), shown beside the field at fault."""
    response = admin_client.post(TABLE_URL, data)

    assert response.status_code == 200
    content = response.content.decode()
    assert "Please correct the error below." in content
    row = re.search(rf'<div class="form-row field-{field} errors">(.*?)</div>', content, re.S)
    assert row, f"no error on {field}"
    assert message in row.group(1)
    assert billing() == ("PAY_PER_REQUEST", None, None)


@dynamodb_local_only
def test_dynamodb_refusing_the_switch_is_shown_on_the_form(admin_client, contacts_table):
    """DynamoDB's own limit (here DynamoDB Local's 40,000 units per table) is a form error."""
    response = admin_client.post(TABLE_URL, provisioned(50000, 5))

    assert response.status_code == 200
    assert any("40,000" in text for text in errors(response))
    assert billing() == ("PAY_PER_REQUEST", None, None)


def test_a_busy_table_is_a_clear_message(admin_client, contacts_table, monkeypatch):
    """A table still UPDATING refuses another switch: the reason shows on the form."""

    def busy(name, capacity, wait=True):
        raise TableInUse(f'Table "{CONTACTS.name}" is busy: Table is being updated')

    monkeypatch.setattr(operations, "update_table", busy)

    response = admin_client.post(TABLE_URL, provisioned(5, 5))

    assert response.status_code == 200
    assert errors(response) == [f'Table "{CONTACTS.name}" is busy: Table is being updated']


def test_switching_too_often_is_a_clear_message(admin_client, contacts_table):
    """LimitExceededException (e.g. a second switch in a day) shows on the form with a hint."""
    table_description = {
        "Table": {
            "TableName": CONTACTS.name,
            "TableStatus": "ACTIVE",
            "KeySchema": [{"AttributeName": "id", "KeyType": "HASH"}],
            "BillingModeSummary": {"BillingMode": "PAY_PER_REQUEST"},
            "ItemCount": 0,
            "TableSizeBytes": 0,
        }
    }
    with Stubber(backend.client()) as stub:
        stub.add_response("describe_table", table_description)
        stub.add_client_error(
            "update_table",
            service_error_code="LimitExceededException",
            service_message="Subscriber limit exceeded: Update to PayPerRequest mode are "
            "limited to once in 1 day(s).",
        )
        stub.add_response("describe_table", table_description)
        response = admin_client.post(TABLE_URL, provisioned(5, 5))

    assert response.status_code == 200
    [text] = errors(response)
    assert "LimitExceededException" in text
    assert "limits how often a table may switch billing mode" in text


def test_unreachable_dynamodb_is_the_admins_503_page(admin_client, unreachable_store):
    response = admin_client.get(TABLE_URL)

    assert response.status_code == 503
    assert "Cannot reach DynamoDB" in response.content.decode()


def test_a_missing_table_is_the_503_page_naming_create_table(admin_client, store):
    response = admin_client.post(TABLE_URL, provisioned(5, 5))

    assert response.status_code == 503
    assert "create_table" in response.content.decode()
