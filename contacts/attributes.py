"""Typed attribute values as text: what the attribute editor shows and reads back.

Every DynamoDB type has one text form, chosen so that text -> value -> text
is exact and nothing goes through float:

- String: the text itself. Number: its digits (kept exactly as a Decimal).
  Binary: base64. Boolean: "true" or "false". Null: no text.
- String, Number and Binary Sets: one member per line.
- Lists and Maps: DynamoDB JSON, as the console's JSON view and the AWS CLI
  write it ({"city": {"S": "Paris"}}), since plain JSON cannot tell a Set
  from a List, Binary from a String, or keep a 38-digit number exact.

Values a text form cannot carry unchanged are `editable() == False`: a
String Set member with a line break, an empty String or Binary Set member
(blank lines are ignored), and a NUL character, which HTML turns into
U+FFFD. The editor shows them read-only and never writes them back.
"""

import base64
import binascii
import json
import re
from decimal import Decimal

from . import typed
from .display import dynamodb_type
from .exceptions import InvalidContact
from .typed import MAX_DEPTH, SET_TYPES

TYPES = typed.TYPES  # the editor's type menu, in the console's order
_LINE_BREAK = re.compile(r"\r\n|\r|\n")


# --- Numbers, names, line breaks -----------------------------------------------


def parse_number(text, where="A number"):
    """Return the exact Decimal of a number typed as text, or say what is wrong.

    Spaces around it are fine here, where a person types it; DynamoDB JSON's
    {"N": " 42"} is refused, as DynamoDB refuses it.
    """
    try:
        return typed.number(text.strip())[0]
    except typed.Refused as problem:
        raise InvalidContact(f"{where}: {problem}.") from None


def same_lines(first, second):
    """Whether two texts differ at most in line endings (browsers post every one as CRLF)."""
    return _LINE_BREAK.sub("\n", first) == _LINE_BREAK.sub("\n", second)


# --- Equality that knows DynamoDB types ------------------------------------------


def equivalent(first, second):
    """Whether two values are the same DynamoDB value, type for type.

    Plain == would call True equal to Decimal(1) and {1} equal to {True}.
    Numbers compare by value (DynamoDB stores 1.10 as 1.1); strings ignore
    line-ending differences, which browsers introduce, not users.
    """
    kind = dynamodb_type(first)
    if kind != dynamodb_type(second):
        return False
    if kind == "S":
        return same_lines(first, second)
    if kind == "L":
        return len(first) == len(second) and all(map(equivalent, first, second))
    if kind == "M":
        return first.keys() == second.keys() and all(
            equivalent(value, second[name]) for name, value in first.items()
        )
    return first == second


# --- DynamoDB JSON ------------------------------------------------------------------


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


def from_typed(data, where="value"):
    """Return the value of a DynamoDB JSON structure; errors name where (e.g. address.zip)."""
    return typed.read(data, where)[0]


def parse_json(text, where="JSON"):
    """Parse JSON text, saying where it is malformed; numbers stay exact."""
    try:
        return json.loads(text, parse_float=Decimal, parse_int=Decimal)
    except json.JSONDecodeError as error:
        raise InvalidContact(
            f"{where} is malformed at line {error.lineno}, column {error.colno}: {error.msg}."
        ) from None
    except RecursionError:
        raise InvalidContact(
            f"{where} nests too deeply: DynamoDB allows {MAX_DEPTH} levels of Lists and Maps."
        ) from None


def parse_base64(text, where="Binary"):
    try:
        return base64.b64decode(text.strip(), validate=True)
    except (binascii.Error, ValueError):
        raise InvalidContact(f"{where}: “{text[:40]}” is not valid base64.") from None


def unique_set(members, where):
    """Return the members as a set: DynamoDB sets are non-empty and have no duplicates."""
    if not members:
        raise InvalidContact(
            f"{where}: a set needs at least one member (DynamoDB has no empty sets)."
        )
    found = set()
    for member in members:
        if member in found:
            shown = member if isinstance(member, str) else to_typed(member)
            raise InvalidContact(
                f"{where}: “{shown}” appears more than once; sets have no duplicates."
            )
        found.add(member)
    return found


# --- The editor's text form --------------------------------------------------------


def editable(value):
    """Whether the editor's text form carries this value unchanged."""
    kind = dynamodb_type(value)
    if kind == "S":
        return "\x00" not in value
    if kind == "SS":
        return all(member and not _LINE_BREAK.search(member) and "\x00" not in member
                   for member in value)
    if kind == "BS":
        return all(value)  # an empty member would be a blank line, which is ignored
    return True


def editable_name(name):
    """Whether a one-line text input carries this attribute name unchanged."""
    return not _LINE_BREAK.search(name) and "\x00" not in name


def to_text(value):
    """Return the text the editor shows for a value of its own type."""
    kind = dynamodb_type(value)
    if kind == "S":
        return value
    if kind == "BOOL":
        return "true" if value else "false"
    if kind in ("N", "B"):
        return to_typed(value)[kind]
    if kind == "NULL":
        return ""
    if kind in SET_TYPES:
        return "\n".join(to_typed(value)[kind])
    return _pretty(to_typed(value)[kind])


def _pretty(members):
    """One entry of a List or Map per line, each written compactly."""
    def compact(data):
        return json.dumps(data, ensure_ascii=False, separators=(", ", ": "))

    if not members:
        return compact(members)
    if isinstance(members, list):
        return "[\n" + ",\n".join(f"  {compact(member)}" for member in members) + "\n]"
    return "{\n" + ",\n".join(
        f"  {compact(name)}: {compact(member)}" for name, member in members.items()
    ) + "\n}"


def from_text(kind, text, where="Value", path="value"):
    """Return the value of type `kind` that the editor's text stands for.

    `where` starts messages about the text; `path` names the value inside
    messages about a List or Map (e.g. address.zip).
    """
    if kind == "S":
        return _LINE_BREAK.sub("\n", text)
    if kind == "N":
        return parse_number(text, where)
    if kind == "B":
        return parse_base64(text, where)
    if kind == "BOOL":
        answer = text.strip().lower()
        if answer not in ("true", "false"):
            raise InvalidContact(f"{where}: a Boolean is true or false.")
        return answer == "true"
    if kind == "NULL":
        if text.strip() not in ("", "null"):
            raise InvalidContact(f"{where}: a Null has no value; leave it empty.")
        return None
    if kind in SET_TYPES:
        lines = [line for line in _LINE_BREAK.split(text) if line.strip()]
        member_kind = SET_TYPES[kind]
        members = [from_text(member_kind, line, f"{where}, line “{line[:40]}”") for line in lines]
        return unique_set(members, where)
    if kind in ("L", "M"):
        return from_typed({kind: parse_json(text, f"{where} (DynamoDB JSON)")}, path)
    raise InvalidContact(f"{where}: unknown type “{kind}”.")
