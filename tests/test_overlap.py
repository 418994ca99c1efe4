"""A list page's read sent before its rendering (dynamodb_tables.backend.overlap, issue 19).

Without gevent (the tests' client, commands) a started call runs at once; under gevent, as
gunicorn's workers run, it runs in a greenlet that has sent its request when start()
returns. Either way its error comes from result(). Under gunicorn, the list's read is
still metered, bounded by the request's budget and turned into the 503 page.
"""

import contextlib
import html
import json
import subprocess
import sys
import uuid

import boto3
import pytest

from dynamodb_tables.backend import overlap

from .helpers import LIST_URL
from .support.faultproxy import HANG
from .support.http import Client as HttpClient
from .support.processes import ROOT
from .test_container import StartScript


def test_without_gevent_the_call_runs_at_once_and_result_returns_its_answer():
    calls = []
    pending = overlap.start(lambda *args, **kwargs: calls.append((args, kwargs)) or "answer",
                            1, two=2)
    assert calls == [((1,), {"two": 2})]  # before result() is asked
    assert pending.result() == "answer"
    assert pending.error() is None
    assert calls == [((1,), {"two": 2})]  # once


def test_an_error_comes_from_result_not_from_start():
    def refused():
        raise ValueError("refused")

    pending = overlap.start(refused)
    assert repr(pending.error()) == "ValueError('refused')"
    with pytest.raises(ValueError, match="refused"):
        pending.result()
    with pytest.raises(ValueError, match="refused"):
        pending.result()  # every time it is asked


@pytest.mark.slow
def test_under_gevent_the_request_is_sent_before_start_returns(dynamodb_local):
    """The started call's request leaves before start() returns, so DynamoDB works while
    the caller renders; it sees the caller's context; an error is handed back, and gevent
    prints no traceback of its own."""
    probe = subprocess.run([sys.executable, "-m", "tests.support.overlap_probe", dynamodb_local],
                           cwd=ROOT, capture_output=True, text=True, timeout=120, check=False)
    assert probe.returncode == 0, probe.stderr
    assert "Traceback" not in probe.stderr, probe.stderr
    seen = json.loads(probe.stdout)
    sends = seen["sends_after_return_ms"]
    assert sends, "no request was sent"
    assert all(after < 0 for after in sends), sends
    assert seen["seen"] == "the caller's value"
    assert seen["tables_is_list"]
    assert seen["error"] == "ValueError('refused')"
    assert seen["raised"] == "refused"


BUDGET = 2


@pytest.mark.slow
def test_the_lists_read_in_its_greenlet_is_metered_bounded_and_a_clear_503(
        tmp_path, proxy, dynamodb_local, collected_static):
    """gunicorn's gevent worker, as the image runs it: the list's Scan (sent from its own
    greenlet) is in the page's DynamoDB headers and footer; held by a paused DynamoDB it
    answers the 503 page within the request's budget, with no traceback in the log; and
    the next list is whole again."""
    table = f"Overlap-{uuid.uuid4().hex[:12]}"
    app = StartScript(tmp_path, "app", proxy.url, DYNAMODB_TABLE=table,
                      DYNAMODB_REQUEST_BUDGET=str(BUDGET),
                      DJANGO_SUPERUSER_USERNAME="ops", DJANGO_SUPERUSER_PASSWORD="Ops-Passw0rd-42")
    raw = boto3.client("dynamodb", endpoint_url=dynamodb_local, region_name="us-east-1")
    try:
        app.wait_until_listening()
        raw.put_item(TableName=table, Item={"id": {"S": "01"}, "username": {"S": "Raju"}})
        with HttpClient(app.url("")) as browser:
            browser.log_in("ops", "Ops-Passw0rd-42")
            assert browser.get(LIST_URL).status == 200  # the table's description, cached

            listed = browser.get(LIST_URL)
            assert listed.status == 200
            assert '<td class="field-username">Raju</td>' in listed.text
            assert listed.header("X-DynamoDB-Operations") == "scan"
            assert listed.header("X-DynamoDB-Requests") == "1"
            assert "DynamoDB: 1 request (Scan), 0.5 read units" in listed.text

            proxy.fail("Scan", HANG)
            held = browser.get(LIST_URL)
            assert held.status == 503, held.text
            assert held.seconds < BUDGET + 1, held.seconds
            assert "<h1>DynamoDB is unavailable</h1>" in held.text
            assert (f"did not answer within {BUDGET} seconds (DYNAMODB_REQUEST_BUDGET)"
                    in html.unescape(held.text))
            assert '<td class="field-username">' not in held.text  # the list was dropped

            proxy.release()
            again = browser.get(LIST_URL)
            assert again.status == 200
            assert '<td class="field-username">Raju</td>' in again.text
        assert "Traceback" not in app.output
        assert app.process.poll() is None
    finally:
        proxy.release()
        app.terminate()
        with contextlib.suppress(raw.exceptions.ResourceNotFoundException):
            raw.delete_table(TableName=table)
