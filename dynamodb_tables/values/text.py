"""Typed attribute values as text: what the attribute editor shows and reads back.

Every DynamoDB type has one text form, chosen so that text -> value -> text
is exact and nothing goes through float:

- String: the text itself. Number: its digits (kept exactly as a Decimal).
  Binary: base64. Boolean: "true" or "false". Null: no text.
- String, Number and Binary Sets: one member per line.
- Lists and Maps: plain JSON ({"city": "Paris", "zip": 75001}) when they
  hold only strings, numbers, booleans, null, Lists and Maps; otherwise
  DynamoDB JSON, as the console's JSON view and the AWS CLI write it
  ({"tags": {"SS": ["a"]}}), since plain JSON cannot tell a Set from a List
  or Binary from a String. Both are read back; `plain_json` says how one is
  told from the other. Numbers are Decimal either way, exact to 38 digits.

Values a text form cannot carry unchanged are `editable() == False`: a
String Set member with a line break or only spaces, an empty String or Binary Set member
(blank lines are ignored), and a NUL character, which HTML turns into
U+FFFD. The editor shows them read-only and never writes them back.
"""

import base64
import binascii
import json
import re
from decimal import Decimal

from ..exceptions import InvalidItem
from . import plain_json, typed
from .rules import MAX_DEPTH, Refused, number
from .types import SET_TYPES, dynamodb_type

_LINE_BREAK = re.compile(r"\r\n|\r|\n")


def parse_number(text, where="A number"):
    """Return the exact Decimal of a number typed as text, or say what is wrong.

    Spaces around it are fine here, where a person types it; DynamoDB JSON's
    {"N": " 42"} is refused, as DynamoDB refuses it.
    """
    try:
        return number(text.strip())
    except Refused as problem:
        raise InvalidItem(f"{where}: {problem}.") from None


def parse_json(text, where="JSON"):
    """Parse JSON text, saying where it is malformed; numbers stay exact."""
    try:
        return json.loads(text, parse_float=Decimal, parse_int=Decimal)
    except json.JSONDecodeError as error:
        raise InvalidItem(
            f"{where} is malformed at line {error.lineno}, column {error.colno}: {error.msg}."
        ) from None
    except RecursionError:
        raise InvalidItem(
            f"{where} nests too deeply: DynamoDB allows {MAX_DEPTH} levels of Lists and Maps."
        ) from None


def parse_base64(text, where="Binary"):
    """Return the bytes of base64 text (spaces around it ignored), or say it is not base64."""
    try:
        return base64.b64decode(text.strip(), validate=True)
    except (binascii.Error, ValueError):
        raise InvalidItem(f"{where}: “{text[:40]}” is not valid base64.") from None


def unique_set(members, where):
    """Return the members as a set: DynamoDB sets are non-empty and have no duplicates."""
    if not members:
        raise InvalidItem(
            f"{where}: a set needs at least one member (DynamoDB has no empty sets)."
        )
    found = set()
    for member in members:
        if member in found:
            shown = member if isinstance(member, str) else typed.to_typed(member)
            raise InvalidItem(
                f"{where}: “{shown}” appears more than once; sets have no duplicates."
            )
        found.add(member)
    return found


def editable(value):
    """Whether the editor's text form carries this value unchanged."""
    kind = dynamodb_type(value)
    if kind == "S":
        return "\x00" not in value
    if kind == "SS":
        # Blank lines are ignored when the text is read back: so is a member of spaces.
        return all(member.strip() and not _LINE_BREAK.search(member) and "\x00" not in member
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
        return typed.to_typed(value)[kind]
    if kind == "NULL":
        return ""
    if kind in SET_TYPES:
        return "\n".join(typed.to_typed(value)[kind])
    if plain_json.fits(value):
        return plain_json.to_text(value)
    return _pretty(typed.to_typed(value)[kind])


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
            raise InvalidItem(f"{where}: a Boolean is true or false.")
        return answer == "true"
    if kind == "NULL":
        if text.strip() not in ("", "null"):
            raise InvalidItem(f"{where}: a Null has no value; leave it empty.")
        return None
    if kind in SET_TYPES:
        lines = [line for line in _LINE_BREAK.split(text) if line.strip()]
        member_kind = SET_TYPES[kind]
        members = [from_text(member_kind, line, f"{where}, line “{line[:40]}”") for line in lines]
        return unique_set(members, where)
    if kind in ("L", "M"):
        return plain_json.read(kind, parse_json(text, f"{where} (JSON)"), path)
    raise InvalidItem(f"{where}: unknown type “{kind}”.")
