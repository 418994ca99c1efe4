"""The time budget: a hung DynamoDB holds no page longer than DYNAMODB_REQUEST_BUDGET.

With botocore's own limits (3 attempts × 10 s read timeout) a paused DynamoDB
held every page, /healthz included, for 30 s. The app is served here as the
image serves it (scripts/docker-start, gunicorn), with the fault proxy between
it and DynamoDB Local holding every request: each page answers 503 within the
budget plus a second, /healthz within about 2 s, and everything works again
once DynamoDB does. Commands are not bounded by the budget.
"""

import contextlib
import html
import json
import time
import uuid
from concurrent.futures import ThreadPoolExecutor

import boto3
import pytest
from django.test import Client

from .helpers import LIST_URL, change_url
from .support.faultproxy import HANG, delay
from .support.http import Client as HttpClient
from .support.http import page_form
from .test_container import StartScript
from .test_transfer import run

BUDGET = 2
# /healthz has 1.5 s for DynamoDB (contactsite.views); "about 2 s" in all.
HEALTH_LIMIT = 2.5


@pytest.mark.slow
def test_a_hung_dynamodb_answers_503_within_the_budget_under_gunicorn(
        tmp_path, proxy, dynamodb_local, collected_static):
    """Every request is held by the proxy (a paused DynamoDB). Sent at once, the list, a save
    and /healthz answer 503 in the admin's look or as JSON, never a bare 500, the pages
    within the budget plus a second and /healthz within about 2 s. The default attempts and
    read timeout stay (3 × 10 s), as in production. Released, the pages answer 200."""
    table = f"Budget-{uuid.uuid4().hex[:12]}"
    app = StartScript(tmp_path, "app", proxy.url, WEB_CONCURRENCY="2",
                      DYNAMODB_TABLE=table, DYNAMODB_REQUEST_BUDGET=str(BUDGET),
                      DJANGO_SUPERUSER_USERNAME="ops", DJANGO_SUPERUSER_PASSWORD="Ops-Passw0rd-42")
    raw = boto3.client("dynamodb", endpoint_url=dynamodb_local, region_name="us-east-1")
    try:
        app.wait_until_listening()
        raw.put_item(TableName=table, Item={"id": {"S": "01"}, "username": {"S": "Raju"}})
        browser = HttpClient(app.url(""), timeout=60)
        browser.log_in("ops", "Ops-Passw0rd-42")
        form = page_form(browser.get(change_url("01")).text, change_url("01"))
        form["username"] = "Paused"
        proxy.default = HANG

        def ask(method, path, data=None):
            client = HttpClient(app.url(""), timeout=60)
            client.cookies = dict(browser.cookies)
            with client:
                return client.request(method, path, data)

        with ThreadPoolExecutor(4) as pool:
            listed, saved, health, health_again = pool.map(lambda args: ask(*args), [
                ("GET", LIST_URL), ("POST", change_url("01"), form), ("GET", "/healthz"),
                ("GET", "/healthz")])

        for page in (listed, saved):
            assert page.status == 503, page.text
            assert page.seconds < BUDGET + 1, page.seconds
            assert "<h1>DynamoDB" in page.text and "Traceback" not in page.text
            assert (f"did not answer within {BUDGET} seconds (DYNAMODB_REQUEST_BUDGET)"
                    in html.unescape(page.text))
        assert "so it may have been applied" in html.unescape(saved.text)
        for answer in (health, health_again):
            assert answer.status == 503
            assert answer.seconds < HEALTH_LIMIT, answer.seconds
            assert "did not answer within 1.5 seconds" in json.loads(answer.text)["problems"][
                "dynamodb"]

        proxy.release()
        assert browser.get(LIST_URL).status == 200
        assert browser.get("/healthz").status == 200
        assert app.process.poll() is None  # the same gunicorn, no worker killed meanwhile
        assert "WORKER TIMEOUT" not in app.output
    finally:
        proxy.release()
        app.terminate()
        with contextlib.suppress(raw.exceptions.ResourceNotFoundException):
            raw.delete_table(TableName=table)


@pytest.fixture
def slow_table(settings, proxied_table):
    settings.DYNAMODB = {**settings.DYNAMODB, "REQUEST_BUDGET": 1}


def test_commands_keep_the_longer_timeouts(slow_table, proxy, admin_user):
    """DynamoDB answers after 2 s: a page, with a 1 s budget, gives up with a 503 in time;
    describe_table, a command, waits and succeeds."""
    client = Client(raise_request_exception=False)
    client.force_login(admin_user)
    proxy.fail("Scan", delay(2))

    started = time.monotonic()
    response = client.get(LIST_URL)
    seconds = time.monotonic() - started

    assert response.status_code == 503
    assert seconds < 1 + 1
    proxy.fail("DescribeTable", delay(2))
    out, _ = run("describe_table")
    assert "ACTIVE" in out
