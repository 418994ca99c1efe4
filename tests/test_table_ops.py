"""Table settings on the table page and in update_table / delete_table / describe_table:
global secondary indexes, time to live and deletion protection, on DynamoDB Local."""

import html
import json
import re
from datetime import UTC, datetime
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from contacts.models import CONTACTS
from dynamodb_tables import backend
from dynamodb_tables.store import KeyAttribute, Table, indexes, operations, ttl
from dynamodb_tables.store.table import Index
from dynamodb_tables.values.expiry import expiry_text, is_expired

from .helpers import change_url, put

TABLE_URL = "/admin/contacts/contact/table/"
ERRORS = re.compile(r'<ul class="errorlist[^"]*"[^>]*>(.*?)</ul>', re.S)

dynamodb_local_only = pytest.mark.parametrize("store", ["dynamodb_local"], indirect=True)


def errors(response):
    return [html.unescape(re.sub(r"<[^>]+>", "", found))
            for found in ERRORS.findall(response.content.decode())]


def field_errors(response, field):
    row = re.search(rf'<div class="form-row field-{field} errors">(.*?)</div>',
                    response.content.decode(), re.S)
    return html.unescape(re.sub(r"<[^>]+>", "", row.group(1))).strip() if row else None


def live():
    """Return the table as DynamoDB describes it now."""
    return backend.client().describe_table(TableName=CONTACTS.name)["Table"]


def gsis():
    return {entry["IndexName"]: entry for entry in live().get("GlobalSecondaryIndexes", [])}


def add_index_data(**changes):
    data = {"_setting": "add_index", "index-name": "by-email", "index-partition_key": "email",
            "index-partition_type": "S", "index-sort_key": "", "index-sort_type": "S",
            "index-projection": "ALL", "index-non_key_attributes": ""}
    data.update({f"index-{name}": value for name, value in changes.items()})
    return data


def run(*args):
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


@pytest.fixture
def bare_table(store):
    """A fresh contacts table without the indexes the declaration may have: only the key."""
    operations.create_table(Table(CONTACTS.name, KeyAttribute("id")), operations.Capacity())
    return store


def updates(sent):
    return [params for operation, params in sent if operation in (
        "update_table", "update_time_to_live")]


# --- Indexes on the page -------------------------------------------------------------


@dynamodb_local_only
def test_add_a_gsi_on_the_page_and_see_it_listed(admin_client, bare_table):
    """The posted index reaches UpdateTable as one Create, and the page lists it."""
    data = add_index_data(**{"sort_key": "age", "sort_type": "N", "projection": "INCLUDE",
                             "non_key_attributes": "username, phone"})
    response = admin_client.post(TABLE_URL, data)

    assert response.status_code == 302
    index = gsis()["by-email"]
    assert index["KeySchema"] == [{"AttributeName": "email", "KeyType": "HASH"},
                                  {"AttributeName": "age", "KeyType": "RANGE"}]
    assert index["Projection"] == {"ProjectionType": "INCLUDE",
                                   "NonKeyAttributes": ["username", "phone"]}
    types = {d["AttributeName"]: d["AttributeType"] for d in live()["AttributeDefinitions"]}
    assert types["age"] == "N"
    page = admin_client.get(TABLE_URL).content.decode()
    assert 'id="index-by-email"' in page
    assert "INCLUDE: username, phone" in page
    assert "email (S), age (N)" in page
    assert "is being created" in page


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        pytest.param({"projection": "INCLUDE"}, "non_key_attributes",
                     "INCLUDE needs the attributes to project", id="include-without-attributes"),
        pytest.param({"non_key_attributes": "a"}, "non_key_attributes",
                     "apply only to INCLUDE", id="attributes-without-include"),
        pytest.param({"projection": "SOME"}, "projection", "Select a valid choice",
                     id="unknown-projection"),
        pytest.param({"name": "x"}, "name", "is not a valid index name", id="short-name"),
        pytest.param({"sort_key": "email"}, "sort_key", "must differ", id="same-keys"),
        pytest.param({"partition_key": "id", "partition_type": "N"}, "partition_key",
                     "already a key attribute of type S", id="retyped-key"),
        pytest.param({"read_capacity": "5", "write_capacity": "5"}, "read_capacity",
                     "is on-demand: an index takes no capacity units", id="units-on-demand"),
    ],
)
@dynamodb_local_only
def test_bad_index_input_is_a_form_error_and_sends_nothing(
    admin_client, bare_table, sent, changes, field, message
):
    response = admin_client.post(TABLE_URL, add_index_data(**changes))

    assert response.status_code == 200
    assert message in (field_errors(response, field) or "")
    assert updates(sent) == []
    assert gsis() == {}


