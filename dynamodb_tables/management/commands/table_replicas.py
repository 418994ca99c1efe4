import json

from django.core.management.base import CommandError

from dynamodb_tables.management.base import StoreCommand
from dynamodb_tables.management.safety import refused
from dynamodb_tables.store import replicas
from dynamodb_tables.store.features import InvalidSetting

LIST, ADD, REMOVE = "list", "add", "remove"


class Command(StoreCommand):
    help = (
        "Global table replicas of a table (the declared one by default): list their regions "
        "and status, or add or remove one (REGION, e.g. eu-west-1). Across regions the last "
        "writer wins (README). DynamoDB Local has no replicas: it says so."
    )

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument("action", nargs="?", choices=(LIST, ADD, REMOVE), default=LIST)
        parser.add_argument("region", nargs="?", metavar="REGION",
                            help="add, remove: the replica's AWS region.")
        parser.add_argument("--json", action="store_true", help="list: print JSON for scripts.")

    def handle(self, **options):
        name = self.table_name(options)
        action = options["action"]
        if action != LIST and not options["region"]:
            raise CommandError(f"{action} needs REGION, e.g. eu-west-1.")
        try:
            if action == LIST:
                self._list(name, options["json"])
            elif action == ADD:
                region = replicas.add_replica(name, options["region"])
                self.stdout.write(self.style.SUCCESS(
                    f"A replica of table {self.table_label(name)} in {region} is being "
                    "created; it is CREATING until DynamoDB is done."))
            else:
                region = replicas.remove_replica(name, options["region"])
                self.stdout.write(f"The replica of table {self.table_label(name)} in {region} "
                                  "is being deleted.")
        except InvalidSetting as error:
            raise refused(error) from error

    def _list(self, name, as_json):
        listed = replicas.replicas(name)
        if as_json:
            self.stdout.write(json.dumps(
                {"table": name, "region": replicas.this_region(), "replicas": listed}, indent=2))
            return
        if not listed:
            self.stdout.write(f"Table {self.table_label(name)} has no replicas.")
            return
        for replica in listed:
            detail = f" ({replica['status_description']})" if replica["status_description"] else ""
            self.stdout.write(f"{replica['region']}  {replica['status']}{detail}")
