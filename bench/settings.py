"""Settings for the benchmark's gunicorn: the production settings plus bench-only URLs.

Only `make bench` uses this module; production never serves /bench/.
"""

from contactsite.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
