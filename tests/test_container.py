"""The container: its start-up script run natively, and its files validated.

There is no Docker engine here, so scripts/docker-start (the image's CMD) runs
as a local process, as the image runs it: against a DynamoDB Local process,
serving through gunicorn, on loopback only. compose.yaml and the Dockerfile
are checked by the validators `make test` runs (scripts/lint-containers).
"""

import json
import os
import re
import runpy
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from contacts.models import CONTACTS, contacts
from dynamodb_tables.exceptions import TableAlreadyExists
from dynamodb_tables.store import operations
from tests.support.http import Client
from tests.support.processes import dynamodb_local_in_memory, free_port
from tests.test_run_local import log_in

ROOT = Path(__file__).resolve().parent.parent
START = ROOT / "scripts" / "docker-start"
LINT = ROOT / "scripts" / "lint-containers"
pytestmark = pytest.mark.slow

# Values that must never reach the log. The key id and secret use letters and
# digits only: DynamoDB Local refuses anything else in the key id.
AWS_KEY_ID = "testing"
AWS_SECRET = "NeverLogThisAwsSecret42"
GIVEN_SECRET_KEY = "given-django-secret-key-that-must-never-be-logged-42"
# secrets.token_urlsafe(50), as the script makes the key it generates, is 67
# such characters; nothing else in the log is anywhere near that long.
LONG_TOKEN = re.compile(r"[A-Za-z0-9_-]{40,}")


class StartScript:
    """One `scripts/docker-start` process on a spare loopback port, its log in a file."""

    def __init__(self, tmp_path, name, endpoint, **settings):
        self.port = free_port()
        self.output_path = tmp_path / f"{name}.log"
        env = {
            "PATH": os.environ["PATH"],
            "HOME": str(tmp_path),
            "PYTHON": sys.executable,
            "HOST": "127.0.0.1",
            "PORT": str(self.port),
            "WEB_CONCURRENCY": "1",
            "CONTACTSITE_DATA_DIR": str(tmp_path / "data"),
            "DJANGO_ENV_FILE": str(tmp_path / "missing.env"),
            "AWS_ENDPOINT_URL_DYNAMODB": endpoint,
            "AWS_ACCESS_KEY_ID": AWS_KEY_ID,
            "AWS_SECRET_ACCESS_KEY": AWS_SECRET,
            "AWS_REGION": "us-east-1",
            "AWS_CONFIG_FILE": str(tmp_path / "missing-aws-config"),
            "AWS_SHARED_CREDENTIALS_FILE": str(tmp_path / "missing-aws-credentials"),
            "AWS_EC2_METADATA_DISABLED": "true",
            **settings,
        }
        with open(self.output_path, "wb") as output:
            self.process = subprocess.Popen(
                [str(START)], cwd=ROOT, env=env, stdout=output, stderr=subprocess.STDOUT,
                start_new_session=True,  # its own process group, as a container's PID 1
            )

    @property
    def output(self):
        return self.output_path.read_text()

    def url(self, path):
        return f"http://127.0.0.1:{self.port}{path}"

    def wait_until_listening(self, seconds=120):
        """Wait for gunicorn's own `Listening at:` line for this port."""
        expected = f"Listening at: http://127.0.0.1:{self.port}"
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if expected in self.output:
                return
            assert self.process.poll() is None, f"docker-start exited early:\n{self.output}"
            time.sleep(0.2)
        pytest.fail(f"docker-start did not listen within {seconds}s:\n{self.output}")

    def get(self, path, host=None):
        """Return (status, body) of a GET through gunicorn, optionally with another Host."""
        with Client(self.url(""), timeout=10) as client:
            response = client.get(path, headers={"Host": host} if host else None)
        return response.status, response.text

    def terminate(self):
        """Send SIGTERM to the process group, as `docker stop` does; wait for the end."""
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
        try:
            return self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            pytest.fail(f"docker-start ignored SIGTERM:\n{self.output}")


