"""Run in its own process by tests/test_overlap.py: backend.overlap under gevent, as gunicorn's
gevent workers run it (everything patched first), against DynamoDB Local.

Prints one JSON object: when each request's bytes went out, relative to when start()
returned; what the started call saw of its caller's context; and how a failed call's
error came back.
"""

from gevent import monkey

monkey.patch_all()

import contextvars  # noqa: E402 - after patching, as gunicorn's gevent worker does
import http.client  # noqa: E402
import json  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402

import boto3  # noqa: E402

from dynamodb_tables.backend import overlap  # noqa: E402

sent = []
_send = http.client.HTTPConnection.send


def send(connection, data):
    """Note when bytes go out on a connection (botocore sends through http.client)."""
    sent.append(time.perf_counter())
    return _send(connection, data)


http.client.HTTPConnection.send = send

client = boto3.client("dynamodb", endpoint_url=sys.argv[1], region_name="us-east-1",
                      aws_access_key_id="probe", aws_secret_access_key="probe")
client.list_tables()  # opens the connection that the pool then keeps
caller = contextvars.ContextVar("caller")
caller.set("the caller's value")


def read():
    return caller.get(None), client.list_tables()["TableNames"]


def render():
    """Stand in for rendering: CPU work that never waits, so gevent never switches."""
    until = time.perf_counter() + 0.05
    while time.perf_counter() < until:
        pass


def refused():
    raise ValueError("refused")


sent.clear()
pending = overlap.start(read)
returned = time.perf_counter()
render()
seen, tables = pending.result()
failing = overlap.start(refused)
error = failing.error()
try:
    failing.result()
    raised = None
except ValueError as again:
    raised = str(again)
print(json.dumps({
    "sends_after_return_ms": [round((moment - returned) * 1000, 3) for moment in sent],
    "seen": seen,
    "tables_is_list": isinstance(tables, list),
    "error": repr(error),
    "raised": raised,
}))
