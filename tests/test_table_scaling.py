"""Auto scaling of provisioned capacity: Application Auto Scaling target tracking.

moto's Application Auto Scaling holds the scalable targets and policies; a
spy on the backend's scaling dispatch asserts what reached the API, and that
refused input (a minimum above the maximum, a target out of range, an
on-demand table, an unknown index) sent nothing. DynamoDB Local shows what
an endpoint without auto scaling says.
"""

import html
import io
import json
import re
import time

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from contacts.models import CONTACTS
from dynamodb_tables import backend
from dynamodb_tables.backend import budget
from dynamodb_tables.exceptions import BudgetSpent
from dynamodb_tables.store import operations, scaling

SAFETY_URL = "/admin/contacts/contact/table/safety/"
INDEX = "username-order"
CHANGES = {"register_scalable_target", "put_scaling_policy", "deregister_scalable_target"}

on_moto = pytest.mark.parametrize("store", ["moto"], indirect=True)
on_dynamodb_local = pytest.mark.parametrize("store", ["dynamodb_local"], indirect=True)


# A page's 5-second budget must not count moto loading its auto scaling (conftest.py).
pytestmark = pytest.mark.usefixtures("moto_scaling_loaded")


@pytest.fixture
def provisioned(store):
    """The contacts table with 5 read and 5 write units (its global index too)."""
    operations.create_table(CONTACTS, operations.Capacity(operations.PROVISIONED, 5, 5))
    return CONTACTS.name


def run(*args):
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def changes(requests):
    return [(operation, params) for operation, params in requests if operation in CHANGES]


def registered(table):
    """Return {(resource id, dimension): (min, max)} as Application Auto Scaling holds them."""
    targets = backend.call_scaling("describe_scalable_targets", ServiceNamespace="dynamodb")
    return {(target["ResourceId"], target["ScalableDimension"]):
            (target["MinCapacity"], target["MaxCapacity"])
            for target in targets["ScalableTargets"]
            if target["ResourceId"].startswith(f"table/{table}")}


def text(response):
    content = re.sub(r"<[^>]+>", " ", response.content.decode())
    return re.sub(r"\s+", " ", html.unescape(content))


# --- The command -----------------------------------------------------------------------------


@on_moto
def test_autoscale_read_registers_a_target_and_a_target_tracking_policy(provisioned,
                                                                       scaling_sent):
    out = run("update_table", "--autoscale-read", "5:100:70")

    assert "5 to 100 units, target 70% utilisation" in out
    resource = f"table/{provisioned}"
    dimension = "dynamodb:table:ReadCapacityUnits"
    assert changes(scaling_sent) == [
        ("register_scalable_target", {"ServiceNamespace": "dynamodb", "ResourceId": resource,
                                      "ScalableDimension": dimension, "MinCapacity": 5,
                                      "MaxCapacity": 100}),
        ("put_scaling_policy", {
            "ServiceNamespace": "dynamodb", "ResourceId": resource,
            "ScalableDimension": dimension, "PolicyName": "dynamodb_tables-read-utilization",
            "PolicyType": "TargetTrackingScaling",
            "TargetTrackingScalingPolicyConfiguration": {
                "TargetValue": 70.0,
                "PredefinedMetricSpecification": {
                    "PredefinedMetricType": "DynamoDBReadCapacityUtilization"}}}),
    ]
    assert registered(provisioned) == {(resource, dimension): (5, 100)}
    [row, _index_row] = scaling.with_scaling(provisioned, scaling.capacities(provisioned))
    assert row["read"] == {"units": 5, "scaling": scaling.AutoScaling(5, 100, 70)}
    assert row["write"] == {"units": 5, "scaling": None}


@on_moto
def test_a_global_index_scales_on_its_own_and_off_again(provisioned, scaling_sent):
    run("update_table", "--autoscale-write", "2:10:50", "--autoscale-index", INDEX)
    resource = f"table/{provisioned}/index/{INDEX}"
    assert registered(provisioned) == {
        (resource, "dynamodb:index:WriteCapacityUnits"): (2, 10)}

    assert "is now off" in run("update_table", "--autoscale-write", "off",
                               "--autoscale-index", INDEX)
    assert "was off already" in run("update_table", "--autoscale-write", "off",
                                    "--autoscale-index", INDEX)

    assert registered(provisioned) == {}
    assert changes(scaling_sent)[-1] == ("deregister_scalable_target", {
        "ServiceNamespace": "dynamodb", "ResourceId": resource,
        "ScalableDimension": "dynamodb:index:WriteCapacityUnits"})


