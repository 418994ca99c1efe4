"""The management commands, run with call_command against moto and DynamoDB Local.

Tests that take `store` or `contacts_table` run twice: once on moto, once on a
real DynamoDB Local process. The ensure_superuser tests need only Django's
auth database.
"""

import io
import json
import re
import time
from decimal import Decimal

import pytest
from django.contrib.auth import authenticate, get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError

from contacts.models import CONTACTS, contacts
from dynamodb_tables import backend
from dynamodb_tables.management.base import target_description
from dynamodb_tables.store import operations

from .helpers import without_derived


def run(*args):
    """Run a management command; return what it wrote to stdout."""
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def describe():
    """The raw DescribeTable answer for the configured table."""
    return backend.call("describe_table", TableName=CONTACTS.name)["Table"]


def billing(table):
    """(billing mode, read units, write units) as DescribeTable reports them."""
    mode = table.get("BillingModeSummary", {}).get("BillingMode", operations.PROVISIONED)
    throughput = table.get("ProvisionedThroughput", {})
    if mode == operations.ON_DEMAND:
        return mode, None, None
    return mode, throughput.get("ReadCapacityUnits"), throughput.get("WriteCapacityUnits")


# --- create_table -------------------------------------------------------------


def test_create_table_creates_an_active_on_demand_table_keyed_by_id(store):
    """create_table creates the table: ACTIVE, partition key `id` (HASH, S), on demand."""
    assert operations.table_status(CONTACTS.name) is None

    out = run("create_table")

    assert f'Table "{CONTACTS.name}" created.' in out
    table = describe()
    assert table["TableStatus"] == "ACTIVE"
    assert table["KeySchema"] == [{"AttributeName": "id", "KeyType": "HASH"}]
    assert table["AttributeDefinitions"] == [
        {"AttributeName": name, "AttributeType": "S"}
        for name in ("id", "username_listed", "username_folded")]
    assert billing(table) == ("PAY_PER_REQUEST", None, None)
    # The username index (tests/test_finding.py), created with the table.
    (index,) = table["GlobalSecondaryIndexes"]
    assert index["IndexName"] == "username-order"
    assert index["KeySchema"] == [{"AttributeName": "username_listed", "KeyType": "HASH"},
                                  {"AttributeName": "username_folded", "KeyType": "RANGE"}]


def test_create_table_twice_says_it_exists_and_does_not_raise(contacts_table):
    """A second create_table prints exactly `Table "<name>" already exists.` (after the line
    naming its target) and succeeds."""
    contacts.create({"id": "keep", "username": "Kept"})

    out = run("create_table")

    assert out == (f"Target: {target_description(CONTACTS.name)}\n"
                   f'Table "{CONTACTS.name}" already exists.\n')
    # The existing table (and its contacts) is left as it was.
    assert contacts.get("keep") == {"id": "keep", "username": "Kept",
                                    "username_folded": "kept", "username_listed": "1"}


def test_create_table_dry_run_prints_the_request_and_creates_nothing(store):
    """--dry-run prints the CreateTable request as JSON and sends nothing."""
    out = run("create_table", "--dry-run")

    request = json.loads(out)
    assert request["TableName"] == CONTACTS.name
    assert request["KeySchema"] == [{"AttributeName": "id", "KeyType": "HASH"}]
    assert request["AttributeDefinitions"][0] == {"AttributeName": "id", "AttributeType": "S"}
    assert request["GlobalSecondaryIndexes"][0]["IndexName"] == "username-order"
    assert request["BillingMode"] == "PAY_PER_REQUEST"
    assert "ProvisionedThroughput" not in request
    assert operations.table_status(CONTACTS.name) is None


def test_create_table_dry_run_shows_provisioned_throughput(store):
    """--dry-run with PROVISIONED includes the capacity units in the request."""
    out = run(
        "create_table", "--dry-run", "--billing-mode", "PROVISIONED",
        "--read-capacity", "3", "--write-capacity", "4",
    )

    request = json.loads(out)
    assert request["BillingMode"] == "PROVISIONED"
    assert request["ProvisionedThroughput"] == {"ReadCapacityUnits": 3, "WriteCapacityUnits": 4}
    assert operations.table_status(CONTACTS.name) is None


