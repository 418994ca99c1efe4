"""What a page costs in DynamoDB: the recorder, its response headers and the footer.

Capacity figures are checked on DynamoDB Local, which reports real consumed
capacity; moto reports fixed figures for some operations and none for others.
"""

import re
import threading
from decimal import Decimal

import pytest
from django.urls import reverse

from contacts.models import CONTACTS, contacts
from dynamodb_tables import backend
from dynamodb_tables.backend import metering
from dynamodb_tables.exceptions import ItemAlreadyExists, StoreUnavailable
from dynamodb_tables.store import operations
from tests.support.formdata import submit

LIST_URL = "/admin/contacts/contact/"
HEADERS = (
    "X-DynamoDB-Requests",
    "X-DynamoDB-Operations",
    "X-DynamoDB-Read-Units",
    "X-DynamoDB-Write-Units",
    "X-DynamoDB-Time-Ms",
    "Server-Timing",
)
FOOTER = re.compile(r'<p class="dynamo-metering"[^>]*>([^<]*)</p>')


def footer(response):
    """Return the footer's DynamoDB line, or None when the page has none."""
    found = FOOTER.search(response.content.decode())
    return found.group(1) if found else None


# --- The recorder ------------------------------------------------------------------


def test_nothing_is_recorded_outside_a_recording():
    """record() without an active recording is a no-op; a new recording starts empty."""
    metering.record("scan", 0.01, {"CapacityUnits": 0.5})
    assert metering.current_recording() is None
    with metering.recording() as recording:
        assert len(recording) == 0
        assert metering.current_recording() is recording
    assert metering.current_recording() is None


def test_capacity_is_summed_by_kind_from_every_response_shape():
    """Single responses, batch lists and explicit read/write units all add up, as Decimals."""
    with metering.recording() as recording:
        metering.record("scan", 0.002, {"TableName": "t", "CapacityUnits": 0.5})
        metering.record("put_item", 0.003, {"TableName": "t", "CapacityUnits": 1.0})
        metering.record(
            "batch_get_item",
            0.001,
            [{"TableName": "a", "CapacityUnits": 0.1}, {"TableName": "b", "CapacityUnits": 0.2}],
        )
        metering.record(
            "transact_write_items",
            0.001,
            [{"TableName": "t", "CapacityUnits": 6.0, "ReadCapacityUnits": 2.0,
              "WriteCapacityUnits": 4.0}],
        )
        metering.record("describe_table", 0.004)

    assert recording.operations == [
        "scan", "put_item", "batch_get_item", "transact_write_items", "describe_table",
    ]
    # 0.5 + 0.1 + 0.2 + 2 exactly: float addition would give 2.8000000000000003.
    assert recording.read_units == Decimal("2.8")
    assert recording.write_units == Decimal("5")
    assert recording.capacity_reported
    assert recording.headers() == {
        "X-DynamoDB-Requests": "5",
        "X-DynamoDB-Operations": "scan,put_item,batch_get_item,transact_write_items,describe_table",
        "X-DynamoDB-Read-Units": "2.8",
        "X-DynamoDB-Write-Units": "5",
        "X-DynamoDB-Time-Ms": "11.0",
        "Server-Timing": 'dynamodb;dur=11.0;desc="5 requests"',
    }


def test_summary_names_operations_once_with_a_count():
    """The footer line: API names in call order, repeats counted, units and time."""
    with metering.recording() as recording:
        metering.record("scan", 0.0031, {"CapacityUnits": 0.5})
        assert recording.summary() == (
            "DynamoDB: 1 request (Scan), 0.5 read units, 0 write units, 3.1 ms"
        )
        metering.record("batch_write_item", 0.001, [{"CapacityUnits": 25.0}])
        metering.record("batch_write_item", 0.001, [{"CapacityUnits": 3.0}])
        metering.record("describe_table", 0.001)
    assert recording.summary() == (
        "DynamoDB: 4 requests (Scan, BatchWriteItem ×2, DescribeTable), "
        "0.5 read units, 28 write units, 6.1 ms"
    )


def test_a_response_without_capacity_is_reported_as_such():
    """When an endpoint does not report consumed capacity, the footer says so instead of 0."""
    with metering.recording() as recording:
        metering.record("update_item", 0.001, None)
    assert not recording.capacity_reported
    assert "capacity not reported" in recording.summary()
    assert "write units" not in recording.summary()


def test_recordings_in_different_threads_do_not_mix():
    """Each gunicorn thread sees only its own recording (a context variable, not a global)."""
    seen = {}

    def worker(name, operation):
        with metering.recording() as recording:
            metering.record(operation, 0.001)
            barrier.wait()  # both recordings are active at the same time
            metering.record(operation, 0.001)
        seen[name] = recording.operations

    barrier = threading.Barrier(2, timeout=30)
    threads = [
        threading.Thread(target=worker, args=("a", "scan")),
        threading.Thread(target=worker, args=("b", "get_item")),
    ]
    with metering.recording() as outer:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    assert seen == {"a": ["scan", "scan"], "b": ["get_item", "get_item"]}
    assert len(outer) == 0


# --- backend.call feeds the recorder --------------------------------------------------


def test_call_asks_for_capacity_and_records_it(contacts_table):
    """Data operations ask for ReturnConsumedCapacity=TOTAL; DescribeTable is sent without it."""
    contacts.create({"id": "01", "username": "Raju"})
    with metering.recording() as recording:
        assert contacts.get("01")["username"] == "Raju"
        operations.describe_table(CONTACTS.name)
    assert recording.operations == ["get_item", "describe_table"]
    # Both moto and DynamoDB Local report a strongly consistent read of a small item.
    assert recording.read_units > 0
    assert recording.write_units == 0
    assert recording.capacity_reported
    assert all(request.seconds > 0 for request in recording.requests)


