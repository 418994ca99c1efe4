"""The only module that imports boto3.

It owns the DynamoDB client (created lazily, one per thread), the one
dispatch call every request goes through, the conversion between Python
values and DynamoDB's typed attribute values, and the translation of every
driver error into `contacts.exceptions`. Nothing above this layer catches
`ClientError`.
"""

import decimal
import random
import threading
import time

import boto3
from boto3.dynamodb.types import TypeDeserializer, TypeSerializer
from botocore.config import Config
from botocore.exceptions import (
    BotoCoreError,
    ClientError,
    ConnectionClosedError,
    ConnectTimeoutError,
    CredentialRetrievalError,
    EndpointConnectionError,
    NoCredentialsError,
    NoRegionError,
    ParamValidationError,
    PartialCredentialsError,
    ReadTimeoutError,
    WaiterError,
)
from django.conf import settings
from django.core.signals import setting_changed

from . import metering
from .exceptions import (
    ConditionFailed,
    InvalidContact,
    InvalidRequest,
    StoreError,
    StoreMisconfigured,
    StoreUnavailable,
    TableInUse,
    TableMissing,
)

# --- The client: lazy, per thread, rebuilt when settings change -------------

_local = threading.local()
# Bumped when settings.DYNAMODB changes (tests, mostly); each thread compares
# its client's generation with this one and rebuilds a stale client.
_generation = 0


def client():
    """Return this thread's DynamoDB client, creating it on first use."""
    if getattr(_local, "generation", None) != _generation:
        _local.client = _translated(_new_client)
        _local.generation = _generation
    return _local.client


def _new_client():
    options = settings.DYNAMODB
    config = Config(
        # total_max_attempts counts the first try too; botocore's max_attempts
        # would not, sending one request more than AWS_MAX_ATTEMPTS says.
        retries={"mode": "standard", "total_max_attempts": options["MAX_ATTEMPTS"]},
        connect_timeout=options["CONNECT_TIMEOUT"],
        read_timeout=options["READ_TIMEOUT"],
    )
    # A session per client: boto3's default session is shared and not thread-safe.
    return boto3.session.Session().client(
        "dynamodb",
        region_name=options["REGION"],
        endpoint_url=options["ENDPOINT_URL"],
        config=config,
    )


def reset():
    """Forget every thread's client so the next call builds one from current settings."""
    global _generation
    _generation += 1


def _reset_on_setting_change(*, setting, **kwargs):
    if setting == "DYNAMODB":
        reset()


setting_changed.connect(_reset_on_setting_change)


# --- The one dispatch call ----------------------------------------------------


def call(operation, **params):
    """Send one DynamoDB request (e.g. call("get_item", ...)) and return its response.

    Operations that can report the capacity they consume are asked to (unless
    the caller chose otherwise), and every request, failed ones included, is
    timed and handed to `metering`, which shows staff what a page cost.
    """
    if operation in metering.CAPACITY_OPERATIONS:
        params.setdefault("ReturnConsumedCapacity", "TOTAL")
    send = getattr(client(), operation)
    started = time.perf_counter()
    try:
        response = _translated(lambda: send(**params), params.get("TableName"))
    except Exception:
        metering.record(operation, time.perf_counter() - started, failed=True)
        raise
    metering.record(operation, time.perf_counter() - started, response.get("ConsumedCapacity"))
    return response


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
        response = call(operation, RequestItems=request_items)
        yield response
        request_items = response.get(unprocessed) or {}
        if not request_items:
            return
        pause = min(BATCH_MAX_PAUSE, BATCH_FIRST_PAUSE * 2**attempt)
        time.sleep(random.uniform(pause / 2, pause))
    raise StoreUnavailable(
        f"DynamoDB at {endpoint_description()} kept part of a batch unprocessed "
        f"after {BATCH_ATTEMPTS} attempts (throttled); try again shortly."
    )


def wait_for_table(table, exists=True):
    """Block until the table is ACTIVE (or gone, with exists=False); minutes at most."""
    waiter = client().get_waiter("table_exists" if exists else "table_not_exists")
    _translated(
        lambda: waiter.wait(TableName=table, WaiterConfig={"Delay": 2, "MaxAttempts": 150}),
        table,
    )


def endpoint_description():
    """Return where requests go, for messages: the endpoint URL or the AWS region."""
    options = settings.DYNAMODB
    if options["ENDPOINT_URL"]:
        return options["ENDPOINT_URL"]
    return f"AWS region {options['REGION'] or '(from the AWS configuration)'}"


# --- Error translation --------------------------------------------------------

_THROTTLING = {
    "ProvisionedThroughputExceededException",
    "ThrottlingException",
    "RequestLimitExceeded",
}
_SERVER_TROUBLE = {"InternalServerError", "ServiceUnavailable", "InternalFailure"}
_BAD_CREDENTIALS = {
    "UnrecognizedClientException",
    "InvalidSignatureException",
    "ExpiredTokenException",
    "InvalidClientTokenId",
    "MissingAuthenticationToken",
}


