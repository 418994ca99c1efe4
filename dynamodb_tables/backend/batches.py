"""Batch requests, resent until DynamoDB has processed every part."""

import random
import time

import dynamodb_tables.backend as backend

from ..exceptions import StoreUnavailable

# Batch requests: DynamoDB may leave part of a batch unprocessed (throttling,
# size limits) without an error; the rest is resent after a growing pause.
BATCH_ATTEMPTS = 8
BATCH_FIRST_PAUSE = 0.05
BATCH_MAX_PAUSE = 2.0


def call_batch(operation, request_items, unprocessed):
    """Send a batch request until nothing is left unprocessed; yield every response.

    `unprocessed` names the response's leftovers: "UnprocessedKeys" for
    BatchGetItem, "UnprocessedItems" for BatchWriteItem.
    """
    for attempt in range(BATCH_ATTEMPTS):
        # Through the package's call: the one dispatch point, where tests listen too.
        response = backend.call(operation, RequestItems=request_items)
        yield response
        request_items = response.get(unprocessed) or {}
        if not request_items:
            return
        pause = min(BATCH_MAX_PAUSE, BATCH_FIRST_PAUSE * 2**attempt)
        time.sleep(random.uniform(pause / 2, pause))
    raise StoreUnavailable(
        f"DynamoDB at {backend.endpoint_description()} kept part of a batch unprocessed "
        f"after {BATCH_ATTEMPTS} attempts (throttled); try again shortly."
    )
