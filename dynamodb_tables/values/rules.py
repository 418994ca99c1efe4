"""What DynamoDB accepts, checked before a request: keys, names, numbers, sizes.

One place for each rule, so that the editor, the manager and the import
refuse the same things with the same words, and bad input gets a clear
message instead of DynamoDB's ValidationException (or a half-written item).
"""

import re
from decimal import Decimal

from ..exceptions import InvalidItem
from .types import TYPE_LABELS, dynamodb_type

# A partition key value is 1 to 2048 bytes, a sort key value 1 to 1024; an
# attribute name 1 to 65535 bytes (UTF-8 for text).
MAX_KEY_BYTES = {"partition": 2048, "sort": 1024}
MAX_NAME_BYTES = 65535
# An item, names and values together, is at most 400 KB by DynamoDB's size rules.
MAX_ITEM_BYTES = 400 * 1024
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


class Refused(ValueError):
    """What is wrong with a number or a name, before the caller says where it is."""


def clip(text, length=40):
    """Return text cut to `length` characters, lone surrogates escaped so it can be printed."""
    text = str(text)
    if len(text) > length:
        text = text[: length - 1] + "…"
    return text.encode("utf-8", "backslashreplace").decode("utf-8")


# --- Numbers ---------------------------------------------------------------------


def number(text):
    """Return the exact Decimal of a number as DynamoDB writes it, or Refused."""
    if not NUMBER.fullmatch(text):
        raise Refused(f"“{clip(text)}” is not a number ({NUMBER_EXAMPLES})")
    value = Decimal(text)
    check_number(value, text)
    return value


def check_number(value, text=None):
    """Refuse a Decimal that DynamoDB cannot store exactly (digits, range)."""
    shown = clip(text if text is not None else value)
    if not value.is_finite():
        raise Refused(f"“{shown}” is not a number ({NUMBER_EXAMPLES})")
    if not value:
        return
    significant = _significant_digits(value)
    if significant > MAX_DIGITS:
        raise Refused(
            f"DynamoDB keeps at most {MAX_DIGITS} significant digits exactly; "
            f"“{shown}” has {significant}"
        )
    if not MIN_EXPONENT <= value.adjusted() <= MAX_EXPONENT:
        raise Refused(
            f"“{shown}” is out of range: DynamoDB numbers range from 1E-130 to below "
            "1E+126 in magnitude"
        )


def _significant_digits(value):
    digits = value.as_tuple().digits
    significant = len(digits)
    while significant > 1 and not digits[significant - 1]:  # trailing zeros are not stored
        significant -= 1
    return significant


def number_size(value):
    """Return the bytes DynamoDB counts for a number: one per two significant digits, plus one.

    A minus sign counts one more, even on -0 (which DynamoDB stores as 0): one
    byte too many, on the safe side.
    """
    return (_significant_digits(value) + 1) // 2 + 1 + value.is_signed()


# --- Names -----------------------------------------------------------------------


def name_size(name):
    """Return the UTF-8 bytes of an attribute or Map name DynamoDB accepts, or Refused."""
    if not isinstance(name, str) or not name:
        raise Refused("a name is empty; DynamoDB names have at least one character")
    try:
        size = len(name.encode("utf-8"))
    except UnicodeEncodeError:
        raise Refused(f"the name “{clip(name)}” is not valid Unicode text") from None
    if size > MAX_NAME_BYTES:
        raise Refused(f"the name “{clip(name)}” is longer than {MAX_NAME_BYTES} bytes in UTF-8")
    return size


def validate_attribute_name(name, where="Attribute name"):
    """Return the attribute name if DynamoDB would accept it (reserved words are fine)."""
    try:
        name_size(name)
    except Refused as problem:
        raise InvalidItem(f"{where}: {problem}.") from None
    return name


# --- Keys ------------------------------------------------------------------------

_KEY_PYTHON_TYPES = {"S": str, "N": Decimal | int, "B": bytes}
# How messages name what a key attribute of each type holds.
KEY_WORDS = {"S": "a string", "N": "a number", "B": "binary data"}


def validate_key_value(name, kind, value, role="partition"):
    """Return the value if DynamoDB would accept it for key attribute `name` of type `kind`.

    `role` is "partition" or "sort": their values may take 2048 and 1024 bytes.
    """
    expected = _KEY_PYTHON_TYPES[kind]
    if not isinstance(value, expected) or isinstance(value, bool):
        shown = TYPE_LABELS.get(_python_kind(value), type(value).__name__)
        raise InvalidItem(f"“{name}” must be {KEY_WORDS[kind]}, not {shown}.")
    if kind == "N":
        try:
            check_number(Decimal(value))
        except Refused as problem:
            raise InvalidItem(f"“{name}”: {problem}.") from None
        return value
    if not value:
        raise InvalidItem(f"“{name}” must not be empty.")
    limit = MAX_KEY_BYTES[role]
    size = len(value) if kind == "B" else _utf8(value)
    if size > limit:
        raise InvalidItem(f"“{name}” must be at most {limit} bytes{' in UTF-8' * (kind == 'S')}.")
    return value


def _python_kind(value):
    try:
        return dynamodb_type(value)
    except (TypeError, KeyError):
        return None


# --- Sizes -----------------------------------------------------------------------


def item_size(item):
    """Return an item's size in bytes as DynamoDB counts it (names plus values)."""
    size = 0
    for name, value in item.items():
        try:
            size += _utf8(name) + value_size(value)
        except TypeError as error:
            raise InvalidItem(f"Attribute “{name}”: {error}") from None
    return size


def value_size(value):
    """Return the bytes DynamoDB counts for one value.

    Strings count their UTF-8 bytes and binary its bytes; numbers as
    `number_size` says; booleans and nulls one byte; Lists and Maps 3 bytes
    plus one per member, Map keys counted as names; a set the sum of its members.
    """
    if value is None or isinstance(value, bool):
        return 1
    if isinstance(value, str):
        return _utf8(value)
    if isinstance(value, bytes):
        return len(value)
    if isinstance(value, Decimal | int):
        return number_size(Decimal(value))
    if isinstance(value, list):
        return 3 + sum(1 + value_size(member) for member in value)
    if isinstance(value, dict):
        return 3 + sum(1 + _utf8(name) + value_size(member) for name, member in value.items())
    if isinstance(value, set | frozenset):
        return sum(value_size(member) for member in value)
    raise TypeError(
        f"a {type(value).__name__} is not a DynamoDB value (numbers are Decimal, never float)."
    )


def check_item_size(item, noun="item"):
    """Refuse an item over DynamoDB's 400 KB; `noun` names it ("order", "item")."""
    size = item_size(item)
    if size > MAX_ITEM_BYTES:
        raise InvalidItem(
            f"The {noun} would take {size:,} bytes; DynamoDB stores items of at most "
            f"{MAX_ITEM_BYTES:,} bytes (400 KB), names and values together."
        )
    return size


def _utf8(text):
    return len(text.encode("utf-8", "surrogatepass"))
