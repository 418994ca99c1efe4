"""Faults between the app and DynamoDB Local, injected by a proxy that logs what it forwarded.

Throttling, 500s, connections cut before or after DynamoDB got the request,
delays and hangs (tests/support/faultproxy.py). Every page either succeeds
after retries or answers 503 within its time budget; a write whose answer
was lost says it may have been applied, and a retry or re-submit that finds
its own values stored succeeds; counted against the proxy's log, no write is
lost or applied twice.
"""

import html
import time

import pytest
from django.test import Client

from contacts.models import CONTACTS

from .helpers import ADD_URL, LIST_URL, change_url, delete_url, put, stored
from .support import faultproxy
from .support.faultproxy import (
    ERROR_500,
    ERROR_500_AFTER,
    HANG,
    RESET,
    RESET_AFTER,
    THROTTLE,
    delay,
)
from .support.formdata import form_data

BUDGET = 2
# What "within the budget" allows beyond it: the second, for rendering.
SLACK = 1.0


@pytest.fixture
def proxied(settings, proxied_table, admin_user):
    """A fresh table reached through the proxy, a 2 s budget, and a logged-in admin client."""
    settings.DYNAMODB = {**settings.DYNAMODB, "REQUEST_BUDGET": BUDGET, "MAX_ATTEMPTS": 3}
    client = Client(raise_request_exception=False)
    client.force_login(admin_user)
    return client


def timed(send, *args, **kwargs):
    started = time.monotonic()
    response = send(*args, **kwargs)
    return response, time.monotonic() - started


def text(response):
    return html.unescape(response.content.decode())


def wait_until(condition, seconds=10):
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out waiting"
        time.sleep(0.05)


def applied_writes(proxy, operation, contact_id):
    """Return how many `operation` requests for this contact DynamoDB applied (answered 200)."""
    def names(exchange):
        body = exchange.forwarded
        return (body.get("Key") or body.get("Item") or {}).get("id", {}).get("S")
    return sum(1 for exchange in proxy.applied(operation) if names(exchange) == contact_id)


# --- 2: a write whose answer never came ----------------------------------------------------


def test_a_save_dynamodb_never_confirmed_says_so_and_a_resubmit_is_not_a_conflict(
        proxied, proxy, raw):
    """DynamoDB paused: the save answers 503 within the budget, saying DynamoDB did not confirm
    it and it may have been applied. Once DynamoDB resumes it applies the held request; the
    change form shows the item as stored, and the same form sent again is a success, not a
    409. DynamoDB applied the change once."""
    client = proxied
    put(raw, id={"S": "01"}, username={"S": "Raju"})
    form = form_data(client.get(change_url("01")), username="Paused", _save="Save")
    proxy.default = HANG

    response, seconds = timed(client.post, change_url("01"), form)

    assert response.status_code == 503
    assert seconds < BUDGET + SLACK
    page = text(response)
    assert "<h1>DynamoDB did not confirm the save</h1>" in page
    assert ("DynamoDB did not confirm the save of the contact “Raju”, so it may have been "
            "applied.") in page
    assert f"did not answer within {BUDGET} seconds (DYNAMODB_REQUEST_BUDGET)" in page
    assert f'href="{change_url("01")}"' in page

    proxy.release()
    wait_until(lambda: applied_writes(proxy, "UpdateItem", "01") == 1)
    assert 'value="Paused"' in text(client.get(change_url("01")))  # the next load shows it

    again = client.post(change_url("01"), form)

    assert again.status_code == 302, text(again)
    assert stored(raw, "01")["username"] == {"S": "Paused"}
    assert applied_writes(proxy, "UpdateItem", "01") == 1  # the re-submit found it done


