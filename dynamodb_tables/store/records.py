"""The lines of an export file, read and checked as items of a table.

Export lines are DynamoDB JSON, one item per line (and, for convenience,
DynamoDB's export-to-S3 lines, which wrap the item as {"Item": {...}}).
Values are read by `values.typed`, the DynamoDB JSON reader the attribute
editor uses too, and sized by `values.rules`, so both refuse the same values
with the same words.
"""

import json

from ..exceptions import InvalidItem, InvalidRequest
from ..values import typed
from ..values.rules import KEY_WORDS, MAX_DEPTH, MAX_ITEM_BYTES, Refused, clip, item_size
from .export import CSV_BOM


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
        raise _Problem(f"the name “{clip(repeated)}” appears twice in one object")
    return result


def _refuse_constant(name):
    raise _Problem(f"{name} is not valid JSON")


# One decoder for every line: json.loads(text, hook=...) would build one per call.
_DECODER = json.JSONDecoder(object_pairs_hook=_no_repeated_names, parse_constant=_refuse_constant)


def parse_record(text, line_number, table):
    """Return (key, size in bytes) of one line holding an item of `table` that DynamoDB
    would store.

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
                f"nested deeper than {MAX_DEPTH} levels (DynamoDB's limit for Lists and Maps)"
            ) from None
        if not isinstance(record, dict):
            raise _Problem(f"expected an item (a JSON object), not {_json_kind(record)}")
        record = unwrapped(record, table)
        return _checked(record, table)
    except _Problem as problem:
        raise BadRecord(line_number, str(problem)) from None


def unwrapped(record, table):
    """Return the item of a record, unwrapping an export-to-S3 line's {"Item": ...}."""
    partition = table.partition_key.name
    if partition not in record and set(record) == {"Item"} and isinstance(record["Item"], dict):
        return record["Item"]
    return record


def _json_kind(value):
    return {list: "an array", str: "a string", bool: "true or false", type(None): "null"}.get(
        type(value), "a number"
    )


def _checked(record, table):
    """Return (key, size) of a record whose every value DynamoDB would store in `table`."""
    for attribute in table.key_attributes:
        if attribute.name not in record:
            raise _Problem(f"the item has no “{attribute.name}” attribute")
        value = record[attribute.name]
        if not isinstance(value, dict) or set(value) != {attribute.type}:
            written = typed.WRITTEN[attribute.type]
            raise _Problem(
                f"“{attribute.name}” must be {KEY_WORDS[attribute.type]}, written "
                f"{written}, not {typed.short(value)}"
            )
    try:
        item = typed.read_item(record)
    except typed.BadValue as error:
        if error.path == "item":
            raise _Problem(error.problem) from None
        raise _Problem(f"attribute “{typed.shown_path(error.path)}”: {error.problem}") from None
    except Refused as problem:
        raise _Problem(str(problem)) from None
    try:
        key = table.key_of(item)
    except InvalidItem as error:
        raise _Problem(str(error).rstrip(".")) from None
    size = item_size(item)
    if size > MAX_ITEM_BYTES:
        raise _Problem(
            f"item “{clip(table.object_id(key))}” is {size:,} bytes; DynamoDB stores at most "
            f"{MAX_ITEM_BYTES:,} (400 KB)"
        )
    return key, size



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
