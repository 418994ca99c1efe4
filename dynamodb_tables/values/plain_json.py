"""Lists and Maps as plain JSON ({"city": "Paris", "zip": 75001}) where that is unambiguous.

The editor writes a List or Map as plain JSON when it holds only strings,
numbers, booleans, null and nested Lists and Maps, and as DynamoDB JSON
({"city": {"S": "Paris"}}) otherwise. Text typed into a List or Map row is
read by this rule:

- DynamoDB JSON when it has members and every top-level member is an object
  whose keys are DynamoDB type codes (S, N, B, BOOL, NULL, L, M, SS, NS,
  BS), as a typed value's one key is: `{"zip": {"N": "75001"}}`, `[{"S": "a"}]`.
- Plain JSON when no object anywhere in it looks so: `{"zip": 75001}`.
- Anything else mixes the two and is refused, rather than guessed at.

So a Map whose members are themselves objects keyed by type codes
(`{"a": {"S": "x"}}` meant as plain JSON) can only be written in DynamoDB
JSON, and is shown that way: a value is shown as plain JSON only when
reading that text back gives the same value. Numbers are parsed as Decimal
and written with their exact digits, so nothing goes through float.
"""

import json

from ..exceptions import InvalidItem
from . import typed
from .display import to_json
from .rules import MAX_DEPTH
from .types import TYPE_LABELS, TYPES, dynamodb_type

_PLAIN_KINDS = ("S", "N", "BOOL", "NULL", "L", "M")
_CONTAINERS = {"L": (list, "array", '["a", 1]'), "M": (dict, "object", '{"city": "Paris"}')}


class MixedJson(InvalidItem):
    """List or Map text that mixes DynamoDB JSON and plain JSON."""


def looks_typed(data):
    """Whether JSON data is taken for a DynamoDB JSON value: an object whose keys are all
    type codes. One key is a typed value; more ({"S": "x", "N": "1"}) is a typed value
    written wrong, which the reader then says, rather than a Map to store."""
    return isinstance(data, dict) and bool(data) and all(name in TYPES for name in data)


def _members(data):
    return data.values() if isinstance(data, dict) else data


def is_dynamodb_json(data):
    """Whether the parsed text of a List or Map is DynamoDB JSON: members, all typed."""
    members = list(_members(data))
    return bool(members) and all(map(looks_typed, members))


def fits(value):
    """Whether a List or Map is shown as plain JSON: that text reads back as this value.

    No Set or Binary inside (plain JSON has neither), and no Map inside that
    plain JSON would be taken for a typed value.
    """
    return all(_plain_member(member) for member in _members(value))


def _plain_member(value):
    kind = dynamodb_type(value)
    if kind not in _PLAIN_KINDS:
        return False
    if kind == "M" and looks_typed(value):
        return False
    return kind not in ("L", "M") or fits(value)


def to_text(value):
    """Return a List or Map as plain JSON text: one member per line, each compact."""
    if not value:
        return to_json(value)
    if isinstance(value, list):
        return "[\n" + ",\n".join(f"  {to_json(member)}" for member in value) + "\n]"
    return "{\n" + ",\n".join(
        f"  {json.dumps(name, ensure_ascii=False)}: {to_json(member)}"
        for name, member in value.items()
    ) + "\n}"


def read(kind, data, path):
    """Return the List or Map (`kind`) that the parsed text of its row stands for.

    DynamoDB JSON or plain JSON by the rule above. Every rule of DynamoDB
    holds either way (numbers of 38 digits in range, names, Unicode, 32
    levels): plain JSON is turned into DynamoDB JSON and read by the one
    reader, so messages name the same paths.
    """
    python_type, written, example = _CONTAINERS[kind]
    if not isinstance(data, python_type):
        raise typed.BadValue(
            path, f"a {TYPE_LABELS[kind]} is written as a JSON {written}, e.g. {example}, "
            f"not {typed.short(data)}")
    if is_dynamodb_json(data):
        return typed.read({kind: data}, path)
    mixed = _first_typed(data, path)
    if mixed is not None:
        where, member = mixed
        raise MixedJson(
            f"At {typed.shown_path(where)}: this value is written in DynamoDB JSON "
            f"({typed.short(member)}) and others in plain JSON; write every member in one "
            "of them (an object keyed by type codes, such as {\"S\": …}, is stored as a "
            "Map only when written in DynamoDB JSON).")
    try:
        return typed.read(_to_typed(data), path)
    except RecursionError:
        raise InvalidItem(
            f"At {typed.shown_path(path)}: nested too deeply: DynamoDB allows {MAX_DEPTH} "
            "levels of Lists and Maps.") from None


def _first_typed(data, path, depth=0):
    """Return (path, member) of the first member below the top that looks like a typed value."""
    if depth > MAX_DEPTH + 1:
        return None  # too deep anyway: the reader says so
    if isinstance(data, dict):
        # Names are not checked yet: a lone surrogate must not reach the page's text.
        pairs = ((f"{path}.{name.encode('utf-8', 'backslashreplace').decode()}", member)
                 for name, member in data.items())
    else:
        pairs = ((f"{path}[{index}]", member) for index, member in enumerate(data))
    for where, member in pairs:
        if looks_typed(member):
            return where, member
        if isinstance(member, dict | list):
            found = _first_typed(member, where, depth + 1)
            if found is not None:
                return found
    return None


def _to_typed(data):
    """Return DynamoDB JSON for parsed plain JSON (numbers parsed as Decimal)."""
    if data is None:
        return {"NULL": True}
    if isinstance(data, bool):
        return {"BOOL": data}
    if isinstance(data, str):
        return {"S": data}
    if isinstance(data, list):
        return {"L": [_to_typed(member) for member in data]}
    if isinstance(data, dict):
        return {"M": {name: _to_typed(member) for name, member in data.items()}}
    # A Decimal from parse_json: its text keeps every digit the user typed.
    return {"N": str(data)}
