"""Item reads parsed by json.loads (dynamodb_tables.backend.item_reads) answer exactly as
botocore's own parser does: compared on canned answers holding every attribute type,
and on items read back from moto and DynamoDB Local."""

import base64
import json

import boto3
import pytest
from botocore.awsrequest import AWSResponse
from botocore.exceptions import ClientError

from contacts.models import CONTACTS
from dynamodb_tables import backend
from dynamodb_tables.backend import item_reads


def b64(data):
    return base64.b64encode(data).decode()


# Every attribute type, and objects that look like Binary values but are not.
ITEM = {
    "id": {"S": "a-1"},
    "age": {"N": "30"},
    "huge": {"N": "9.9E+125"},
    "photo": {"B": b64(b"\x00\xffpng")},
    "tags": {"SS": ["a", "b"]},
    "scores": {"NS": ["1", "2.5"]},
    "keys": {"BS": [b64(b"k1"), b64(b"\x00")]},
    "flag": {"BOOL": False},
    "nothing": {"NULL": True},
    "list": {"L": [{"B": b64(b"in a list")}, {"S": "B"}, {"M": {}}]},
    # Maps whose one member is named B or BS: the member's value is an object.
    "map": {"M": {"B": {"S": "not binary"}, "nested": {"M": {"BS": {"BS": [b64(b"x")]}}}}},
    "B": {"S": "an attribute named B"},
}
CAPACITY = {"TableName": "T", "CapacityUnits": 1.5, "Table": {"CapacityUnits": 1},
            "GlobalSecondaryIndexes": {"by-name": {"CapacityUnits": 0.5}}}
ANSWERS = {
    "Scan": {"Items": [ITEM, {"id": {"S": "a-2"}}], "Count": 2, "ScannedCount": 7,
             "LastEvaluatedKey": {"id": {"B": b64(b"last")}}, "ConsumedCapacity": CAPACITY,
             "NotInTheModel": {"B": b64(b"dropped")}},
    "Query": {"Items": [], "Count": 0, "ScannedCount": 0},
    "GetItem": {"Item": ITEM, "ConsumedCapacity": {"TableName": "T", "CapacityUnits": 0.5}},
    "BatchGetItem": {
        # A table named BS: a list of items, not a Binary Set; one named B: keys.
        "Responses": {"BS": [ITEM, {"id": {"B": b64(b"k")}}]},
        "UnprocessedKeys": {"B": {"Keys": [{"id": {"B": b64(b"u")}}]}},
    },
}
PARAMS = {
    "Scan": {"TableName": "T"},
    "Query": {"TableName": "T", "KeyConditionExpression": "#k = :v",
              "ExpressionAttributeNames": {"#k": "id"},
              "ExpressionAttributeValues": {":v": {"S": "a"}}},
    "GetItem": {"TableName": "T", "Key": {"id": {"S": "a-1"}}},
    "BatchGetItem": {"RequestItems": {"T": {"Keys": [{"id": {"S": "a-1"}}]}}},
}


class _Body:
    def __init__(self, data):
        self.data = data

    def stream(self, **kwargs):
        yield self.data


def _answering(client, status, body):
    def answer(request, **kwargs):
        return AWSResponse(request.url, status, {"Content-Type": "application/x-amz-json-1.0",
                                                 "x-amzn-RequestId": "R1"}, _Body(body))
    client.meta.events.register_first("before-send.dynamodb", answer)
    return client


def _client(status, body, parsed_by_json):
    client = boto3.session.Session().client(
        "dynamodb", region_name="us-east-1", endpoint_url="http://127.0.0.1:9",
        aws_access_key_id="test", aws_secret_access_key="test")
    if parsed_by_json:
        item_reads.register(client)
    return _answering(client, status, body)


def _exactly(answer):
    """The answer as text that tells 1 from 1.0 and bytes from str."""
    return json.dumps(answer, sort_keys=True, default=repr)


