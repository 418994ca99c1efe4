"""PostgreSQL as the auth database: the auth-database tests again, and two servers on one.

PostgreSQL is Debian's (`make test` installs it with scripts/require-postgresql),
started by tests/support/postgres.py on a loopback port with its data in a
temporary folder. The servers log in to it as the AWS template's tasks do: a
DATABASE_URL without the password, which libpq reads from PGPASSWORD.
"""

import json
import os
import re
import runpy
import subprocess
import sys
import threading
import xml.etree.ElementTree as ElementTree
from urllib.parse import urlsplit

import pytest
from django.contrib.admin.utils import quote
from django.db import connection

from tests.support.http import Client, page_form
from tests.support.postgres import postgresql_server
from tests.support.processes import ROOT, dynamodb_local_in_memory
from tests.support.stack import App
from tests.test_aws_template import template

pytestmark = pytest.mark.slow

LINT = ROOT / "scripts" / "lint-containers"
LIST_URL = "/admin/contacts/contact/"
LOGIN_URL = "/admin/login/"
FAILURES_PER_USERNAME = 3


@pytest.fixture(scope="module")
def postgresql():
    with postgresql_server() as server:
        yield server


@pytest.mark.auth_database
def test_the_auth_database_is_the_one_the_run_asked_for(db):
    """SQLite in the main run; PostgreSQL when the test below runs these tests again."""
    asked = os.environ.get("CONTACTSITE_TEST_DATABASE_URL", "sqlite://")
    assert connection.vendor == ("postgresql" if asked.startswith("postgres") else "sqlite")


def test_the_auth_database_tests_pass_on_postgresql(postgresql, tmp_path):
    """Every test marked auth_database (sessions, login limit, permissions, history) passes
    with PostgreSQL as the auth database, none skipped."""
    report = tmp_path / "report.xml"
    run = subprocess.run(
        [sys.executable, "-m", "pytest", "-m", "auth_database", "-p", "no:cacheprovider",
         "-q", f"--junitxml={report}", "tests"],
        cwd=ROOT, env={**os.environ, "CONTACTSITE_TEST_DATABASE_URL": postgresql.url()},
        capture_output=True, text=True, timeout=1800,
    )

    assert run.returncode == 0, run.stdout[-8000:] + run.stderr[-2000:]
    cases = ElementTree.parse(report).getroot().iter("testcase")
    outcomes = {case.get("name"): {child.tag for child in case} for case in cases}
    assert not {name: tags & {"skipped", "failure", "error"} for name, tags in outcomes.items()
                if tags & {"skipped", "failure", "error"}}
    passed = " ".join(outcomes)
    assert "test_the_auth_database_is_the_one_the_run_asked_for" in passed
    for topic in ("limit|lockout", "permission", "history"):
        assert re.search(topic, passed), f"no auth_database test about {topic} ran on PostgreSQL"


# --- Two servers, one PostgreSQL and one DynamoDB Local -----------------------------------


@pytest.fixture(scope="module")
def servers(postgresql, tmp_path_factory, collected_static):
    """Two gunicorn servers of one deployment, set up at the same moment as two tasks start."""
    workdir = tmp_path_factory.mktemp("two-servers")
    with dynamodb_local_in_memory(workdir) as endpoint:
        first = App(workdir / "first", endpoint, "Contacts")
        first.env.update(
            DATABASE_URL=postgresql.url(password=False), PGPASSWORD=postgresql.password,
            DJANGO_LOGIN_FAILURES_PER_USERNAME_AND_ADDRESS=str(FAILURES_PER_USERNAME),
            DJANGO_LOGIN_FAILURES_PER_ADDRESS="100",
        )
        both = [first, first.another_server(workdir / "second")]
        for app in both:
            app.workdir.mkdir()
        set_up_at_once(both)
        try:
            for app in both:
                app.serve(workers=1, threads=2)
            yield both
        finally:
            for app in both:
                app.stop()


def set_up_at_once(apps):
    """Run every app's start-up commands in parallel; raise the first failure."""
    failures = []

    def set_up(app):
        try:
            app.set_up()
        except RuntimeError as error:
            failures.append(error)

    threads = [threading.Thread(target=set_up, args=(app,)) for app in apps]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if failures:
        raise failures[0]


def add_contact(client, contact_id, username):
    page = client.get(f"{LIST_URL}add/")
    form = page_form(page.text, f"{LIST_URL}add/")
    form.update(id=contact_id, username=username)
    return client.post(f"{LIST_URL}add/", form)


def change_contact(client, contact_id, **changes):
    url = f"{LIST_URL}{quote(contact_id)}/change/"
    form = page_form(client.get(url).text, url)
    form.update(changes)
    return client.post(url, form)


