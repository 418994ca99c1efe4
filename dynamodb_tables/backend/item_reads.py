"""Item reads' answers parsed by json.loads instead of botocore's walk of the service model.

botocore parses a response by walking its JSON against the operation's output
shape, value by value. For a Scan or Query page of 25 items that walk cost
0.7-1.1 ms of the change list's CPU (docs/performance.md), ten times what
json.loads takes. The walk changes nothing in these answers but Binary values,
which arrive as base64 text, so `parse` on botocore's `before-parse` event
does the same in one json.loads and hands botocore an empty body: botocore
still adds ResponseMetadata, and its result is the same (tests/test_item_reads.py
compares the two on every attribute type). Errors (status 300 and up), and
an answer that is not a JSON object, keep botocore's own parsing.
"""

import base64
import json

# Their outputs hold only attribute values, numbers, strings and key maps.
OPERATIONS = ("Scan", "Query", "GetItem", "BatchGetItem")


def register(client):
    """Parse the item reads of this DynamoDB client with `parse`."""
    for operation in OPERATIONS:
        client.meta.events.register(f"before-parse.dynamodb.{operation}", parse)


def parse(operation_model, response_dict, customized_response_dict, **kwargs):
    if response_dict["status_code"] >= 300:
        return
    try:
        answer = json.loads(response_dict["body"], object_hook=_binary)
    except ValueError:  # not JSON, or bad base64: botocore's parser says what it says of it
        return
    if not isinstance(answer, dict):
        return
    members = operation_model.output_shape.members
    # botocore keeps only the members the model names.
    customized_response_dict.update(
        (name, value) for name, value in answer.items() if name in members
    )
    response_dict["body"] = b"{}"


def _binary(attribute):
    """Decode a Binary or Binary Set attribute value; leave every other object as it is.

    Only an attribute value is an object with one member "B" that is text, or one
    member "BS" that is a list of text: a map's members, a table's items and a
    key's attributes are all objects, never text. (BatchGetItem's answer for a
    table named "BS" is a list of objects; empty, it is the same either way.)
    """
    if len(attribute) == 1:
        value = attribute.get("B")
        if isinstance(value, str):
            return {"B": base64.b64decode(value)}
        values = attribute.get("BS")
        if isinstance(values, list) and all(isinstance(each, str) for each in values):
            return {"BS": [base64.b64decode(each) for each in values]}
    return attribute
