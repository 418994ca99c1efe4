"""The load test: 8 clients, ~2,000 requests, through gunicorn and DynamoDB Local.

The clients are in tests/support/loadtest.py, the verdict in loadresult.py.
The run itself is bounded in requests and time; its figures are printed
(`pytest -s`), never asserted. What is asserted is correctness under
concurrency: no 5xx, every refused save a 409 that says why, and a final
table that is exactly what the accepted saves imply (no lost write).
"""

from pathlib import Path
from urllib.parse import urlsplit

import pytest

from tests.support.http import Client
from tests.support.loadresult import Result, Tally, check_chain
from tests.support.loadtest import LoadClient, run, stored_items
from tests.support.processes import children, listening
from tests.support.stack import local_stack

CLIENTS = 8
REQUESTS_PER_CLIENT = 250


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """DynamoDB Local and gunicorn (2 workers, 4 threads) started by tests/support/stack.py."""
    with local_stack(tmp_path_factory.mktemp("load")) as server:
        yield server


@pytest.mark.slow
def test_concurrent_clients_get_no_5xx_and_lose_no_write(server, settings):
    """Eight clients create, edit and delete their own contacts and fight over three shared
    ones; the table ends exactly as the accepted saves say, and every refusal is a 409."""
    result = run(server.url, server.username, server.password, clients=CLIENTS,
                 requests_per_client=REQUESTS_PER_CLIENT, shared=3, timeout=900)
    print(result.summary())
    settings.DYNAMODB = {
        **settings.DYNAMODB, "ENDPOINT_URL": server.endpoint, "TABLE": server.table
    }

    problems = result.check(stored_items())

    assert problems == [], "\n".join(problems[:30])
    assert result.tally.requests >= CLIENTS * REQUESTS_PER_CLIENT
    assert set(result.tally.statuses) <= {200, 302, 409}, result.tally.statuses
    # The fight really happened: saves were both accepted and refused on the shared contacts.
    assert len(result.shared_saves) > 0
    assert result.conflicts > 0
    assert result.tally.actions["bulk_delete"] > 0


def _listens(url):
    return listening(urlsplit(url).port)


def _alive(pid):
    """Return whether `pid` still runs (a zombie has stopped: only its reaping is left)."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except FileNotFoundError:
        return False


@pytest.mark.slow
def test_a_failing_run_stops_gunicorn_and_dynamodb_local(tmp_path):
    """The stack serves on loopback; when the run fails inside it, gunicorn's master and
    workers and DynamoDB Local are all stopped."""
    with pytest.raises(RuntimeError, match="the run failed"), \
            local_stack(tmp_path, workers=1, threads=1) as app:
        with Client(app.url) as client:
            assert client.get("/healthz").status == 200
        assert app.url.startswith("http://127.0.0.1:")
        assert app.endpoint.startswith("http://127.0.0.1:")
        gunicorn = [app.server.pid, *children(app.server.pid)]
        assert len(gunicorn) == 2
        raise RuntimeError("the run failed")

    assert not _listens(app.url)
    assert not _listens(app.endpoint)
    assert [pid for pid in gunicorn if _alive(pid)] == []


# --- The verdict itself must be able to fail --------------------------------------------

INITIAL = ("initial", 0)


def test_a_chain_of_saves_from_the_initial_value_to_the_stored_one_passes():
    saves = [("initial", "a", 1), ("a", "b", 2), ("b", "c", 3)]

    assert check_chain(INITIAL, saves, ("c", 3)) == []
    assert check_chain(INITIAL, [], INITIAL) == []


def test_two_accepted_saves_based_on_one_version_are_a_lost_write():
    saves = [("initial", "a", 1), ("initial", "b", 2)]

    problems = check_chain(INITIAL, saves, ("b", 2))

    assert any("lost write" in problem for problem in problems)


def test_a_save_missing_from_the_stored_result_is_reported():
    """The last accepted save is not what is stored: it vanished (or was overwritten blindly)."""
    saves = [("initial", "a", 1), ("a", "b", 2)]

    assert check_chain(INITIAL, saves, ("a", 1)) == [
        "stored as ('a', 1), but the last accepted save was ('b', 2)"
    ]


def test_a_save_based_on_a_version_never_stored_is_reported():
    saves = [("initial", "a", 1), ("ghost", "b", 2)]

    assert check_chain(INITIAL, saves, ("a", 1)) == [
        "1 of 2 accepted saves are not in the chain from 'initial'"
    ]


def test_own_contacts_must_match_exactly_and_nothing_else_may_be_stored():
    client = LoadClient(0, session=None, shared_ids=[], seed=0)
    client.own = {"load-0-1": {"id": "load-0-1", "username": "own 0-1", "age": 5}}
    result = Result(Tally(), [client], shared={}, duration=1.0, timed_out=False)

    assert result.check([{"id": "load-0-1", "username": "own 0-1", "age": 5}]) == []
    assert result.check([{"id": "load-0-1", "username": "own 0-1"}]) == [
        "'load-0-1' is stored as {'id': 'load-0-1', 'username': 'own 0-1'}, saved as "
        "{'id': 'load-0-1', 'username': 'own 0-1', 'age': 5}"
    ]
    assert result.check([{"id": "load-0-1", "username": "own 0-1", "age": 5},
                         {"id": "load-0-2", "username": "deleted"}]) == [
        "'load-0-2' is stored but was deleted or never saved"
    ]
