"""Bulk export and import of the contacts table (what export_contacts, import_contacts and
the admin's CSV downloads call).

Two formats:

- JSON Lines (`jsonl`), lossless: one item per line in DynamoDB JSON, as the
  AWS CLI prints items (`{"id": {"S": "01"}, "age": {"N": "30"}}`). Every
  type is kept; numbers stay strings so all 38 digits survive; binary is
  base64. Importing an export reproduces the table exactly.
- CSV, flat, for spreadsheets and one-way: one column per usual field
  (`CSV_COLUMNS`, or the caller's choice) and one `other_attributes` column
  holding every other attribute as a JSON object. A single pass in constant
  memory cannot know the union of all attribute names before the header is
  written, hence the one JSON column.

Export streams Scan pages (at most 1 MB each, optionally several segments in
parallel) and never holds more than a few pages. Import reads a file twice:
the first pass checks every line (and, by default, that no id exists yet), the
second writes with BatchWriteItem, 25 items per request, so a bad line is
reported before anything is written. Values are checked by contacts.typed,
the DynamoDB JSON reader the attribute editor uses too.
"""

import base64
import binascii
import csv
import json
import queue
import threading
from concurrent.futures import FIRST_COMPLETED, ThreadPoolExecutor, wait
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings

from . import dynamo, typed
from .display import to_json
from .documents import KEY, MAX_ID_BYTES, MAX_ITEM_BYTES
from .exceptions import InvalidRequest

JSONL = "jsonl"
CSV = "csv"
FORMATS = (JSONL, CSV)
CSV_COLUMNS = (KEY, "username", "age", "email", "phone")
OTHER_COLUMN = "other_attributes"
# Excel reads a CSV as UTF-8 only when it starts with a byte-order mark.
CSV_BOM = "\ufeff"
# A spreadsheet runs a cell starting with one of these as a formula.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

BATCH_WRITE_SIZE = 25  # BatchWriteItem's maximum
KEY_CHECK_SIZE = 100  # BatchGetItem's maximum
MAX_SEGMENTS = 64
# Items per Scan request when exporting. DynamoDB stops a page at 1 MB anyway;
# with small items that is thousands, decoded by botocore into tens of MB.
# 1,000 keeps an export's memory small and the same for any table size.
EXPORT_PAGE_ITEMS = 1000
# Import sends this many chunks of records at once (see Importer.write).
WRITE_THREADS = 4

OVERWRITE, SKIP_EXISTING, REFUSE_EXISTING = "overwrite", "skip", "refuse"


def _table():
    return settings.DYNAMODB["TABLE"]


# --- Reading the table ----------------------------------------------------------


@dataclass
class ScanTotals:
    """What an export read: items, and the read capacity units DynamoDB says it consumed."""

    items: int = 0
    read_units: float = 0.0


def scan_pages(segments=1, totals=None):
    """Yield every item of the table as DynamoDB JSON, one Scan page (a list) at a time.

    With segments > 1, that many threads scan one segment each (parallel
    scan); pages then arrive in no particular order.
    """
    if not isinstance(segments, int) or not 1 <= segments <= MAX_SEGMENTS:
        raise InvalidRequest(f"Segments must be a whole number from 1 to {MAX_SEGMENTS}.")
    pages = _scan_segment(0, 1) if segments == 1 else _parallel_scan(segments)
    # Checked here, not on the first page: a bad value must fail before any output.
    return _counted(pages, totals if totals is not None else ScanTotals())


def _counted(pages, totals):
    for page, read_units in pages:
        totals.items += len(page)
        totals.read_units += read_units
        yield page


def _scan_segment(segment, total_segments):
    params = {"TableName": _table(), "Limit": EXPORT_PAGE_ITEMS, "ReturnConsumedCapacity": "TOTAL"}
    if total_segments > 1:
        params.update(Segment=segment, TotalSegments=total_segments)
    while True:
        response = dynamo.call("scan", **params)
        yield response["Items"], _capacity(response, "ReadCapacityUnits")
        start_key = response.get("LastEvaluatedKey")
        if not start_key:
            return
        params["ExclusiveStartKey"] = start_key


def _parallel_scan(segments):
    # A small queue bounds memory: a worker waits while the writer catches up.
    pages = queue.Queue(maxsize=segments * 2)
    stop = threading.Event()
    done = object()

    def put(entry):
        while not stop.is_set():
            try:
                pages.put(entry, timeout=0.1)
                return
            except queue.Full:
                continue

    def work(segment):
        try:
            for page in _scan_segment(segment, segments):
                if stop.is_set():
                    return
                put(page)
        except Exception as error:  # noqa: BLE001 - handed to the reading thread
            put(error)
        put(done)

    workers = [threading.Thread(target=work, args=(n,), daemon=True) for n in range(segments)]
    for worker in workers:
        worker.start()
    try:
        running = segments
        while running:
            entry = pages.get()
            if entry is done:
                running -= 1
            elif isinstance(entry, Exception):
                raise entry
            else:
                yield entry
    finally:
        stop.set()
        for worker in workers:
            worker.join()


