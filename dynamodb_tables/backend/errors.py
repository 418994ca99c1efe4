"""Every botocore error, translated into `dynamodb_tables.exceptions` at the boundary."""

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

from ..exceptions import (
    AccessDenied,
    ConditionFailed,
    InvalidRequest,
    NotSupported,
    StoreError,
    StoreMisconfigured,
    StoreUnavailable,
    TableInUse,
    TableMissing,
)
from .serialization import from_attributes

_THROTTLING = {
    "ProvisionedThroughputExceededException",
    "ThrottlingException",
    "RequestLimitExceeded",
}
# What DynamoDB Local (UnknownOperationException) and Application Auto Scaling at a
# DynamoDB-only endpoint (InvalidAction) answer to an operation they do not have.
_UNKNOWN_OPERATION = {"UnknownOperationException", "InvalidAction"}
# Refusals of what was asked (a backup or restore time that does not exist, a
# target table name that does), for the backup, recovery and scaling APIs.
_REFUSED_INPUT = {
    "BackupNotFoundException",
    "TableAlreadyExistsException",
    "InvalidRestoreTimeException",
    "PointInTimeRecoveryUnavailableException",
    "ContinuousBackupsUnavailableException",
    "SourceTableNotFoundException",
    "ObjectNotFoundException",
}
_SERVER_TROUBLE = {"InternalServerError", "ServiceUnavailable", "InternalFailure"}
_BAD_CREDENTIALS = {
    "UnrecognizedClientException",
    "InvalidSignatureException",
    "ExpiredTokenException",
    "InvalidClientTokenId",
    "MissingAuthenticationToken",
}


def _where():
    # Imported late: dispatch imports this module.
    from .dispatch import endpoint_description

    return endpoint_description()


def _sentence(error):
    # botocore's messages sometimes end in a full stop, sometimes not.
    return str(error).rstrip(".")


def translated(action, table=None):
    """Return action(), with any driver error raised as one of the store's own."""
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
            f"Cannot reach DynamoDB at {_where()}: {_sentence(error)}. "
            "Is DynamoDB running (`make run` and `docker compose up` start "
            "DynamoDB Local), and is AWS_ENDPOINT_URL_DYNAMODB right?"
        ) from error
    except ReadTimeoutError as error:
        raise StoreUnavailable(
            f"DynamoDB at {_where()} did not answer in time: {_sentence(error)}. "
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
    if code in ("ResourceNotFoundException", "TableNotFoundException"):
        return TableMissing(table or "(none named)")
    if code in _UNKNOWN_OPERATION:
        return NotSupported(
            f"DynamoDB at {_where()} does not support {error.operation_name} ({message})."
        )
    if code in _REFUSED_INPUT:
        return InvalidRequest(f"DynamoDB refused ({code}): {message}")
    if code in ("BackupInUseException", "ConcurrentUpdateException"):
        return TableInUse(f"DynamoDB is busy ({code}): {message} Try again shortly.")
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
    if code in ("AccessDeniedException", "FailedResourceAccessException"):
        action = f"{_service_prefix(error)}:{error.operation_name}"
        on_table = f' on table "{table}"' if table else ""
        return AccessDenied(
            f"Access denied by AWS to {action}: {message}. Grant "
            f"these credentials the DynamoDB permissions README lists{on_table}.",
            action,
        )
    return StoreError(f"DynamoDB error {code}: {message}")


def _service_prefix(error):
    # Application Auto Scaling's operations are the only ones named ...ScalableTarget(s)
    # or ...ScalingPolic(y/ies); everything else this package sends is DynamoDB's.
    operation = error.operation_name or ""
    if "Scalable" in operation or "ScalingPolic" in operation:
        return "application-autoscaling"
    return "dynamodb"
