"""Requests per second: several processes, each with a few keep-alive connections.

Separate processes, so that the client's own GIL does not cap the rate it
measures; the server (2 gunicorn workers) shares the same 2 cores, as the
trivial view it is compared with does.
"""

import multiprocessing
import threading
import time

from tests.support.http import Client


def _hammer(base_url, cookies, path, seconds, threads, results):
    counts, errors = [0] * threads, [0] * threads
    deadline = time.monotonic() + seconds

    def run(slot):
        client = Client(base_url)
        client.cookies = dict(cookies)
        while time.monotonic() < deadline:
            response = client.get(path)
            if response.status == 200:
                counts[slot] += 1
            else:
                errors[slot] += 1
        client.close()

    workers = [threading.Thread(target=run, args=(n,)) for n in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    results.put((sum(counts), sum(errors)))


def requests_per_second(base_url, cookies, path, seconds, processes=2, threads=4):
    """Return (requests/s answered 200, count of other answers) for GET path."""
    context = multiprocessing.get_context("spawn")
    results = context.Queue()
    jobs = [
        context.Process(target=_hammer, args=(base_url, cookies, path, seconds, threads, results))
        for _ in range(processes)
    ]
    for job in jobs:
        job.start()
    totals = [results.get(timeout=seconds + 120) for _ in jobs]
    for job in jobs:
        job.join()
    # Each process counts over its own `seconds`, so its start-up is not included.
    return sum(t[0] for t in totals) / seconds, sum(t[1] for t in totals)
