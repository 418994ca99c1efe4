from django.core.management.base import CommandError
from tqdm import tqdm

from dynamodb_tables.exceptions import InvalidCursor, StoreError
from dynamodb_tables.management.base import StoreCommand
from dynamodb_tables.store import operations, reindex


class Command(StoreCommand):
    help = (
        "Give items written by other tools the attributes the app derives for its indexes "
        "(e.g. a lower-case copy of a name, so that search finds it in any case). Reads the "
        "table page by page and mends only stale items, each with a conditional write that "
        "never overwrites a concurrent edit. Safe to run again; --resume continues an "
        "interrupted run."
    )
    changes_table = True

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument(
            "--resume", metavar="CURSOR",
            help="Start where an interrupted run stopped (it prints the cursor).",
        )

    def handle(self, **options):
        table = self.table(options, declared=True)
        if not table.derived:
            raise CommandError(
                f'Table "{table.name}" declares no derived attributes: nothing to reindex.')
        total = operations.approximate_item_count(table.name)
        summary = reindex.Summary()
        # tqdm draws on a terminal only (disable=None): logs and tests get the summary line.
        bar = tqdm(total=total or None, unit="item", desc="Reindexing", file=self.stderr._out,
                   disable=None)
        try:
            with bar:
                reindex.reindex(table, summary, options["resume"], bar.update)
        except InvalidCursor:
            raise CommandError(
                f'--resume: that cursor is not one this command printed for table "{table.name}"; '
                "run it without --resume to start again (items already mended are skipped)."
            ) from None
        except KeyboardInterrupt:
            self.say_where_to_resume(summary)
            raise CommandError("Interrupted.") from None
        except StoreError:
            self.say_where_to_resume(summary)
            raise
        message = (f"Read {summary.read} items of table \"{table.name}\": {summary.mended} "
                   f"mended, {summary.read - summary.mended - summary.skipped} already correct")
        if summary.skipped:
            message += (f", {summary.skipped} skipped because they changed during the run "
                        "(run the command again for those)")
        self.stdout.write(message + ".")

    def say_where_to_resume(self, summary):
        if summary.resume:
            self.stderr.write(
                f"Stopped after {summary.read} items ({summary.mended} mended). Continue with: "
                f"python manage.py {self.command_name()} --resume {summary.resume}")

    def command_name(self):
        return type(self).__module__.rsplit(".", 1)[-1]
