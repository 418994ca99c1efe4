"""A request as the AWS CLI command and the boto3 call that would send it.

The list page shows these so that what it read can be repeated (or learned
from) outside the app. Parameters are DynamoDB's own request shape, typed
values included; binary values are base64 in the CLI's JSON, as it expects.
"""

import base64
import json
import pprint
import re
import shlex
from decimal import Decimal

# Parameters a page sets for itself that a reader would not type.
_LEFT_OUT = {"ReturnConsumedCapacity"}


def _cli_option(name):
    # KeyConditionExpression -> --key-condition-expression
    return "--" + re.sub(r"(?<!^)(?=[A-Z])", "-", name).lower()


def _jsonable(value):
    if isinstance(value, bytes | bytearray):
        return base64.b64encode(value).decode("ascii")
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dict):
        return {name: _jsonable(member) for name, member in value.items()}
    if isinstance(value, list | tuple | set):
        return [_jsonable(member) for member in value]
    return value


def aws_cli(operation, params):
    """Return the `aws dynamodb ...` command sending this request."""
    words = ["aws", "dynamodb", operation.replace("_", "-")]
    for name, value in params.items():
        if name in _LEFT_OUT:
            continue
        option = _cli_option(name)
        if isinstance(value, bool):
            if name == "ScanIndexForward":
                words.append("--scan-index-forward" if value else "--no-scan-index-forward")
            else:
                words.append(option if value else option.replace("--", "--no-", 1))
        elif isinstance(value, dict | list):
            words += [option, json.dumps(_jsonable(value), ensure_ascii=False)]
        else:
            words += [option, str(value)]
    return " ".join(shlex.quote(word) for word in words)


def boto3_call(operation, params):
    """Return the boto3 client call sending this request."""
    shown = {name: value for name, value in params.items() if name not in _LEFT_OUT}
    body = pprint.pformat(shown, indent=4, width=88, sort_dicts=False)
    return f"client = boto3.client(\"dynamodb\")\nclient.{operation}(**{body})"
