"""Reading a whole table, one Scan page at a time, in one thread or several segments.

For exports: pages are handed on as DynamoDB returns them (raw attribute
maps), so a large table never sits in memory, and the JSON Lines export
writes them without converting each value to Python and back.
"""

import contextvars
import queue
import threading

from .. import backend
from ..exceptions import InvalidRequest

MAX_SEGMENTS = 64
# Items per Scan request. DynamoDB stops a page at 1 MB anyway; with small
# items that is thousands, decoded by botocore into tens of MB. 1,000 keeps
# an export's memory small and the same for any table size.
PAGE_ITEMS = 1000


def scan_pages(table_name, segments=1):
    """Yield every item of the table as DynamoDB JSON, one Scan page (a list) at a time.

    With segments > 1, that many threads scan one segment each (parallel
    scan); pages then arrive in no particular order.
    """
    # Checked here, not on the first page: a bad value must fail before any output.
    if not isinstance(segments, int) or not 1 <= segments <= MAX_SEGMENTS:
        raise InvalidRequest(f"Segments must be a whole number from 1 to {MAX_SEGMENTS}.")
    if segments == 1:
        return _scan_segment(table_name, 0, 1)
    return _parallel_scan(table_name, segments)


def _scan_segment(table_name, segment, total_segments):
    params = {"TableName": table_name, "Limit": PAGE_ITEMS}
    if total_segments > 1:
        params.update(Segment=segment, TotalSegments=total_segments)
    while True:
        response = backend.call("scan", **params)
        yield response["Items"]
        start_key = response.get("LastEvaluatedKey")
        if not start_key:
            return
        params["ExclusiveStartKey"] = start_key


def _parallel_scan(table_name, segments):
    # A small queue bounds memory: a worker waits while the writer catches up.
    pages = queue.Queue(maxsize=segments * 2)
    stop = threading.Event()
    done = object()

    def put(entry):
        while not stop.is_set():
            try:
                pages.put(entry, timeout=0.1)
                return
            except queue.Full:
                continue

    def work(segment):
        try:
            for page in _scan_segment(table_name, segment, segments):
                if stop.is_set():
                    return
                put(page)
        except Exception as error:  # noqa: BLE001 - handed to the reading thread
            put(error)
        put(done)

    # Each worker runs in a copy of this context, so the caller's metering
    # recording counts its requests too.
    workers = [
        threading.Thread(target=contextvars.copy_context().run, args=(work, n), daemon=True)
        for n in range(segments)
    ]
    for worker in workers:
        worker.start()
    try:
        running = segments
        while running:
            entry = pages.get()
            if entry is done:
                running -= 1
            elif isinstance(entry, Exception):
                raise entry
            else:
                yield entry
    finally:
        stop.set()
        for worker in workers:
            worker.join()