@pytest.mark.parametrize("operation, send", [
    ("UpdateItem", lambda client, form: client.post(change_url("01"), form["change"])),
    ("PutItem", lambda client, form: client.post(ADD_URL, form["add"])),
    ("DeleteItem", lambda client, form: client.post(delete_url("01"), form["delete"])),
])
def test_a_retry_after_a_lost_answer_finds_its_write_done(proxied, proxy, raw, operation, send):
    """The connection is cut after DynamoDB applied the write: botocore's retry finds the
    condition failing on the write's own result, which is a success, not a conflict, a
    "already exists" or a "not found". DynamoDB applied the write exactly once."""
    client = proxied
    put(raw, id={"S": "01"}, username={"S": "Raju"})
    forms = {
        "change": form_data(client.get(change_url("01")), username="Changed", _save="Save"),
        "add": form_data(client.get(ADD_URL), id="02", username="Sham", _save="Save"),
        "delete": form_data(client.get(delete_url("01")), form_id=None),
    }
    proxy.fail(operation, RESET_AFTER)

    response = send(client, forms)

    assert response.status_code == 302, text(response)
    key = "02" if operation == "PutItem" else "01"
    assert applied_writes(proxy, operation, key) == 1
    assert len(proxy.exchanges(operation)) == 2  # the retry reached DynamoDB and was refused
    expected = {"UpdateItem": {"S": "Changed"}, "PutItem": {"S": "Sham"}, "DeleteItem": None}
    item = stored(raw, key)
    assert (item and item["username"]) == expected[operation]


def test_an_add_sent_again_after_its_answer_was_lost_is_a_success(proxied, proxy, raw):
    """The add's answer is lost (DynamoDB paused); once DynamoDB has applied it, the same form
    sent again finds exactly its contact stored: a success, not "already exists"."""
    client = proxied
    form = form_data(client.get(ADD_URL), id="02", username="Sham", _save="Save")
    proxy.fail("PutItem", HANG)

    response = client.post(ADD_URL, form)

    assert response.status_code == 503
    assert "the contact “Sham”, so it may have been applied" in text(response)
    proxy.release()
    wait_until(lambda: applied_writes(proxy, "PutItem", "02") == 1)

    again = client.post(ADD_URL, form)

    assert again.status_code == 302, text(again)
    assert stored(raw, "02")["username"] == {"S": "Sham"}
    assert applied_writes(proxy, "PutItem", "02") == 1


def test_an_unconfirmed_add_links_to_the_generated_id(proxied, proxy, raw):
    """An add with the id left blank: the page links to the contact under the id the app made,
    where it is once DynamoDB answers again."""
    client = proxied
    form = form_data(client.get(ADD_URL), username="Nameless", _save="Save")
    proxy.fail("PutItem", HANG)

    response = client.post(ADD_URL, form)

    assert response.status_code == 503
    proxy.release()
    wait_until(lambda: len(proxy.applied("PutItem")) == 1)
    made = proxy.applied("PutItem")[0].forwarded["Item"]["id"]["S"]
    assert "the contact “Nameless”, so it may have been applied" in text(response)
    assert f'href="{change_url(made)}"' in text(response)
    assert stored(raw, made)["username"] == {"S": "Nameless"}


# --- 11: every page under faults -----------------------------------------------------------

SINGLE_FAULTS = {"throttled": THROTTLE, "500": ERROR_500, "reset": RESET,
                 "500 after applying": ERROR_500_AFTER, "reset after applying": RESET_AFTER,
                 "delayed": delay(0.5)}