@dynamodb_local_only
def test_an_index_name_that_exists_is_refused(admin_client, bare_table, sent):
    indexes.add_index(CONTACTS.name, indexes.new_index("by-email", KeyAttribute("email")),
                      wait=True)
    sent.clear()

    response = admin_client.post(TABLE_URL, add_index_data(partition_key="phone"))

    assert response.status_code == 200
    assert "already has an index named “by-email”" in field_errors(response, "name")
    assert updates(sent) == []
    assert gsis()["by-email"]["KeySchema"][0]["AttributeName"] == "email"


@dynamodb_local_only
def test_a_provisioned_table_asks_units_for_a_new_index(admin_client, store, sent):
    operations.create_table(Table(CONTACTS.name, KeyAttribute("id")),
                            operations.Capacity(operations.PROVISIONED, 3, 3))

    response = admin_client.post(TABLE_URL, add_index_data())
    assert "needs read and write capacity units" in field_errors(response, "read_capacity")
    assert updates(sent) == []

    response = admin_client.post(TABLE_URL, add_index_data(read_capacity="2",
                                                           write_capacity="4"))
    assert response.status_code == 302
    throughput = gsis()["by-email"]["ProvisionedThroughput"]
    assert (throughput["ReadCapacityUnits"], throughput["WriteCapacityUnits"]) == (2, 4)


@dynamodb_local_only
def test_remove_a_gsi_on_the_page(admin_client, bare_table):
    indexes.add_index(CONTACTS.name, indexes.new_index("by-email", KeyAttribute("email")),
                      wait=True)

    unconfirmed = admin_client.post(TABLE_URL, {"_setting": "remove_index",
                                                "remove-name": "by-email"})
    assert "Tick the box to remove the index." in errors(unconfirmed)
    assert "by-email" in gsis()

    response = admin_client.post(TABLE_URL, {"_setting": "remove_index",
                                             "remove-name": "by-email", "remove-confirm": "on"})
    assert response.status_code == 302
    indexes.wait_for_index(CONTACTS.name, "by-email", gone=True)
    assert gsis() == {}


@dynamodb_local_only
def test_switching_to_provisioned_sets_units_for_each_gsi(admin_client, bare_table):
    indexes.add_index(CONTACTS.name, indexes.new_index("by-email", KeyAttribute("email")),
                      wait=True)
    page = admin_client.get(TABLE_URL).content.decode()
    assert 'name="gsi-by-email-read"' in page

    base = {"billing_mode": "PROVISIONED", "read_capacity": "5", "write_capacity": "5"}
    response = admin_client.post(TABLE_URL, {**base, "gsi-by-email-read": "0",
                                             "gsi-by-email-write": "1"})
    assert response.status_code == 200
    assert "Index “by-email”: PROVISIONED needs a whole number of at least 1" in (
        field_errors(response, "gsi-by-email-read"))
    assert live()["BillingModeSummary"]["BillingMode"] == "PAY_PER_REQUEST"

    # Left blank on the switch: the table's units, as create_table gives declared indexes.
    response = admin_client.post(TABLE_URL, {**base, "gsi-by-email-read": "",
                                             "gsi-by-email-write": ""})
    assert response.status_code == 302
    assert live()["BillingModeSummary"]["BillingMode"] == "PROVISIONED"
    throughput = gsis()["by-email"]["ProvisionedThroughput"]
    assert (throughput["ReadCapacityUnits"], throughput["WriteCapacityUnits"]) == (5, 5)
    indexes.wait_for_index(CONTACTS.name, "by-email")

    response = admin_client.post(TABLE_URL, {**base, "gsi-by-email-read": "2",
                                             "gsi-by-email-write": "3"})
    assert response.status_code == 302
    throughput = gsis()["by-email"]["ProvisionedThroughput"]
    assert (throughput["ReadCapacityUnits"], throughput["WriteCapacityUnits"]) == (2, 3)


