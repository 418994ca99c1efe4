"""Rules for contact documents that hold whatever the store: keys and names.

Items are JSON-like documents keyed by the string partition key `id`. These
checks run before a write so that bad input gets a clear message instead of
a DynamoDB ValidationException (or, worse, a half-understood item).
"""

import uuid
from decimal import Decimal

from .exceptions import InvalidContact

KEY = "id"

# DynamoDB's limits: a partition key value is 1 to 2048 bytes; an attribute
# name is 1 to 65535 bytes, both in UTF-8.
MAX_ID_BYTES = 2048
MAX_NAME_BYTES = 65535
# An item, names and values together, is at most 400 KB by DynamoDB's size rules.
MAX_ITEM_BYTES = 400 * 1024


class _Remove:
    """Marker for update(): remove this attribute from the item."""

    def __repr__(self):
        return "REMOVE"


REMOVE = _Remove()


def new_id():
    """Return a fresh contact id for an item added without one."""
    return uuid.uuid4().hex


def validate_id(contact_id):
    """Return the id if DynamoDB would accept it as the partition key value."""
    if not isinstance(contact_id, str):
        raise InvalidContact(f"The id must be a string, not {type(contact_id).__name__}.")
    if not contact_id:
        raise InvalidContact("The id must not be empty.")
    if len(contact_id.encode("utf-8")) > MAX_ID_BYTES:
        raise InvalidContact(f"The id must be at most {MAX_ID_BYTES} bytes in UTF-8.")
    return contact_id


def validate_attribute_name(name, where="Attribute name"):
    """Return the attribute name if DynamoDB would accept it (reserved words are fine)."""
    if not isinstance(name, str) or not name:
        raise InvalidContact(f"{where}: a name must be a non-empty string.")
    if _utf8(name) > MAX_NAME_BYTES:
        raise InvalidContact(
            f"{where}: “{name[:40]}…” is longer than {MAX_NAME_BYTES} bytes in UTF-8."
        )
    return name


def validate_item(item):
    """Return the item if its id, attribute names and size are acceptable."""
    if KEY not in item:
        raise InvalidContact("A contact needs an id.")
    validate_id(item[KEY])
    for name in item:
        validate_attribute_name(name)
    size = item_size(item)
    if size > MAX_ITEM_BYTES:
        raise InvalidContact(
            f"The contact would take {size:,} bytes; DynamoDB stores items of at most "
            f"{MAX_ITEM_BYTES:,} bytes (400 KB), names and values together."
        )
    return item


def item_size(item):
    """Return an item's size in bytes as DynamoDB counts it (names plus values)."""
    size = 0
    for name, value in item.items():
        try:
            size += _utf8(name) + value_size(value)
        except TypeError as error:
            raise InvalidContact(f"Attribute “{name}”: {error}") from None
    return size


def value_size(value):
    """Return the bytes DynamoDB counts for one value.

    Strings count their UTF-8 bytes and binary its bytes; a number one byte
    per two significant digits plus one; booleans and nulls one byte; Lists
    and Maps 3 bytes plus one per member, Map keys counted as names; a set
    the sum of its members.
    """
    if value is None or isinstance(value, bool):
        return 1
    if isinstance(value, str):
        return _utf8(value)
    if isinstance(value, bytes):
        return len(value)
    if isinstance(value, Decimal | int):
        return _number_size(Decimal(value))
    if isinstance(value, list):
        return 3 + sum(1 + value_size(member) for member in value)
    if isinstance(value, dict):
        return 3 + sum(1 + _utf8(name) + value_size(member) for name, member in value.items())
    if isinstance(value, set | frozenset):
        return sum(value_size(member) for member in value)
    raise TypeError(
        f"a {type(value).__name__} is not a DynamoDB value (numbers are Decimal, never float)."
    )


def _utf8(text):
    return len(text.encode("utf-8", "surrogatepass"))


def _number_size(number):
    digits = number.as_tuple().digits
    significant = len("".join(map(str, digits)).strip("0")) or 1
    return (significant + 1) // 2 + 1 + (1 if number.is_signed() else 0)


def apply_changes(item, changes):
    """Return the item as it will be after update() sends these changes (values or REMOVE)."""
    result = {name: value for name, value in item.items() if changes.get(name) is not REMOVE}
    result.update({name: value for name, value in changes.items() if value is not REMOVE})
    return result
