"""A page of items and its opaque cursors.

Django's Paginator assumes a count and random access, which on DynamoDB mean
full-table scans. A page here knows only its items and where the next one
starts: DynamoDB's LastEvaluatedKey, signed so a client can neither forge a
start key nor reuse a cursor made for another table.

Scan cannot read backwards, so "previous" needs the start keys of the pages
before. Each cursor carries that trail (the newest few start keys, bounded so
links stay well under a web server's 4 KB request-line limit): no server-side
state, and every link keeps working in any tab.
"""

import base64
import binascii
from dataclasses import dataclass

from django.core import signing

from ..exceptions import InvalidCursor

# Beyond this many characters, the oldest start keys of the trail are
# dropped: "previous" then stops where the trail ends and "first" remains.
MAX_CURSOR_CHARS = 1500


@dataclass(frozen=True)
class Page:
    """One page of items in table order, with the cursors of its neighbours."""

    object_list: list
    # The cursor this page was read from (None for the first page).
    cursor: str | None = None
    next_cursor: str | None = None
    # The previous page's cursor; "" when the previous page is the first one,
    # None on the first page or when the trail no longer reaches back.
    previous_cursor: str | None = None
    # Items DynamoDB read to build the page; more than len(object_list) when searching.
    scanned_count: int = 0
    # True when a search spent its read budget before filling the page: the
    # rest of the table is unsearched and next_cursor continues the search.
    budget_spent: bool = False
    search: str | None = None
    # This page's start without the trail before it (None on the first page):
    # what each row's link keeps so that coming back from an item reopens
    # this page. With the trail, 25 links carried up to 25 × 1.5 KB.
    start_cursor: str | None = None
    # The Read this page comes from, and its first request: (operation, parameters).
    read: object = None
    request: tuple | None = None

    def has_next(self):
        return self.next_cursor is not None

    def has_previous(self):
        return self.cursor is not None

    def __len__(self):
        return len(self.object_list)

    def __iter__(self):
        return iter(self.object_list)


@dataclass(frozen=True)
class Position:
    """Where a page starts (None: the table's start) and the starts of the pages before it."""

    start_key: dict | None = None
    trail: tuple = ()

    def next(self, start_key):
        """Return the position of the page after this one, which starts at start_key."""
        return Position(start_key, (*self.trail, self.start_key))

    def previous(self):
        """Return the previous page's position, or None when the trail does not reach it."""
        if not self.trail:
            return None
        return Position(self.trail[-1], self.trail[:-1])


def _salt(table):
    return f"dynamodb_tables.cursor:{table}"


# Start keys are DynamoDB's own (LastEvaluatedKey: {"id": {"S": "01"}}), whole
# keys of the table and, for an index, of the index. Binary values become
# base64 so that a cursor is JSON.
def _json_key(key):
    return {
        name: {kind: base64.b64encode(content).decode("ascii") if kind == "B" else content}
        for name, value in key.items()
        for kind, content in value.items()
    }


def _raw_key(key):
    raw = {}
    for name, value in key.items():
        (kind, content), = value.items()
        raw[name] = {kind: base64.b64decode(content, validate=True) if kind == "B" else content}
    return raw


def encode_cursor(position, table):
    """Return an opaque, signed cursor for a position; "" for the table's start."""
    if position.start_key is None:
        return ""
    trail = list(position.trail)
    while True:
        payload = {
            "k": _json_key(position.start_key),
            "t": [_json_key(key) if key else None for key in trail],
        }
        cursor = signing.dumps(payload, salt=_salt(table), compress=True)
        if len(cursor) <= MAX_CURSOR_CHARS or not trail:
            return cursor
        trail.pop(0)


def decode_cursor(cursor, table):
    """Return the position inside a cursor, or raise InvalidCursor."""
    try:
        payload = signing.loads(cursor, salt=_salt(table))
    except (signing.BadSignature, ValueError, TypeError) as error:
        raise InvalidCursor(
            "This page link is invalid or out of date; start again from the first page."
        ) from error
    try:
        start_key = _raw_key(payload["k"])
        trail = tuple(_raw_key(key) if key else None for key in payload.get("t") or ())
    except (KeyError, TypeError, ValueError, AttributeError, binascii.Error) as error:
        raise InvalidCursor(
            "This page link is invalid; start again from the first page."
        ) from error
    return Position(start_key, trail)