# --- Indexes as commands ---------------------------------------------------------------


@dynamodb_local_only
def test_update_table_adds_and_removes_an_index(bare_table):
    out = run("update_table", "--add-index", "by-phone", "--index-key", "phone:S",
              "--projection", "KEYS_ONLY")
    assert "Index “by-phone” added" in out and "ACTIVE" in out
    assert gsis()["by-phone"]["IndexStatus"] == "ACTIVE"
    assert gsis()["by-phone"]["Projection"] == {"ProjectionType": "KEYS_ONLY"}

    described = json.loads(run("describe_table", "--json"))
    [index] = described["indexes"]
    assert index["name"] == "by-phone" and index["kind"] == "GSI"
    assert index["key_schema"] == [["phone", "S"]]
    assert {"item_count", "size_bytes", "status"} <= set(index)

    with pytest.raises(CommandError, match="already has an index named “by-phone”"):
        run("update_table", "--add-index", "by-phone", "--index-key", "email:S")
    run("update_table", "--remove-index", "by-phone")
    assert gsis() == {}
    with pytest.raises(CommandError, match="no global secondary index named “by-phone”"):
        run("update_table", "--remove-index", "by-phone")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        pytest.param(["--index-key", "email"], "give ATTRIBUTE:TYPE", id="no-type"),
        pytest.param([], "needs --index-key", id="no-key"),
        pytest.param(["--index-key", "email:S", "--projection", "INCLUDE"],
                     "INCLUDE needs the attributes", id="include-without-attributes"),
    ],
)
@dynamodb_local_only
def test_bad_index_options_are_a_command_error(bare_table, sent, args, message):
    with pytest.raises(CommandError, match=message):
        run("update_table", "--add-index", "by-email", *args)
    assert updates(sent) == []


@dynamodb_local_only
def test_add_indexes_adds_every_declared_index_one_at_a_time(
    bare_table, sent, monkeypatch
):
    """One Create per UpdateTable, each waited for until ACTIVE; a second run adds none."""
    declared = (Index("by-email", KeyAttribute("email")),
                Index("by-age", KeyAttribute("kind"), KeyAttribute("age", "N"),
                      projection="KEYS_ONLY"))
    monkeypatch.setattr(CONTACTS, "indexes", declared)

    out = run("update_table", "--add-indexes")

    creates = [params["GlobalSecondaryIndexUpdates"] for params in updates(sent)]
    assert [[update["Create"]["IndexName"] for update in batch] for batch in creates] == [
        ["by-email"], ["by-age"]]
    assert {name: entry["IndexStatus"] for name, entry in gsis().items()} == {
        "by-email": "ACTIVE", "by-age": "ACTIVE"}
    assert "Added “by-email”, “by-age”: ACTIVE." in out
    assert "already has every declared index" in run("update_table", "--add-indexes")


