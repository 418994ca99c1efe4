"""A fault-injecting HTTP proxy between the app and DynamoDB Local, which logs every exchange.

The app's endpoint is the proxy (`proxy.url`); each request botocore sends
(one POST, its operation in the X-Amz-Target header) goes on to DynamoDB
Local unless a fault says otherwise. Faults are queued per operation
(`proxy.fail("UpdateItem", THROTTLE, None, RESET_AFTER)`, each used once,
in order, None for none; `then=` for every one after those) or made the
default for every request (`proxy.default = HANG`):

- THROTTLE, ERROR_500, RESET: answered by the proxy, never forwarded, as
  DynamoDB answers throttling and trouble, or a connection cut before it.
- ERROR_500_AFTER, RESET_AFTER: forwarded, so DynamoDB applies the request,
  but the app gets a 500 or a cut connection instead of the answer.
- delay(seconds): forwarded after a pause.
- HANG: held until `release()` (or the proxy stops), then forwarded, as a
  paused DynamoDB does once it resumes; the app has long given up by then.
- unprocessed(n): BatchWriteItem and BatchGetItem send all but the last n
  parts on and answer those n as DynamoDB does when it leaves part of a
  batch unprocessed.

`proxy.log` holds one Exchange per request, so that a test can count what
DynamoDB received and answered: no write lost, none applied twice.
"""

import http.client
import json
import socket
import struct
import threading
import time
import zlib
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

_ERROR_TYPE = "com.amazonaws.dynamodb.v20120810#"
# How long a held request waits at most for release() before it is forwarded anyway.
MAX_HOLD = 60


@dataclass(frozen=True)
class Fault:
    kind: str
    seconds: float = 0
    count: int = 0


THROTTLE = Fault("throttle")
ERROR_500 = Fault("error_500")
ERROR_500_AFTER = Fault("error_500_after")
RESET = Fault("reset")
RESET_AFTER = Fault("reset_after")
HANG = Fault("hang")


def delay(seconds):
    return Fault("delay", seconds=seconds)


def unprocessed(count):
    return Fault("unprocessed", count=count)


@dataclass
class Exchange:
    """One request the app sent: its operation and body, the fault, what DynamoDB answered."""

    operation: str
    request: dict
    fault: str | None = None
    forwarded: dict | None = None  # the body DynamoDB received, if it received one
    status: int | None = None  # DynamoDB's status
    response: dict | None = None  # DynamoDB's answer