def test_create_table_provisioned(store):
    """--billing-mode PROVISIONED --read-capacity 5 --write-capacity 5 creates a 5/5 table."""
    run(
        "create_table", "--billing-mode", "PROVISIONED",
        "--read-capacity", "5", "--write-capacity", "5",
    )

    table = describe()
    assert table["TableStatus"] == "ACTIVE"
    assert billing(table) == ("PROVISIONED", 5, 5)


def test_create_table_with_units_alone_is_provisioned(store):
    """`--read-capacity 5 --write-capacity 5` without a mode means PROVISIONED (tutorial step 3)."""
    run("create_table", "--read-capacity", "5", "--write-capacity", "5")
    assert billing(describe()) == ("PROVISIONED", 5, 5)


@pytest.mark.parametrize(
    ("args", "named"),
    [
        pytest.param(["--billing-mode", "PROVISIONED"], "--read-capacity", id="no-units"),
        pytest.param(
            ["--billing-mode", "PROVISIONED", "--read-capacity", "5"],
            "--write-capacity",
            id="no-write-units",
        ),
        pytest.param(
            ["--billing-mode", "PROVISIONED", "--read-capacity", "0", "--write-capacity", "5"],
            "--read-capacity",
            id="zero-read",
        ),
        pytest.param(
            ["--billing-mode", "PROVISIONED", "--read-capacity", "5", "--write-capacity", "-1"],
            "--write-capacity",
            id="negative-write",
        ),
        pytest.param(
            ["--billing-mode", "PAY_PER_REQUEST", "--read-capacity", "5"],
            "--billing-mode PROVISIONED",
            id="units-on-demand",
        ),
    ],
)
@pytest.mark.parametrize("dry_run", [False, True], ids=["send", "dry-run"])
def test_create_table_rejects_bad_capacity(store, args, named, dry_run):
    """Bad capacity input is a CommandError naming the option; nothing is created."""
    extra = ["--dry-run"] if dry_run else []
    out = io.StringIO()
    with pytest.raises(CommandError) as raised:
        call_command("create_table", *args, *extra, stdout=out)

    assert named in str(raised.value)
    # Only the line naming the table it would have changed; a dry run changes none.
    assert out.getvalue() == ("" if dry_run else f"Target: {target_description(CONTACTS.name)}\n")
    assert operations.table_status(CONTACTS.name) is None


# --- describe_table -----------------------------------------------------------


def test_describe_table_prints_status_key_billing_and_count(contacts_table):
    """describe_table shows the table's name, status, key, billing mode and item count."""
    out = run("describe_table")

    rows = dict(re.split(r"\s{2,}", line.strip(), maxsplit=1) for line in out.splitlines())
    assert rows["Table"] == CONTACTS.name
    assert rows["Status"] == "ACTIVE"
    assert rows["Key"] == "id (HASH)"
    assert rows["Billing mode"] == "PAY_PER_REQUEST"
    assert rows["Items (approximate)"] == "0"
    assert re.fullmatch(r"\d+ bytes", rows["Size (approximate)"])
    # Capacity units mean nothing on demand, so they are not shown.
    assert "Read capacity units" not in rows


def test_describe_table_shows_provisioned_capacity(store):
    """A PROVISIONED table's read and write capacity units are listed."""
    operations.create_table(CONTACTS, operations.Capacity(operations.PROVISIONED, 2, 3))

    out = run("describe_table")

    rows = dict(re.split(r"\s{2,}", line.strip(), maxsplit=1) for line in out.splitlines())
    assert rows["Billing mode"] == "PROVISIONED"
    assert rows["Read capacity units"] == "2"
    assert rows["Write capacity units"] == "3"


