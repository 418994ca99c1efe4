import time

from django.core.management.base import CommandError

from dynamodb_tables.exceptions import StoreUnavailable
from dynamodb_tables.management.base import StoreCommand
from dynamodb_tables.store.operations import table_status

POLL_SECONDS = 1


class Command(StoreCommand):
    help = (
        "Wait until DynamoDB answers (a missing table counts as an answer), "
        "for start-up scripts. Fails after --timeout seconds."
    )

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument(
            "--timeout", type=int, default=60, help="Seconds to wait at most (default 60)."
        )

    def handle(self, **options):
        name = self.table_name(options)
        label = self.table_label(name)
        deadline = time.monotonic() + options["timeout"]
        announced = False
        while True:
            try:
                status = table_status(name)
            except StoreUnavailable as error:
                # Misconfiguration (credentials, region) is raised at once:
                # waiting would not fix it.
                if time.monotonic() >= deadline:
                    raise CommandError(
                        f"DynamoDB did not answer within {options['timeout']} seconds. "
                        f"Last error: {error}"
                    ) from error
                if not announced:
                    self.stdout.write(f"Waiting for DynamoDB (table {label}) to answer...")
                    announced = True
                time.sleep(POLL_SECONDS)
                continue
            state = status or "not created yet"
            self.stdout.write(f"DynamoDB answers; table {label} is {state}.")
            return