def dockerfile_healthcheck():
    """Return the exec-form command of the Dockerfile's HEALTHCHECK."""
    text = (ROOT / "Dockerfile").read_text().replace("\\\n", " ")
    line = next(line for line in text.splitlines() if line.startswith("HEALTHCHECK"))
    return json.loads(line.split(" CMD ", 1)[1])


def run_healthcheck(port, **settings):
    """Run the image's HEALTHCHECK with the container's environment; return its exit code."""
    command = dockerfile_healthcheck()
    assert command[0] == "python"
    env = {"PATH": os.environ["PATH"], "PORT": str(port), **settings}
    return subprocess.run(
        [sys.executable, *command[1:]], env=env, capture_output=True, timeout=30
    ).returncode


def assert_no_secret_in(output, *secrets):
    for secret in (AWS_SECRET, *secrets):
        assert secret not in output
    assert not LONG_TOKEN.search(output), "something key-like was logged"


@pytest.fixture(scope="module", autouse=True)
def static_files(collected_static):
    """Every test here starts the image's gunicorn, whose pages need the collected files."""


@pytest.fixture(scope="module")
def dynamodb_endpoint(tmp_path_factory):
    """A DynamoDB Local of this module's own, so the table can be the default `Contacts`."""
    with dynamodb_local_in_memory(tmp_path_factory.mktemp("container-dynamodb")) as endpoint:
        yield endpoint


@pytest.fixture
def local_contacts(settings, dynamodb_endpoint):
    """Point this test's own data layer at the same DynamoDB Local and table."""
    settings.DYNAMODB = {
        **settings.DYNAMODB, "ENDPOINT_URL": dynamodb_endpoint, "TABLE": "Contacts",
    }
    return dynamodb_endpoint


def test_start_sets_up_serves_and_keeps_data_across_restarts(tmp_path, local_contacts):
    """First start creates the table and an admin; the second finds both and the data."""
    first = StartScript(tmp_path, "first", local_contacts)
    try:
        first.wait_until_listening()
        status, body = first.get("/healthz")
        assert (status, json.loads(body)) == (200, {"status": "ok", "table": "Contacts"})
        # The tutorial's `docker run` sets neither: the log says what production adds.
        assert "DJANGO_SECRET_KEY is not set" in first.output
        assert "Production should set DJANGO_SECRET_KEY" in first.output
        assert "Production should set DJANGO_ALLOWED_HOSTS" in first.output
        assert 'Table "Contacts" created.' in first.output
        password = re.search(r"“admin” with password: (\S+)", first.output).group(1)
        assert first.output.count(password) == 1
        assert "contactsite is running on http://127.0.0.1:" in first.output
        # Any Host is answered (`docker run -p 80:3000` reached by address), and the
        # image's own HEALTHCHECK passes.
        assert first.get("/healthz", host="203.0.113.7")[0] == 200
        assert run_healthcheck(first.port) == 0
        assert "Log out" in log_in(first, "admin", password)
        contacts.create({"id": "survivor", "username": "Still here"})
    finally:
        assert first.terminate() == 0, first.output
    assert_no_secret_in(first.output)

    second = StartScript(
        tmp_path, "second", local_contacts,
        DJANGO_SECRET_KEY=GIVEN_SECRET_KEY,
        DJANGO_ALLOWED_HOSTS="contacts.example.com,127.0.0.1",
    )
    try:
        second.wait_until_listening()
        assert second.get("/healthz")[0] == 200
        assert 'Table "Contacts" already exists.' in second.output
        assert "An admin user already exists." in second.output
        assert "password" not in second.output
        assert "DJANGO_SECRET_KEY is not set" not in second.output
        assert "DJANGO_ALLOWED_HOSTS is not set" not in second.output
        assert contacts.get("survivor")["username"] == "Still here"
        assert "Log out" in log_in(second, "admin", password)
        # The settings' host list is enforced, but not on /healthz, which a load
        # balancer asks by the task's IP address: the HEALTHCHECK passes either way.
        assert second.get("/admin/login/", host="elsewhere.example.org")[0] == 400
        assert second.get("/healthz", host="10.0.1.23:3000")[0] == 200
        assert run_healthcheck(
            second.port, DJANGO_ALLOWED_HOSTS="contacts.example.com,127.0.0.1"
        ) == 0
        assert run_healthcheck(second.port, DJANGO_ALLOWED_HOSTS="elsewhere.example.org") == 0
    finally:
        assert second.terminate() == 0, second.output
    assert_no_secret_in(second.output, GIVEN_SECRET_KEY)