def test_describe_table_json(contacts_table):
    """describe_table --json prints one JSON object for scripts."""
    described = json.loads(run("describe_table", "--json"))

    assert described["name"] == CONTACTS.name
    assert described["status"] == "ACTIVE"
    assert described["key_schema"] == [["id", "HASH"]]
    assert described["billing_mode"] == "PAY_PER_REQUEST"
    assert described["read_capacity"] is None
    assert described["write_capacity"] is None
    assert described["item_count"] == 0
    assert isinstance(described["size_bytes"], int)


def test_describe_table_without_a_table_says_how_to_create_it(store):
    """With no table, describe_table fails with a message naming create_table."""
    with pytest.raises(CommandError) as raised:
        run("describe_table")

    message = str(raised.value)
    assert "python manage.py create_table" in message
    assert CONTACTS.name in message


# --- update_table -------------------------------------------------------------


def test_update_table_switches_between_on_demand_and_provisioned(contacts_table):
    """Units alone switch an on-demand table to PROVISIONED; PAY_PER_REQUEST switches back."""
    out = run("update_table", "--read-capacity", "5", "--write-capacity", "5")

    assert "updated to PROVISIONED (5 RCU, 5 WCU)" in out
    assert describe()["TableStatus"] == "ACTIVE"
    assert billing(describe()) == ("PROVISIONED", 5, 5)

    out = run("update_table", "--read-capacity", "5", "--write-capacity", "5")

    assert "already has these settings" in out
    assert billing(describe()) == ("PROVISIONED", 5, 5)

    out = run("update_table", "--billing-mode", "PAY_PER_REQUEST")

    assert "updated to PAY_PER_REQUEST" in out
    assert billing(describe()) == ("PAY_PER_REQUEST", None, None)


def test_update_table_changes_provisioned_capacity(store):
    """On a PROVISIONED table, new units change the capacity and keep the billing mode."""
    operations.create_table(CONTACTS, operations.Capacity(operations.PROVISIONED, 5, 5))

    out = run("update_table", "--read-capacity", "7", "--write-capacity", "6")

    assert "updated to PROVISIONED (7 RCU, 6 WCU)" in out
    assert billing(describe()) == ("PROVISIONED", 7, 6)


def test_update_table_to_the_current_billing_mode_changes_nothing(contacts_table):
    """Asking an on-demand table to be on demand reports it already is."""
    out = run("update_table", "--billing-mode", "PAY_PER_REQUEST")

    assert "already has these settings" in out
    assert billing(describe()) == ("PAY_PER_REQUEST", None, None)


def test_update_table_without_options_says_what_to_pass(contacts_table):
    """update_table with no options is a CommandError telling what to change."""
    with pytest.raises(CommandError, match="Say what to change"):
        run("update_table")

    assert billing(describe()) == ("PAY_PER_REQUEST", None, None)


def test_update_table_without_a_table_says_how_to_create_it(store):
    """update_table on a missing table fails naming create_table."""
    with pytest.raises(CommandError, match="python manage.py create_table"):
        run("update_table", "--billing-mode", "PAY_PER_REQUEST")


# --- delete_table -------------------------------------------------------------


def test_delete_table_noinput_deletes_and_is_safe_to_repeat(contacts_table):
    """delete_table --noinput deletes the table; again, it says there is nothing to delete."""
    out = run("delete_table", "--noinput")

    assert "deleted" in out
    assert operations.table_status(CONTACTS.name) is None

    out = run("delete_table", "--noinput")

    assert "does not exist; nothing to delete" in out
    assert operations.table_status(CONTACTS.name) is None


def test_delete_table_interactive_no_cancels(contacts_table, monkeypatch):
    """Answering anything but `yes` cancels: CommandError, and the table is still there."""
    contacts.create({"id": "01", "username": "Raju"})
    prompts = []

    def answer(prompt):
        prompts.append(prompt)
        return "no"

    monkeypatch.setattr("builtins.input", answer)

    with pytest.raises(CommandError, match="cancelled"):
        run("delete_table")

    assert len(prompts) == 1
    assert CONTACTS.name in prompts[0]
    assert operations.table_status(CONTACTS.name) == "ACTIVE"
    assert without_derived(contacts.get("01")) == {"id": "01", "username": "Raju"}