def _capacity(response, units):
    consumed = response.get("ConsumedCapacity") or {}
    if isinstance(consumed, list):  # batch operations answer one entry per table
        return sum(entry.get(units, entry.get("CapacityUnits", 0)) for entry in consumed)
    return consumed.get(units, consumed.get("CapacityUnits", 0))


# --- Writing JSON Lines and CSV ----------------------------------------------------


def _base64(value):
    if isinstance(value, bytes | bytearray):
        return base64.b64encode(value).decode("ascii")
    raise TypeError(f"{type(value).__name__} is not a DynamoDB value")


def jsonl_line(item):
    """Return one export line for an item given as DynamoDB JSON (binary as bytes)."""
    return json.dumps(item, ensure_ascii=False, separators=(",", ":"), default=_base64) + "\n"


def csv_header(columns=CSV_COLUMNS):
    return [*columns, OTHER_COLUMN]


def csv_row(document, columns=CSV_COLUMNS):
    """Return the CSV cells of an item given as a Python document (dynamo.from_attributes)."""
    rest = dict(document)
    cells = [_csv_cell(rest.pop(column)) if column in rest else "" for column in columns]
    cells.append(to_json(rest) if rest else "")
    return cells


def _csv_cell(value):
    if isinstance(value, str):
        # Text such as "=HYPERLINK(...)" would run as a formula when the file
        # is opened; a leading apostrophe makes the spreadsheet show it as text.
        if value.startswith(_FORMULA_STARTS) and not typed.NUMBER.fullmatch(value):
            return "'" + value
        return value
    if isinstance(value, Decimal):
        return str(value)
    return to_json(value)


class _Line:
    """A file-like target for csv.writer that hands back what it was given."""

    def write(self, text):
        return text


def csv_lines(documents, columns=CSV_COLUMNS, header=True):
    """Yield CSV text (a BOM and the header first) for an iterable of Python documents."""
    writer = csv.writer(_Line())
    if header:
        yield CSV_BOM + writer.writerow(csv_header(columns))
    for document in documents:
        yield writer.writerow(csv_row(document, columns))


def parse_columns(text):
    """Return the CSV columns named in a comma-separated list (id first)."""
    columns = [name.strip() for name in text.split(",") if name.strip()]
    if OTHER_COLUMN in columns:
        raise InvalidRequest(f"“{OTHER_COLUMN}” is the name of the CSV's last column.")
    if len(set(columns)) != len(columns):
        raise InvalidRequest("A column is named twice in --columns.")
    return tuple(dict.fromkeys([KEY, *columns]))


# --- Reading an export back: one line -> one checked item ----------------------------


class BadRecord(InvalidRequest):
    """A line of an import file is not an item DynamoDB would store; names the line."""

    def __init__(self, line_number, problem):
        self.line_number = line_number
        self.problem = problem
        super().__init__(f"line {line_number}: {problem}")


class _Problem(Exception):
    """What is wrong with a record, before its line number is known."""


def _no_repeated_names(pairs):
    # json.loads would keep the last of two equal names without a word.
    result = dict(pairs)
    if len(result) != len(pairs):
        names = [name for name, _ in pairs]
        repeated = next(name for name in names if names.count(name) > 1)
        raise _Problem(f"the name “{_clip(repeated)}” appears twice in one object")
    return result


def _refuse_constant(name):
    raise _Problem(f"{name} is not valid JSON")


# One decoder for every line: json.loads(text, hook=...) would build one per call.
_DECODER = json.JSONDecoder(object_pairs_hook=_no_repeated_names, parse_constant=_refuse_constant)


def parse_record(text, line_number):
    """Return (its id, its size in bytes) for one line holding an item DynamoDB would store.

    Accepts the export's lines and, for convenience, DynamoDB's export-to-S3
    lines, which wrap the item as {"Item": {...}}.
    """
    try:
        try:
            record = _DECODER.decode(text)
        except json.JSONDecodeError as error:
            raise _Problem(f"malformed JSON ({error.msg} at column {error.colno})") from None
        except RecursionError:
            raise _Problem(
                f"nested deeper than {typed.MAX_DEPTH} levels (DynamoDB's limit for Lists "
                "and Maps)"
            ) from None
        if not isinstance(record, dict):
            raise _Problem(f"expected an item (a JSON object), not {_json_kind(record)}")
        if KEY not in record and set(record) == {"Item"} and isinstance(record["Item"], dict):
            record = record["Item"]
        return _item(record)
    except _Problem as problem:
        raise BadRecord(line_number, str(problem)) from None


