"""The change list's approximate item count, moved by this app's own adds, deletes and imports.

DynamoDB refreshes a table's ItemCount (DescribeTable) only about every six
hours, so on its own it would ignore an import for hours. The count shown is
DynamoDB's figure plus the items this app added, minus those it deleted, since
that figure was first seen. A re-read (every few minutes, or at once after a
command changed the table) that finds a new figure means DynamoDB has caught
up (DynamoDB Local always has): the tally starts again from it.

Another tool's writes still show only when DynamoDB's figure does; the page
says how long the figure has stood, so the reader can judge.

The tally is kept in the cache named "dynamodb_tables" when the project has
one (contactsite keeps it in the auth database, shared by every worker,
server and command), else in the default cache, where it is per process.
Updates are read-then-write: two writes at the same instant may count once,
which an approximate count can afford.
"""

import logging
import time
from dataclasses import dataclass
from datetime import UTC, datetime

from django.conf import settings
from django.core.cache import caches
from django.db import DatabaseError

from . import operations

CACHE_ALIAS = "dynamodb_tables"
# DynamoDB changes its figure every six hours or so: asking more often than
# every few minutes would buy a DescribeTable per page view and nothing else.
REREAD_SECONDS = 300
# A tally untouched for a day is dropped; the next page starts one from DynamoDB's figure.
KEPT_SECONDS = 24 * 3600

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class ItemCount:
    """DynamoDB's figure, when this app first saw it, and its own writes since."""

    figure: int
    seen_at: datetime
    added: int = 0
    deleted: int = 0

    @property
    def total(self):
        """Return the best guess: DynamoDB's figure moved by this app's writes since."""
        return max(self.figure + self.added - self.deleted, 0)


def approximate_count(table_name):
    """Return the table's ItemCount, read again only every few minutes, with the tally."""
    state = _load(table_name)
    now = time.time()
    if state is None or state["reread"] or now - state["read_at"] >= REREAD_SECONDS:
        figure = operations.describe_table(table_name)["item_count"]
        if state is None or figure != state["figure"]:
            # A new figure: DynamoDB has counted what was written before it.
            state = {"figure": figure, "seen_at": now, "added": 0, "deleted": 0}
        state.update(read_at=now, reread=False)
        _save(table_name, state)
    return ItemCount(state["figure"], datetime.fromtimestamp(state["seen_at"], UTC),
                     state["added"], state["deleted"])


def record(table_name, added=0, deleted=0):
    """Count items this app just added to or deleted from the table.

    Without a figure yet there is nothing to move: the next page reads one.
    """
    state = _load(table_name)
    if state is None or not (added or deleted):
        return
    state["added"] += added
    state["deleted"] += deleted
    _save(table_name, state)


def reread(table_name):
    """Have the next count ask DynamoDB for its figure at once (a command changed the table)."""
    state = _load(table_name)
    if state is not None:
        state["reread"] = True
        _save(table_name, state)


def _cache():
    return caches[CACHE_ALIAS if CACHE_ALIAS in settings.CACHES else "default"]


def _key(table_name):
    return f"dynamodb_tables:count:{table_name}"


def _load(table_name):
    try:
        return _cache().get(_key(table_name))
    except DatabaseError as error:
        # e.g. a command against AWS from a folder whose auth database was never
        # migrated: the count is a nicety, the command's work is not.
        logger.warning("The item count tally is unavailable (`manage.py migrate` creates "
                       "its table): %s", error)
        return None


def _save(table_name, state):
    try:
        _cache().set(_key(table_name), state, KEPT_SECONDS)
    except DatabaseError as error:
        logger.warning("The item count tally is unavailable (`manage.py migrate` creates "
                       "its table): %s", error)
