"""Global table replicas: list a table's replica regions, add or remove one (UpdateTable).

A replica is a full copy of the table in another region, kept in step by
DynamoDB (global tables version 2019.11.21). Writes in each region are
conditional there only: across regions the last writer wins (README).
"""

import re

from .. import backend
from ..exceptions import InvalidRequest, NotSupported
from .features import REPLICAS, InvalidSetting, feature

# AWS region names: us-east-1, ap-southeast-1, us-gov-west-1, eu-central-2 ...
REGION_PATTERN = re.compile(r"[a-z]{2}(-[a-z]+)+-\d{1,2}")


def this_region():
    """Return the region the app's DynamoDB requests go to."""
    return backend.client().meta.region_name


def replicas(table):
    """Return the table's replicas, [{"region", "status", "status_description"}], by region.

    DynamoDB Local and tables that are no global table list none.
    """
    description = backend.call("describe_table", TableName=table)["Table"]
    return sorted(
        ({"region": replica["RegionName"], "status": replica.get("ReplicaStatus", ""),
          "status_description": replica.get("ReplicaStatusDescription", "")}
         for replica in description.get("Replicas", [])),
        key=lambda replica: replica["region"],
    )


def add_replica(table, region):
    """Ask DynamoDB to add a replica of the table in `region`; it is CREATING for a while."""
    region = _checked_region(region)
    if region == this_region():
        raise InvalidSetting("region", f"The table “{table}” is in {region} already: choose "
                             "another region for its replica.")
    if region in {replica["region"] for replica in replicas(table)}:
        raise InvalidSetting("region", f"Table “{table}” has a replica in {region} already.")
    _update(table, {"Create": {"RegionName": region}})
    return region


def remove_replica(table, region):
    """Ask DynamoDB to delete the table's replica in `region` (and every item in it)."""
    region = _checked_region(region)
    listed = [replica["region"] for replica in replicas(table)]
    if region not in listed:
        raise InvalidSetting("region", f"Table “{table}” has no replica in {region} (its "
                             f"replicas: {', '.join(listed) or 'none'}).")
    _update(table, {"Delete": {"RegionName": region}})
    return region


def _update(table, replica_update):
    with feature(REPLICAS):
        try:
            backend.call("update_table", TableName=table, ReplicaUpdates=[replica_update])
        except InvalidRequest as error:
            # DynamoDB Local ignores ReplicaUpdates, then finds nothing else to change.
            if "Nothing to update" in str(error):
                raise NotSupported(str(error)) from error
            raise


def _checked_region(region):
    region = (region or "").strip()
    if not REGION_PATTERN.fullmatch(region):
        raise InvalidSetting("region", f"“{region}” is not an AWS region name such as "
                             "eu-west-1.")
    return region
