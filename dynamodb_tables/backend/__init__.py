"""The boundary to DynamoDB: the only package that imports boto3 or botocore.

`dispatch` keeps one DynamoDB client per thread and sends every request
through one dispatch call (`call`; `call_scaling` for Application Auto
Scaling, DynamoDB's auto scaling, through the same path); `errors` turns every driver error into
`dynamodb_tables.exceptions`; `serialization` converts Python values to
DynamoDB's typed attribute values and back; `metering` counts what each web
request costs; `budget` bounds how long it waits for DynamoDB, and `attempts`
holds botocore's attempts to that and notes writes left unconfirmed;
`item_reads` parses the answers of item reads in one json.loads; `overlap`
sends a read before a page renders and takes its answer later. Nothing
above this package catches `ClientError`.
"""

from .batches import call_batch  # noqa: I001 - after dispatch, which it calls
from .dispatch import (call, call_scaling, client, endpoint_description, reset,
                       wait_for_table)
from .serialization import deserialize, from_attributes, serialize, to_attributes

__all__ = [
    "call",
    "call_batch",
    "call_scaling",
    "client",
    "deserialize",
    "endpoint_description",
    "from_attributes",
    "reset",
    "serialize",
    "to_attributes",
    "wait_for_table",
]
