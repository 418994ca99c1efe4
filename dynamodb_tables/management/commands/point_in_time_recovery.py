import datetime
import json

from django.core.management.base import CommandError

from dynamodb_tables.management.base import StoreCommand
from dynamodb_tables.management.safety import refused
from dynamodb_tables.store import recovery
from dynamodb_tables.store.features import InvalidSetting

SHOW, ON, OFF, RESTORE = "show", "on", "off", "restore"


class Command(StoreCommand):
    help = (
        "Show a table's point-in-time recovery (the declared table by default): on or off, "
        "and the earliest and latest restorable times; turn it on or off; or restore the "
        "table as it was at a time (--time, UTC; default the latest restorable time) into a "
        "new table (--to NAME). DynamoDB Local has no point-in-time recovery: it says so."
    )

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument("action", nargs="?", choices=(SHOW, ON, OFF, RESTORE), default=SHOW)
        parser.add_argument("--to", metavar="NAME", help="restore: the new table's name.")
        parser.add_argument(
            "--time", metavar="WHEN",
            help="restore: an ISO 8601 time within the restorable window, e.g. "
                 "2026-11-29T21:15:00Z (UTC when no offset is given).")
        parser.add_argument("--json", action="store_true", help="show: print JSON for scripts.")

    def handle(self, **options):
        name = self.table_name(options)
        action = options["action"]
        if action != RESTORE and (options["to"] or options["time"]):
            raise CommandError("--to and --time go with restore.")
        try:
            if action == SHOW:
                self._show(name, options["json"])
            elif action == RESTORE:
                self._restore(name, options)
            else:
                changed = recovery.set_point_in_time_recovery(name, action == ON)
                state = f"{'now' if changed else 'already'} {action}"
                self.stdout.write(f"Point-in-time recovery of table {self.table_label(name)} "
                                  f"is {state}.")
        except InvalidSetting as error:
            raise refused(error) from error

    def _show(self, name, as_json):
        window = recovery.recovery_window(name)
        if as_json:
            self.stdout.write(json.dumps({"table": name, **window.as_json()}, indent=2))
            return
        if not window.enabled:
            self.stdout.write(f"Point-in-time recovery of table {self.table_label(name)}: off.")
            return
        times = window.as_json()
        self.stdout.write(
            f"Point-in-time recovery of table {self.table_label(name)}: on, restorable from "
            f"{times['earliest_restorable_time']} to {times['latest_restorable_time']}.")

    def _restore(self, name, options):
        if not options["to"]:
            raise CommandError("restore needs --to NAME, the new table's name.")
        when = _parsed_time(options["time"]) if options["time"] else None
        target = recovery.restore_to_point_in_time(name, options["to"], when)
        moment = options["time"] or "the latest restorable time"
        self.stdout.write(self.style.SUCCESS(
            f"Table “{target}” is being restored from table {self.table_label(name)} as it was "
            f"at {moment}; it is CREATING until DynamoDB is done."))


def _parsed_time(text):
    try:
        moment = datetime.datetime.fromisoformat(text)
    except ValueError:
        raise CommandError(f"--time: “{text}” is not an ISO 8601 time such as "
                           "2026-11-29T21:15:00Z.") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=datetime.UTC)
