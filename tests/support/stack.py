"""The app served as in production: its environment, manage.py commands and gunicorn.

`local_stack` starts DynamoDB Local (in memory), prepares the app and serves
it with gunicorn, all on 127.0.0.1, and stops every process (gunicorn's
whole process group) when the block ends or fails.
"""

import contextlib
import os
import secrets
import subprocess
import sys
import time
from pathlib import Path

from tests.support.processes import ROOT, dynamodb_local_in_memory, free_port, stop, wait_for_port

# DynamoDB Local refuses an access key id with anything but letters and digits.
AWS_KEY_ID = "local"
AWS_SECRET = "local"
REGION = "us-east-1"


class App:
    """The app's environment for one run: manage.py commands and a gunicorn server."""

    # How manage.py is run: the benchmark puts a wrapper in front to read its peak memory.
    manage_py = ("manage.py",)

    def __init__(self, workdir, endpoint, table, settings="contactsite.settings"):
        self.workdir = Path(workdir)
        self.endpoint = endpoint
        self.table = table
        self.username = "admin"
        self.password = secrets.token_urlsafe(16)
        self.env = {
            "PATH": os.environ["PATH"],
            "HOME": str(self.workdir),
            "LANG": "C.UTF-8",
            "PYTHONUNBUFFERED": "1",
            "DJANGO_SETTINGS_MODULE": settings,
            "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
            "DJANGO_DEBUG": "false",
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
            "DJANGO_ENV_FILE": str(self.workdir / "missing.env"),
            "DJANGO_LOG_LEVEL": "WARNING",
            "DATABASE_URL": f"sqlite:///{self.workdir / 'db.sqlite3'}",
            "CONTACTSITE_DATA_DIR": str(self.workdir / "data"),
            "DJANGO_SUPERUSER_USERNAME": self.username,
            "DJANGO_SUPERUSER_PASSWORD": self.password,
            "DJANGO_SUPERUSER_EMAIL": "",
            "AWS_ENDPOINT_URL_DYNAMODB": endpoint,
            "AWS_ACCESS_KEY_ID": AWS_KEY_ID,
            "AWS_SECRET_ACCESS_KEY": AWS_SECRET,
            "AWS_REGION": REGION,
            "AWS_CONFIG_FILE": str(self.workdir / "missing-aws-config"),
            "AWS_SHARED_CREDENTIALS_FILE": str(self.workdir / "missing-aws-credentials"),
            "AWS_EC2_METADATA_DISABLED": "true",
            "DYNAMODB_TABLE": table,
        }
        self.server = None
        self.url = None

    def for_table(self, table):
        """Return an App for another table, sharing this one's auth database and admin user."""
        other = type(self).__new__(type(self))
        other.__dict__.update(self.__dict__, table=table, server=None, url=None)
        other.env = {**self.env, "DYNAMODB_TABLE": table}
        return other

    def manage(self, *args, table=None, stdout=None):
        """Run a manage.py command; return (its seconds, its stderr as text)."""
        env = {**self.env, "DYNAMODB_TABLE": table or self.table}
        started = time.perf_counter()
        process = subprocess.run(
            [sys.executable, *self.manage_py, *args], cwd=ROOT, env=env,
            stdout=stdout or subprocess.DEVNULL, stderr=subprocess.PIPE, check=False,
        )
        seconds = time.perf_counter() - started
        stderr = process.stderr.decode(errors="replace")
        if process.returncode:
            raise RuntimeError(f"manage.py {' '.join(args)} failed:\n{stderr}")
        return seconds, stderr

    def another_server(self, workdir):
        """Return an App for a second server of this deployment: same settings, own logs."""
        other = type(self).__new__(type(self))
        other.__dict__.update(self.__dict__, workdir=Path(workdir), server=None, url=None)
        other.env = dict(self.env)
        return other

    def prepare(self):
        """Collect static files, create the table, the auth database and the admin user."""
        # With DEBUG off, pages name static files from the collected manifest, as in the image.
        self.manage("collectstatic", "--noinput", "--verbosity", "0")
        self.set_up()

    def set_up(self):
        """Create the table, the auth database and the admin user, as each server's start does."""
        for command in (("create_table",), ("migrate", "--noinput"), ("ensure_superuser",)):
            self.manage(*command)

    def serve(self, workers=2, threads=None, python=sys.executable):
        """Start gunicorn as scripts/docker-start does, on a free loopback port; return its URL.

        `threads` is left from thread workers: gunicorn.conf.py's gevent workers serve
        each connection in a greenlet. `python` runs it (the benchmark compares two).
        """
        port = free_port()
        self.log_path = self.workdir / "gunicorn.log"
        with open(self.log_path, "ab") as log:
            self.server = subprocess.Popen(
                [python, "-m", "gunicorn", "contactsite.wsgi",
                 "--config", "gunicorn.conf.py", "--bind", f"127.0.0.1:{port}",
                 "--workers", str(workers),
                 "--error-logfile", "-", "--no-control-socket", "--worker-tmp-dir", "/dev/shm"],
                cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        try:
            wait_for_port(port, self.server, log=self.log_path)
        except BaseException:
            self.stop()
            raise
        self.url = f"http://127.0.0.1:{port}"
        return self.url

    def stop(self):
        """Stop gunicorn (master and workers), if it was started."""
        if self.server is not None:
            stop(self.server)


@contextlib.contextmanager
def local_stack(workdir, table="Contacts", settings="contactsite.settings", workers=2,
                threads=None):
    """Start DynamoDB Local, prepare the app and serve it; yield the App (its `url` set).

    DynamoDB Local and gunicorn are stopped when the block ends or fails;
    their logs stay in `workdir`, which the caller removes.
    """
    with dynamodb_local_in_memory(workdir) as endpoint:
        app = App(workdir, endpoint, table, settings)
        try:
            app.prepare()
            app.serve(workers, threads)
            yield app
        finally:
            app.stop()
