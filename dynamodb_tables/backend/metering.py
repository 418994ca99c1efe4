"""What each web request costs in DynamoDB: requests, consumed capacity and time.

`dynamodb_tables.backend.call` hands every request it sends to `record`; while a
`recording()` is active (the middleware below starts one per web request),
the request is added to it. A context variable, not a global, holds the
recording: gunicorn's threads (and tests) each see only their own.

Staff see the figures in the page footer (the admin's base_site.html reads
`request.dynamodb`) and in response headers, which `make bench` reads. The
table commands read the totals of their own recording (`keep_requests=False`:
an import of millions of items sends too many requests to keep each one).
This module does not import boto3: it only reads plain response dicts.
"""

import contextlib
import contextvars
import threading
from dataclasses import dataclass
from decimal import Decimal

# Operations that accept ReturnConsumedCapacity; `call` asks them for it.
READ_OPERATIONS = frozenset(
    {"get_item", "batch_get_item", "scan", "query", "transact_get_items"}
)
WRITE_OPERATIONS = frozenset(
    {"put_item", "update_item", "delete_item", "batch_write_item", "transact_write_items"}
)
CAPACITY_OPERATIONS = READ_OPERATIONS | WRITE_OPERATIONS

_recording = contextvars.ContextVar("dynamodb_tables_recording", default=None)


@dataclass(frozen=True)
class Request:
    """One DynamoDB request as sent by `call` (botocore's retries included)."""

    operation: str
    seconds: float
    read_units: Decimal = Decimal(0)
    write_units: Decimal = Decimal(0)
    # False when the operation can report capacity but the response did not
    # (moto for some operations, or a failed request).
    capacity_reported: bool = True
    failed: bool = False
    # Who answered: None for DynamoDB itself, "DAX" for the DAX cluster (backend.dax).
    via: str | None = None


class Recording:
    """What the DynamoDB requests made while it was active cost, in total and one by one.

    Requests made by other threads count too when those threads run in a copy
    of the recording's context (`contextvars.copy_context`); a lock keeps the
    totals right.
    """

    def __init__(self, keep_requests=True):
        self.requests = [] if keep_requests else None
        self.count = 0
        self.read_units = Decimal(0)
        self.write_units = Decimal(0)
        self.seconds = 0.0
        self.failed = 0
        self.via_dax = 0
        self._unreported = 0
        self._lock = threading.Lock()

    def add(self, request):
        """Count one request (and keep it, unless this recording keeps totals only)."""
        with self._lock:
            self.count += 1
            self.read_units += request.read_units
            self.write_units += request.write_units
            self.seconds += request.seconds
            self.failed += request.failed
            self.via_dax += request.via is not None
            self._unreported += not (request.capacity_reported or request.failed)
            if self.requests is not None:
                self.requests.append(request)

    def __len__(self):
        return self.count

    @property
    def operations(self):
        return [request.operation for request in self.requests or ()]

    @property
    def milliseconds(self):
        return self.seconds * 1000

    @property
    def capacity_reported(self):
        """Whether every successful request that can report its capacity did."""
        return not self._unreported

    def headers(self):
        """Return the response headers describing this recording (for staff)."""
        milliseconds = f"{self.milliseconds:.1f}"
        # Only with DAX configured and used: the requests DAX answered.
        dax = {"X-DynamoDB-DAX-Requests": str(self.via_dax)} if self.via_dax else {}
        return {
            **dax,
            "X-DynamoDB-Requests": str(len(self)),
            "X-DynamoDB-Operations": ",".join(self.operations),
            "X-DynamoDB-Read-Units": units(self.read_units),
            "X-DynamoDB-Write-Units": units(self.write_units),
            "X-DynamoDB-Time-Ms": milliseconds,
            "Server-Timing": f'dynamodb;dur={milliseconds};desc="{len(self)} requests"',
        }

    def summary(self):
        """Return e.g. "DynamoDB: 1 request (Scan), 0.5 read units, 0 write units, 3.1 ms"."""
        count = len(self)
        text = f"DynamoDB: {count} request{'' if count == 1 else 's'} ({self._operation_names()})"
        if self.via_dax:
            # DAX answers from its cache: say which reads it answered, not DynamoDB.
            text += (", answered by DAX" if self.via_dax == count else
                     f", {self.via_dax} answered by DAX, the rest by DynamoDB")
        if self.failed:
            text += f", {self.failed} failed"
        if self.capacity_reported:
            text += (
                f", {units(self.read_units)} read units, {units(self.write_units)} write units"
            )
        else:
            text += ", capacity not reported by this DynamoDB endpoint"
        return f"{text}, {self.milliseconds:.1f} ms"

    def _operation_names(self):
        # API names as DynamoDB's documentation and bills spell them (Scan,
        # DescribeTable); a repeated operation is shown once with its count.
        counts = {}
        for operation in self.operations:
            counts[operation] = counts.get(operation, 0) + 1
        return ", ".join(
            api_name(operation) + (f" ×{count}" if count > 1 else "")
            for operation, count in counts.items()
        )


