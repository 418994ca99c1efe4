"""A time budget for the DynamoDB requests of one web request, retries included.

botocore alone would let a hung DynamoDB hold a page for attempts × read
timeout (30 s with the defaults), longer than gunicorn lets a worker run. In
a web request (`BudgetMiddleware`) every attempt may wait only for what is
left of the budget, and no retry starts that could not finish within it, so
the page answers 503 in time. Commands run without a budget: an import or a
table switch keeps the configured timeouts. A context variable holds the
budget, so each gunicorn thread (and each test) sees only its own.
"""

import contextlib
import contextvars
import time

from django.conf import settings

_budget = contextvars.ContextVar("dynamodb_tables_budget", default=None)


class Budget:
    """A deadline for DynamoDB requests, and the setting that chose it (for messages)."""

    def __init__(self, seconds, source):
        self.seconds = seconds
        self.source = source
        self.deadline = time.monotonic() + seconds

    def remaining(self):
        return self.deadline - time.monotonic()

    def describe(self):
        """Return e.g. "5 seconds (DYNAMODB_REQUEST_BUDGET)", for messages."""
        return f"{self.seconds:g} second{'' if self.seconds == 1 else 's'} ({self.source})"


@contextlib.contextmanager
def limited(seconds, source="DYNAMODB_REQUEST_BUDGET"):
    """Let the DynamoDB requests made inside the block wait `seconds` in all; yield the Budget.

    A budget inside another never outlasts it: the earlier deadline holds.
    """
    budget = Budget(seconds, source)
    outer = _budget.get()
    if outer is not None and outer.deadline <= budget.deadline:
        budget = outer
    token = _budget.set(budget)
    try:
        yield budget
    finally:
        _budget.reset(token)


def current():
    """Return the active Budget, or None (commands, streamed downloads)."""
    return _budget.get()


class BudgetMiddleware:
    """Give each web request's DynamoDB requests settings.DYNAMODB["REQUEST_BUDGET"] seconds."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        with limited(settings.DYNAMODB["REQUEST_BUDGET"]):
            return self.get_response(request)
