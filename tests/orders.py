"""A second declared table for the data-layer tests: a composite key, a GSI and an LSI.

`Orders`: partition key `customer` (String), sort key `order` (Number); a
global index by status and date placed, a local index by total. Its name is
the store fixture's unique table name with "-orders" added.
"""

from decimal import Decimal

from django.conf import settings

from dynamodb_tables.store import Index, KeyAttribute, Table


def orders_name():
    return f"{settings.DYNAMODB['TABLE']}-orders"


ORDERS = Table(
    orders_name,
    partition_key=KeyAttribute("customer", "S"),
    sort_key=KeyAttribute("order", "N"),
    indexes=(
        Index("by-status", KeyAttribute("status", "S"), KeyAttribute("placed", "S")),
        Index("by-total", KeyAttribute("customer", "S"), KeyAttribute("total", "N"),
              is_global=False),
    ),
    verbose_name="order",
)

# What CreateTable is told for Orders, as another tool (the AWS CLI) would send it.
ORDERS_REQUEST = {
    "AttributeDefinitions": [
        {"AttributeName": "customer", "AttributeType": "S"},
        {"AttributeName": "order", "AttributeType": "N"},
        {"AttributeName": "status", "AttributeType": "S"},
        {"AttributeName": "total", "AttributeType": "N"},
    ],
    "KeySchema": [
        {"AttributeName": "customer", "KeyType": "HASH"},
        {"AttributeName": "order", "KeyType": "RANGE"},
    ],
    "GlobalSecondaryIndexes": [{
        "IndexName": "by-status",
        "KeySchema": [{"AttributeName": "status", "KeyType": "HASH"}],
        "Projection": {"ProjectionType": "KEYS_ONLY"},
    }],
    "LocalSecondaryIndexes": [{
        "IndexName": "by-total",
        "KeySchema": [
            {"AttributeName": "customer", "KeyType": "HASH"},
            {"AttributeName": "total", "KeyType": "RANGE"},
        ],
        "Projection": {"ProjectionType": "ALL"},
    }],
    "BillingMode": "PAY_PER_REQUEST",
}


def order_key(number):
    """Return the key of order `number`: three customers, each with many orders."""
    return {"customer": f"customer-{number % 3}", "order": Decimal(number)}


def raw_order(number, **attributes):
    """Return order `number` as DynamoDB JSON, as another tool writes it."""
    key = order_key(number)
    return {
        "customer": {"S": key["customer"]},
        "order": {"N": str(key["order"])},
        "status": {"S": "open"},
        "placed": {"S": f"2026-11-{1 + number % 28:02d}"},
        "total": {"N": f"{number}.5"},
        **attributes,
    }
