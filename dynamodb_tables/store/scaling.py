"""Auto scaling of a provisioned table's capacity (and its global indexes'), shown beside it.

DynamoDB's auto scaling is Application Auto Scaling's target tracking: a
scalable target (minimum and maximum units of one dimension, e.g. the
table's reads) and a policy that keeps utilisation near a target percentage.
Turning it on sends RegisterScalableTarget and PutScalingPolicy; turning it
off, DeregisterScalableTarget, which deletes the policy with it.
"""

from dataclasses import dataclass

from .. import backend
from .features import AUTO_SCALING, InvalidSetting, feature

NAMESPACE = "dynamodb"
READ, WRITE = "read", "write"
KINDS = (READ, WRITE)
# What Application Auto Scaling accepts for DynamoDB's target utilisation, in percent.
LOWEST_TARGET, HIGHEST_TARGET = 20, 90
METRICS = {READ: "DynamoDBReadCapacityUtilization", WRITE: "DynamoDBWriteCapacityUtilization"}
UNITS = {READ: "ReadCapacityUnits", WRITE: "WriteCapacityUnits"}
# One policy per scalable dimension: the same name on each is unambiguous.
POLICY_NAMES = {READ: "dynamodb_tables-read-utilization",
                WRITE: "dynamodb_tables-write-utilization"}


@dataclass(frozen=True)
class AutoScaling:
    """Minimum and maximum capacity units, and the target utilisation in percent.

    The one place these are checked: the command's `5:100:70` and the page's
    form both build one and show its InvalidSetting.
    """

    minimum: int
    maximum: int
    target: int

    def __post_init__(self):
        for field, value in (("minimum", self.minimum), ("maximum", self.maximum),
                             ("target", self.target)):
            if not isinstance(value, int) or isinstance(value, bool):
                raise InvalidSetting(field, f"The {field} must be a whole number, not {value!r}.")
        if self.minimum < 1:
            raise InvalidSetting("minimum", f"The minimum must be at least 1 unit, not "
                                 f"{self.minimum}.")
        if self.minimum > self.maximum:
            raise InvalidSetting("maximum", f"The minimum ({self.minimum}) is above the "
                                 f"maximum ({self.maximum}).")
        if not LOWEST_TARGET <= self.target <= HIGHEST_TARGET:
            raise InvalidSetting(
                "target", f"The target utilisation must be {LOWEST_TARGET} to {HIGHEST_TARGET} "
                f"percent, not {self.target}.")

    @classmethod
    def parse(cls, text, field="autoscale"):
        """Return the AutoScaling that "MIN:MAX:TARGET" (e.g. "5:100:70") describes."""
        parts = text.split(":")
        if len(parts) != 3 or not all(part.strip().isdigit() for part in parts):
            raise InvalidSetting(field, f"Write auto scaling as MIN:MAX:TARGET, e.g. 5:100:70 "
                                 f"(units, units, percent), not “{text}”.")
        return cls(*(int(part) for part in parts))

    def __str__(self):
        return f"{self.minimum} to {self.maximum} units, target {self.target}% utilisation"

    def as_json(self):
        return {"minimum": self.minimum, "maximum": self.maximum, "target": self.target}


def resource_id(table, index=None):
    """Return Application Auto Scaling's id of a table or one of its global indexes."""
    return f"table/{table}/index/{index}" if index else f"table/{table}"


def dimension(kind, index=None):
    """Return the scalable dimension, e.g. dynamodb:index:WriteCapacityUnits."""
    return f"dynamodb:{'index' if index else 'table'}:{UNITS[kind]}"


def capacities(table):
    """Return the current capacity of the table and of each global index (DescribeTable).

    A list of {"index": None or its name, "provisioned": bool, "read"/"write":
    {"units": current units, None when on-demand}}; `with_scaling` adds each
    one's auto scaling.
    """
    description = backend.call("describe_table", TableName=table)["Table"]
    provisioned = description.get("BillingModeSummary", {}).get(
        "BillingMode", "PROVISIONED") == "PROVISIONED"
    resources = [(None, description.get("ProvisionedThroughput", {}))] + [
        (index["IndexName"], index.get("ProvisionedThroughput", {}))
        for index in description.get("GlobalSecondaryIndexes", [])
    ]
    return [
        {"index": name, "provisioned": provisioned,
         **{kind: {"units": throughput.get(UNITS[kind]) if provisioned else None}
            for kind in KINDS}}
        for name, throughput in resources
    ]


