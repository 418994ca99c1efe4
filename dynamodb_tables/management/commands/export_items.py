import os
import sys
import tempfile
from pathlib import Path

from django.core.management.base import CommandError

from dynamodb_tables import backend
from dynamodb_tables.backend import metering
from dynamodb_tables.management.base import StoreCommand
from dynamodb_tables.store import export
from dynamodb_tables.store.scan import MAX_SEGMENTS


class Command(StoreCommand):
    help = (
        "Write every item of a table (the declared one by default) to JSON Lines (lossless "
        "DynamoDB JSON, what import_items reads) or to CSV (flat, for spreadsheets). "
        "Streams: memory stays constant."
    )

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument(
            "--format",
            choices=export.FORMATS,
            default=export.JSONL,
            help="jsonl (default): one item per line in DynamoDB JSON, every type kept. "
            "csv: the columns of --columns, then the other attributes as one JSON column.",
        )
        parser.add_argument(
            "-o", "--output", metavar="FILE", help="Write to FILE instead of standard output."
        )
        parser.add_argument(
            "--segments",
            type=int,
            default=1,
            help=f"Scan this many segments in parallel (1 to {MAX_SEGMENTS}); "
            "items then come in no particular order.",
        )
        parser.add_argument(
            "--columns",
            help="CSV only: comma-separated attribute names, one column each (default: the "
            "key's and the declared fields' names); the key's names always come first.",
        )

    def handle(self, **options):
        model_admin = self.declared_admin(options)
        items = self.items(options)
        default_columns = model_admin.csv_columns() if model_admin else items.table.key_names
        columns = export.parse_columns(
            options["columns"] or ",".join(default_columns), items.table.key_names)
        with metering.recording(keep_requests=False) as cost:
            # Checked before any output, so a bad value leaves no file behind.
            pages = Counted(items.scan_pages(options["segments"]))
            chunks = self._chunks(pages, options["format"], columns)
            output = options["output"]
            if output:
                self._write_file(Path(output), chunks)
                report = self.stdout
            else:
                self._write_stdout(chunks)
                # The items went to standard output: the summary must not mix with them.
                report = self.stderr
        where = f" to {output}" if output else ""
        report.write(
            f"Exported {pages.items:,} {items.table.verbose_name}(s) from "
            f"{self.table_label(items.name)}{where} ({options['format']}; "
            f"{metering.units(cost.read_units)} read capacity units).",
            style_func=self.style.SUCCESS,
        )

    def _chunks(self, pages, fmt, columns):
        """Yield the output text, one Scan page at a time."""
        if fmt == export.JSONL:
            for page in pages:
                yield "".join(map(export.jsonl_line, page))
            return
        yield next(export.csv_lines((), columns))  # the header, even for an empty table
        for page in pages:
            documents = map(backend.from_attributes, page)
            yield "".join(export.csv_lines(documents, columns, header=False))

    def _write_file(self, path, chunks):
        # Written beside the target and renamed at the end: a failed export
        # never leaves a truncated file that looks complete.
        try:
            handle = tempfile.NamedTemporaryFile(
                "w", encoding="utf-8", newline="", dir=path.parent or ".",
                prefix=f".{path.name}.", suffix=".partial", delete=False,
            )
        except OSError as error:
            raise CommandError(f"Cannot write {path}: {error.strerror or error}.") from error
        try:
            with handle:
                for chunk in chunks:
                    handle.write(chunk)
            os.replace(handle.name, path)
        except OSError as error:
            os.unlink(handle.name)
            raise CommandError(f"Cannot write {path}: {error.strerror or error}.") from error
        except BaseException:
            os.unlink(handle.name)
            raise

    def _write_stdout(self, chunks):
        try:
            for chunk in chunks:
                self.stdout.write(chunk, ending="")
            self.stdout.flush()
        except BrokenPipeError:
            # e.g. `export_items | head`: stop quietly, without Python's
            # complaint when it flushes the closed pipe again at exit.
            if self.stdout._out is sys.stdout:
                os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            raise CommandError(
                "The output was closed before the end; the export is incomplete."
            ) from None


class Counted:
    """Pages passed through, their items counted."""

    def __init__(self, pages):
        self.pages = pages
        self.items = 0

    def __iter__(self):
        for page in self.pages:
            self.items += len(page)
            yield page