@dynamodb_local_only
def test_switching_to_provisioned_by_command_gives_each_gsi_units(bare_table):
    indexes.add_index(CONTACTS.name, indexes.new_index("by-email", KeyAttribute("email")),
                      wait=True)
    out = run("update_table", "--read-capacity", "4", "--write-capacity", "4",
              "--index-capacity", "by-email=2:1")
    assert "PROVISIONED (4 RCU, 4 WCU)" in out
    throughput = gsis()["by-email"]["ProvisionedThroughput"]
    assert (throughput["ReadCapacityUnits"], throughput["WriteCapacityUnits"]) == (2, 1)


# --- Time to live ----------------------------------------------------------------------


@dynamodb_local_only
def test_time_to_live_on_and_off_on_the_page(admin_client, bare_table):
    page = admin_client.get(TABLE_URL).content.decode()
    assert "DISABLED: no item expires." in page

    response = admin_client.post(TABLE_URL, {"_setting": "ttl", "ttl-enabled": "on",
                                             "ttl-attribute": "expires_at"})
    assert response.status_code == 302
    assert ttl.describe(CONTACTS.name) == {"status": "ENABLED", "attribute": "expires_at"}
    assert "items expire by “expires_at”" in admin_client.get(TABLE_URL).content.decode()

    response = admin_client.post(TABLE_URL, {"_setting": "ttl", "ttl-enabled": "off"})
    assert response.status_code == 302
    assert ttl.describe(CONTACTS.name)["status"] == "DISABLED"


@pytest.mark.parametrize(
    ("attribute", "message"),
    [pytest.param("id", "“id” is a key attribute", id="key"),
     pytest.param("", "Name the attribute", id="blank")],
)
@dynamodb_local_only
def test_a_bad_ttl_attribute_is_a_form_error(admin_client, bare_table, sent, attribute,
                                            message):
    response = admin_client.post(TABLE_URL, {"_setting": "ttl", "ttl-enabled": "on",
                                             "ttl-attribute": attribute})
    assert message in field_errors(response, "attribute")
    assert updates(sent) == []
    assert ttl.describe(CONTACTS.name)["status"] == "DISABLED"


@dynamodb_local_only
def test_time_to_live_by_command(bare_table, sent):
    with pytest.raises(CommandError, match="“id” is a key attribute"):
        run("update_table", "--ttl", "id")
    assert updates(sent) == []

    assert "items expire by “expires_at”" in run("update_table", "--ttl", "expires_at")
    assert ttl.expiry_attribute(CONTACTS.name) == "expires_at"
    with pytest.raises(CommandError, match="already on for table .* with attribute"):
        run("update_table", "--ttl", "other")
    described = json.loads(run("describe_table", "--json"))
    assert described["time_to_live"] == {"status": "ENABLED", "attribute": "expires_at"}
    assert "is off" in run("update_table", "--no-ttl")
    assert ttl.expiry_attribute(CONTACTS.name) is None
    assert "already off" in run("update_table", "--no-ttl")


# --- Deletion protection -------------------------------------------------------------


@dynamodb_local_only
def test_a_protected_table_is_not_deleted_and_the_error_says_how(bare_table):
    assert "is on" in run("update_table", "--deletion-protection")
    assert live()["DeletionProtectionEnabled"] is True

    with pytest.raises(CommandError) as refused:
        run("delete_table", "--noinput")
    assert (f"`python manage.py update_table --table {CONTACTS.name} "
            "--no-deletion-protection`") in str(refused.value)
    assert live()["TableStatus"] == "ACTIVE"

    run("update_table", "--table", CONTACTS.name, "--no-deletion-protection")
    assert "deleted" in run("delete_table", "--noinput")
    assert operations.table_status(CONTACTS.name) is None


@dynamodb_local_only
def test_deletion_protection_on_the_page(admin_client, bare_table):
    assert re.search(r'class="dynamo-table-protection">Off<',
                     admin_client.get(TABLE_URL).content.decode())
    response = admin_client.post(TABLE_URL, {"_setting": "protection",
                                             "protection-enabled": "on"}, follow=True)
    assert "Deletion protection of table" in response.content.decode()
    assert re.search(r'class="dynamo-table-protection">On<', response.content.decode())
    assert live()["DeletionProtectionEnabled"] is True
    admin_client.post(TABLE_URL, {"_setting": "protection", "protection-enabled": "off"})
    assert live()["DeletionProtectionEnabled"] is False