def _translated(action, table=None):
    try:
        return action()
    except ClientError as error:
        raise _from_client_error(error, table) from error
    except WaiterError as error:
        raise StoreUnavailable(
            f'Gave up waiting for table "{table}" to settle: {error}'
        ) from error
    except (EndpointConnectionError, ConnectTimeoutError, ConnectionClosedError) as error:
        raise StoreUnavailable(
            f"Cannot reach DynamoDB at {endpoint_description()}: {error}. "
            "Is DynamoDB running (`make run` and `docker compose up` start "
            "DynamoDB Local), and is AWS_ENDPOINT_URL_DYNAMODB right?"
        ) from error
    except ReadTimeoutError as error:
        raise StoreUnavailable(
            f"DynamoDB at {endpoint_description()} did not answer in time: {error}. "
            "Try again shortly; if it keeps happening, raise DYNAMODB_READ_TIMEOUT."
        ) from error
    except (NoCredentialsError, PartialCredentialsError, CredentialRetrievalError) as error:
        raise StoreMisconfigured(
            f"No usable AWS credentials ({error}). Set AWS_ACCESS_KEY_ID and "
            "AWS_SECRET_ACCESS_KEY, or AWS_PROFILE, or run with an IAM role."
        ) from error
    except NoRegionError as error:
        raise StoreMisconfigured(
            "No AWS region is configured: set AWS_REGION (e.g. us-east-1)."
        ) from error
    except ParamValidationError as error:
        raise InvalidRequest(f"Invalid DynamoDB request: {error}") from error
    except BotoCoreError as error:
        raise StoreError(f"DynamoDB request failed: {error}") from error


def _from_client_error(error, table):
    code = error.response.get("Error", {}).get("Code", "")
    message = error.response.get("Error", {}).get("Message", "") or code
    if code == "ConditionalCheckFailedException":
        # Present when the request set ReturnValuesOnConditionCheckFailure.
        found = error.response.get("Item")
        return ConditionFailed(message, item=from_attributes(found) if found else None)
    if code == "ResourceNotFoundException":
        return TableMissing(table or settings.DYNAMODB["TABLE"])
    if code == "ResourceInUseException":
        return TableInUse(f'Table "{table}" is busy: {message}')
    if code == "ValidationException":
        return InvalidRequest(f"DynamoDB rejected the request: {message}")
    if code == "LimitExceededException":
        # An account or table limit (e.g. capacity-mode switches per day): AWS's
        # own text names which one, and retrying soon will not help.
        return StoreUnavailable(f"DynamoDB refused ({code}): {message}")
    if code in _THROTTLING:
        return StoreUnavailable(
            f"DynamoDB is throttling requests ({code}) even after retries "
            f"(AWS_MAX_ATTEMPTS={settings.DYNAMODB['MAX_ATTEMPTS']}); try again shortly, or "
            "raise the table's capacity (`python manage.py update_table`)."
        )
    if code in _SERVER_TROUBLE:
        return StoreUnavailable(
            f"DynamoDB is having trouble ({code}): {message}. Try again shortly."
        )
    if code in _BAD_CREDENTIALS:
        # Only AWS's first sentence: a signature error goes on to quote the
        # canonical request, which carries the session token when there is one.
        first_sentence = message.split(". ", 1)[0].rstrip(".")[:200]
        return StoreMisconfigured(
            f"AWS rejected the credentials ({code}): {first_sentence}. Check "
            "AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY or the IAM role; DynamoDB "
            "Local accepts only letters and digits in the access key id."
        )
    if code == "AccessDeniedException":
        return StoreMisconfigured(
            f"Access denied by AWS to dynamodb:{error.operation_name}: {message}. Grant "
            "these credentials the DynamoDB permissions README lists on table "
            f'"{table or settings.DYNAMODB["TABLE"]}".'
        )
    return StoreError(f"DynamoDB error {code}: {message}")


# --- Values: Python <-> DynamoDB attribute values ----------------------------


# DynamoDB numbers carry at most 38 significant digits, but DynamoDB (Local,
# at least) may spell 9.9E+125 as 126 digits, mostly trailing zeros, which
# boto3's 38-digit context refuses as "Rounded". Dropping those zeros is
# exact; Inexact stays trapped, so a 39th significant digit is still refused.
_EXACT_38_DIGITS = decimal.Context(prec=38, traps=[decimal.Inexact])


def _fit_digits(number):
    number = decimal.Decimal(number)
    if len(number.as_tuple().digits) > 38:
        number = number.normalize(_EXACT_38_DIGITS)
    return number


class _Serializer(TypeSerializer):
    def _serialize_n(self, value):
        return super()._serialize_n(_fit_digits(value))


class _Deserializer(TypeDeserializer):
    def _deserialize_n(self, value):
        return super()._deserialize_n(str(_fit_digits(value)))

    # Plain bytes instead of boto3's Binary wrapper, so boto3 types never
    # leave this module. bytes are hashable, so Binary Sets stay sets.
    def _deserialize_b(self, value):
        return bytes(value)

    def _deserialize_bs(self, value):
        return {bytes(member) for member in value}


_serializer = _Serializer()
_deserializer = _Deserializer()


def serialize(value, name="value"):
    """Return the DynamoDB attribute value for a Python value; name it in errors."""
    try:
        return _serializer.serialize(value)
    except decimal.DecimalException as error:
        raise InvalidContact(
            f"Attribute “{name}”: a number must have at most 38 significant digits "
            f"and fit DynamoDB's range ({error.__class__.__name__})."
        ) from error
    except TypeError as error:
        raise InvalidContact(f"Attribute “{name}”: {error}") from error


def deserialize(attribute_value):
    """Return the Python value of a DynamoDB attribute value (numbers as Decimal)."""
    return _deserializer.deserialize(attribute_value)


def to_attributes(item):
    """Return an item's attribute-value map, for PutItem and keys."""
    return {name: serialize(value, name) for name, value in item.items()}


def from_attributes(attributes):
    """Return the Python document for an attribute-value map."""
    return {name: deserialize(value) for name, value in attributes.items()}