class FaultProxy:
    """The proxy server on a free loopback port; a context manager that stops it."""

    def __init__(self, upstream):
        self.upstream = urlsplit(upstream)
        self.default = None
        self.log = []
        self._queued = {}
        self._then = {}
        self._lock = threading.Lock()
        self.released = threading.Event()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self.server.daemon_threads = True
        self.server.proxy = self
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self._thread.start()

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.stop()

    def stop(self):
        self.released.set()
        self.server.shutdown()
        self.server.server_close()

    def fail(self, operation, *faults, then=None):
        """Apply these faults (None: none), one each, to the next requests of `operation`,
        and `then` to every later one."""
        with self._lock:
            self._queued.setdefault(operation, []).extend(faults)
            self._then[operation] = then

    def release(self):
        """Let held requests go on to DynamoDB, and stop every fault."""
        with self._lock:
            self.default = None
            self._queued.clear()
            self._then.clear()
        self.released.set()

    def exchanges(self, operation=None):
        with self._lock:
            return [e for e in self.log if operation is None or e.operation == operation]

    def applied(self, operation):
        """Return the exchanges of `operation` that DynamoDB received and answered with 200."""
        return [e for e in self.exchanges(operation) if e.status == 200]

    def _next_fault(self, operation):
        with self._lock:
            queued = self._queued.get(operation)
            if queued:
                return queued.pop(0)
            return self._then.get(operation) or self.default

    def _record(self, exchange):
        with self._lock:
            self.log.append(exchange)

    def forward(self, headers, body):
        """Send one request on to DynamoDB; return (status, headers, body)."""
        connection = http.client.HTTPConnection(self.upstream.hostname, self.upstream.port,
                                                timeout=MAX_HOLD)
        try:
            connection.request("POST", "/", body=body, headers=headers)
            answer = connection.getresponse()
            return answer.status, answer.getheaders(), answer.read()
        finally:
            connection.close()


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, format, *args):  # quiet: the log is proxy.log
        pass

    def do_POST(self):
        proxy = self.server.proxy
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        operation = self.headers.get("X-Amz-Target", "").rpartition(".")[2]
        fault = proxy._next_fault(operation)
        exchange = Exchange(operation, json.loads(body or b"{}"), fault and fault.kind)
        proxy._record(exchange)
        headers = {name: value for name, value in self.headers.items()
                   if name.lower() not in ("content-length", "connection")}
        kind = fault.kind if fault else None
        if kind == "throttle":
            return self._error(400, "ProvisionedThroughputExceededException",
                               "The level of configured provisioned throughput for the table "
                               "was exceeded.")
        if kind == "error_500":
            return self._error(500, "InternalServerError", "Internal server error")
        if kind == "reset":
            return self._reset()
        if kind == "delay":
            time.sleep(fault.seconds)
        if kind == "hang":
            proxy.released.wait(MAX_HOLD)
        left = []
        if kind == "unprocessed":
            body, left = _hold_back(exchange.request, fault.count)
        status, answer_headers, answer = (200, [], b"{}") if body is None else self._send_on(
            exchange, headers, body)
        if kind == "reset_after":
            return self._reset()
        if kind == "error_500_after":
            return self._error(500, "InternalServerError", "Internal server error")
        if left:
            answer = _with_unprocessed(answer, exchange.operation, left)
        self._answer(status, answer, dict(answer_headers).get("x-amzn-RequestId"))

    def _send_on(self, exchange, headers, body):
        exchange.forwarded = json.loads(body)
        status, answer_headers, answer = self.server.proxy.forward(headers, body)
        exchange.status = status
        exchange.response = json.loads(answer or b"{}")
        return status, answer_headers, answer

    def _answer(self, status, body, request_id=None):
        try:
            self.send_response(status)
            self.send_header("Content-Type", "application/x-amz-json-1.0")
            self.send_header("x-amzn-RequestId", request_id or "fault-proxy")
            self.send_header("x-amz-crc32", str(zlib.crc32(body) & 0xFFFFFFFF))
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        except OSError:
            self.close_connection = True  # the app gave up waiting

    def _error(self, status, code, message):
        body = json.dumps({"__type": _ERROR_TYPE + code, "message": message}).encode()
        self._answer(status, body)

    def _reset(self):
        # SO_LINGER 0: close() sends RST, as a crashed server's kernel does.
        self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.connection.close()
        self.close_connection = True


_BATCH_PARTS = {"BatchWriteItem": "UnprocessedItems", "BatchGetItem": "UnprocessedKeys"}


def _hold_back(request, count):
    """Return (the body to send on, or None if nothing is left, the parts held back)."""
    (table, parts), = request["RequestItems"].items()
    if isinstance(parts, dict):  # BatchGetItem: {"Keys": [...], ...}
        keys = parts["Keys"]
        sent, left = keys[: max(len(keys) - count, 0)], keys[max(len(keys) - count, 0):]
        body = {**request, "RequestItems": {table: {**parts, "Keys": sent}}}
        held = [(table, {**parts, "Keys": left})]
    else:
        sent, left = parts[: max(len(parts) - count, 0)], parts[max(len(parts) - count, 0):]
        body = {**request, "RequestItems": {table: sent}}
        held = [(table, left)]
    return (json.dumps(body).encode() if sent else None), held


def _with_unprocessed(answer, operation, held):
    document = json.loads(answer or b"{}")
    if operation == "BatchGetItem":
        document.setdefault("Responses", {})
    document[_BATCH_PARTS[operation]] = dict(held)
    return json.dumps(document).encode()
