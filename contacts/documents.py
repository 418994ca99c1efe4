"""Rules for contact documents that hold whatever the store: keys and names.

Items are JSON-like documents keyed by the string partition key `id`. These
checks run before a write so that bad input gets a clear message instead of
a DynamoDB ValidationException (or, worse, a half-understood item).
"""

import uuid

from .exceptions import InvalidContact

KEY = "id"

# DynamoDB's limits: a partition key value is 1 to 2048 bytes; an attribute
# name is 1 to 65535 bytes, both in UTF-8.
MAX_ID_BYTES = 2048
MAX_NAME_BYTES = 65535


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


def validate_attribute_name(name):
    """Return the attribute name if DynamoDB would accept it (reserved words are fine)."""
    if not isinstance(name, str) or not name:
        raise InvalidContact("Attribute names must be non-empty strings.")
    if len(name.encode("utf-8")) > MAX_NAME_BYTES:
        raise InvalidContact(
            f"Attribute name “{name[:40]}…” is longer than {MAX_NAME_BYTES} bytes in UTF-8."
        )
    return name


def validate_item(item):
    """Return the item if its id and attribute names are acceptable."""
    if KEY not in item:
        raise InvalidContact("A contact needs an id.")
    validate_id(item[KEY])
    for name in item:
        validate_attribute_name(name)
    return item