def test_start_creates_the_admin_named_in_the_environment(tmp_path, local_contacts):
    """DJANGO_SUPERUSER_* name the admin; its password is used, never logged."""
    given_password = "Chosen-Admin-Passw0rd"
    run = StartScript(
        tmp_path, "named", local_contacts,
        DJANGO_SUPERUSER_USERNAME="boss",
        DJANGO_SUPERUSER_PASSWORD=given_password,
        DJANGO_SUPERUSER_EMAIL="boss@example.com",
    )
    try:
        run.wait_until_listening()
        assert "Created admin user “boss”." in run.output
        assert "Log out" in log_in(run, "boss", given_password)
    finally:
        assert run.terminate() == 0, run.output
    assert given_password not in run.output
    assert_no_secret_in(run.output)


def test_start_without_create_table_permission_serves_an_existing_table(tmp_path, local_contacts):
    """A role that may not create tables still starts when the table exists, else fails."""
    try:
        operations.create_table(CONTACTS, operations.Capacity())
    except TableAlreadyExists:
        pass
    # Stands in for a least-privilege role: create_table is refused, all else works.
    python = tmp_path / "python"
    python.write_text(
        "#!/bin/sh\n"
        'if [ "$2" = create_table ]; then\n'
        '  echo "CommandError: Access denied by AWS: not authorized to perform'
        ' dynamodb:CreateTable" >&2\n'
        "  exit 1\n"
        "fi\n"
        f'exec {sys.executable} "$@"\n'
    )
    python.chmod(0o755)

    run = StartScript(tmp_path, "existing", local_contacts, PYTHON=str(python))
    try:
        run.wait_until_listening()
        assert "create_table failed (see above), but the table exists" in run.output
        assert run.get("/healthz")[0] == 200
    finally:
        assert run.terminate() == 0, run.output

    missing = StartScript(
        tmp_path, "missing", local_contacts, PYTHON=str(python), DYNAMODB_TABLE="Absent"
    )
    try:
        returncode = missing.process.wait(timeout=60)
    finally:
        missing.terminate()
    assert returncode != 0
    assert "ERROR: Could not create the contacts table (see above)." in missing.output
    assert "Listening at" not in missing.output


def test_start_waits_for_dynamodb_then_fails_naming_the_endpoint(tmp_path):
    """With nothing answering, the script waits DYNAMODB_WAIT_TIMEOUT seconds and exits 1."""
    endpoint = f"http://127.0.0.1:{free_port()}"
    run = StartScript(tmp_path, "down", endpoint, DYNAMODB_WAIT_TIMEOUT="3")
    started = time.monotonic()
    try:
        returncode = run.process.wait(timeout=90)
    finally:
        run.terminate()
    assert returncode != 0
    assert time.monotonic() - started >= 3
    assert "Waiting up to 3 seconds for DynamoDB" in run.output
    assert f"Waiting for DynamoDB (table \"Contacts\" at {endpoint}) to answer" in run.output
    assert f"ERROR: DynamoDB at {endpoint} did not answer within 3 seconds" in run.output
    assert "Listening at" not in run.output
    assert_no_secret_in(run.output)


# --- The validators `make test` runs --------------------------------------------


def lint(*args):
    return subprocess.run(
        [sys.executable, str(LINT), *args], cwd=ROOT, capture_output=True, text=True, timeout=120
    )


