import json

from django.core.management.base import CommandError

from dynamodb_tables.management.base import StoreCommand
from dynamodb_tables.management.safety import refused
from dynamodb_tables.store import recovery
from dynamodb_tables.store.features import InvalidSetting

LIST, CREATE, DELETE, RESTORE = "list", "create", "delete", "restore"


class Command(StoreCommand):
    help = (
        "On-demand backups of a table (the declared one by default): list them, create one "
        "(--name, default the table's name and the time), delete one (BACKUP: its ARN or "
        "name), or restore one into a new table (--to NAME). DynamoDB Local has no backups: "
        "it says so."
    )

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument("action", nargs="?", choices=(LIST, CREATE, DELETE, RESTORE),
                            default=LIST)
        parser.add_argument("backup", nargs="?", metavar="BACKUP",
                            help="delete, restore: the backup's ARN or name.")
        parser.add_argument("--name", help="create: the backup's name.")
        parser.add_argument("--to", metavar="NAME", help="restore: the new table's name.")
        parser.add_argument("--json", action="store_true", help="list: print JSON for scripts.")

    def handle(self, **options):
        name = self.table_name(options)
        action = options["action"]
        if action in (DELETE, RESTORE) and not options["backup"]:
            raise CommandError(f"{action} needs BACKUP: the backup's ARN or name "
                               "(`table_backups list` shows them).")
        if action == RESTORE and not options["to"]:
            raise CommandError("restore needs --to NAME, the new table's name.")
        try:
            getattr(self, f"_{action}")(name, options)
        except InvalidSetting as error:
            raise refused(error) from error

    def _list(self, name, options):
        backups = recovery.list_backups(name)
        if options["json"]:
            self.stdout.write(json.dumps([backup.as_json() for backup in backups], indent=2))
            return
        if not backups:
            self.stdout.write(f"Table {self.table_label(name)} has no backups.")
            return
        for backup in backups:
            created = backup.as_json()["created"] or "-"
            size = "-" if backup.size_bytes is None else f"{backup.size_bytes} bytes"
            self.stdout.write(f"{backup.name}  {created}  {backup.status}  {size}  {backup.arn}")

    def _create(self, name, options):
        backup = recovery.create_backup(name, options["name"])
        self.stdout.write(self.style.SUCCESS(
            f"Backup “{backup.name}” of table {self.table_label(name)} made ({backup.arn})."))

    def _delete(self, name, options):
        backup = recovery.delete_backup(name, options["backup"])
        self.stdout.write(f"Backup “{backup.name}” of table {self.table_label(name)} deleted.")

    def _restore(self, name, options):
        backup = recovery.restore_backup(name, options["backup"], options["to"])
        self.stdout.write(self.style.SUCCESS(
            f"Table “{options['to'].strip()}” is being restored from backup “{backup.name}”; "
            "it is CREATING until DynamoDB is done."))
