"""Point-in-time recovery, on-demand backups, restores, "back up first" and replicas.

moto stands in for what DynamoDB Local lacks (continuous backups, backups,
restores; replica requests are checked as sent, since moto ignores them);
DynamoDB Local shows what an endpoint without these features says. The
tests spy on the backend's one dispatch point to assert what reached the
API, and that refused input sent nothing that changes anything.
"""

import html
import io
import json
import re
from pathlib import Path

import pytest
from botocore.exceptions import ClientError
from django.core.management import call_command
from django.core.management.base import CommandError

from contacts.models import CONTACTS
from dynamodb_tables import backend
from dynamodb_tables.backend.errors import translated
from dynamodb_tables.exceptions import AccessDenied, NotSupported
from dynamodb_tables.store import operations, recovery, replicas

SAFETY_URL = "/admin/contacts/contact/table/safety/"
LIST_URL = "/admin/contacts/contact/"
# What changes a table or its backups; reads are harmless to send.
CHANGES = {"update_continuous_backups", "restore_table_to_point_in_time", "create_backup",
           "delete_backup", "restore_table_from_backup", "update_table", "delete_table",
           "batch_write_item", "put_item", "delete_item"}

on_moto = pytest.mark.parametrize("store", ["moto"], indirect=True)
on_dynamodb_local = pytest.mark.parametrize("store", ["dynamodb_local"], indirect=True)


# A page's 5-second budget must not count moto loading its auto scaling (conftest.py).
pytestmark = pytest.mark.usefixtures("moto_scaling_loaded")


@pytest.fixture
def table(contacts_table, raw_client):
    """The contacts table with two items in it."""
    for contact_id in ("01", "02"):
        raw_client.put_item(TableName=CONTACTS.name,
                            Item={"id": {"S": contact_id}, "username": {"S": f"u{contact_id}"}})
    return CONTACTS.name


