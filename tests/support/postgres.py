"""Start a throwaway PostgreSQL server: Debian's binaries, a temporary data folder, loopback.

The one way tests start PostgreSQL. `make test` installs Debian's
`postgresql` package when it is missing (scripts/require-postgresql); the
server listens on a free port of 127.0.0.1 only, with no Unix socket, and a
password is required, as on RDS.
"""

import contextlib
import os
import pwd
import secrets
import shutil
import signal
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import psycopg

from tests.support.processes import free_port, stop

BINARIES = "/usr/lib/postgresql/*/bin"
USER = "contactsite"
DATABASE = "contactsite"


class PostgreSQLMissing(RuntimeError):
    """Debian's PostgreSQL server binaries are not installed."""


@dataclass(frozen=True)
class PostgreSQL:
    """A running server: where it listens and how to log in."""

    port: int
    password: str
    folder: Path
    host: str = "127.0.0.1"
    user: str = USER

    def url(self, database=DATABASE, password=True):
        """Return a DATABASE_URL; without `password`, libpq takes PGPASSWORD instead."""
        login = f"{self.user}:{self.password}" if password else self.user
        return f"postgres://{login}@{self.host}:{self.port}/{database}"

    def connect(self, database=DATABASE):
        """Return an autocommit connection as the server's superuser."""
        return psycopg.connect(host=self.host, port=self.port, user=self.user,
                               password=self.password, dbname=database, autocommit=True)


def binaries():
    """Return the folder of the newest installed PostgreSQL server's programs."""
    folders = sorted(Path("/").glob(BINARIES.lstrip("/")),
                     key=lambda path: int(path.parent.name) if path.parent.name.isdigit() else 0)
    for folder in reversed(folders):
        if (folder / "initdb").exists() and (folder / "postgres").exists():
            return folder
    raise PostgreSQLMissing(
        f"PostgreSQL's server is not installed (no initdb under {BINARIES}): run "
        "scripts/require-postgresql (`make test` does), or apt-get install postgresql."
    )


def _run_as():
    # PostgreSQL refuses to run as root; Debian's package adds the `postgres` user.
    if os.geteuid() != 0:
        return None
    try:
        return pwd.getpwnam("postgres")
    except KeyError:
        raise PostgreSQLMissing(
            "PostgreSQL will not run as root, and there is no `postgres` user to run it as: "
            "apt-get install postgresql adds one."
        ) from None


@contextlib.contextmanager
def postgresql_server():
    """Run PostgreSQL with an empty `contactsite` database; yield a PostgreSQL, then stop it.

    Its data and log (`postgresql.log`) live in a temporary folder, removed afterwards.
    """
    bin_dir, owner = binaries(), _run_as()
    folder = Path(tempfile.mkdtemp(prefix="contactsite-postgresql-"))
    server = PostgreSQL(port=free_port(), password=secrets.token_urlsafe(16), folder=folder)
    process = None
    try:
        password_file = folder / "password"
        password_file.write_text(server.password + "\n")
        if owner:
            for path in (folder, password_file):
                os.chown(path, owner.pw_uid, owner.pw_gid)
        user = {"user": owner.pw_uid, "group": owner.pw_gid, "extra_groups": []} if owner else {}
        initdb = subprocess.run(
            [bin_dir / "initdb", "--pgdata", folder / "data", "--username", USER,
             "--pwfile", password_file, "--auth", "scram-sha-256", "--encoding", "UTF8",
             "--no-sync"],
            capture_output=True, text=True, timeout=120, **user,
        )
        if initdb.returncode:
            raise RuntimeError(f"initdb failed:\n{initdb.stdout}{initdb.stderr}")
        with open(folder / "postgresql.log", "ab") as log:
            process = subprocess.Popen(
                # Durability off: the data is thrown away, and fsync is slow.
                [bin_dir / "postgres", "-D", folder / "data", "-p", str(server.port),
                 "-c", "listen_addresses=127.0.0.1", "-c", "unix_socket_directories=",
                 "-c", "fsync=off", "-c", "synchronous_commit=off",
                 "-c", "full_page_writes=off"],
                stdout=log, stderr=subprocess.STDOUT, start_new_session=True, **user,
            )
        _wait_until_it_answers(server, process)
        with server.connect("postgres") as connection:
            connection.execute(f"CREATE DATABASE {DATABASE}")
        yield server
    finally:
        if process is not None:
            _stop(process)
        shutil.rmtree(folder, ignore_errors=True)


def _wait_until_it_answers(server, process, seconds=60):
    # It listens before it accepts logins ("the database system is starting up").
    deadline = time.monotonic() + seconds
    while True:
        if process.poll() is not None:
            raise RuntimeError(f"PostgreSQL exited with {process.returncode}; see "
                               f"{server.folder / 'postgresql.log'}")
        try:
            server.connect("postgres").close()
            return
        except psycopg.OperationalError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.1)


def _stop(process):
    # SIGINT is PostgreSQL's fast shutdown; SIGTERM would wait for every client to leave.
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGINT)
    stop(process)