def test_container_files_pass_compose_and_hadolint():
    result = lint()
    assert result.returncode == 0, result.stdout + result.stderr
    assert "compose.yaml (docker compose config): OK" in result.stdout
    assert "Dockerfile (hadolint): OK" in result.stdout


def test_validators_fail_on_broken_copies(tmp_path):
    """Each validator really fails: on a compose.yaml and a Dockerfile with one mistake."""
    compose = (ROOT / "compose.yaml").read_text()
    assert "condition: service_healthy" in compose
    broken_compose = tmp_path / "compose.yaml"
    broken_compose.write_text(compose.replace("service_healthy", "service_ready"))
    result = lint("--compose", str(broken_compose))
    assert result.returncode != 0
    assert "(docker compose config): FAILED" in result.stderr

    dockerfile = (ROOT / "Dockerfile").read_text()
    assert "pip install --no-cache-dir" in dockerfile
    broken_dockerfile = tmp_path / "Dockerfile"
    broken_dockerfile.write_text(dockerfile.replace("--no-cache-dir ", ""))
    result = lint("--dockerfile", str(broken_dockerfile))
    assert result.returncode != 0
    assert "DL3042" in result.stderr


def test_compose_runs_dynamodb_local_and_the_app_as_the_issue_asks(tmp_path):
    """Read through Compose itself: pinned image, persistent volumes, health-gated start."""
    compose_binary = runpy.run_path(str(LINT))["compose_binary"]()
    no_settings = tmp_path / "empty.env"  # neither a developer's .env nor PORT applies
    no_settings.write_text("")
    config = json.loads(subprocess.run(
        [str(compose_binary), "-f", str(ROOT / "compose.yaml"), "--env-file", str(no_settings),
         "config", "--format", "json"],
        cwd=ROOT, env={"PATH": os.environ["PATH"], "HOME": str(tmp_path)},
        capture_output=True, text=True, check=True, timeout=60,
    ).stdout)
    dynamodb, web = config["services"]["dynamodb"], config["services"]["web"]

    assert re.fullmatch(r"amazon/dynamodb-local:\d+\.\d+\.\d+", dynamodb["image"])
    command = dynamodb["command"]
    assert "-sharedDb" in command
    db_path = command[command.index("-dbPath") + 1]
    assert [(v["type"], v["target"]) for v in dynamodb["volumes"]] == [("volume", db_path)]
    assert dynamodb["healthcheck"]["test"]

    assert web["build"]["dockerfile"] == "Dockerfile"
    assert web["depends_on"]["dynamodb"]["condition"] == "service_healthy"
    environment = web["environment"]
    assert environment["AWS_ENDPOINT_URL_DYNAMODB"] == "http://dynamodb:8000"
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"):
        assert environment[name].isalnum(), name
    assert [(p["target"], p["published"]) for p in web["ports"]] == [(3000, "3000")]
    assert [(v["type"], v["target"]) for v in web["volumes"]] == [("volume", "/app/data")]
    assert environment["CONTACTSITE_DATA_DIR"] == "/app/data"
    assert set(config["volumes"]) == {"dynamodb-data", "auth-data"}


def test_dockerfile_builds_a_pinned_non_root_gunicorn_image():
    text = (ROOT / "Dockerfile").read_text()
    assert re.search(r"^FROM python:3\.11\.\d+-slim-bookworm$", text, re.MULTILINE)
    # requirements.txt is installed before the code is copied: its own cached layer.
    assert text.index("COPY requirements.txt") < text.index("pip install") < text.index("COPY . ")
    assert "manage.py collectstatic" in text
    user = re.search(r"^USER (\S+)$", text, re.MULTILINE).group(1)
    assert user.split(":")[0] not in ("root", "0")
    assert 'CMD ["/app/scripts/docker-start"]' in text
    assert os.access(START, os.X_OK)
    ignored = (ROOT / ".dockerignore").read_text().split()
    for path in (".venv", ".git", "data", "tests", ".env", ".cache"):
        assert path in ignored