def run(*args):
    out = io.StringIO()
    call_command(*args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def changes(requests):
    return [operation for operation, _ in requests if operation in CHANGES]


def text(response):
    """The page's text, tags removed and entities decoded, on one line."""
    content = re.sub(r"<[^>]+>", " ", response.content.decode())
    return re.sub(r"\s+", " ", html.unescape(content))


def item_ids(raw_client, name=None):
    items = raw_client.scan(TableName=name or CONTACTS.name, ConsistentRead=True)["Items"]
    return sorted(item["id"]["S"] for item in items)


# --- Point-in-time recovery ----------------------------------------------------------------


@on_moto
def test_point_in_time_recovery_is_shown_and_turned_on_and_off(table, sent):
    """`show` says off; `on` sends UpdateContinuousBackups and the window appears; `off`."""
    assert "recovery of table" in run("point_in_time_recovery") and "off." in run(
        "point_in_time_recovery")

    assert "is now on" in run("point_in_time_recovery", "on")
    shown = json.loads(run("point_in_time_recovery", "--json"))
    assert "is already on" in run("point_in_time_recovery", "on")
    assert "is now off" in run("point_in_time_recovery", "off")

    updates = [params for operation, params in sent if operation == "update_continuous_backups"]
    assert updates == [
        {"TableName": table, "PointInTimeRecoverySpecification": {"PointInTimeRecoveryEnabled": on}}
        for on in (True, False)
    ]
    assert shown["enabled"] is True
    assert shown["earliest_restorable_time"].endswith("Z")
    assert shown["latest_restorable_time"] >= shown["earliest_restorable_time"]
    assert recovery.recovery_window(table).enabled is False


@on_moto
def test_restore_to_point_in_time_makes_a_new_table_at_a_time_in_the_window(
        table, sent, raw_client):
    """--time within the window goes out as RestoreDateTime; the new table has the items."""
    recovery.set_point_in_time_recovery(table, True)
    earliest = recovery.recovery_window(table).earliest
    target = f"{table}-restored"

    out = run("point_in_time_recovery", "restore", "--to", target, "--time", earliest.isoformat())

    assert f"“{target}” is being restored" in out
    restores = [params for operation, params in sent
                if operation == "restore_table_to_point_in_time"]
    assert restores == [{"SourceTableName": table, "TargetTableName": target,
                         "RestoreDateTime": earliest}]
    assert item_ids(raw_client, target) == ["01", "02"]


@on_moto
def test_restore_without_a_time_uses_the_latest_restorable_time(table, sent):
    recovery.set_point_in_time_recovery(table, True)

    run("point_in_time_recovery", "restore", "--to", f"{table}-latest")

    restores = [params for operation, params in sent
                if operation == "restore_table_to_point_in_time"]
    assert restores == [{"SourceTableName": table, "TargetTableName": f"{table}-latest",
                         "UseLatestRestorableTime": True}]


@on_moto
@pytest.mark.parametrize("args, expected", [
    (("--time", "2001-01-01T00:00:00Z"), "--time: 2001-01-01T00:00:00Z is outside the "
                                         "restorable window"),
    (("--time", "yesterday"), "--time: “yesterday” is not an ISO 8601 time"),
    (("--time", "2999-01-01T00:00:00"), "--time: 2999-01-01T00:00:00Z is outside"),
])
def test_a_restore_time_outside_the_window_is_refused_and_nothing_is_sent(
        table, sent, args, expected):
    recovery.set_point_in_time_recovery(table, True)
    sent.clear()

    with pytest.raises(CommandError, match=re.escape(expected)):
        run("point_in_time_recovery", "restore", "--to", f"{table}-never", *args)

    assert changes(sent) == []
    assert operations.table_status(f"{table}-never") is None


@on_moto
def test_a_restore_needs_recovery_on_and_a_name_no_table_has(table, sent):
    with pytest.raises(CommandError, match="Point-in-time recovery is off"):
        run("point_in_time_recovery", "restore", "--to", f"{table}-x")
    recovery.set_point_in_time_recovery(table, True)
    sent.clear()
    with pytest.raises(CommandError, match=f"--to: A table named “{table}” exists already"):
        run("point_in_time_recovery", "restore", "--to", table)
    with pytest.raises(CommandError, match="--to: The new table's name must be 3 to 255"):
        run("point_in_time_recovery", "restore", "--to", "a/b")

    assert changes(sent) == []


# --- On-demand backups ---------------------------------------------------------------------


@on_moto
def test_backups_are_created_listed_restored_and_deleted(table, sent, raw_client):
    """Each step is one request of the right kind; a restore makes a new table with the items."""
    out = run("table_backups", "create", "--name", "before-cleanup")
    assert "Backup “before-cleanup”" in out
    listed = json.loads(run("table_backups", "list", "--json"))
    assert [(backup["name"], backup["table"], backup["status"]) for backup in listed] == [
        ("before-cleanup", table, "AVAILABLE")]

    run("table_backups", "restore", "before-cleanup", "--to", f"{table}-copy")
    assert item_ids(raw_client, f"{table}-copy") == ["01", "02"]

    assert "deleted" in run("table_backups", "delete", listed[0]["arn"])
    assert recovery.list_backups(table) == []
    assert [(operation, params) for operation, params in sent if operation in CHANGES] == [
        ("create_backup", {"TableName": table, "BackupName": "before-cleanup"}),
        ("restore_table_from_backup", {"TargetTableName": f"{table}-copy",
                                       "BackupArn": listed[0]["arn"]}),
        ("delete_backup", {"BackupArn": listed[0]["arn"]}),
    ]


@on_moto
def test_an_unknown_backup_is_refused_by_name_and_nothing_changes(table, sent):
    recovery.create_backup(table, "kept")
    sent.clear()

    with pytest.raises(CommandError, match=f"BACKUP: Table “{table}” has no backup “nope”"):
        run("table_backups", "delete", "nope")
    with pytest.raises(CommandError, match="has no backup “nope”"):
        run("table_backups", "restore", "nope", "--to", f"{table}-copy")
    with pytest.raises(CommandError, match="--name: The backup name must be 3 to 255"):
        run("table_backups", "create", "--name", "no spaces")

    assert changes(sent) == []
    assert [backup.name for backup in recovery.list_backups(table)] == ["kept"]
    assert operations.table_status(f"{table}-copy") is None


@on_moto
def test_a_default_backup_name_is_the_tables_name_and_the_time(table):
    backup = recovery.create_backup(table)

    assert re.fullmatch(rf"{re.escape(table)}-\d{{8}}-\d{{6}}", backup.name)


# --- Back up first ---------------------------------------------------------------------------


@on_moto
def test_delete_table_backup_first_backs_up_then_deletes(table, sent):
    out = run("delete_table", "--noinput", "--backup-first")

    assert "Backup “" in out and "deleted." in out
    assert changes(sent) == ["create_backup", "delete_table"]
    assert operations.table_status(table) is None
    assert [backup.table for backup in recovery.list_backups(table)] == [table]


@on_dynamodb_local
def test_delete_table_backup_first_on_dynamodb_local_says_so_and_keeps_the_table(table):
    with pytest.raises(CommandError) as refusal:
        run("delete_table", "--noinput", "--backup-first")

    message = str(refusal.value)
    assert message.startswith("No backup was made, so the table was not deleted: ")
    assert "does not support backups" in message
    assert operations.table_status(table) == "ACTIVE"


def export_line(contact_id, username):
    return json.dumps({"id": {"S": contact_id}, "username": {"S": username}}) + "\n"


@on_moto
def test_import_overwrite_backup_first_backs_up_after_checking_and_before_writing(
        table, sent, tmp_path, raw_client):
    source = tmp_path / "contacts.jsonl"
    source.write_text(export_line("01", "replaced") + export_line("03", "new"))

    run("import_contacts", str(source), "--overwrite", "--backup-first")

    order = changes(sent)
    assert order[0] == "create_backup" and set(order[1:]) == {"batch_write_item"}
    assert item_ids(raw_client) == ["01", "02", "03"]


@on_dynamodb_local
def test_import_backup_first_on_dynamodb_local_writes_nothing(table, tmp_path, raw_client):
    source = tmp_path / "contacts.jsonl"
    source.write_text(export_line("01", "replaced"))

    with pytest.raises(CommandError, match="No backup was made, so nothing was written: "
                                           r"This endpoint \(http://127.0.0.1:\d+\) does not "
                                           "support backups"):
        run("import_contacts", str(source), "--overwrite", "--backup-first")

    stored = raw_client.get_item(TableName=table, Key={"id": {"S": "01"}})["Item"]
    assert stored["username"] == {"S": "u01"}


def bulk_delete(ids, **extra):
    return {"action": "delete_selected", "_selected_action": ids, "index": "0", "post": "yes",
            **extra}


@on_moto
def test_bulk_delete_offers_and_makes_a_backup_first(admin_client, table, raw_client):
    confirmation = admin_client.post(LIST_URL, {"action": "delete_selected",
                                                "_selected_action": ["01", "02"], "index": "0"})
    assert 'name="backup_first" value="yes"' in confirmation.content.decode()

    response = admin_client.post(LIST_URL, bulk_delete(["01", "02"], backup_first="yes"),
                                 follow=True)

    shown = text(response)
    assert f"of table “{table}” made" in shown and "Successfully deleted 2" in shown
    assert item_ids(raw_client) == []
    assert len(recovery.list_backups(table)) == 1


@on_dynamodb_local
def test_bulk_delete_backup_first_on_dynamodb_local_deletes_nothing(admin_client, table,
                                                                    raw_client):
    response = admin_client.post(LIST_URL, bulk_delete(["01"], backup_first="yes"))

    assert response.status_code == 200  # the confirmation again, not a 500
    assert "No backup was made, so nothing was changed" in text(response)
    assert "does not support backups" in text(response)
    assert item_ids(raw_client) == ["01", "02"]


@on_moto
def test_staff_who_are_not_superusers_get_no_backup_offer(contacts_staff, table):
    confirmation = contacts_staff.post(LIST_URL, {"action": "delete_selected",
                                                  "_selected_action": ["01"], "index": "0"})

    assert confirmation.status_code == 200
    assert "backup_first" not in confirmation.content.decode()


# --- The safety page ---------------------------------------------------------------------


def test_non_superusers_get_403_before_any_request(contacts_staff, contacts_table):
    for response in (contacts_staff.get(SAFETY_URL),
                     contacts_staff.post(SAFETY_URL, {"action": "backup_create"})):
        assert response.status_code == 403
        assert response["X-DynamoDB-Requests"] == "0"


@on_moto
def test_the_page_turns_recovery_on_and_backs_up_in_one_click(admin_client, table):
    shown = text(admin_client.get(SAFETY_URL))
    assert "Status: off" in shown and f"Table “{table}” has no backups." in shown

    assert admin_client.post(SAFETY_URL, {"action": "pitr_on"}).status_code == 302
    assert admin_client.post(SAFETY_URL, {"action": "backup_create"}).status_code == 302

    page = admin_client.get(SAFETY_URL)
    shown = text(page)
    assert "Status: on — restorable from" in shown
    assert recovery.recovery_window(table).enabled
    [backup] = recovery.list_backups(table)
    assert backup.name in shown and f'value="{backup.arn}"' in page.content.decode()


@on_moto
def test_the_page_refuses_a_restore_time_outside_the_window_on_the_form(admin_client, table,
                                                                       sent):
    recovery.set_point_in_time_recovery(table, True)
    sent.clear()

    response = admin_client.post(SAFETY_URL, {"action": "pitr_restore", "target": "Elsewhere",
                                              "restore_time": "2001-01-01 00:00:00"})

    assert response.status_code == 200
    assert "2001-01-01T00:00:00Z is outside the restorable window" in text(response)
    assert changes(sent) == []
    assert operations.table_status("Elsewhere") is None


@on_moto
def test_the_page_restores_and_deletes_a_backup(admin_client, table, raw_client):
    backup = recovery.create_backup(table, "page-backup")

    restored = admin_client.post(SAFETY_URL, {"action": "backup_restore", "backup": backup.arn,
                                              "target": "FromPage"})
    deleted = admin_client.post(SAFETY_URL, {"action": "backup_delete", "backup": backup.arn})
    again = admin_client.post(SAFETY_URL, {"action": "backup_delete", "backup": backup.arn})

    assert (restored.status_code, deleted.status_code) == (302, 302)
    assert item_ids(raw_client, "FromPage") == ["01", "02"]
    assert recovery.list_backups(table) == []
    assert again.status_code == 200
    assert f"Table “{table}” has no backup “{backup.arn}”" in text(again)


@on_dynamodb_local
def test_on_dynamodb_local_every_section_says_the_endpoint_cannot(admin_client, table):
    """PITR, backups, auto scaling and replicas each say so; the page is a 200, not a 500."""
    response = admin_client.get(SAFETY_URL)

    assert response.status_code == 200
    shown = text(response)
    for feature in ("point-in-time recovery", "backups", "auto scaling"):
        assert f"does not support {feature}:" in shown
    # DescribeTable works there: the table simply has no replicas; adding one says so.
    assert "has no replicas" in shown
    added = admin_client.post(SAFETY_URL, {"action": "replica_add", "region": "eu-west-1"})
    assert added.status_code == 200
    assert "does not support replicas" in text(added)


@on_dynamodb_local
def test_on_dynamodb_local_the_commands_say_the_endpoint_cannot(table):
    for args, feature in ((("table_backups", "create"), "backups"),
                          (("table_backups",), "backups"),
                          (("point_in_time_recovery", "on"), "point-in-time recovery"),
                          (("table_autoscaling",), "auto scaling"),
                          (("table_replicas", "add", "eu-west-1"), "replicas")):
        with pytest.raises(CommandError, match=f"does not support {feature}: DynamoDB Local"):
            run(*args)


@on_moto
def test_a_feature_not_permitted_is_said_in_its_section_and_the_rest_works(
        admin_client, table, monkeypatch):
    real_call = backend.call

    def denying_call(operation, **params):
        if operation == "list_backups":
            raise AccessDenied("denied", "dynamodb:ListBackups")
        return real_call(operation, **params)

    monkeypatch.setattr(backend, "call", denying_call)
    response = admin_client.get(SAFETY_URL)

    assert response.status_code == 200
    shown = text(response)
    assert "Not permitted: these credentials may not use dynamodb:ListBackups." in shown
    assert "Status: off" in shown  # point-in-time recovery still shown


def test_access_denied_names_the_action_of_either_service():
    def refusal(operation):
        def raise_it():
            raise ClientError({"Error": {"Code": "AccessDeniedException", "Message": "no"}},
                              operation)
        return raise_it

    for operation, action in (("CreateBackup", "dynamodb:CreateBackup"),
                              ("RegisterScalableTarget",
                               "application-autoscaling:RegisterScalableTarget")):
        with pytest.raises(AccessDenied) as denied:
            translated(refusal(operation), "Contacts")
        assert denied.value.action == action
        assert f"Access denied by AWS to {action}: no." in str(denied.value)


def test_an_unknown_operation_is_not_supported_not_a_store_failure():
    def unknown():
        raise ClientError({"Error": {"Code": "UnknownOperationException",
                                     "Message": "An unknown operation was requested."}},
                          "CreateBackup")

    with pytest.raises(NotSupported, match="does not support CreateBackup"):
        translated(unknown)


# --- Replicas -----------------------------------------------------------------------------------


@pytest.fixture
def replicated(monkeypatch):
    """DescribeTable reports a replica in eu-west-1 (moto keeps no replicas)."""
    real_call = backend.call

    def call(operation, **params):
        response = real_call(operation, **params)
        if operation == "describe_table":
            response["Table"]["Replicas"] = [{"RegionName": "eu-west-1",
                                              "ReplicaStatus": "ACTIVE"}]
        return response

    monkeypatch.setattr(backend, "call", call)


@on_moto
def test_adding_and_removing_a_replica_sends_replica_updates(table, replicated, sent):
    listed = json.loads(run("table_replicas", "--json"))
    run("table_replicas", "add", "ap-southeast-1")
    run("table_replicas", "remove", "eu-west-1")

    assert listed == {"table": table, "region": "us-east-1", "replicas": [
        {"region": "eu-west-1", "status": "ACTIVE", "status_description": ""}]}
    assert [params for operation, params in sent if operation == "update_table"] == [
        {"TableName": table, "ReplicaUpdates": [{"Create": {"RegionName": "ap-southeast-1"}}]},
        {"TableName": table, "ReplicaUpdates": [{"Delete": {"RegionName": "eu-west-1"}}]},
    ]


@on_moto
@pytest.mark.parametrize("args, expected", [
    (("add", "us-east-1"), "REGION: The table “{table}” is in us-east-1 already"),
    (("add", "eu-west-1"), "REGION: Table “{table}” has a replica in eu-west-1 already."),
    (("add", "Mars"), "REGION: “Mars” is not an AWS region name"),
    (("remove", "ap-south-1"), "REGION: Table “{table}” has no replica in ap-south-1 "
                               "(its replicas: eu-west-1)."),
])
def test_bad_replica_regions_are_refused_and_nothing_is_sent(table, replicated, sent, args,
                                                            expected):
    with pytest.raises(CommandError, match=re.escape(expected.format(table=table))):
        run("table_replicas", *args)

    assert changes(sent) == []


@on_moto
def test_the_page_lists_replicas_and_explains_last_writer_wins(admin_client, table, replicated):
    shown = text(admin_client.get(SAFETY_URL))

    assert "eu-west-1 ACTIVE" in shown
    assert "across regions, the last writer wins" in shown
    assert replicas.this_region() == "us-east-1"


# --- README --------------------------------------------------------------------------------------


def test_readme_lists_the_permissions_each_feature_sends():
    """Every API action the recovery, backup, scaling and replica code sends (beyond the
    app's own DescribeTable and UpdateTable) is named in README's table of extra
    permissions by feature, with its service's prefix."""
    root = Path(__file__).resolve().parent.parent
    section = (root / "README.md").read_text().split(
        "Extra permissions by feature", 1)[1].split("`/healthz` answers", 1)[0]
    # scaling._every_page sends Application Auto Scaling's paged Describe* requests.
    prefixes = {"call": "dynamodb", "call_scaling": "application-autoscaling",
                "_every_page": "application-autoscaling"}
    found = set()
    for name in ("recovery.py", "replicas.py", "scaling.py"):
        code = (root / "dynamodb_tables" / "store" / name).read_text()
        for function, operation in re.findall(r'\b(call|call_scaling|_every_page)\(\s*"([a-z_]+)"',
                                         code):
            action = "".join(part.capitalize() for part in operation.split("_"))
            found.add(f"{prefixes[function]}:{action}")
    assert {"dynamodb:CreateBackup", "application-autoscaling:PutScalingPolicy",
            "application-autoscaling:DescribeScalingPolicies"} <= found
    for action in sorted(found - {"dynamodb:DescribeTable", "dynamodb:UpdateTable"}):
        assert f"`{action}`" in section, action


@on_moto
def test_every_table_has_the_page_under_admin_tables(admin_client, table):
    url = f"/admin/tables/{table}/table/safety/"

    assert admin_client.get(f"/admin/tables/{table}/table/").content.decode().count(
        'href="safety/"') == 1
    made = admin_client.post(url, {"action": "backup_create", "backup_name": "browsed"})

    assert made.status_code == 302 and made["Location"] == url
    assert [backup.name for backup in recovery.list_backups(table)] == ["browsed"]
    assert "Backup “browsed”" in text(admin_client.get(url))