def with_scaling(table, rows):
    """Return `capacities` rows with each dimension's AutoScaling (None: off) beside its units."""
    settings = _settings(table, [row["index"] for row in rows])
    return [
        {**row, **{kind: {**row[kind], "scaling": settings.get(
            (resource_id(table, row["index"]), dimension(kind, row["index"])))}
            for kind in KINDS}}
        for row in rows
    ]


def _settings(table, indexes):
    """Return {(resource id, dimension): AutoScaling} of what is registered now."""
    ids = [resource_id(table, index) for index in indexes]
    with feature(AUTO_SCALING):
        targets = _every_page("describe_scalable_targets", "ScalableTargets", ResourceIds=ids)
        policies = [policy for target_id in {t["ResourceId"] for t in targets}
                    for policy in _every_page("describe_scaling_policies", "ScalingPolicies",
                                              ResourceId=target_id)]
    targets_of = {}
    for policy in policies:
        configuration = policy.get("TargetTrackingScalingPolicyConfiguration")
        if configuration:
            key = (policy["ResourceId"], policy["ScalableDimension"])
            targets_of[key] = round(configuration["TargetValue"])
    found = {}
    for target in targets:
        key = (target["ResourceId"], target["ScalableDimension"])
        if key in targets_of:
            # A target without a target-tracking policy scales nothing: shown as off.
            found[key] = AutoScaling(target["MinCapacity"], target["MaxCapacity"],
                                     targets_of[key])
    return found


def _every_page(operation, entries, **params):
    found = []
    while True:
        response = backend.call_scaling(operation, ServiceNamespace=NAMESPACE, **params)
        found.extend(response.get(entries, []))
        if not response.get("NextToken"):
            return found
        params["NextToken"] = response["NextToken"]


def enable(table, kind, scaling, index=None):
    """Turn on auto scaling of the table's (or a global index's) reads or writes."""
    _check_resource(table, index)
    target, scalable = resource_id(table, index), dimension(kind, index)
    with feature(AUTO_SCALING):
        backend.call_scaling(
            "register_scalable_target", ServiceNamespace=NAMESPACE, ResourceId=target,
            ScalableDimension=scalable, MinCapacity=scaling.minimum,
            MaxCapacity=scaling.maximum)
        backend.call_scaling(
            "put_scaling_policy", ServiceNamespace=NAMESPACE, ResourceId=target,
            ScalableDimension=scalable, PolicyName=POLICY_NAMES[kind],
            PolicyType="TargetTrackingScaling",
            TargetTrackingScalingPolicyConfiguration={
                "TargetValue": float(scaling.target),
                "PredefinedMetricSpecification": {"PredefinedMetricType": METRICS[kind]},
            })


def disable(table, kind, index=None):
    """Turn off auto scaling of reads or writes; return False when it was not on.

    The capacity stays at the units auto scaling last set.
    """
    target, scalable = resource_id(table, index), dimension(kind, index)
    with feature(AUTO_SCALING):
        registered = _every_page("describe_scalable_targets", "ScalableTargets",
                                 ResourceIds=[target], ScalableDimension=scalable)
        if not registered:
            return False
        backend.call_scaling("deregister_scalable_target", ServiceNamespace=NAMESPACE,
                             ResourceId=target, ScalableDimension=scalable)
    return True


def _check_resource(table, index):
    """Refuse auto scaling for an on-demand table or an index that is not a global one."""
    description = backend.call("describe_table", TableName=table)["Table"]
    mode = description.get("BillingModeSummary", {}).get("BillingMode", "PROVISIONED")
    if mode != "PROVISIONED":
        raise InvalidSetting(
            None, f"Table “{table}” is on-demand ({mode}): auto scaling applies to provisioned "
            "capacity. Switch it to provisioned capacity first.")
    indexes = [entry["IndexName"] for entry in description.get("GlobalSecondaryIndexes", [])]
    if index is not None and index not in indexes:
        raise InvalidSetting(
            "index", f"Table “{table}” has no global secondary index “{index}” (it has: "
            f"{', '.join(indexes) or 'none'}).")
