"""DAX: eventually consistent Scan and Query through a DAX cluster, when one is configured.

With settings.DYNAMODB["DAX_ENDPOINT"] (env DYNAMODB_DAX_ENDPOINT, a cluster's
dax:// or daxs:// discovery endpoint), `dispatch.call` sends the reads that
may be eventually consistent and read many items (the list pages' and the
exports' Scan and Query) through the DAX client (PyPI amazon-dax-client);
writes, GetItem (the editor's read, strongly consistent) and every read asked
with ConsistentRead stay on DynamoDB. DAX caches what it answers, and writes
that go straight to DynamoDB do not refresh its query cache: a list page may
trail a save by the cluster's query-cache TTL (five minutes by default).

The DAX client keeps a connection pool and background threads of its own,
so there is one per process (built on first use, rebuilt when settings
change), not one per thread as for botocore's client.
"""

import threading

import boto3
from botocore.config import Config
from django.conf import settings

from ..exceptions import StoreUnavailable

NAME = "DAX"
# botocore's names of the reads DAX answers from its query cache.
ROUTED = frozenset({"scan", "query"})

_lock = threading.Lock()
_built = {"client": None, "endpoint": None, "generation": None}


def endpoint():
    """Return the configured DAX endpoint, or None when reads go to DynamoDB only."""
    return settings.DYNAMODB.get("DAX_ENDPOINT") or None


def routes(operation, params):
    """Return whether this request goes to DAX: an eventually consistent Scan or Query,
    with a DAX endpoint configured."""
    return operation in ROUTED and not params.get("ConsistentRead") and endpoint() is not None


def client(generation):
    """Return this process's DAX client for the current settings `generation`, building it
    on first use; StoreUnavailable if the cluster cannot be reached."""
    with _lock:
        if _built["generation"] != generation or _built["client"] is None:
            _close(_built["client"])
            _built.update(client=None, generation=generation)
            _built.update(client=_new_client(), endpoint=endpoint())
        return _built["client"]


def _new_client():
    from amazondax import AmazonDaxClient  # imported only when DAX is configured

    options = settings.DYNAMODB
    url = endpoint()
    try:
        return AmazonDaxClient(
            # A session of its own: boto3's default session is shared and not thread-safe.
            session=boto3.session.Session(),
            region_name=options["REGION"],
            endpoint_url=url,
            config=Config(connect_timeout=options["CONNECT_TIMEOUT"],
                          read_timeout=options["READ_TIMEOUT"]),
        )
    except Exception as error:  # noqa: BLE001 - the DAX client raises its own and socket errors
        raise StoreUnavailable(
            f"Cannot reach DAX at {url}: {str(error).rstrip('.')}. Check the cluster and "
            "DYNAMODB_DAX_ENDPOINT, or unset it to read from DynamoDB directly."
        ) from error


def _close(dax_client):
    if dax_client is not None:
        dax_client.close()
