"""`make run` end to end: scripts/run-local started twice, as a user would.

It starts DynamoDB Local (persistent) and the app on spare ports, is stopped
with Ctrl-C (SIGINT to its process group) and started again: contacts, the
table and the admin user survive, and the tutorial contacts are seeded once.
"""

import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from contacts.models import contacts
from dynamodb_tables.exceptions import ItemNotFound
from tests.support.http import Client
from tests.support.processes import free_port, listening

ROOT = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.slow


class LocalRun:
    """One `scripts/run-local` process with its output collected in a file."""

    def __init__(self, tmp_path, ports, name):
        self.port, self.dynamodb_port = ports
        self.output_path = tmp_path / f"{name}.log"
        env = {
            "PATH": os.environ["PATH"],
            "HOME": os.environ.get("HOME", str(tmp_path)),
            "PYTHON": sys.executable,
            "PORT": str(self.port),
            "DYNAMODB_PORT": str(self.dynamodb_port),
            "CONTACTSITE_DATA_DIR": str(tmp_path / "data"),
            "DJANGO_ENV_FILE": str(tmp_path / "missing.env"),
            "PYTHONUNBUFFERED": "1",
        }
        with open(self.output_path, "wb") as output:
            self.process = subprocess.Popen(
                [str(ROOT / "scripts" / "run-local")],
                cwd=ROOT, env=env, stdout=output, stderr=subprocess.STDOUT,
                start_new_session=True,  # its own process group, as a terminal gives it
            )

    @property
    def output(self):
        return self.output_path.read_text()

    def url(self, path):
        return f"http://127.0.0.1:{self.port}{path}"

    def wait_until_serving(self, seconds=120):
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            assert self.process.poll() is None, f"run-local exited early:\n{self.output}"
            try:
                with urllib.request.urlopen(self.url("/admin/login/"), timeout=2) as response:
                    if response.status == 200:
                        return
            except OSError:
                time.sleep(0.5)
        pytest.fail(f"run-local did not serve within {seconds}s:\n{self.output}")

    def interrupt(self):
        """Press Ctrl-C: SIGINT to the whole process group; wait for it to end."""
        os.killpg(self.process.pid, signal.SIGINT)
        try:
            self.process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            pytest.fail(f"run-local ignored Ctrl-C:\n{self.output}")


def log_in(run, username, password):
    """Log in through the admin login form as a browser would from "/"; return the contact list."""
    with Client(run.url("")) as client:
        client.log_in(username, password, next="/")
        return client.get("/", follow=True).text


def second_terminal(tmp_path, *args):
    """Run `manage.py ARGS` as in a new terminal: no variable but PATH and HOME (and
    DJANGO_ENV_FILE, standing in for the project folder's .env)."""
    env = {"PATH": os.environ["PATH"], "HOME": str(tmp_path),
           "DJANGO_ENV_FILE": str(tmp_path / "missing.env")}
    return subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=120)


def assert_second_terminal_reaches_the_same_store(tmp_path, run, dynamodb_port):
    """run-local wrote a .env (and said so), readable by its owner only, with which a
    command in another terminal reaches the same DynamoDB Local and auth database."""
    env_file = tmp_path / "missing.env"
    assert f"Wrote {env_file}" in run.output
    assert env_file.stat().st_mode & 0o077 == 0, "the .env holds a secret key"
    endpoint = f"http://127.0.0.1:{dynamodb_port}"

    described = second_terminal(tmp_path, "describe_table")
    assert described.returncode == 0, described.stderr
    assert "Items (approximate)  2" in described.stdout  # the tutorial's two contacts

    seed = second_terminal(tmp_path, "seed_contacts")
    assert seed.returncode == 0, seed.stderr
    assert seed.stdout.splitlines()[0] == f'Target: table "Contacts" at {endpoint}'
    assert "Seeded 0 of 2 contacts." in seed.stdout  # the same table: already there

    users = second_terminal(tmp_path, "ensure_superuser")
    assert users.returncode == 0, users.stderr
    assert "An admin user already exists." in users.stdout  # the same auth database