@on_moto
@pytest.mark.parametrize("args, expected", [
    (("--autoscale-read", "100:5:70"), "--autoscale-read: The minimum (100) is above the "
                                       "maximum (5)."),
    (("--autoscale-write", "5:100:95"), "--autoscale-write: The target utilisation must be "
                                        "20 to 90 percent, not 95."),
    (("--autoscale-read", "0:5:70"), "--autoscale-read: The minimum must be at least 1 unit"),
    (("--autoscale-read", "5:100"), "--autoscale-read: Write auto scaling as MIN:MAX:TARGET"),
    (("--autoscale-read", "5:100:70", "--autoscale-index", "nope"),
     "Table “{table}” has no global secondary index “nope” (it has: username-order)."),
    (("--autoscale-index", INDEX), "--autoscale-index goes with --autoscale-read"),
    (("--autoscale-read", "5:100:70", "--read-capacity", "3", "--write-capacity", "3"),
     "Give one kind of change per run"),
])
def test_bad_auto_scaling_is_refused_naming_the_problem_and_nothing_is_sent(
        provisioned, scaling_sent, args, expected):
    with pytest.raises(CommandError, match=re.escape(expected.format(table=provisioned))):
        run("update_table", *args)

    assert changes(scaling_sent) == []
    assert registered(provisioned) == {}


@on_moto
def test_an_on_demand_table_is_told_to_switch_to_provisioned_first(contacts_table, scaling_sent):
    with pytest.raises(CommandError, match="is on-demand .*Switch it to provisioned capacity"):
        run("update_table", "--autoscale-read", "5:100:70")

    assert changes(scaling_sent) == []


@on_dynamodb_local
def test_on_dynamodb_local_auto_scaling_is_not_supported(provisioned):
    with pytest.raises(CommandError, match=r"This endpoint \(http://127.0.0.1:\d+\) does not "
                                           "support auto scaling: DynamoDB Local has no"):
        run("update_table", "--autoscale-read", "5:100:70")


@on_moto
def test_scaling_requests_are_held_to_the_web_requests_budget(provisioned):
    """The same attempt hooks as DynamoDB's: no attempt starts once the budget is spent."""
    with budget.limited(0.001), pytest.raises(BudgetSpent):
        time.sleep(0.01)
        backend.call_scaling("describe_scalable_targets", ServiceNamespace="dynamodb")


# --- The page ---------------------------------------------------------------------------------


@on_moto
def test_the_page_shows_auto_scaling_beside_the_capacity_and_turns_it_on_and_off(
        admin_client, provisioned, scaling_sent):
    before = text(admin_client.get(SAFETY_URL))
    assert "The table 5 off 5 off" in before and f"Index {INDEX} 5 off 5 off" in before

    on = admin_client.post(SAFETY_URL, {"action": "scaling_on", "resource": INDEX,
                                        "kind": "read", "minimum": "3", "maximum": "30",
                                        "target": "60"})
    shown = text(admin_client.get(SAFETY_URL))
    off = admin_client.post(SAFETY_URL, {"action": "scaling_off", "resource": INDEX,
                                         "kind": "read"})

    assert (on.status_code, off.status_code) == (302, 302)
    assert f"Index {INDEX} 5 3 to 30 units, target 60% utilisation 5 off" in shown
    assert [operation for operation, _ in changes(scaling_sent)] == [
        "register_scalable_target", "put_scaling_policy", "deregister_scalable_target"]
    assert registered(provisioned) == {}


@on_moto
def test_the_page_refuses_a_minimum_above_the_maximum_on_the_form(admin_client, provisioned,
                                                                 scaling_sent):
    response = admin_client.post(SAFETY_URL, {"action": "scaling_on", "resource": "",
                                              "kind": "write", "minimum": "50", "maximum": "10",
                                              "target": "70"})

    assert response.status_code == 200
    assert "The minimum (50) is above the maximum (10)." in text(response)
    assert changes(scaling_sent) == []
    assert registered(provisioned) == {}


@on_moto
def test_table_autoscaling_shows_each_dimension_beside_its_units(provisioned):
    run("update_table", "--autoscale-write", "2:10:50", "--autoscale-index", INDEX)

    shown = json.loads(run("table_autoscaling", "--json"))
    lines = run("table_autoscaling")

    assert shown == [
        {"index": None, "read": {"units": 5, "auto_scaling": None},
         "write": {"units": 5, "auto_scaling": None}},
        {"index": INDEX, "read": {"units": 5, "auto_scaling": None},
         "write": {"units": 5, "auto_scaling": {"minimum": 2, "maximum": 10, "target": 50}}},
    ]
    assert (f"index {INDEX}, writes: 5 units; auto scaling 2 to 10 units, target 50% "
            "utilisation") in lines
