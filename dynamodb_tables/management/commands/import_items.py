import contextlib
import shutil
import sys
import tempfile
import time

from django.core.management.base import CommandError

from dynamodb_tables.backend import metering
from dynamodb_tables.exceptions import StoreError
from dynamodb_tables.management.base import StoreCommand
from dynamodb_tables.management.safety import add_backup_first_argument, backup_first
from dynamodb_tables.store import counts, importer
from dynamodb_tables.store.records import BadRecord


class Command(StoreCommand):
    changes_table = True
    changes_items = True
    help = (
        "Add the items of a JSON Lines file written by export_items (DynamoDB JSON, one "
        "item per line; - reads standard input) to a table (the declared one by default). "
        "Every line is checked before anything is written; a key that exists already is "
        "an error unless --skip-existing or --overwrite says otherwise."
    )

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument("file", metavar="FILE", help="The file to import, or - for stdin.")
        mode = parser.add_mutually_exclusive_group()
        mode.add_argument(
            "--skip-existing",
            action="store_const",
            dest="mode",
            const=importer.SKIP_EXISTING,
            help="Leave items whose key exists already as they are.",
        )
        mode.add_argument(
            "--overwrite",
            action="store_const",
            dest="mode",
            const=importer.OVERWRITE,
            help="Replace items whose key exists already (no read before writing).",
        )
        parser.set_defaults(mode=importer.REFUSE_EXISTING)
        # After the file is checked and before anything is written.
        add_backup_first_argument(parser, "writing (with --overwrite, it keeps what is replaced)")

    def handle(self, **options):
        name = options["file"]
        label = "standard input" if name == "-" else name
        progress = Progress(self.stderr) if self.stderr.isatty() else None
        items = self.items(options)
        loader = importer.Importer(items, options["mode"], progress=progress)
        with self._open(name) as source, metering.recording(keep_requests=False) as cost:
            try:
                total = loader.check(source)
                if progress:
                    progress.finish()
                if options["backup_first"]:
                    backup_first(self, items.name, "nothing was written")
                elif options["mode"] == importer.OVERWRITE:
                    self.stderr.write("No backup first (--backup-first makes one): "
                                      "--overwrite replaces existing items as they are.")
                source.seek(0)
                # DynamoDB's figure before the import, for the list's count to move from.
                counts.approximate_count(items.name)
                summary = loader.write(source, total)
                counts.record(items.name, added=summary.created)
                if progress:
                    progress.finish()
            except BadRecord as error:
                if progress:
                    progress.finish()
                raise CommandError(f"{label}, {error}. Nothing was written.") from error
            except importer.ImportInterrupted:
                if progress:
                    progress.finish()
                counts.record(items.name, added=loader.summary.created)
                raise  # its message says how much was written
            except StoreError as error:
                # Only the first pass reads DynamoDB before anything is written.
                raise CommandError(f"{error} Nothing was written.") from error
        self.stdout.write(
            f"Imported {label} into {self.table_label(items.name)}: "
            f"{self._counts(options['mode'], summary, cost.write_units)}",
            style_func=self.style.SUCCESS,
        )

    def _counts(self, mode, summary, write_units):
        units = f" ({metering.units(write_units)} write capacity units)" if write_units else ""
        if mode == importer.OVERWRITE:
            return (
                f"read {summary.read:,}, written {summary.written:,} (new or overwritten: "
                f"--overwrite does not read first to tell which), skipped 0{units}."
            )
        return (
            f"read {summary.read:,}, created {summary.created:,}, overwritten 0, "
            f"skipped {summary.skipped:,}{units}."
        )

    @contextlib.contextmanager
    def _open(self, name):
        """Yield the input as a seekable binary file: it is read twice."""
        if name == "-":
            with self._copy(sys.stdin.buffer) as copy:
                yield copy
            return
        try:
            handle = open(name, "rb")  # noqa: SIM115 - closed by the with below
        except OSError as error:
            raise CommandError(f"Cannot read {name}: {error.strerror or error}.") from error
        with handle:
            if handle.seekable():
                yield handle
                return
            with self._copy(handle) as copy:
                yield copy

    @contextlib.contextmanager
    def _copy(self, stream):
        # Standard input or a pipe can be read only once: keep a copy on disk.
        with tempfile.TemporaryFile() as copy:
            shutil.copyfileobj(stream, copy)
            copy.seek(0)
            yield copy


class Progress:
    """A one-line progress bar on a terminal, redrawn at most ten times a second."""

    WIDTH = 30

    def __init__(self, stream):
        self.stream = stream
        self.drawn_at = 0.0
        self.shown = False

    def __call__(self, done, total):
        now = time.monotonic()
        if now - self.drawn_at < 0.1 and (total is None or done < total):
            return
        self.drawn_at = now
        if total is None:
            line = f"Checking… {done:,} records"
        else:
            filled = self.WIDTH * done // max(total, 1)
            bar = "#" * filled + "." * (self.WIDTH - filled)
            line = f"Importing [{bar}] {100 * done // max(total, 1):3d}% {done:,}/{total:,}"
        self.stream.write("\r" + line + "\033[K", ending="", style_func=str)
        self.stream.flush()
        self.shown = True

    def finish(self):
        if self.shown:
            self.stream.write("", style_func=str)
            self.shown = False