def _json_kind(value):
    return {list: "an array", str: "a string", bool: "true or false", type(None): "null"}.get(
        type(value), "a number"
    )


def _item(record):
    """Return (id, size) of a record; every value is read by contacts.typed, as the
    attribute editor reads DynamoDB JSON."""
    if KEY not in record:
        raise _Problem(f"the item has no “{KEY}” attribute")
    key = record[KEY]
    if not isinstance(key, dict) or set(key) != {"S"} or not isinstance(key["S"], str):
        raise _Problem(
            f"“{KEY}” must be a string, written {{\"S\": \"...\"}}, not {typed.short(key)}"
        )
    size = 0
    for name, value in record.items():
        try:
            size += typed.name_size(name) + typed.read(value, name)[1]
        except typed.Refused as problem:
            raise _Problem(str(problem)) from None
        except typed.BadValue as error:
            raise _Problem(f"attribute “{typed.shown_path(error.path)}”: {error.problem}") from None
    contact_id = key["S"]  # valid Unicode: read above
    if not contact_id:
        raise _Problem(f"“{KEY}” must not be empty")
    if len(contact_id.encode("utf-8")) > MAX_ID_BYTES:
        raise _Problem(f"“{KEY}” is longer than {MAX_ID_BYTES} bytes in UTF-8")
    if size > MAX_ITEM_BYTES:
        raise _Problem(
            f"item “{_clip(contact_id)}” is {size:,} bytes; DynamoDB stores at most "
            f"{MAX_ITEM_BYTES:,} (400 KB)"
        )
    return contact_id, size


_clip = typed.clip


# --- Importing --------------------------------------------------------------------


@dataclass
class ImportSummary:
    """What an import did. With --overwrite, `written` counts items new or replaced.

    `write_units` is what DynamoDB reported consuming (0 when it was not asked to).
    """

    read: int = 0
    created: int = 0
    written: int = 0
    skipped: int = 0
    write_units: float = 0.0


class ExistingIds(InvalidRequest):
    """Ids of the file exist in the table, and the import was told neither to skip nor
    to overwrite them."""


