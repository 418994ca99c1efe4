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


def created_by_another_tool(raw_client, store, count):
    """Create Orders as the AWS CLI would and put `count` orders; yield its name, then
    delete it from DynamoDB Local (moto forgets it by itself). For fixtures."""
    from dynamodb_tables.store import operations

    name = orders_name()
    raw_client.create_table(TableName=name, **ORDERS_REQUEST)
    for number in range(count):
        raw_client.put_item(TableName=name, Item=raw_order(number))
    yield name
    if store == "dynamodb_local":
        operations.delete_table(name, wait=False)


def stored_order(raw_client, name, customer, order):
    """Return an order as stored (DynamoDB JSON, read consistently), or None."""
    key = {"customer": {"S": customer}, "order": {"N": str(order)}}
    return raw_client.get_item(TableName=name, Key=key, ConsistentRead=True).get("Item")
