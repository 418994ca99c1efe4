"""One server at a time through the start-up's database set-up.

Servers started together (several ECS tasks, or compose replicas) share one
PostgreSQL, and migrate and ensure_superuser each look before they create:
run at once, one of them fails on a duplicate table or user and its server
does not start. These commands hold a PostgreSQL
advisory lock while they run, so the others wait and then find the work done.
"""

import contextlib

from django.db import DEFAULT_DB_ALIAS, connections

# Any 64-bit number, the same in every server: "contacts" in ASCII.
LOCK_ID = int.from_bytes(b"contacts", "big")


@contextlib.contextmanager
def setup_lock(using=DEFAULT_DB_ALIAS):
    """Hold the set-up lock of database `using` while the block runs (PostgreSQL only)."""
    connection = connections[using]
    # SQLite lives in one server's file: there is no second server to wait for.
    if connection.vendor != "postgresql":
        yield
        return
    # A session lock, not a transaction's: migrate commits many transactions.
    # If the process dies, PostgreSQL ends its session and releases the lock.
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_lock(%s)", [LOCK_ID])
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_unlock(%s)", [LOCK_ID])