def test_a_callers_own_return_consumed_capacity_is_kept(contacts_table):
    """A caller that asks for no capacity report gets none: call() does not override it."""
    with metering.recording() as recording:
        response = backend.call(
            "get_item", TableName=CONTACTS.name, Key={"id": {"S": "01"}},
            ReturnConsumedCapacity="NONE",
        )
    assert "ConsumedCapacity" not in response
    assert not recording.capacity_reported


def test_failed_requests_are_recorded_and_still_translated(contacts_table):
    """A refused write is counted (time, failure) and still raises the store's own error."""
    contacts.create({"id": "01", "username": "Raju"})
    with metering.recording() as recording:
        with pytest.raises(ItemAlreadyExists):
            contacts.create({"id": "01", "username": "Someone else"})
    assert recording.operations == ["put_item"]
    assert recording.failed == 1
    assert recording.requests[0].seconds > 0
    assert "1 failed" in recording.summary()


def test_unreachable_dynamodb_is_recorded_as_a_failed_request(unreachable_store):
    """A request that never got an answer is counted too, and is still StoreUnavailable."""
    with metering.recording() as recording:
        with pytest.raises(StoreUnavailable):
            operations.describe_table(CONTACTS.name)
    assert recording.operations == ["describe_table"]
    assert recording.failed == 1


# --- Headers and footer, on DynamoDB Local (real consumed capacity) --------------------


@pytest.mark.parametrize("store", ["dynamodb_local"], indirect=True)
def test_change_list_costs_one_scan_plus_a_cached_describe_table(
    admin_client, contacts_table, raw_client
):
    """Staff get the headers and the footer; the second view is one Scan (the count is cached)."""
    raw_client.put_item(TableName=CONTACTS.name, Item={"id": {"S": "01"}})

    first = admin_client.get(LIST_URL)
    assert first.status_code == 200
    # One DescribeTable serves the count and the index list; DescribeTimeToLive says
    # whether an expiry column is shown. Both are cached.
    assert first["X-DynamoDB-Requests"] == "3"
    assert sorted(first["X-DynamoDB-Operations"].split(",")) == [
        "describe_table", "describe_time_to_live", "scan"]

    second = admin_client.get(LIST_URL)
    assert second["X-DynamoDB-Requests"] == "1"
    assert second["X-DynamoDB-Operations"] == "scan"
    # DynamoDB Local reports a real figure: an eventually consistent Scan of
    # one small item costs half a read unit.
    assert second["X-DynamoDB-Read-Units"] == "0.5"
    assert second["X-DynamoDB-Write-Units"] == "0"
    milliseconds = second["X-DynamoDB-Time-Ms"]
    assert re.fullmatch(r"\d+\.\d", milliseconds) and float(milliseconds) > 0
    assert second["Server-Timing"] == f'dynamodb;dur={milliseconds};desc="1 requests"'
    assert footer(second) == (
        f"DynamoDB: 1 request (Scan), 0.5 read units, 0 write units, {milliseconds} ms"
    )
    # Staff and others get different headers: caches must keep them apart.
    assert "Cookie" in second["Vary"]


@pytest.mark.parametrize("store", ["dynamodb_local"], indirect=True)
def test_add_costs_one_write(admin_client, contacts_table):
    """Adding a contact is one PutItem, and its write units are reported."""
    # The form as the page renders it (it carries hidden state), then its POST alone.
    response = submit(
        admin_client, reverse("admin:contacts_contact_add"),
        {"id": "n1", "username": "New", "_save": "1"},
    )
    assert response.status_code == 302
    assert response["X-DynamoDB-Operations"] == "put_item"
    # One unit for the table, one for the username index (the item has a username).
    assert response["X-DynamoDB-Write-Units"] == "2"
    assert response["X-DynamoDB-Read-Units"] == "0"


def test_no_headers_or_footer_for_anonymous_or_non_staff(
    db, client, django_user_model, contacts_table
):
    """Visitors and logged-in users who are not staff never see the figures."""
    for response in (client.get(LIST_URL), client.get("/healthz")):
        assert response.status_code in (200, 302)
        assert not any(name in response for name in HEADERS)

    client.force_login(django_user_model.objects.create_user("member", is_staff=False))
    response = client.get("/healthz")
    assert response.status_code == 200
    assert not any(name in response for name in HEADERS)


def test_staff_get_headers_on_any_page(admin_client, contacts_table):
    """Headers come with every staff response, /healthz included (one DescribeTable)."""
    response = admin_client.get("/healthz")
    assert response["X-DynamoDB-Requests"] == "1"
    assert response["X-DynamoDB-Operations"] == "describe_table"


def test_footer_is_hidden_when_the_page_made_no_dynamodb_request(admin_client, contacts_table):
    """The admin index makes no DynamoDB request: headers say 0, the footer stays empty."""
    response = admin_client.get("/admin/")
    assert response.status_code == 200
    assert response["X-DynamoDB-Requests"] == "0"
    assert response["X-DynamoDB-Operations"] == ""
    assert footer(response) is None
    assert "dynamodb_tables/capacity.css" in response.content.decode()


def test_the_error_page_shows_the_failed_request(admin_client, unreachable_store):
    """On the 503 page the footer still tells staff what was tried and that it failed."""
    response = admin_client.get(LIST_URL)
    assert response.status_code == 503
    assert response["X-DynamoDB-Requests"] == "1"
    assert "1 failed" in footer(response)