def api_name(operation):
    """Return DynamoDB's name for a botocore operation: "describe_table" -> "DescribeTable"."""
    return "".join(part.capitalize() for part in operation.split("_"))


def units(value):
    """Return capacity units as plain decimal text: 0, 0.5, 12."""
    return format(value.normalize(), "f")


@contextlib.contextmanager
def recording(keep_requests=True):
    """Record the DynamoDB requests made inside the block; yield the Recording."""
    current = Recording(keep_requests)
    token = _recording.set(current)
    try:
        yield current
    finally:
        _recording.reset(token)


def current_recording():
    """Return the active Recording, or None."""
    return _recording.get()


def record(operation, seconds, consumed_capacity=None, failed=False, via=None):
    """Add one request to the active recording, if any.

    `consumed_capacity` is the response's ConsumedCapacity: one dict, or a
    list of them (one per table) for batch and transaction operations; `via`
    names who answered instead of DynamoDB ("DAX"), if anyone did.
    """
    current = _recording.get()
    if current is None:
        return
    read, write = _capacity(operation, consumed_capacity)
    reported = failed or operation not in CAPACITY_OPERATIONS or consumed_capacity is not None
    current.add(
        Request(operation, seconds, read, write, capacity_reported=reported, failed=failed,
                via=via)
    )


def _capacity(operation, consumed_capacity):
    """Return (read units, write units) of a response's ConsumedCapacity."""
    if consumed_capacity is None:
        entries = []
    elif isinstance(consumed_capacity, dict):
        entries = [consumed_capacity]
    else:
        entries = consumed_capacity
    read = write = Decimal(0)
    for entry in entries:
        if "ReadCapacityUnits" in entry or "WriteCapacityUnits" in entry:
            read += _decimal(entry.get("ReadCapacityUnits"))
            write += _decimal(entry.get("WriteCapacityUnits"))
        elif operation in WRITE_OPERATIONS:
            # With "TOTAL", DynamoDB often gives only CapacityUnits: their kind
            # follows from the operation.
            write += _decimal(entry.get("CapacityUnits"))
        else:
            read += _decimal(entry.get("CapacityUnits"))
    return read, write


def _decimal(number):
    # botocore parses capacity as float; str() keeps 0.5 exact and avoids
    # float sums such as 0.30000000000000004.
    return Decimal(str(number)) if number is not None else Decimal(0)


class MeteringMiddleware:
    """Record each request's DynamoDB calls; tell staff what they cost.

    It sits inside AuthenticationMiddleware, so `request.user` is there, and
    inside SessionMiddleware, so looking at the user marks the session as
    accessed and the response varies on the cookie, as it should: staff and
    everyone else get different headers. A TemplateResponse is rendered
    before it returns here, so the footer sees every request the view made.
    A streaming response's own requests (after this returns) are not counted.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        with recording() as current:
            request.dynamodb = current
            response = self.get_response(request)
        if is_staff(request):
            for name, value in current.headers().items():
                response[name] = value
        return response


def is_staff(request):
    """Return whether the request's user is logged-in staff (who may see the figures)."""
    user = getattr(request, "user", None)
    return bool(user is not None and user.is_authenticated and user.is_staff)