@pytest.mark.parametrize("operation", sorted(ANSWERS))
def test_an_item_read_answers_as_botocore_parses_it(operation):
    body = json.dumps(ANSWERS[operation]).encode()
    method = {"Scan": "scan", "Query": "query", "GetItem": "get_item",
              "BatchGetItem": "batch_get_item"}[operation]
    botocores = getattr(_client(200, body, False), method)(**PARAMS[operation])
    ours = getattr(_client(200, body, True), method)(**PARAMS[operation])
    assert _exactly(ours) == _exactly(botocores)


def test_binary_values_come_back_as_bytes_and_look_alikes_untouched():
    body = json.dumps(ANSWERS["Scan"]).encode()
    item = _client(200, body, True).scan(TableName="T")["Items"][0]
    assert item["photo"] == {"B": b"\x00\xffpng"}
    assert item["keys"] == {"BS": [b"k1", b"\x00"]}
    assert item["list"]["L"][0] == {"B": b"in a list"}
    assert item["map"]["M"]["B"] == {"S": "not binary"}
    assert item["map"]["M"]["nested"]["M"]["BS"] == {"BS": [b"x"]}


def test_an_error_answer_keeps_botocores_parsing():
    body = json.dumps({"__type": "com.amazonaws.dynamodb.v20120810#ResourceNotFoundException",
                       "message": "Requested resource not found"}).encode()
    with pytest.raises(ClientError) as raised:
        _client(400, body, True).scan(TableName="T")
    assert raised.value.response["Error"] == {"Code": "ResourceNotFoundException",
                                              "Message": "Requested resource not found"}


@pytest.mark.parametrize("body", [b'{"Items": [{"id": {"S": "a"}', b"<html>proxy error</html>",
                                  b'{"Items": [{"photo": {"B": "not base64!"}}], "Count": 1}',
                                  b'[{"Items": []}]', b'"Items"'])
def test_an_answer_that_is_not_json_is_left_to_botocore(body):
    def outcome(parsed_by_json):
        try:
            return _exactly(_client(200, body, parsed_by_json).scan(TableName="T"))
        except Exception as error:  # noqa: BLE001 - whatever botocore does, ours does
            return repr(error)

    assert outcome(True) == outcome(False)


def test_the_apps_client_parses_item_reads_with_json(settings, monkeypatch):
    parsed = []
    real_parse = item_reads.parse
    monkeypatch.setattr(item_reads, "parse", lambda **kwargs: parsed.append(
        kwargs["operation_model"].name) or real_parse(**kwargs))
    settings.DYNAMODB = {**settings.DYNAMODB, "ENDPOINT_URL": "http://127.0.0.1:9"}
    backend.reset()
    client = _answering(backend.client(), 200, json.dumps(ANSWERS["Scan"]).encode())
    client.scan(TableName="T")
    client.meta.events.unregister("before-send.dynamodb")
    backend.reset()
    assert parsed == ["Scan"]


def test_items_read_back_from_the_store_are_botocores(contacts_table, raw_client):
    stored = {name: value for name, value in ITEM.items() if name != "huge"}
    raw_client.put_item(TableName=CONTACTS.name, Item={
        **stored, "photo": {"B": b"\x00\xffpng"}, "keys": {"BS": [b"k1", b"\x00"]},
        "list": {"L": [{"B": b"in a list"}, {"S": "B"}, {"M": {}}]},
        "map": {"M": {"B": {"S": "not binary"}, "nested": {"M": {"BS": {"BS": [b"x"]}}}}}})
    plain = boto3.session.Session().client(
        "dynamodb", region_name=raw_client.meta.region_name,
        endpoint_url=raw_client.meta.endpoint_url)
    for method, params in (("scan", {}), ("get_item", {"Key": {"id": {"S": "a-1"}}})):
        ours = getattr(raw_client, method)(TableName=CONTACTS.name, **params)
        botocores = getattr(plain, method)(TableName=CONTACTS.name, **params)
        for answer in (ours, botocores):
            answer.pop("ResponseMetadata")
        assert _exactly(ours) == _exactly(botocores)
