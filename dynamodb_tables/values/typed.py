"""DynamoDB JSON, the typed form of a value ({"S": "x"}, {"N": "42"}, {"M": {...}}).

One reader and one writer. The attribute editor (Lists and Maps typed as
DynamoDB JSON, the signed copy of an item a change form carries), paging
cursors and the import all read values here, so all accept and refuse the
same values, with the same words, by DynamoDB's own rules (`rules`):
numbers of at most 38 significant digits within its range, written as
strings; binary as strict base64; sets non-empty and without duplicates;
names and strings valid Unicode; Lists and Maps nested at most 32 levels.

`read` returns the Python value as the backend deserializes it: Decimal,
bytes, set, list, dict, None.
"""

import base64
import binascii

from ..exceptions import InvalidItem
from .display import to_json
from .rules import MAX_DEPTH, Refused, clip, name_size, number
from .types import SET_TYPES, TYPE_LABELS, TYPES, dynamodb_type

# How each type is written, for messages about a value of the wrong shape.
WRITTEN = {
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


class BadValue(InvalidItem):
    """A DynamoDB JSON value DynamoDB would refuse: `path` says where (address.zip,
    tags[2]), `problem` what is wrong and how it is written instead."""

    def __init__(self, path, problem):
        self.path = path
        self.problem = problem
        super().__init__(f"At {shown_path(path)}: {problem}.")


# --- Writing ---------------------------------------------------------------------


def to_typed(value):
    """Return the DynamoDB JSON structure of a value ({"S": "x"}, {"N": "1.5"}, ...)."""
    kind = dynamodb_type(value)
    if kind == "S":
        return {"S": value}
    if kind == "N":
        return {"N": str(value)}
    if kind == "B":
        return {"B": base64.b64encode(value).decode("ascii")}
    if kind == "BOOL":
        return {"BOOL": value}
    if kind == "NULL":
        return {"NULL": True}
    if kind == "L":
        return {"L": [to_typed(member) for member in value]}
    if kind == "M":
        return {"M": {name: to_typed(member) for name, member in value.items()}}
    members = [to_typed(member)[SET_TYPES[kind]] for member in value]
    return {kind: sorted(members)}


# --- Reading ---------------------------------------------------------------------


def read(data, path="value"):
    """Return the Python value of one DynamoDB JSON value.

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
        path, f"a {TYPE_LABELS[kind]} is written {WRITTEN[kind]}, not {short(content)}"
    )


def _string(content, path, depth=0):
    if not isinstance(content, str):
        raise _wrong("S", content, path)
    try:
        content.encode("utf-8")
    except UnicodeEncodeError:
        # A lone surrogate (JSON "\ud800"): no UTF-8 text DynamoDB could store.
        raise BadValue(path, f"“{clip(content)}” is not valid Unicode text") from None
    return content


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
        return base64.b64decode(content, validate=True)
    except (binascii.Error, ValueError):
        raise BadValue(path, f"“{clip(content)}” is not valid base64") from None


def _boolean(content, path, depth=0):
    if not isinstance(content, bool):
        raise _wrong("BOOL", content, path)
    return content


def _null(content, path, depth=0):
    if content is not True:
        raise _wrong("NULL", content, path)
    return None


def _list(content, path, depth):
    if not isinstance(content, list):
        raise _wrong("L", content, path)
    if depth >= MAX_DEPTH:
        raise _too_deep("L", path)
    return [_read(member, f"{path}[{index}]", depth + 1) for index, member in enumerate(content)]


def _map(content, path, depth):
    if not isinstance(content, dict):
        raise _wrong("M", content, path)
    if depth >= MAX_DEPTH:
        raise _too_deep("M", path)
    value = {}
    for name, member in content.items():
        try:
            name_size(name)
        except Refused as problem:
            raise BadValue(path, str(problem)) from None
        value[name] = _read(member, f"{path}.{name}", depth + 1)
    return value


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
        value = set()
        for index, member in enumerate(content):
            if not isinstance(member, str):
                raise BadValue(
                    f"{path}[{index}]",
                    f"members of a {label} are written as strings, e.g. {WRITTEN[kind]}, "
                    f"not {short(member)}",
                )
            member_value = read_member(member, f"{path}[{index}]")
            if member_value in value:
                raise BadValue(path, _duplicate(content, index, read_member))
            value.add(member_value)
        return value

    return read_set


def _duplicate(members, index, read_member):
    """Say which member repeats an earlier one (two spellings of one number, say)."""
    repeated = members[index]
    wanted = read_member(repeated, "")
    earlier = next(text for text in members[:index] if read_member(text, "") == wanted)
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


# --- Items -----------------------------------------------------------------------


def read_item(record, where="item"):
    """Return the Python item of a DynamoDB JSON item ({name: typed value}); errors name
    the attribute."""
    item = {}
    for name, value in record.items():
        try:
            name_size(name)
        except Refused as problem:
            raise BadValue(where, str(problem)) from None
        item[name] = read(value, name)
    return item


def write_item(item):
    """Return the DynamoDB JSON of a Python item (JSON-safe: binary as base64)."""
    return {name: to_typed(value) for name, value in item.items()}


# --- Showing what was found ------------------------------------------------------


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