def test_a_user_logs_in_on_one_server_and_goes_on_working_on_the_other(servers):
    """One session for both servers: log in on the first, add on the second, change on the
    first; each server's history shows both changes; logging out on one ends it on both."""
    first_server, second_server = servers
    first = Client(first_server.url)
    first.log_in(first_server.username, first_server.password)
    second = Client(second_server.url)
    second.cookies = dict(first.cookies)

    assert add_contact(second, "shared-1", "Raju").status == 302
    assert change_contact(first, "shared-1", username="Raju K").status == 302
    histories = [client.get(f"{LIST_URL}shared-1/history/") for client in (first, second)]
    logout = second.post("/admin/logout/", {"csrfmiddlewaretoken": second.cookies["csrftoken"]})
    after = first.get(LIST_URL)

    for history in histories:
        assert history.status == 200
        assert re.search(r"Added\..*Changed username\.", history.text, re.S)
    assert logout.status == 200
    assert after.status == 302
    assert after.location.startswith(LOGIN_URL)


def test_login_limits_count_the_failures_on_both_servers(servers):
    """Failures alternate between the servers; at the limit (DJANGO_LOGIN_FAILURES_PER_
    USERNAME_AND_ADDRESS, all from 127.0.0.1) both refuse even the right password with 429,
    though neither saw that many itself."""
    apps = servers
    apps[0].manage("shell", "-c", "from django.contrib.auth.models import User; User.objects"
                   ".create_user('ada', password='right-horse-battery', is_staff=True)")

    def attempt(app, password):
        with Client(app.url) as client:
            page = client.get(LOGIN_URL)
            form = page_form(page.text, LOGIN_URL)
            form.update(username="ada", password=password, next=LIST_URL)
            return client.post(LOGIN_URL, form).status

    failed = [attempt(apps[number % 2], "wrong") for number in range(FAILURES_PER_USERNAME)]

    # The last failure may already answer 429, depending on how the limiter counts.
    assert failed[:-1] == [200] * (FAILURES_PER_USERNAME - 1)
    assert failed[-1] in (200, 429)
    assert [attempt(app, "right-horse-battery") for app in apps] == [429, 429]


def test_servers_started_together_share_one_admin_and_schema(servers, postgresql):
    """Both start-ups ran at once on an empty database: one admin user, every migration once."""
    with postgresql.connect() as database:
        admins = database.execute("SELECT count(*) FROM auth_user WHERE is_superuser").fetchone()
        twice = database.execute(
            "SELECT count(*) FROM (SELECT app, name FROM django_migrations "
            "GROUP BY app, name HAVING count(*) > 1) AS repeated").fetchone()

    assert admins == (1,)
    assert twice == (0,)


# --- compose.postgres.yaml -----------------------------------------------------------------


def lint(*args):
    return subprocess.run([sys.executable, str(LINT), *args], cwd=ROOT, capture_output=True,
                          text=True, timeout=120)


def test_the_postgres_compose_file_is_validated_like_compose_yaml(tmp_path):
    """scripts/lint-containers checks compose.yaml with compose.postgres.yaml over it, and
    fails on a copy with one mistake."""
    override = (ROOT / "compose.postgres.yaml").read_text()
    assert "condition: service_healthy" in override
    broken = tmp_path / "compose.postgres.yaml"
    broken.write_text(override.replace("service_healthy", "service_ready"))

    passed, failed = lint(), lint("--compose-postgres", str(broken))

    assert passed.returncode == 0, passed.stdout + passed.stderr
    assert "compose.postgres.yaml (docker compose config): OK" in passed.stdout
    assert failed.returncode != 0
    assert "compose.postgres.yaml (docker compose config): FAILED" in failed.stderr


def test_compose_runs_the_stack_with_a_healthchecked_postgresql(tmp_path):
    """Read through Compose itself: PostgreSQL pinned to the AWS template's release, health
    checked, its data in a named volume and its port unpublished; the app waits until it is
    healthy and logs in to it."""
    no_settings = tmp_path / "empty.env"  # neither a developer's .env nor PORT applies
    no_settings.write_text("")
    compose = runpy.run_path(str(LINT))["compose_binary"]()
    config = json.loads(subprocess.run(
        [str(compose), "-f", str(ROOT / "compose.yaml"), "-f", str(ROOT / "compose.postgres.yaml"),
         "--env-file", str(no_settings), "config", "--format", "json"],
        cwd=ROOT, env={"PATH": os.environ["PATH"], "HOME": str(tmp_path)},
        capture_output=True, text=True, check=True, timeout=60,
    ).stdout)
    postgres, web = config["services"]["postgres"], config["services"]["web"]
    settings = postgres["environment"]
    url = urlsplit(web["environment"]["DATABASE_URL"])
    release = template()["Resources"]["Database"]["Properties"]["EngineVersion"]

    assert postgres["image"] == f"postgres:{release}-bookworm"
    assert "pg_isready" in " ".join(postgres["healthcheck"]["test"])
    assert [(v["type"], v["source"], v["target"]) for v in postgres["volumes"]] == [
        ("volume", "postgres-data", "/var/lib/postgresql/data")]
    assert "postgres-data" in config["volumes"]
    assert "ports" not in postgres
    assert web["depends_on"]["postgres"]["condition"] == "service_healthy"
    assert web["depends_on"]["dynamodb"]["condition"] == "service_healthy"
    assert (url.scheme, url.hostname, url.port) == ("postgres", "postgres", 5432)
    assert (url.username, url.password, url.path) == (
        settings["POSTGRES_USER"], settings["POSTGRES_PASSWORD"], "/" + settings["POSTGRES_DB"])