@pytest.fixture
def local_store(settings):
    """Point this test's data layer at the DynamoDB Local that run-local starts."""
    ports = (free_port(), free_port())
    settings.DYNAMODB = {
        **settings.DYNAMODB,
        "ENDPOINT_URL": f"http://127.0.0.1:{ports[1]}",
        "TABLE": "Contacts",
    }
    return ports


def test_make_run_serves_and_keeps_data_across_restarts(tmp_path, local_store):
    first = LocalRun(tmp_path, local_store, "first")
    try:
        first.wait_until_serving()
        env_file_text = (tmp_path / "missing.env").read_text()
        assert 'Table "Contacts" created.' in first.output
        # The auth database lives in the data folder run-local was given.
        assert (tmp_path / "data" / "db.sqlite3").is_file()
        assert_second_terminal_reaches_the_same_store(tmp_path, first, local_store[1])
        password = re.search(r"“admin” with password: (\S+)", first.output).group(1)
        contact_list = log_in(first, "admin", password)
        assert "Log out" in contact_list and "Select contact to change" in contact_list
        for contact_id, username in (("01", "Raju"), ("02", "Sham")):  # the tutorial's contacts
            assert f">{contact_id}</a>" in contact_list and username in contact_list
        assert "About 2 contacts in table" in contact_list
        # An import in the second terminal shows in the server's count at once, not in
        # minutes: the command tells the server (through the auth database) to ask again.
        (tmp_path / "one.jsonl").write_text('{"id": {"S": "imported"}}\n')
        imported = second_terminal(tmp_path, "import_contacts", str(tmp_path / "one.jsonl"))
        assert imported.returncode == 0, imported.stderr
        assert "About 3 contacts in table" in log_in(first, "admin", password)
        assert contacts.get("01")["username"] == "Raju"
        contacts.create({"id": "survivor", "username": "Still here"})
        contacts.delete("01")
    finally:
        first.interrupt()
    assert not listening(local_store[1]), "Ctrl-C left DynamoDB Local running"

    second = LocalRun(tmp_path, local_store, "second")
    try:
        second.wait_until_serving()
        assert 'Table "Contacts" already exists.' in second.output
        assert "An admin user already exists." in second.output
        assert "password:" not in second.output
        # The .env of the first start is kept as it was, and no note about it is needed.
        assert "Wrote " not in second.output and "Note:" not in second.output
        assert (tmp_path / "missing.env").read_text() == env_file_text
        assert contacts.get("survivor")["username"] == "Still here"
        with pytest.raises(ItemNotFound):
            contacts.get("01")  # seeded once, with the table; not re-seeded
        assert "Log out" in log_in(second, "admin", password)
    finally:
        second.interrupt()
    assert not listening(local_store[1])


def test_make_run_refuses_a_busy_port(tmp_path, local_store):
    """A port already in use is named in a clear message, not a Java stack trace."""
    with socket.socket() as squatter:
        squatter.bind(("127.0.0.1", local_store[1]))
        squatter.listen()
        run = LocalRun(tmp_path, local_store, "busy")
        assert run.process.wait(timeout=30) != 0
    assert f"Port {local_store[1]} is already in use" in run.output


def test_make_run_without_java_says_what_to_install(tmp_path, local_store):
    """With no java on PATH, run-local names the package to install, or docker compose."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for tool in ("bash", "dirname"):
        (bin_dir / tool).symlink_to(subprocess.check_output(["which", tool], text=True).strip())
    result = subprocess.run(
        [str(ROOT / "scripts" / "run-local")], cwd=ROOT, env={"PATH": str(bin_dir)},
        capture_output=True, text=True, timeout=30,
    )
    assert result.returncode != 0
    assert "openjdk-17-jre-headless" in result.stderr and "docker compose up" in result.stderr
