"""DAX routing (DYNAMODB_DAX_ENDPOINT): eventually consistent Scan and Query go through the
DAX client, everything else to DynamoDB; the footer says which answered.

No DAX cluster exists here: a stand-in for the DAX client forwards to DynamoDB Local
and records what reached it; the real client's construction is tested against a port
where nothing listens, and its arguments through a recording class.
"""

import re
import sys

import amazondax
import boto3
import pytest
from django.conf import settings as django_settings

from contacts.models import CONTACTS, contacts
from dynamodb_tables import backend
from dynamodb_tables.backend import dax, dispatch

from .support.processes import free_port
from .test_settings import failure_of, settings_of

LIST_URL = "/admin/contacts/contact/"
DAX_URL = "daxs://my-cluster.abc123.dax-clusters.us-east-1.amazonaws.com"


def footer(response):
    found = re.search(r'<p class="dynamo-metering"[^>]*>([^<]*)</p>', response.content.decode())
    return found.group(1) if found else None


class StandInDax:
    """Answers like the DAX client by forwarding to DynamoDB; records each operation."""

    def __init__(self, endpoint_url):
        self.operations = []
        self._dynamodb = boto3.client("dynamodb", endpoint_url=endpoint_url,
                                      region_name="us-east-1")
        self.closed = False

    def __getattr__(self, operation):
        send = getattr(self._dynamodb, operation)

        def recorded(**params):
            self.operations.append((operation, params))
            return send(**params)

        return recorded

    def close(self):
        self.closed = True


@pytest.fixture
def with_dax(settings, contacts_table, monkeypatch):
    """DAX configured, its client a stand-in in front of the test's DynamoDB."""
    if contacts_table != "dynamodb_local":
        pytest.skip("the stand-in forwards over HTTP, to DynamoDB Local")
    settings.DYNAMODB = {**settings.DYNAMODB, "DAX_ENDPOINT": DAX_URL}
    stand_in = StandInDax(settings.DYNAMODB["ENDPOINT_URL"])
    monkeypatch.setattr(dax, "_new_client", lambda: stand_in)
    return stand_in


dynamodb_local_only = pytest.mark.parametrize("store", ["dynamodb_local"], indirect=True)


@dynamodb_local_only
def test_the_list_page_reads_through_dax_and_says_so(admin_client, with_dax):
    contacts.create({"id": "01", "username": "Raju"})
    assert with_dax.operations == []  # the write went to DynamoDB

    response = admin_client.get(LIST_URL)

    assert response.status_code == 200
    assert "Raju" in response.content.decode()
    assert [operation for operation, _ in with_dax.operations] == ["scan"]
    assert not with_dax.operations[0][1].get("ConsistentRead")
    assert "answered by DAX" in footer(response)
    assert response["X-DynamoDB-DAX-Requests"] == "1"


@dynamodb_local_only
def test_writes_gets_and_consistent_reads_stay_on_dynamodb(with_dax):
    contacts.create({"id": "01", "username": "Raju"})
    contacts.update("01", {"username": "Priya"})
    assert contacts.get("01")["username"] == "Priya"
    backend.call("scan", TableName=CONTACTS.name, ConsistentRead=True)
    backend.call("query", TableName=CONTACTS.name, ConsistentRead=True,
                 KeyConditionExpression="#k = :v", ExpressionAttributeNames={"#k": "id"},
                 ExpressionAttributeValues={":v": {"S": "01"}})
    assert with_dax.operations == []

    backend.call("query", TableName=CONTACTS.name,
                 KeyConditionExpression="#k = :v", ExpressionAttributeNames={"#k": "id"},
                 ExpressionAttributeValues={":v": {"S": "01"}})
    assert [operation for operation, _ in with_dax.operations] == ["query"]


def test_without_an_endpoint_nothing_goes_to_dax(contacts_table, monkeypatch):
    def no_dax():
        raise AssertionError("the DAX client was built")

    monkeypatch.setattr(dax, "_new_client", no_dax)
    assert django_settings.DYNAMODB.get("DAX_ENDPOINT") is None
    backend.call("scan", TableName=CONTACTS.name)
    assert not dax.routes("scan", {})


def test_the_client_is_built_once_per_settings_from_them(settings, monkeypatch):
    """The DAX client gets the endpoint, region and timeouts; it is reused until the
    settings change, and the old one is closed then."""
    built = []

    class RecordingDaxClient:
        def __init__(self, **kwargs):
            self.kwargs = kwargs
            self.closed = False
            built.append(self)

        def close(self):
            self.closed = True

    monkeypatch.setattr(amazondax, "AmazonDaxClient", RecordingDaxClient)
    settings.DYNAMODB = {**settings.DYNAMODB, "DAX_ENDPOINT": DAX_URL, "REGION": "eu-west-1",
                         "CONNECT_TIMEOUT": 2, "READ_TIMEOUT": 7}

    first = dax.client(dispatch._generation)
    assert dax.client(dispatch._generation) is first
    assert first.kwargs["endpoint_url"] == DAX_URL
    assert first.kwargs["region_name"] == "eu-west-1"
    assert (first.kwargs["config"].connect_timeout, first.kwargs["config"].read_timeout) == (2, 7)

    settings.DYNAMODB = {**settings.DYNAMODB, "READ_TIMEOUT": 8}
    second = dax.client(dispatch._generation)
    assert second is not first and first.closed
    assert len(built) == 2


def test_the_real_client_is_importable_and_an_unreachable_cluster_is_a_clear_503(
    admin_client, settings, contacts_table
):
    """amazon-dax-client imports on this Python; with nothing listening the page is a 503
    naming DAX and the variable, not a traceback."""
    assert sys.modules["amazondax"].AmazonDaxClient.__name__ == "AmazonDaxClient"
    endpoint = f"dax://127.0.0.1:{free_port()}"
    settings.DYNAMODB = {**settings.DYNAMODB, "DAX_ENDPOINT": endpoint, "CONNECT_TIMEOUT": 1}

    response = admin_client.get(LIST_URL)

    assert response.status_code == 503
    content = response.content.decode()
    assert f"Cannot reach DAX at {endpoint}" in content
    assert "DYNAMODB_DAX_ENDPOINT" in content


def test_the_dax_endpoint_setting(tmp_path):
    dev = {"DJANGO_DEBUG": "true"}
    assert settings_of(tmp_path, DYNAMODB_DAX_ENDPOINT=DAX_URL, **dev)["DYNAMODB"][
        "DAX_ENDPOINT"] == DAX_URL
    assert settings_of(tmp_path, **dev)["DYNAMODB"]["DAX_ENDPOINT"] is None
    stderr = failure_of(tmp_path, DYNAMODB_DAX_ENDPOINT="http://127.0.0.1:8111", **dev)
    assert "DYNAMODB_DAX_ENDPOINT must be a DAX cluster endpoint" in stderr


def test_the_footer_says_how_many_requests_dax_answered():
    from dynamodb_tables.backend import metering

    with metering.recording() as recording:
        metering.record("scan", 0.001, {"CapacityUnits": 0.5}, via=dax.NAME)
        assert "(Scan), answered by DAX, 0.5 read units" in recording.summary()
        metering.record("describe_table", 0.001)
        assert "1 answered by DAX, the rest by DynamoDB" in recording.summary()
        assert recording.headers()["X-DynamoDB-DAX-Requests"] == "1"
    with metering.recording() as plain:
        metering.record("scan", 0.001, {"CapacityUnits": 0.5})
    assert "DAX" not in plain.summary()
    assert "X-DynamoDB-DAX-Requests" not in plain.headers()