@pytest.mark.parametrize("fault", list(SINGLE_FAULTS))
def test_every_page_succeeds_after_a_retry(proxied, proxy, raw, fault, settings):
    """One fault on each request of each page: botocore's retry gets through, every page
    succeeds, and each save is applied exactly once. (The default 5 s budget: the list makes
    two requests, and two throttling backoffs may not fit in 2 s.)"""
    settings.DYNAMODB = {**settings.DYNAMODB, "REQUEST_BUDGET": 5}
    client = proxied
    put(raw, id={"S": "01"}, username={"S": "Raju"})
    forms = {
        "change": form_data(client.get(change_url("01")), username="Changed", _save="Save"),
        "add": form_data(client.get(ADD_URL), id="02", username="Sham", _save="Save"),
    }
    for operation in ("Scan", "GetItem", "PutItem", "UpdateItem", "DescribeTable",
                      "BatchGetItem", "BatchWriteItem"):
        proxy.fail(operation, SINGLE_FAULTS[fault])

    statuses = {
        "list": client.get(LIST_URL).status_code,
        "change GET": client.get(change_url("01")).status_code,
        "add": client.post(ADD_URL, forms["add"]).status_code,
        "change": client.post(change_url("01"), forms["change"]).status_code,
        "bulk delete": client.post(LIST_URL, {
            "action": "delete_selected", "_selected_action": ["02"], "post": "yes",
            "index": "0"}).status_code,
    }

    assert statuses == {"list": 200, "change GET": 200, "add": 302, "change": 302,
                        "bulk delete": 302}
    assert applied_writes(proxy, "PutItem", "02") == 1
    assert applied_writes(proxy, "UpdateItem", "01") == 1
    assert stored(raw, "01")["username"] == {"S": "Changed"}
    assert stored(raw, "02") is None


@pytest.mark.parametrize("fault", list(SINGLE_FAULTS)[:5])
def test_a_fault_on_every_attempt_is_a_503_within_the_budget(proxied, proxy, raw, fault):
    """The same fault on every attempt: each page answers 503 within the budget; a save is
    applied at most once, and its page says whether it may have been."""
    client = proxied
    put(raw, id={"S": "01"}, username={"S": "Raju"})
    form = form_data(client.get(change_url("01")), username="Changed", _save="Save")
    proxy.default = SINGLE_FAULTS[fault]

    listed, list_seconds = timed(client.get, LIST_URL)
    saved, save_seconds = timed(client.post, change_url("01"), form)
    proxy.release()

    assert (listed.status_code, saved.status_code) == (503, 503)
    assert max(list_seconds, save_seconds) < BUDGET + SLACK
    applied = applied_writes(proxy, "UpdateItem", "01")
    assert applied <= 1
    assert (stored(raw, "01")["username"] == {"S": "Changed"}) == (applied == 1)
    may_have_been = "so it may have been applied" in text(saved)
    # Only a throttled write is known not to have been applied; after a 500 or a cut
    # connection it may have been, whether or not the proxy forwarded it.
    assert may_have_been == (fault != "throttled"), text(saved)
    if not may_have_been:
        assert applied == 0


# --- 11: batches resend what DynamoDB left unprocessed -------------------------------------


def test_bulk_delete_resends_what_was_left_unprocessed(proxied, proxy, raw, settings):
    """The reads and the deletes come back partly unprocessed, or throttled: the app resends
    the rest until every selected contact is deleted, each delete sent once. (The default
    5 s budget: two throttling backoffs may not fit in 2 s.)"""
    settings.DYNAMODB = {**settings.DYNAMODB, "REQUEST_BUDGET": 5}
    client = proxied
    ids = [f"c{n:02d}" for n in range(30)]
    for contact_id in ids:
        put(raw, id={"S": contact_id}, username={"S": contact_id})
    proxy.fail("BatchGetItem", faultproxy.unprocessed(10), THROTTLE)
    proxy.fail("BatchWriteItem", faultproxy.unprocessed(5), THROTTLE, faultproxy.unprocessed(30))

    response = client.post(LIST_URL, {"action": "delete_selected", "_selected_action": ids,
                                      "post": "yes", "index": "0"}, follow=True)

    assert "Successfully deleted 30 contacts." in text(response)
    assert all(stored(raw, contact_id) is None for contact_id in ids)
    deletes = [request["DeleteRequest"]["Key"]["id"]["S"]
               for exchange in proxy.applied("BatchWriteItem")
               for request in exchange.forwarded["RequestItems"][CONTACTS.name]]
    assert sorted(deletes) == ids  # each once: none lost, none sent twice
