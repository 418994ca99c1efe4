"""Point-in-time recovery and on-demand backups of a table, and restores to a new table.

Every restore makes a new table: DynamoDB never restores over an existing
one, and neither does this module, which checks the target name first so
that a form or a command can say so before anything is sent. Times are
timezone-aware datetimes, shown and compared in UTC.
"""

import datetime
from dataclasses import dataclass

from .. import backend
from . import operations
from .features import BACKUPS, POINT_IN_TIME_RECOVERY, InvalidSetting, checked_name, feature

UTC = datetime.UTC


@dataclass(frozen=True)
class RecoveryWindow:
    """A table's point-in-time recovery: on or off, and the times it can restore to."""

    enabled: bool
    earliest: datetime.datetime | None = None
    latest: datetime.datetime | None = None
    period_days: int | None = None

    def as_json(self):
        return {
            "enabled": self.enabled,
            "earliest_restorable_time": _iso(self.earliest),
            "latest_restorable_time": _iso(self.latest),
            "recovery_period_days": self.period_days,
        }


@dataclass(frozen=True)
class Backup:
    """One on-demand (or AWS Backup) backup of a table, as ListBackups reports it."""

    arn: str
    name: str
    table: str
    status: str
    created: datetime.datetime | None
    size_bytes: int | None
    kind: str

    @classmethod
    def from_response(cls, entry, table=None):
        return cls(
            arn=entry["BackupArn"],
            name=entry["BackupName"],
            table=entry.get("TableName", table),
            status=entry.get("BackupStatus", ""),
            created=_utc(entry.get("BackupCreationDateTime")),
            size_bytes=entry.get("BackupSizeBytes"),
            kind=entry.get("BackupType", "USER"),
        )

    def as_json(self):
        return {"arn": self.arn, "name": self.name, "table": self.table, "status": self.status,
                "created": _iso(self.created), "size_bytes": self.size_bytes, "type": self.kind}


# --- Point-in-time recovery --------------------------------------------------------------


def recovery_window(table):
    """Return the table's RecoveryWindow (DescribeContinuousBackups)."""
    with feature(POINT_IN_TIME_RECOVERY):
        response = backend.call("describe_continuous_backups", TableName=table)
    description = response["ContinuousBackupsDescription"].get(
        "PointInTimeRecoveryDescription", {})
    if description.get("PointInTimeRecoveryStatus") != "ENABLED":
        return RecoveryWindow(enabled=False)
    return RecoveryWindow(
        enabled=True,
        earliest=_utc(description.get("EarliestRestorableDateTime")),
        latest=_utc(description.get("LatestRestorableDateTime")),
        period_days=description.get("RecoveryPeriodInDays"),
    )


def set_point_in_time_recovery(table, enabled):
    """Turn point-in-time recovery on or off; return False when it already was so."""
    if recovery_window(table).enabled == enabled:
        return False
    with feature(POINT_IN_TIME_RECOVERY):
        backend.call("update_continuous_backups", TableName=table,
                     PointInTimeRecoverySpecification={"PointInTimeRecoveryEnabled": enabled})
    return True


def restore_to_point_in_time(table, target, when=None):
    """Restore the table as it was at `when` (None: the latest restorable time) into a new
    table named `target`; refuse a time outside the window or a name in use."""
    target = _new_table_name(table, target)
    window = recovery_window(table)
    if not window.enabled:
        raise InvalidSetting(
            "restore_time",
            f"Point-in-time recovery is off for table “{table}”, so there is no time to "
            "restore to. Turn it on first; it can restore to times after that.",
        )
    if when is not None:
        when = _utc(when)
        if not (window.earliest <= when <= window.latest):
            raise InvalidSetting(
                "restore_time",
                f"{_iso(when)} is outside the restorable window of table “{table}”: "
                f"from {_iso(window.earliest)} to {_iso(window.latest)} (UTC).",
            )
    moment = {"RestoreDateTime": when} if when else {"UseLatestRestorableTime": True}
    with feature(POINT_IN_TIME_RECOVERY):
        backend.call("restore_table_to_point_in_time", SourceTableName=table,
                     TargetTableName=target, **moment)
    return target


# --- On-demand backups -----------------------------------------------------------------


def list_backups(table):
    """Return the table's backups, newest first (ListBackups, every page)."""
    backups, params = [], {"TableName": table}
    with feature(BACKUPS):
        while True:
            response = backend.call("list_backups", **params)
            backups.extend(Backup.from_response(entry, table)
                           for entry in response.get("BackupSummaries", []))
            if not response.get("LastEvaluatedBackupArn"):
                break
            params["ExclusiveStartBackupArn"] = response["LastEvaluatedBackupArn"]
    oldest = datetime.datetime.min.replace(tzinfo=UTC)
    return sorted(backups, key=lambda backup: backup.created or oldest, reverse=True)


def create_backup(table, name=None):
    """Make an on-demand backup of the table now; return it. `name` defaults to the table's
    name and the time, e.g. Contacts-20261129-211500."""
    if name:
        name = checked_name(name, "backup_name", "backup name")
    else:
        name = f"{table[:200]}-{datetime.datetime.now(UTC):%Y%m%d-%H%M%S}"
    with feature(BACKUPS):
        response = backend.call("create_backup", TableName=table, BackupName=name)
    return Backup.from_response(response["BackupDetails"], table)


def find_backup(table, reference):
    """Return the table's backup whose ARN or name is `reference`; refuse one it lacks."""
    reference = (reference or "").strip()
    found = [backup for backup in list_backups(table)
             if reference in (backup.arn, backup.name)]
    if not found:
        raise InvalidSetting(
            "backup", f"Table “{table}” has no backup “{reference}” (its ARN or its name).")
    if len(found) > 1:
        raise InvalidSetting(
            "backup", f"Table “{table}” has {len(found)} backups named “{reference}”: "
            "say which by its ARN.")
    return found[0]


def delete_backup(table, reference):
    """Delete one of the table's backups (by ARN or name); return it."""
    backup = find_backup(table, reference)
    with feature(BACKUPS):
        backend.call("delete_backup", BackupArn=backup.arn)
    return backup


def restore_backup(table, reference, target):
    """Restore one of the table's backups into a new table named `target`; return the
    backup."""
    target = _new_table_name(table, target)
    backup = find_backup(table, reference)
    with feature(BACKUPS):
        backend.call("restore_table_from_backup", TargetTableName=target,
                     BackupArn=backup.arn)
    return backup


# --- Helpers -------------------------------------------------------------------------------


def _new_table_name(table, target):
    """Return `target` if it names no table yet (a restore never overwrites)."""
    target = checked_name(target, "target", "new table's name")
    if target == table or operations.table_status(target) is not None:
        raise InvalidSetting(
            "target", f"A table named “{target}” exists already: a restore makes a new "
            "table, so choose a name no table has.")
    return target


def _utc(moment):
    """Return a datetime in UTC; a naive one is taken as UTC."""
    if moment is None:
        return None
    if moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


def _iso(moment):
    return moment.isoformat().replace("+00:00", "Z") if moment else None
