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
        assert 'Table "Contacts" created.' in first.output
        # The auth database lives in the data folder run-local was given.
        assert (tmp_path / "data" / "db.sqlite3").is_file()
        password = re.search(r"“admin” with password: (\S+)", first.output).group(1)
        contact_list = log_in(first, "admin", password)
        assert "Log out" in contact_list and "Select contact to change" in contact_list
        for contact_id, username in (("01", "Raju"), ("02", "Sham")):  # the tutorial's contacts
            assert f">{contact_id}</a>" in contact_list and username in contact_list
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