def test_delete_table_interactive_yes_deletes(contacts_table, monkeypatch):
    """Answering `yes` to the prompt deletes the table."""
    monkeypatch.setattr("builtins.input", lambda prompt: "yes")

    run("delete_table")

    assert operations.table_status(CONTACTS.name) is None


# --- seed_contacts ------------------------------------------------------------


def test_seed_contacts_adds_the_tutorial_contacts_and_never_overwrites(contacts_table):
    """seed_contacts adds 01 Raju and 02 Sham (30); run again, it leaves them as they are."""
    out = run("seed_contacts")

    assert "Seeded 2 of 2 contacts." in out
    assert without_derived(contacts.get("01")) == {"id": "01", "username": "Raju"}
    sham = without_derived(contacts.get("02"))
    assert sham == {"id": "02", "username": "Sham", "age": Decimal("30")}
    assert isinstance(sham["age"], Decimal)

    contacts.update("01", {"username": "Rajesh"})
    out = run("seed_contacts")

    assert "already exists" in out
    assert "Seeded 0 of 2 contacts." in out
    assert without_derived(contacts.get("01")) == {"id": "01", "username": "Rajesh"}
    assert without_derived(contacts.get("02")) == {
        "id": "02", "username": "Sham", "age": Decimal("30")}


def test_seed_contacts_without_a_table_says_how_to_create_it(store):
    """seed_contacts on a missing table fails naming create_table."""
    with pytest.raises(CommandError, match="python manage.py create_table"):
        run("seed_contacts")


# --- Unreachable DynamoDB -----------------------------------------------------


@pytest.mark.parametrize(
    "args",
    [
        ["create_table"],
        ["describe_table"],
        ["seed_contacts"],
        ["update_table", "--billing-mode", "PAY_PER_REQUEST"],
        ["delete_table", "--noinput"],
    ],
    ids=lambda args: args[0],
)
def test_commands_name_an_unreachable_endpoint(unreachable_store, settings, args):
    """Against an unreachable DynamoDB, each command's CommandError names the endpoint URL."""
    with pytest.raises(CommandError) as raised:
        run(*args)

    message = str(raised.value)
    assert settings.DYNAMODB["ENDPOINT_URL"] in message
    assert "Cannot reach DynamoDB" in message
    assert "botocore" not in message
    assert "Traceback" not in message


# --- wait_for_dynamodb --------------------------------------------------------


def test_wait_for_dynamodb_gives_up_after_the_timeout(unreachable_store, settings):
    """With nothing listening, wait_for_dynamodb --timeout 1 fails saying it did not answer."""
    out = io.StringIO()
    started = time.monotonic()
    with pytest.raises(CommandError) as raised:
        call_command("wait_for_dynamodb", "--timeout", "1", stdout=out)
    elapsed = time.monotonic() - started

    message = str(raised.value)
    assert "did not answer within 1 seconds" in message
    assert settings.DYNAMODB["ENDPOINT_URL"] in message
    assert "botocore" not in message
    assert "Waiting for DynamoDB" in out.getvalue()
    # It waited for the timeout, and not much longer.
    assert 1 <= elapsed < 30


def test_wait_for_dynamodb_reports_a_missing_table(store):
    """A reachable DynamoDB without the table counts as an answer: "not created yet"."""
    out = run("wait_for_dynamodb", "--timeout", "5")

    assert "DynamoDB answers" in out
    assert "not created yet" in out
    assert CONTACTS.name in out


def test_wait_for_dynamodb_reports_an_active_table(contacts_table):
    """With the table there, wait_for_dynamodb reports it ACTIVE."""
    out = run("wait_for_dynamodb", "--timeout", "5")

    assert f'table "{CONTACTS.name}"' in out
    assert "is ACTIVE." in out
    assert "not created yet" not in out