class Importer:
    """Check, then write, the records of an export file (an iterable of lines, twice)."""

    def __init__(self, mode=REFUSE_EXISTING, progress=None, workers=WRITE_THREADS):
        if mode not in (OVERWRITE, SKIP_EXISTING, REFUSE_EXISTING):
            raise InvalidRequest(f"Unknown import mode {mode!r}.")
        self.mode = mode
        self.workers = workers
        # Items stored so far, counted by the writing threads as they go.
        self._stored = 0
        self._stored_lock = threading.Lock()
        self.table = _table()
        # progress(done, total): called as records are checked (total None) and
        # written, for a progress bar on a terminal.
        self.progress = progress
        self.summary = ImportSummary()

    def check(self, lines):
        """Check every line; return the number of records. Writes nothing.

        Raises BadRecord for the first bad line, a duplicate id, or (by
        default) ExistingIds when ids of the file are in the table already.
        """
        first_seen = {}  # id -> line: memory grows with the ids, not the items
        pending = []
        existing = []
        for line_number, text in records(lines):
            contact_id, _ = parse_record(text, line_number)
            if self.progress and line_number % KEY_CHECK_SIZE == 0:
                self.progress(len(first_seen), None)
            earlier = first_seen.setdefault(contact_id, line_number)
            if earlier != line_number:
                raise BadRecord(
                    line_number, f"id “{_clip(contact_id)}” is on line {earlier} already"
                )
            if self.mode == REFUSE_EXISTING:
                pending.append((contact_id, line_number))
                if len(pending) == KEY_CHECK_SIZE:
                    existing.extend(self._existing(pending))
                    pending = []
        if pending:
            existing.extend(self._existing(pending))
        if existing:
            shown = ", ".join(f"“{_clip(i)}” (line {n})" for i, n in existing[:5])
            more = f" and {len(existing) - 5:,} more" if len(existing) > 5 else ""
            raise ExistingIds(
                f"{len(existing):,} id(s) of the file exist in table \"{self.table}\" already: "
                f"{shown}{more}. Nothing was written. Use --skip-existing to leave them "
                "as they are, or --overwrite to replace them."
            )
        return len(first_seen)

    def write(self, lines, total=None):
        """Write every record (check() first); return the ImportSummary.

        Chunks of records go to a few threads at once: DynamoDB serves
        concurrent requests side by side, and a single thread would leave it
        idle during every round trip. At most two chunks per thread wait in
        line, so memory stays bounded.
        """
        pending = set()
        with ThreadPoolExecutor(self.workers, thread_name_prefix="import") as pool:
            try:
                chunk = []
                for line_number, text in records(lines):
                    chunk.append((line_number, _checked_record(text, line_number)))
                    if len(chunk) == KEY_CHECK_SIZE:
                        pending.add(pool.submit(self._write_chunk, chunk))
                        chunk = []
                    if len(pending) >= 2 * self.workers:
                        done, pending = wait(pending, return_when=FIRST_COMPLETED)
                        self._collect(done, total)
                if chunk:
                    pending.add(pool.submit(self._write_chunk, chunk))
                done, pending = wait(pending)
                self._collect(done, total)
            finally:
                for future in pending:
                    future.cancel()
        return self.summary

    def _collect(self, futures, total):
        for future in futures:
            try:
                read, stored, skipped, write_units = future.result()
            except InvalidRequest as error:
                raise InvalidRequest(
                    f"{error} Other batches ({self._stored:,} items) were written: fix the "
                    "line and import again with --skip-existing to add the rest."
                ) from error
            self.summary.read += read
            self.summary.skipped += skipped
            self.summary.write_units += write_units
            if self.mode == OVERWRITE:
                self.summary.written += stored
            else:
                self.summary.created += stored
        if self.progress:
            self.progress(self.summary.read, total)

    def _write_chunk(self, chunk):
        """Write up to KEY_CHECK_SIZE records; return (read, stored, skipped, write units)."""
        read = len(chunk)
        if self.mode == SKIP_EXISTING:
            present = {i for i, _ in self._existing([(r[KEY]["S"], n) for n, r in chunk])}
            chunk = [(n, r) for n, r in chunk if r[KEY]["S"] not in present]
        write_units = 0.0
        for start in range(0, len(chunk), BATCH_WRITE_SIZE):
            write_units += self._write_batch(chunk[start : start + BATCH_WRITE_SIZE])
        return read, len(chunk), read - len(chunk), write_units

    def _write_batch(self, batch):
        request = {self.table: [{"PutRequest": {"Item": record}} for _, record in batch]}
        units = 0.0
        try:
            for response in dynamo.call_batch("batch_write_item", request, "UnprocessedItems"):
                units += _capacity(response, "WriteCapacityUnits")
            with self._stored_lock:
                self._stored += len(batch)
        except InvalidRequest as error:
            first, last = batch[0][0], batch[-1][0]
            lines = f"line {first}" if first == last else f"lines {first}–{last}"
            raise InvalidRequest(
                f"{lines}: DynamoDB refused this batch of items ({error})."
            ) from error
        return units

    def _existing(self, wanted):
        """Return the (id, line) pairs of `wanted` whose ids are in the table."""
        lines = dict(wanted)
        expression = {"ProjectionExpression": "#k", "ExpressionAttributeNames": {"#k": KEY}}
        request = {
            self.table: {
                "Keys": [{KEY: {"S": contact_id}} for contact_id in lines],
                "ConsistentRead": True,
                **expression,
            }
        }
        found = []
        for response in dynamo.call_batch("batch_get_item", request, "UnprocessedKeys"):
            for item in response["Responses"].get(self.table, []):
                contact_id = item[KEY]["S"]
                found.append((contact_id, lines[contact_id]))
        return sorted(found, key=lambda pair: pair[1])


def _checked_record(text, line_number):
    """Return the item of a line that check() accepted, ready for the client.

    The second pass skips the checks (json's fast decoder, no size counting)
    and only turns base64 back into bytes; should the file have changed
    since the first pass, DynamoDB's own refusal still names the lines.
    """
    try:
        record = json.loads(text)
        if KEY not in record and "Item" in record:
            record = record["Item"]
        return {name: _with_bytes(value) for name, value in record.items()}
    except (ValueError, TypeError, AttributeError, binascii.Error):
        raise BadRecord(line_number, "the file changed while it was being imported") from None


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


def records(lines):
    """Yield (line number, text) for each non-blank line of an import file (bytes or text)."""
    for line_number, line in enumerate(lines, start=1):
        if isinstance(line, bytes):
            try:
                line = line.decode("utf-8")
            except UnicodeDecodeError:
                raise BadRecord(line_number, "not UTF-8 text") from None
        if line_number == 1:
            line = line.removeprefix(CSV_BOM)
        if line.strip():
            yield line_number, line
