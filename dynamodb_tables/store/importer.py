"""Importing an export file (JSON Lines of DynamoDB JSON) into a table.

A file is read twice: the first pass checks every line (`records`) and, by
default, that no key exists yet; the second writes with BatchWriteItem, 25
items per request, so a bad line is reported before anything is written.
"""

import base64
import binascii
import contextvars
import json
import threading
from concurrent.futures import FIRST_COMPLETED, ThreadPoolExecutor, wait
from dataclasses import dataclass

from .. import backend
from ..exceptions import InvalidRequest, StoreError
from ..values.rules import clip
from .records import BadRecord, parse_record, records, unwrapped

# Keys checked per BatchGetItem (its maximum), and records per writing task.
CHUNK_SIZE = 100
# Import sends this many chunks of records at once (see Importer.write).
WRITE_THREADS = 4

OVERWRITE, SKIP_EXISTING, REFUSE_EXISTING = "overwrite", "skip", "refuse"


@dataclass
class ImportSummary:
    """What an import did. With --overwrite, `written` counts items new or replaced."""

    read: int = 0
    created: int = 0
    written: int = 0
    skipped: int = 0


class ImportInterrupted(StoreError):
    """DynamoDB failed part-way through the writing pass; the message says how many items
    were written and how to add the rest."""


class ExistingKeys(InvalidRequest):
    """Keys of the file exist in the table, and the import was told neither to skip nor
    to overwrite them."""


