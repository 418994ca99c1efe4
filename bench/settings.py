"""Settings for the benchmark's gunicorn: the production settings plus bench-only URLs.

Only `make bench` uses this module (and tests/test_server.py, to tell the
workers apart); production never serves /bench/ nor names its worker in a
header.
"""

from contactsite.settings import *  # noqa: F403
from contactsite.settings import MIDDLEWARE

ROOT_URLCONF = "bench.urls"
MIDDLEWARE = ["bench.middleware.WorkerHeaderMiddleware", *MIDDLEWARE]
