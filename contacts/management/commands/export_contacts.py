import os
import sys
import tempfile
from pathlib import Path

from django.core.management.base import CommandError

from contacts import dynamo, transfer
from contacts.management.base import StoreCommand


class Command(StoreCommand):
    help = (
        "Write every contact to JSON Lines (lossless DynamoDB JSON, what import_contacts "
        "reads) or to CSV (flat, for spreadsheets). Streams: memory stays constant."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--format",
            choices=transfer.FORMATS,
            default=transfer.JSONL,
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
            help=f"Scan this many segments in parallel (1 to {transfer.MAX_SEGMENTS}); "
            "items then come in no particular order.",
        )
        parser.add_argument(
            "--columns",
            default=",".join(transfer.CSV_COLUMNS),
            help="CSV only: comma-separated attribute names, one column each "
            f"(default {','.join(transfer.CSV_COLUMNS)}); id always comes first.",
        )

    def handle(self, **options):
        columns = transfer.parse_columns(options["columns"])
        totals = transfer.ScanTotals()
        # Checked before any output, so a bad value leaves no file behind.
        pages = transfer.scan_pages(options["segments"], totals)
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
            f"Exported {totals.items:,} contact(s) from {self.table_label()}{where} "
            f"({options['format']}; {totals.read_units:,g} read capacity units).",
            style_func=self.style.SUCCESS,
        )

    def _chunks(self, pages, fmt, columns):
        """Yield the output text, one Scan page at a time."""
        if fmt == transfer.JSONL:
            for page in pages:
                yield "".join(map(transfer.jsonl_line, page))
            return
        yield next(transfer.csv_lines((), columns))  # the header, even for an empty table
        for page in pages:
            documents = map(dynamo.from_attributes, page)
            yield "".join(transfer.csv_lines(documents, columns, header=False))

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
            # e.g. `export_contacts | head`: stop quietly, without Python's
            # complaint when it flushes the closed pipe again at exit.
            if self.stdout._out is sys.stdout:
                os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            raise CommandError(
                "The output was closed before the end; the export is incomplete."
            ) from None
