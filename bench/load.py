"""Throughput: several processes, each with a few keep-alive connections, all starting at once.

Separate processes, so that the client's own GIL does not cap the rate it
measures; the servers share the same 2 cores. Every connection is opened in
the same instant (a barrier), as a load balancer opening its connections
would, so that how the server spreads them over its workers shows. A "view"
is one or more requests made in turn: dynamodb-admin's page view is its
HTML shell and then the items JSON its script fetches.
"""

import collections
import multiprocessing
import threading
import time

from bench.middleware import WORKER_HEADER
from tests.support.http import Client


class Throughput:
    """What one run served: views per second, failures, requests and connections per worker."""

    def __init__(self, views, errors, seconds, per_worker, connections):
        self.views, self.errors, self.seconds = views, errors, seconds
        self.per_worker = per_worker  # {pid: requests}; empty when the server names none
        # {pid: connections}: which worker took each client's connection. A share of
        # requests above a fair one at an even split is the scheduler's doing, not the
        # connections' (docs/performance.md, "The workers' connection gate").
        self.connections = connections

    @property
    def per_second(self):
        return self.views / self.seconds

    @property
    def busiest_worker_share(self):
        """Return the share of requests the busiest worker served (None: workers not named)."""
        total = sum(self.per_worker.values())
        return max(self.per_worker.values()) / total if total else None


def _hammer(base_url, cookies, paths, seconds, threads, ready, go, results):
    counts, errors = [0] * threads, [0] * threads
    workers, connections = collections.Counter(), collections.Counter()
    lock = threading.Lock()
    barrier = threading.Barrier(threads + 1)

    def run(slot):
        client = Client(base_url)
        client.cookies = dict(cookies)
        barrier.wait()
        deadline = time.monotonic() + seconds
        first = True
        while time.monotonic() < deadline:
            ok = True
            for path in paths:
                response = client.get(path)
                ok = ok and response.status == 200
                with lock:
                    workers[response.header(WORKER_HEADER)] += 1
                    # A keep-alive connection stays with the worker that took it.
                    if first:
                        connections[response.header(WORKER_HEADER)] += 1
                        first = False
            if ok:
                counts[slot] += 1
            else:
                errors[slot] += 1
        client.close()

    threads_ = [threading.Thread(target=run, args=(n,)) for n in range(threads)]
    for thread in threads_:
        thread.start()
    ready.put(True)
    go.wait()
    barrier.wait()
    for thread in threads_:
        thread.join()
    workers.pop(None, None)
    connections.pop(None, None)
    results.put((sum(counts), sum(errors), dict(workers), dict(connections)))


def views_per_second(base_url, cookies, paths, seconds, processes=2, threads=4):
    """Return the Throughput of `processes` × `threads` clients viewing `paths` for `seconds`."""
    if isinstance(paths, str):
        paths = (paths,)
    context = multiprocessing.get_context("spawn")
    results, ready, go = context.Queue(), context.Queue(), context.Event()
    jobs = [
        context.Process(target=_hammer, args=(base_url, cookies, tuple(paths), seconds,
                                              threads, ready, go, results))
        for _ in range(processes)
    ]
    for job in jobs:
        job.start()
    for _ in jobs:  # every process started and its threads waiting: then all connect at once
        ready.get(timeout=120)
    go.set()
    totals = [results.get(timeout=seconds + 120) for _ in jobs]
    for job in jobs:
        job.join()
    per_worker, connections = collections.Counter(), collections.Counter()
    for _, _, workers, connected in totals:
        per_worker.update({int(pid): count for pid, count in workers.items()})
        connections.update({int(pid): count for pid, count in connected.items()})
    return Throughput(sum(t[0] for t in totals), sum(t[1] for t in totals), seconds,
                      dict(per_worker), dict(connections))
