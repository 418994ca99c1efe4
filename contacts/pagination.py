"""A page of contacts and its opaque cursor.

Django's Paginator assumes a count and random access, which on DynamoDB mean
full-table scans. A page here knows only its items and where the next one
starts: DynamoDB's LastEvaluatedKey, signed so a client can neither forge a
start key nor reuse a cursor made for another table.
"""

from dataclasses import dataclass

from django.core import signing

from .exceptions import InvalidCursor


@dataclass(frozen=True)
class ContactPage:
    """One page of contacts in table order, with the cursor of the next page."""

    object_list: list
    # The cursor this page was read from (None for the first page).
    cursor: str | None = None
    next_cursor: str | None = None
    # Items DynamoDB read to build the page; more than len(object_list) when searching.
    scanned_count: int = 0
    # True when a search spent its read budget before filling the page: the
    # rest of the table is unsearched and next_cursor continues the search.
    budget_spent: bool = False
    search: str | None = None

    def has_next(self):
        return self.next_cursor is not None

    def has_previous(self):
        return self.cursor is not None

    def __len__(self):
        return len(self.object_list)

    def __iter__(self):
        return iter(self.object_list)


def _salt(table):
    return f"contacts.cursor:{table}"


def encode_cursor(start_key, table):
    """Return an opaque, signed cursor for a DynamoDB start key."""
    return signing.dumps(start_key, salt=_salt(table), compress=True)


def decode_cursor(cursor, table):
    """Return the DynamoDB start key inside a cursor, or raise InvalidCursor."""
    try:
        start_key = signing.loads(cursor, salt=_salt(table))
    except (signing.BadSignature, ValueError, TypeError) as error:
        raise InvalidCursor(
            "This page link is invalid or out of date; start again from the first page."
        ) from error
    if not isinstance(start_key, dict):
        raise InvalidCursor("This page link is invalid; start again from the first page.")
    return start_key
