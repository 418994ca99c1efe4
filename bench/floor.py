"""The DynamoDB calls each page makes, sent straight from boto3: the floor under its latency."""

import boto3
from botocore.config import Config

from tests.support.stack import AWS_KEY_ID, AWS_SECRET, REGION

PAGE_SIZE = 25
# The GSI the app's name search and username sort read (Table(orderings=[ordered_by("username")])).
NAME_INDEX = "username-order"


class Floor:
    """The DynamoDB calls a page makes, sent straight from boto3: the lower bound."""

    def __init__(self, endpoint, table):
        self.table = table
        self.client = boto3.session.Session().client(
            "dynamodb", endpoint_url=endpoint, region_name=REGION,
            aws_access_key_id=AWS_KEY_ID, aws_secret_access_key=AWS_SECRET,
            config=Config(retries={"mode": "standard", "max_attempts": 3}),
        )

    def scan_page(self, start_key=None):
        params = {"TableName": self.table, "Limit": PAGE_SIZE + 1,
                  "ReturnConsumedCapacity": "TOTAL"}
        if start_key:
            params["ExclusiveStartKey"] = start_key
        return self.client.scan(**params)

    def start_key_at(self, pages):
        """Return the ExclusiveStartKey of page `pages + 1`, as the app's Next links reach it."""
        key = None
        for _ in range(pages):
            response = self.scan_page(key)
            items = response["Items"][:PAGE_SIZE]
            key = {"id": items[-1]["id"]}
        return key

    def find(self, term):
        """The name search as the app makes it: GetItem on the term as an id, then the index."""
        self.client.get_item(TableName=self.table, Key={"id": {"S": term}},
                             ReturnConsumedCapacity="TOTAL")
        return self.query_index(term.casefold())

    def query_index(self, prefix="", start_key=None, forward=True):
        """One page of the username index: names starting with `prefix`, in name order."""
        condition = "#l = :l" + (" AND begins_with(#f, :f)" if prefix else "")
        values = {":l": {"S": "1"}, **({":f": {"S": prefix}} if prefix else {})}
        params = {
            "TableName": self.table, "IndexName": NAME_INDEX, "Limit": PAGE_SIZE + 1,
            "KeyConditionExpression": condition, "ScanIndexForward": forward,
            "ExpressionAttributeNames": {"#l": "username_listed",
                                         **({"#f": "username_folded"} if prefix else {})},
            "ExpressionAttributeValues": values, "ReturnConsumedCapacity": "TOTAL",
        }
        if start_key:
            params["ExclusiveStartKey"] = start_key
        return self.client.query(**params)

    def index_key_at(self, pages):
        """Return the ExclusiveStartKey of the index's page `pages + 1`, in name order."""
        key = None
        for _ in range(pages):
            item = self.query_index(start_key=key)["Items"][PAGE_SIZE - 1]
            key = {name: item[name] for name in ("id", "username_listed", "username_folded")}
        return key

    def remove_added(self, prefix):
        """Delete the contacts the add POSTs made (username starting with `prefix`): N stays N."""
        params = {
            "TableName": self.table, "FilterExpression": "begins_with(#u, :p)",
            "ExpressionAttributeNames": {"#u": "username"},
            "ExpressionAttributeValues": {":p": {"S": prefix}}, "ProjectionExpression": "id",
        }
        while True:
            response = self.client.scan(**params)
            for item in response["Items"]:
                self.client.delete_item(TableName=self.table, Key={"id": item["id"]})
            if "LastEvaluatedKey" not in response:
                return
            params["ExclusiveStartKey"] = response["LastEvaluatedKey"]

    def get(self, contact_id):
        return self.client.get_item(
            TableName=self.table, Key={"id": {"S": contact_id}}, ConsistentRead=True,
            ReturnConsumedCapacity="TOTAL",
        )

    def put_new(self, item):
        return self.client.put_item(
            TableName=self.table, Item=item, ConditionExpression="attribute_not_exists(#k)",
            ExpressionAttributeNames={"#k": "id"}, ReturnConsumedCapacity="TOTAL",
        )

    def update_if_unchanged(self, item, username):
        """UpdateItem conditioned on every attribute, as the change form's save is."""
        names, values = {"#k": "id"}, {":new": {"S": username}}
        conditions = ["attribute_exists(#k)"]
        for number, (name, value) in enumerate(item.items()):
            if name == "id":
                continue
            names[f"#a{number}"] = name
            values[f":a{number}"] = value
            conditions.append(f"#a{number} = :a{number}")
        names["#u"] = "username"
        return self.client.update_item(
            TableName=self.table, Key={"id": item["id"]}, UpdateExpression="SET #u = :new",
            ConditionExpression=" AND ".join(conditions), ExpressionAttributeNames=names,
            ExpressionAttributeValues=values, ReturnValues="ALL_NEW",
            ReturnValuesOnConditionCheckFailure="ALL_OLD", ReturnConsumedCapacity="TOTAL",
        )

    def delete(self, contact_id):
        return self.client.delete_item(
            TableName=self.table, Key={"id": {"S": contact_id}},
            ConditionExpression="attribute_exists(#k)", ExpressionAttributeNames={"#k": "id"},
            ReturnValues="ALL_OLD", ReturnValuesOnConditionCheckFailure="ALL_OLD",
            ReturnConsumedCapacity="TOTAL",
        )
