"""botocore's attempts at one request: held to the time budget, and watched for lost answers.

`dispatch` registers `AttemptHooks` on every client it builds. Before each
attempt they cut the read timeout to what is left of the budget (or refuse
to start one past it); after each they veto a retry whose backoff could
outlast the budget, and note an attempt that went unanswered: a write sent
but never confirmed may have been applied. `watched()` collects that for
one request, so that `dispatch.call` can say so.
"""

import contextlib
import contextvars

from botocore.exceptions import ConnectionError as NotConnected
from botocore.exceptions import HTTPClientError

from ..exceptions import BudgetSpent, ConditionFailed, StoreError, WriteUnconfirmed
from . import budget as budgets

# Write operations (botocore's names) whose loss or repetition matters.
WRITES = frozenset({"PutItem", "UpdateItem", "DeleteItem", "BatchWriteItem",
                    "TransactWriteItems"})
# botocore's standard mode waits rand(0, 1) × 2^(n-1) seconds (after
# throttling; far less otherwise), at most 20, before attempt n+1. A retry is
# started only if even the longest such wait leaves some budget.
MAX_BACKOFF = 20
_watch = contextvars.ContextVar("dynamodb_tables_attempts", default=None)


class Attempts:
    """What the attempts of one request did."""

    def __init__(self):
        # A write attempt that may have reached DynamoDB with no answer saying
        # what it did: a timeout, a cut connection, or a 5xx answer.
        self.unanswered = False
        # Whether the last attempt got no answer at all, and whether the budget
        # stopped a retry botocore would have made.
        self.last_unanswered = False
        self.vetoed = False

    def note(self, operation, status, caught_exception):
        """Take in one attempt's outcome: an HTTP status, or the exception it ended in."""
        # An HTTPClientError (a timeout, a cut connection) comes after sending;
        # botocore's ConnectionError family (refused, connect timeout) before.
        sent_unanswered = isinstance(caught_exception, HTTPClientError)
        self.last_unanswered = sent_unanswered or isinstance(caught_exception, BudgetSpent)
        if operation in WRITES and (sent_unanswered or (status or 0) >= 500):
            self.unanswered = True

    def outcome(self, operation, error, where):
        """Return the error to raise for this failed request: `error`, or one saying what the
        budget or an unconfirmed write means."""
        if isinstance(error, ConditionFailed):
            # DynamoDB answered the last attempt; the caller judges the refusal.
            error.after_unanswered = self.unanswered
            return error
        if not isinstance(error, StoreError):
            return error
        budget = budgets.current()
        if budget is not None and self.last_unanswered and (
                self.vetoed or budget.remaining() <= 0):
            error = BudgetSpent(
                f"DynamoDB at {where} did not answer within {budget.describe()}, retries "
                "included. Try again shortly."
            )
        if operation in WRITES and self.unanswered:
            return WriteUnconfirmed(str(error))
        return error


@contextlib.contextmanager
def watched():
    """Collect what the attempts of the requests sent inside the block do; yield Attempts."""
    attempts = Attempts()
    token = _watch.set(attempts)
    try:
        yield attempts
    finally:
        _watch.reset(token)


class AttemptHooks:
    """botocore event handlers of one client, built with these settings."""

    def __init__(self, connect_timeout, read_timeout, max_attempts):
        self.connect_timeout = connect_timeout
        self.read_timeout = read_timeout
        self.max_attempts = max_attempts

    def register(self, client):
        events = client.meta.events
        # botocore names events by service id: "dynamodb", "application-auto-scaling".
        service = client.meta.service_model.service_id.hyphenize()
        events.register_first(f"before-send.{service}", self.before_send)
        # First: a veto (False) must win over botocore's own retry handler's delay.
        events.register_first(f"needs-retry.{service}", self.needs_retry)

    def before_send(self, request, **kwargs):
        """Start an attempt only within the budget, and let it wait no longer than is left."""
        budget = budgets.current()
        if budget is None:
            return None
        remaining = budget.remaining()
        if remaining <= 0:
            raise BudgetSpent(f"No time was left of {budget.describe()} for DynamoDB.")
        # botocore's per-request override of the client's read timeout.
        request.context["read_timeout"] = min(remaining, self.read_timeout)
        return None

    def needs_retry(self, attempts, operation, response=None, caught_exception=None, **kwargs):
        """Note the attempt; return False (no retry) when the budget cannot hold another."""
        watch = _watch.get()
        status = response[0].status_code if response is not None else None
        if watch is not None:
            watch.note(operation.name, status, caught_exception)
        budget = budgets.current()
        if budget is None or (status is not None and status < 400) or (
                attempts >= self.max_attempts):
            return None
        # The longest wait before the next attempt can fail: the backoff, plus the
        # connect timeout when this attempt could not connect (the read timeout
        # is cut to what is left at the next attempt's start, the connect one not).
        longest = min(2 ** (attempts - 1), MAX_BACKOFF)
        if isinstance(caught_exception, NotConnected):
            longest += self.connect_timeout
        if isinstance(caught_exception, BudgetSpent) or budget.remaining() <= longest:
            if watch is not None:
                watch.vetoed = True
            return False
        return None
