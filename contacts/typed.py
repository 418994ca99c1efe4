"""DynamoDB JSON, the typed form of a value ({"S": "x"}, {"N": "42"}, {"M": {...}}): one reader.

The attribute editor (Lists and Maps typed as DynamoDB JSON, the signed copy
of an item a change form carries) and import_contacts both read values here,
so both accept and refuse the same values, with the same words, by
DynamoDB's own rules: numbers of at most 38 significant digits within its
range, written as strings; binary as strict base64; sets non-empty and
without duplicates; names and strings valid Unicode; Lists and Maps nested
at most 32 levels deep.

`read` returns the Python value (as contacts.dynamo deserializes it: Decimal,
bytes, set, list, dict, None) and its size as DynamoDB counts it, in one
pass: the import needs the size, the editor the value, and both cost less
than the checks themselves.
"""

import base64
import binascii
import re
from decimal import Decimal

from .display import TYPE_LABELS, to_json
from .documents import MAX_NAME_BYTES
from .exceptions import InvalidContact

TYPES = tuple(TYPE_LABELS)
SET_TYPES = {"SS": "S", "NS": "N", "BS": "B"}
MAX_DIGITS = 38
# DynamoDB's number range: magnitudes from 1E-130 to just under 1E+126.
MIN_EXPONENT, MAX_EXPONENT = -130, 125
# DynamoDB counts the item as the first of its 32 levels: an attribute is at
# depth 1, and a List or Map at depth 32 is refused, even empty (as DynamoDB
# Local does), while a String or a Set there is fine.
MAX_DEPTH = 32
# Python's Decimal() also takes "NaN", "Infinity", "1_000" and spaces; DynamoDB does not.
NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")
NUMBER_EXAMPLES = "e.g. 42, -1.5, 6.02E23"

# How each type is written, for messages about a value of the wrong shape.
_WRITTEN = {
    "S": '{"S": "text"}',
    "N": 'as a string, e.g. {"N": "42"}',
    "B": 'as base64 text, e.g. {"B": "aGk="}',
    "BOOL": '{"BOOL": true} or {"BOOL": false}',
    "NULL": '{"NULL": true}',
    "L": '{"L": [{"S": "a"}, {"N": "1"}]}',
    "M": '{"M": {"name": {"S": "value"}}}',
    "SS": '{"SS": ["a", "b"]}',
    "NS": '{"NS": ["1", "2.5"]}',
    "BS": '{"BS": ["YQ==", "Yg=="]}',
}


class Refused(ValueError):
    """What is wrong with a number or a name, before the caller says where it is."""


class BadValue(InvalidContact):
    """A DynamoDB JSON value DynamoDB would refuse: `path` says where (address.zip,
    tags[2]), `problem` what is wrong and how it is written instead."""

    def __init__(self, path, problem):
        self.path = path
        self.problem = problem
        super().__init__(f"At {shown_path(path)}: {problem}.")


# --- Numbers and names ----------------------------------------------------------------


def number(text):
    """Return (Decimal, size in bytes) for a number DynamoDB stores exactly, or Refused."""
    if not NUMBER.fullmatch(text):
        raise Refused(f"“{clip(text)}” is not a number ({NUMBER_EXAMPLES})")
    value = Decimal(text)
    sign, digits, _ = value.as_tuple()
    if not value:
        return value, 2 + sign
    significant = len(digits)
    while not digits[significant - 1]:  # trailing zeros are not stored
        significant -= 1
    if significant > MAX_DIGITS:
        raise Refused(
            f"DynamoDB keeps at most {MAX_DIGITS} significant digits exactly; "
            f"“{clip(text)}” has {significant}"
        )
    if not MIN_EXPONENT <= value.adjusted() <= MAX_EXPONENT:
        raise Refused(
            f"“{clip(text)}” is out of range: DynamoDB numbers range from 1E-130 to below "
            "1E+126 in magnitude"
        )
    # As documents.value_size counts: a byte per two significant digits, one
    # more, and one for a minus sign (even on -0, which DynamoDB stores as 0).
    return value, (significant + 1) // 2 + 1 + sign


def name_size(name):
    """Return the UTF-8 bytes of an attribute or Map name DynamoDB accepts, or Refused."""
    if not name:
        raise Refused("a name is empty; DynamoDB names have at least one character")
    try:
        size = len(name.encode("utf-8"))
    except UnicodeEncodeError:
        raise Refused(f"the name “{clip(name)}” is not valid Unicode text") from None
    if size > MAX_NAME_BYTES:
        raise Refused(f"the name “{clip(name)}” is longer than {MAX_NAME_BYTES} bytes in UTF-8")
    return size


# --- Values ---------------------------------------------------------------------------


def read(data, path):
    """Return (Python value, size in bytes by DynamoDB's rules) of one DynamoDB JSON value.

    `path` names the value in messages; members add `.name` and `[index]`.
    Raises BadValue naming the innermost place that is wrong.
    """
    return _read(data, path, 1)