# --- ensure_superuser ---------------------------------------------------------


@pytest.fixture
def no_named_superuser(settings):
    settings.SUPERUSER = {"USERNAME": "", "PASSWORD": "", "EMAIL": ""}


def test_ensure_superuser_generates_admin_once(db, no_named_superuser):
    """With no users and no username configured, it creates `admin` and prints its password once."""
    users = get_user_model()._default_manager
    assert not users.exists()

    out = run("ensure_superuser")

    found = re.search(r"password: (\S+)", out)
    assert found, out
    password = found.group(1)
    assert out.count(password) == 1
    admin = users.get(username="admin")
    assert admin.is_superuser and admin.is_staff and admin.is_active
    assert authenticate(username="admin", password=password) == admin
    assert authenticate(username="admin", password=password + "x") is None

    out = run("ensure_superuser")

    assert "already exists" in out
    assert password not in out
    assert "password" not in out.lower()
    assert users.count() == 1
    assert authenticate(username="admin", password=password) == admin


def test_ensure_superuser_generates_a_different_password_each_time(
    db, no_named_superuser, django_user_model
):
    """Generated passwords are random, not a fixed default."""
    passwords = []
    for _ in range(2):
        out = run("ensure_superuser")
        passwords.append(re.search(r"password: (\S+)", out).group(1))
        django_user_model.objects.all().delete()

    assert passwords[0] != passwords[1]
    assert all(len(password) >= 12 for password in passwords)


def test_ensure_superuser_leaves_an_existing_superuser_alone(
    db, no_named_superuser, django_user_model
):
    """If any superuser exists, no `admin` is generated."""
    django_user_model.objects.create_superuser("someone", "", "pw-of-someone")

    out = run("ensure_superuser")

    assert "already exists" in out
    assert not django_user_model.objects.filter(username="admin").exists()


def test_ensure_superuser_refuses_a_plain_user_named_admin(
    db, no_named_superuser, django_user_model
):
    """A non-superuser `admin` is never promoted nor given a new password."""
    django_user_model.objects.create_user("admin", "", "plain-user-pw")

    with pytest.raises(CommandError, match="DJANGO_SUPERUSER_USERNAME"):
        run("ensure_superuser")

    admin = django_user_model.objects.get(username="admin")
    assert not admin.is_superuser
    assert admin.check_password("plain-user-pw")


def test_ensure_superuser_creates_the_configured_user(db, settings, django_user_model):
    """With SUPERUSER set, it creates that superuser; a second run changes nothing."""
    settings.SUPERUSER = {"USERNAME": "boss", "PASSWORD": "s3cret-Pass", "EMAIL": "b@example.com"}

    out = run("ensure_superuser")

    assert "Created admin user “boss”" in out
    assert "s3cret-Pass" not in out
    boss = django_user_model.objects.get(username="boss")
    assert boss.is_superuser and boss.is_staff
    assert boss.email == "b@example.com"
    assert boss.check_password("s3cret-Pass")
    assert not django_user_model.objects.filter(username="admin").exists()

    settings.SUPERUSER = {"USERNAME": "boss", "PASSWORD": "another-Pass1", "EMAIL": ""}
    out = run("ensure_superuser")

    assert "already exists" in out
    boss.refresh_from_db()
    assert boss.check_password("s3cret-Pass")
    assert not boss.check_password("another-Pass1")
    assert boss.email == "b@example.com"
    assert django_user_model.objects.count() == 1


def test_ensure_superuser_needs_the_password_with_the_username(db, settings, django_user_model):
    """USERNAME without PASSWORD is a CommandError naming DJANGO_SUPERUSER_PASSWORD."""
    settings.SUPERUSER = {"USERNAME": "boss", "PASSWORD": "", "EMAIL": ""}

    with pytest.raises(CommandError, match="DJANGO_SUPERUSER_PASSWORD"):
        run("ensure_superuser")

    assert not django_user_model.objects.exists()