class Importer:
    """Check, then write, the records of an export file (an iterable of lines, twice)."""

    def __init__(self, manager, mode=REFUSE_EXISTING, progress=None, workers=WRITE_THREADS):
        if mode not in (OVERWRITE, SKIP_EXISTING, REFUSE_EXISTING):
            raise InvalidRequest(f"Unknown import mode {mode!r}.")
        self.manager = manager
        self.table = manager.table
        self.mode = mode
        self.workers = workers
        # Items stored so far, counted by the writing threads as they go, and
        # those of failed batches, which DynamoDB may have written in part.
        self._stored = 0
        self._in_doubt = 0
        self._stored_lock = threading.Lock()
        # progress(done, total): called as records are checked (total None) and
        # written, for a progress bar on a terminal.
        self.progress = progress
        self.summary = ImportSummary()

    def check(self, lines):
        """Check every line; return the number of records. Writes nothing.

        Raises BadRecord for the first bad line, a key found twice, or (by
        default) ExistingKeys when keys of the file are in the table already.
        """
        first_seen = {}  # key -> line: memory grows with the keys, not the items
        pending, existing = [], []
        for line_number, text in records(lines):
            key, _size = parse_record(text, line_number, self.table)
            if self.progress and line_number % CHUNK_SIZE == 0:
                self.progress(len(first_seen), None)
            earlier = first_seen.setdefault(self._identity(key), line_number)
            if earlier != line_number:
                raise BadRecord(
                    line_number, f"{self.table.key_label(key)} is on line {earlier} already"
                )
            if self.mode == REFUSE_EXISTING:
                pending.append((key, line_number))
                if len(pending) == CHUNK_SIZE:
                    existing.extend(self._existing(pending))
                    pending = []
        if pending:
            existing.extend(self._existing(pending))
        if existing:
            shown = ", ".join(
                f"“{clip(self.table.object_id(key))}” (line {line})" for key, line in existing[:5]
            )
            more = f" and {len(existing) - 5:,} more" if len(existing) > 5 else ""
            # "id(s)" for a table keyed by id alone, else "key(s)".
            word = self.table.key_names[0] if len(self.table.key_names) == 1 else "key"
            raise ExistingKeys(
                f"{len(existing):,} {word}(s) of the file exist in table \"{self.table.name}\" "
                f"already: {shown}{more}. Nothing was written. Use --skip-existing to leave "
                "them as they are, or --overwrite to replace them."
            )
        return len(first_seen)

    def _identity(self, key):
        return tuple(key[name] for name in self.table.key_names)

    def write(self, lines, total=None):
        """Write every record (check() first); return the ImportSummary.

        Chunks of records go to a few threads at once: DynamoDB serves
        concurrent requests side by side, and a single thread would leave it
        idle during every round trip. At most two chunks per thread wait in
        line, so memory stays bounded. Each thread runs in a copy of this
        context, so a metering recording around the import counts it all.
        Should DynamoDB fail part-way, ImportInterrupted says what was written.
        """
        try:
            self._write_all(lines, total)
        except StoreError as error:
            # Raised once the pool has stopped: the threads' batches are all counted.
            raise self._interrupted(error, total) from error
        return self.summary

    def _write_all(self, lines, total):
        pending = set()
        with ThreadPoolExecutor(self.workers, thread_name_prefix="import") as pool:

            def submit(chunk):
                context = contextvars.copy_context()
                pending.add(pool.submit(context.run, self._write_chunk, chunk))

            try:
                chunk = []
                for line_number, text in records(lines):
                    chunk.append((line_number, self._checked_record(text, line_number)))
                    if len(chunk) == CHUNK_SIZE:
                        submit(chunk)
                        chunk = []
                    if len(pending) >= 2 * self.workers:
                        done, pending = wait(pending, return_when=FIRST_COMPLETED)
                        self._collect(done, total)
                if chunk:
                    submit(chunk)
                done, pending = wait(pending)
                self._collect(done, total)
            finally:
                for future in pending:
                    future.cancel()

    def _interrupted(self, error, total):
        total = f" of {total:,}" if total is not None else ""
        doubt = f", and {self._in_doubt:,} more may have been" if self._in_doubt else ""
        if self.mode == OVERWRITE:
            resume = "Import the file again with --overwrite to write the rest."
        else:
            resume = ("Import the file again with --skip-existing to add the rest: it leaves "
                      "the items already written as they are.")
        return ImportInterrupted(
            f"The import stopped part-way: {error} {self._stored:,}{total} items were "
            f"written{doubt}. {resume}"
        )

    def _collect(self, futures, total):
        for future in futures:
            try:
                read, stored, skipped = future.result()
            except InvalidRequest as error:
                raise InvalidRequest(
                    f"{error} Other batches ({self._stored:,} items) were written: fix the "
                    "line and import again with --skip-existing to add the rest."
                ) from error
            self.summary.read += read
            self.summary.skipped += skipped
            if self.mode == OVERWRITE:
                self.summary.written += stored
            else:
                self.summary.created += stored
        if self.progress:
            self.progress(self.summary.read, total)

    def _write_chunk(self, chunk):
        """Write up to CHUNK_SIZE records; return (read, stored, skipped)."""
        read = len(chunk)
        if self.mode == SKIP_EXISTING:
            keys = [(self._raw_key(record), n) for n, record in chunk]
            present = {self._identity(key) for key, _ in self._existing(keys)}
            chunk = [(n, r) for n, r in chunk if self._identity(self._raw_key(r)) not in present]
        for start in range(0, len(chunk), 25):
            self._write_batch(chunk[start : start + 25])
        return read, len(chunk), read - len(chunk)

    def _raw_key(self, record):
        return backend.from_attributes({name: record[name] for name in self.table.key_names})

    def _write_batch(self, batch):
        try:
            self.manager.batch_write({"PutRequest": {"Item": record}} for _, record in batch)
            with self._stored_lock:
                self._stored += len(batch)
        except StoreError:
            with self._stored_lock:
                self._in_doubt += len(batch)
            raise
        except InvalidRequest as error:
            first, last = batch[0][0], batch[-1][0]
            lines = f"line {first}" if first == last else f"lines {first}–{last}"
            raise InvalidRequest(
                f"{lines}: DynamoDB refused this batch of items ({error})."
            ) from error

    def _existing(self, wanted):
        """Return the (key, line) pairs of `wanted` whose keys are in the table."""
        lines = {self._identity(key): line for key, line in wanted}
        found = self.manager.get_many(
            [key for key, _ in wanted], attributes=self.table.key_names
        )
        pairs = [(self.table.key_of(item), lines[self._identity(item)]) for item in found]
        return sorted(pairs, key=lambda pair: pair[1])

    def _checked_record(self, text, line_number):
        """Return the item of a line that check() accepted, ready for the client.

        The second pass skips the checks (json's fast decoder, no size
        counting) and only turns base64 back into bytes; should the file have
        changed since the first pass, DynamoDB's own refusal still names the lines.
        """
        try:
            record = unwrapped(json.loads(text), self.table)
            return self._with_derived({name: _with_bytes(value) for name, value in record.items()})
        except (ValueError, TypeError, AttributeError, binascii.Error):
            raise BadRecord(line_number, "the file changed while it was being imported") from None

    def _with_derived(self, record):
        """Return the record with the attributes the table derives (a save's, recomputed)."""
        if not self.table.derived:
            return record
        sources = {attribute.source for attribute in self.table.derived}
        present = backend.from_attributes({name: record[name] for name in sources & record.keys()})
        derived = self.table.with_derived(present)
        for attribute in self.table.derived:
            record.pop(attribute.name, None)
        written = {attribute.name: derived[attribute.name] for attribute in self.table.derived
                   if attribute.name in derived}
        record.update(backend.to_attributes(written))
        return record


def _with_bytes(value):
    (kind, content), = value.items()
    if kind == "B":
        return {kind: base64.b64decode(content)}
    if kind == "BS":
        return {kind: [base64.b64decode(member) for member in content]}
    if kind == "M":
        return {kind: {name: _with_bytes(member) for name, member in content.items()}}
    if kind == "L":
        return {kind: [_with_bytes(member) for member in content]}
    return value