def _read(data, path, depth):
    if not isinstance(data, dict) or len(data) != 1:
        raise BadValue(
            path,
            'expected one type and its value, such as {"S": "text"} or {"N": "42"}, '
            f"not {short(data)}",
        )
    (kind, content), = data.items()
    reader = _READERS.get(kind)
    if reader is None:
        raise BadValue(path, f"unknown type “{clip(kind)}”; types are {', '.join(TYPES)}")
    return reader(content, path, depth)


def _wrong(kind, content, path):
    return BadValue(
        path, f"a {TYPE_LABELS[kind]} is written {_WRITTEN[kind]}, not {short(content)}"
    )


def _string(content, path, depth=0):
    if not isinstance(content, str):
        raise _wrong("S", content, path)
    return content, _text_size(content, path)


def _text_size(text, path):
    try:
        return len(text.encode("utf-8"))
    except UnicodeEncodeError:
        # A lone surrogate (JSON "\ud800"): no UTF-8 text DynamoDB could store.
        raise BadValue(path, f"“{clip(text)}” is not valid Unicode text") from None


def _number(content, path, depth=0):
    if not isinstance(content, str):
        raise _wrong("N", content, path)
    try:
        return number(content)
    except Refused as problem:
        raise BadValue(path, str(problem)) from None


def _binary(content, path, depth=0):
    if not isinstance(content, str):
        raise _wrong("B", content, path)
    try:
        data = base64.b64decode(content, validate=True)
    except (binascii.Error, ValueError):
        raise BadValue(path, f"“{clip(content)}” is not valid base64") from None
    return data, len(data)


def _boolean(content, path, depth=0):
    if not isinstance(content, bool):
        raise _wrong("BOOL", content, path)
    return content, 1


def _null(content, path, depth=0):
    if content is not True:
        raise _wrong("NULL", content, path)
    return None, 1


def _list(content, path, depth):
    if not isinstance(content, list):
        raise _wrong("L", content, path)
    if depth >= MAX_DEPTH:
        raise _too_deep("L", path)
    value, size = [], 3
    for index, member in enumerate(content):
        member_value, member_size = _read(member, f"{path}[{index}]", depth + 1)
        value.append(member_value)
        size += member_size + 1
    return value, size


def _map(content, path, depth):
    if not isinstance(content, dict):
        raise _wrong("M", content, path)
    if depth >= MAX_DEPTH:
        raise _too_deep("M", path)
    value, size = {}, 3
    for name, member in content.items():
        try:
            size += name_size(name)
        except Refused as problem:
            raise BadValue(path, str(problem)) from None
        value[name], member_size = _read(member, f"{path}.{name}", depth + 1)
        size += member_size + 1
    return value, size


def _too_deep(kind, path):
    return BadValue(
        path,
        f"this {TYPE_LABELS[kind]} is nested deeper than {MAX_DEPTH} levels, counting the "
        "item itself (DynamoDB's limit)",
    )


def _set(kind):
    member_kind = SET_TYPES[kind]
    read_member = _READERS[member_kind]
    label = TYPE_LABELS[kind]

    def read_set(content, path, depth=0):
        if not isinstance(content, list):
            raise _wrong(kind, content, path)
        if not content:
            raise BadValue(
                path, f"a {label} needs at least one member (DynamoDB has no empty sets)"
            )
        value, size = set(), 0
        for index, member in enumerate(content):
            if not isinstance(member, str):
                raise BadValue(
                    f"{path}[{index}]",
                    f"members of a {label} are written as strings, e.g. {_WRITTEN[kind]}, "
                    f"not {short(member)}",
                )
            member_value, member_size = read_member(member, f"{path}[{index}]")
            if member_value in value:
                raise BadValue(path, _duplicate(content, index, read_member))
            value.add(member_value)
            size += member_size
        return value, size

    return read_set


def _duplicate(members, index, read_member):
    """Say which member repeats an earlier one (two spellings of one number, say)."""
    repeated = members[index]
    wanted = read_member(repeated, "")[0]
    earlier = next(text for text in members[:index] if read_member(text, "")[0] == wanted)
    if earlier == repeated:
        return f"“{clip(repeated)}” appears more than once; sets have no duplicates"
    return (
        f"“{clip(earlier)}” and “{clip(repeated)}” are the same value, which appears more "
        "than once; sets have no duplicates"
    )


_READERS = {
    "S": _string,
    "N": _number,
    "B": _binary,
    "BOOL": _boolean,
    "NULL": _null,
    "L": _list,
    "M": _map,
}
_READERS.update((kind, _set(kind)) for kind in SET_TYPES)


# --- Showing what was found -------------------------------------------------------------


def clip(text, length=40):
    """Return text cut to `length` characters, lone surrogates escaped so it can be printed."""
    text = str(text)
    if len(text) > length:
        text = text[: length - 1] + "…"
    return text.encode("utf-8", "backslashreplace").decode("utf-8")


def shown_path(path):
    """Return a path short enough for a message: names may be 64 KB long, and the end of a
    path says which member is wrong."""
    return path if len(path) <= 120 else f"{clip(path, 40)}{clip(path[-80:], 80)}"


def short(value):
    """Return a value as short JSON text for a message (numbers parsed as Decimal included)."""
    try:
        text = to_json(value)
    except (TypeError, ValueError, RecursionError):
        text = {list: "a list", dict: "an object"}.get(type(value), type(value).__name__)
    return clip(text)
