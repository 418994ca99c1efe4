"""Bench-only middleware: each answer names the gunicorn worker that served it.

`make bench` counts requests per worker from this header, to show whether
connections spread over the workers (docs/performance.md). Only
bench/settings.py installs it.
"""

import os

WORKER_HEADER = "X-Bench-Worker"


class WorkerHeaderMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        # Read per request, not once: gunicorn imports the app before it forks
        # (with --preload) and the pid must be the worker's own.
        response[WORKER_HEADER] = str(os.getpid())
        return response
