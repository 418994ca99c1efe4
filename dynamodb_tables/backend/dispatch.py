"""The DynamoDB client (created lazily, one per thread) and the one dispatch call.

django-storages' pattern: boto3 sessions and clients are not thread-safe, so
each thread gets its own, built on first use (tests can start moto or
DynamoDB Local first) and rebuilt when `settings.DYNAMODB` changes.
"""

import threading
import time

import boto3
from botocore.config import Config
from django.conf import settings
from django.core.signals import setting_changed

from . import dax, item_reads, metering
from .attempts import AttemptHooks, watched
from .errors import translated


def _os_thread_local():
    """Return a threading.local of OS threads, even where gevent has patched threading.

    Under gunicorn's gevent workers, threading.local is one per greenlet, i.e.
    per client connection, and a client costs about 50 ms of CPU to build.
    The greenlets of one OS thread may share its client: botocore's clients
    are thread-safe once built.
    """
    try:
        from gevent import monkey
    except ImportError:  # gevent is the image's; a project without it has plain threads
        return threading.local()
    return monkey.get_original("threading", "local")()


_local = _os_thread_local()
# Bumped when settings.DYNAMODB changes (tests, mostly); each thread compares
# its client's generation with this one and rebuilds a stale client.
_generation = 0


# DynamoDB's auto scaling is another service's: Application Auto Scaling.
SCALING = "application-autoscaling"


def client(service="dynamodb"):
    """Return this thread's client of `service` (DynamoDB's own by default), creating it
    on first use."""
    if getattr(_local, "generation", None) != _generation:
        _local.clients = {}
        _local.generation = _generation
    if service not in _local.clients:
        _local.clients[service] = translated(lambda: _new_client(service))
    return _local.clients[service]


def _new_client(service):
    options = settings.DYNAMODB
    config = Config(
        # total_max_attempts counts the first try too; botocore's max_attempts
        # would not, sending one request more than AWS_MAX_ATTEMPTS says.
        retries={"mode": "standard", "total_max_attempts": options["MAX_ATTEMPTS"]},
        connect_timeout=options["CONNECT_TIMEOUT"],
        read_timeout=options["READ_TIMEOUT"],
    )
    # A session per client: boto3's default session is shared and not thread-safe.
    # Auto scaling goes to the same endpoint: moto (or a test server) answers both, and
    # DynamoDB Local's refusal of it says plainly that it has no auto scaling.
    client = boto3.session.Session().client(
        service,
        region_name=options["REGION"],
        endpoint_url=options["ENDPOINT_URL"],
        config=config,
    )
    # Each attempt held to a web request's time budget, and watched for lost answers.
    AttemptHooks(options["CONNECT_TIMEOUT"], options["READ_TIMEOUT"],
                 options["MAX_ATTEMPTS"]).register(client)
    if service == "dynamodb":
        item_reads.register(client)
    return client


def reset():
    """Forget every thread's client so the next call builds one from current settings."""
    global _generation
    _generation += 1


def _reset_on_setting_change(*, setting, **kwargs):
    if setting == "DYNAMODB":
        reset()


setting_changed.connect(_reset_on_setting_change)


def call(operation, **params):
    """Send one DynamoDB request (e.g. call("get_item", ...)) and return its response.

    Operations that can report the capacity they consume are asked to (unless
    the caller chose otherwise), and every request, failed ones included, is
    timed and handed to `metering`, which shows staff what a page cost. In a
    web request, the attempts share its time budget (`budget`); a write that
    went unanswered and was not settled by a retry raises WriteUnconfirmed.
    """
    if operation in metering.CAPACITY_OPERATIONS:
        params.setdefault("ReturnConsumedCapacity", "TOTAL")
    if dax.routes(operation, params):
        # An eventually consistent Scan or Query, with DYNAMODB_DAX_ENDPOINT set.
        return _sent(dax.client(_generation), operation, params, via=dax.NAME)
    return _sent(client(), operation, params)


def call_scaling(operation, **params):
    """Send one Application Auto Scaling request (e.g. call_scaling("register_scalable_target",
    ...)): the same budget, metering and error translation as `call`."""
    return _sent(client(SCALING), operation, params)


def _sent(service_client, operation, params, via=None):
    send = getattr(service_client, operation)
    started = time.perf_counter()
    with watched() as attempts:
        try:
            response = translated(lambda: send(**params), params.get("TableName"))
        except Exception as error:
            metering.record(operation, time.perf_counter() - started, failed=True, via=via)
            told = attempts.outcome(metering.api_name(operation), error, endpoint_description())
            if told is error:
                raise
            raise told from error
    metering.record(operation, time.perf_counter() - started, response.get("ConsumedCapacity"),
                    via=via)
    return response


def wait_for_table(table, exists=True):
    """Block until the table is ACTIVE (or gone, with exists=False); minutes at most."""
    waiter = client().get_waiter("table_exists" if exists else "table_not_exists")
    translated(
        lambda: waiter.wait(TableName=table, WaiterConfig={"Delay": 2, "MaxAttempts": 150}),
        table,
    )


def endpoint_description():
    """Return where requests go, for messages: the endpoint URL or the AWS region."""
    options = settings.DYNAMODB
    if options["ENDPOINT_URL"]:
        return options["ENDPOINT_URL"]
    return f"AWS region {options['REGION'] or '(from the AWS configuration)'}"