def test_one_kind_of_change_per_run(bare_table):
    with pytest.raises(CommandError, match="one kind of change per run"):
        run("update_table", "--ttl", "expires_at", "--deletion-protection")


# --- Expiry text -------------------------------------------------------------------


NOW = datetime(2026, 11, 29, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("value", "text"),
    [
        pytest.param(Decimal(int(NOW.timestamp()) + 3 * 86400 + 60),
                     "expires in 3 days (2026-12-02 12:01 UTC)", id="days"),
        pytest.param(Decimal(int(NOW.timestamp()) + 3600), "expires in 1 hour", id="hour"),
        pytest.param(Decimal(int(NOW.timestamp()) - 60),
                     "expired, pending deletion (since 2026-11-29 11:59 UTC)", id="expired"),
        pytest.param(Decimal(int(NOW.timestamp()) * 1000), "not epoch seconds", id="millis"),
        pytest.param("2026-12-01", "needs a Number of epoch seconds", id="string"),
    ],
)
def test_a_ttl_value_reads_as_a_date(value, text):
    assert text in expiry_text(value, now=NOW)


def test_expired_means_in_the_past():
    assert is_expired(Decimal(int(NOW.timestamp()) - 1), now=NOW)
    assert not is_expired(Decimal(int(NOW.timestamp()) + 1), now=NOW)
    assert not is_expired("soon", now=NOW)


def test_add_declared_indexes_refuses_a_missing_local_index(bare_table):
    table = Table(CONTACTS.name, KeyAttribute("id"),
                  indexes=[Index("local", KeyAttribute("id"), KeyAttribute("n", "N"),
                                 is_global=False)])
    with pytest.raises(indexes.InvalidIndex, match="local secondary index “local”"):
        indexes.add_declared_indexes(table)


@dynamodb_local_only
def test_the_editor_reads_the_ttl_attribute_as_a_date(admin_client, bare_table, raw_client):
    now = int(datetime.now(UTC).timestamp())
    put(raw_client, id={"S": "soon"}, expires_at={"N": str(now + 3 * 86400 + 120)})
    put(raw_client, id={"S": "past"}, expires_at={"N": str(now - 3600)})
    ttl.enable(CONTACTS, "expires_at")

    soon = admin_client.get(change_url("soon")).content.decode()
    past = admin_client.get(change_url("past")).content.decode()

    assert "Time to live: expires in 3 days" in soon
    assert "Time to live: expired, pending deletion" in past
    assert "dynamo-expired" in past and "dynamo-expired" not in soon


@dynamodb_local_only
def test_every_browsed_table_has_the_same_settings(admin_client, bare_table):
    """/admin/tables/<name>/table/: indexes and TTL, the key read from DescribeTable."""
    name = f"{CONTACTS.name}-orders"
    operations.create_table(Table(name, KeyAttribute("customer"), KeyAttribute("order", "N")),
                            operations.Capacity())
    try:
        url = f"/admin/tables/{name}/table/"
        assert admin_client.post(url, add_index_data()).status_code == 302
        described = backend.client().describe_table(TableName=name)["Table"]
        assert [i["IndexName"] for i in described["GlobalSecondaryIndexes"]] == ["by-email"]

        refused = admin_client.post(url, {"_setting": "ttl", "ttl-enabled": "on",
                                          "ttl-attribute": "order"})
        assert "“order” is a key attribute" in field_errors(refused, "attribute")
        assert ttl.describe(name)["status"] == "DISABLED"
        assert 'id="index-by-email"' in admin_client.get(url).content.decode()
    finally:
        indexes.wait_for_index(name, "by-email")
        operations.delete_table(name, wait=False)
