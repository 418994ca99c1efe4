"""The list's approximate count moves with the app's own adds, deletes and imports, and says
how long DynamoDB's figure has stood; the site has an icon, so no page asks for a missing one.

DynamoDB refreshes ItemCount about every six hours, DynamoDB Local and moto at once:
`frozen_figure` stands in for the real service's stale figure.
"""

import io
import json
import re

import pytest
from django.contrib.staticfiles import finders
from django.core.cache import caches
from django.core.management import call_command
from django.templatetags.static import static

from contacts.models import CONTACTS
from dynamodb_tables.store import counts, operations

from .helpers import ADD_URL, LIST_URL, delete_url, put
from .support.formdata import submit
from .test_admin import action, text
from .test_browser import (  # noqa: F401 - fixtures for the browser test below
    browser_type_launch_args,
    log_in,
    orm_beside_playwright,
    site,
)


def count_line(response):
    """Return the change list's count, as one line of text."""
    found = re.search(r"About .*?\)", text(response), re.S)
    return " ".join(found.group(0).split())


@pytest.fixture
def frozen_figure(monkeypatch):
    """DescribeTable reports the ItemCount the test sets, as the real service does for hours."""
    figure = {"count": 0}
    describe = operations.describe_table

    def described(name):
        return {**describe(name), "item_count": figure["count"]}

    monkeypatch.setattr(operations, "describe_table", described)
    return figure


@pytest.mark.auth_database
def test_adds_and_deletes_in_the_admin_move_the_count(
    admin_client, contacts_table, raw_client, frozen_figure
):
    """DynamoDB's figure stays 2 (as for hours on AWS): two adds and a delete here make it
    "About 3", and the line says what it is made of."""
    put(raw_client, id={"S": "a"})
    put(raw_client, id={"S": "b"})
    frozen_figure["count"] = 2
    assert count_line(admin_client.get(LIST_URL)).startswith(
        f"About 2 contacts in table “{CONTACTS.name}” (approximate: DynamoDB's figure, "
        "unchanged since ")

    for contact_id in ("c", "d"):
        submit(admin_client, ADD_URL, {"id": contact_id, "username": "New", "_save": "1"})
    submit(admin_client, delete_url("a"), form_id="contact_delete_form")
    line = count_line(admin_client.get(LIST_URL))

    assert line.startswith(
        f"About 3 contacts in table “{CONTACTS.name}” (approximate: DynamoDB's figure of 2, "
        "unchanged since ")
    assert line.endswith(", with 2 added and 1 deleted here since)")


@pytest.mark.auth_database
def test_the_delete_action_counts_every_item_it_deleted(
    admin_client, contacts_table, raw_client, frozen_figure
):
    for contact_id in ("a", "b", "c"):
        put(raw_client, id={"S": contact_id})
    frozen_figure["count"] = 3
    admin_client.get(LIST_URL)

    admin_client.post(LIST_URL, action(["a", "b"], post="yes"))

    line = count_line(admin_client.get(LIST_URL))
    assert line.startswith("About 1 contact in table")
    assert line.endswith(", with 2 deleted here since)")


def test_an_import_moves_the_count(contacts_table, tmp_path, frozen_figure):
    """An import in a command counts what it created, even before any page showed a count."""
    path = tmp_path / "in.jsonl"
    path.write_text("".join(json.dumps({"id": {"S": f"i{n}"}}) + "\n" for n in range(3)))

    call_command("import_contacts", str(path), stdout=io.StringIO())
    count = counts.approximate_count(CONTACTS.name)

    assert (count.total, count.figure, count.added, count.deleted) == (3, 0, 3, 0)


def test_a_new_figure_from_dynamodb_restarts_the_tally(contacts_table, frozen_figure):
    """When DynamoDB's figure changes, it has counted the earlier writes: they are not added
    twice. An unchanged figure keeps the tally, and its time."""
    first = counts.approximate_count(CONTACTS.name)
    counts.record(CONTACTS.name, added=5)
    counts.reread(CONTACTS.name)  # as a command does after writing

    same = counts.approximate_count(CONTACTS.name)
    frozen_figure["count"] = 5
    counts.reread(CONTACTS.name)
    caught_up = counts.approximate_count(CONTACTS.name)

    assert (same.total, same.added, same.seen_at) == (5, 5, first.seen_at)
    assert (caught_up.total, caught_up.figure, caught_up.added) == (5, 5, 0)


def test_a_command_makes_the_next_count_ask_dynamodb_again(contacts_table, raw_client):
    """After a command changed the table, the count does not wait out its five minutes: on
    DynamoDB Local (which counts at once) it is right at the next page."""
    assert counts.approximate_count(CONTACTS.name).total == 0
    put(raw_client, id={"S": "by-another-tool"})
    call_command("seed_contacts", stdout=io.StringIO())

    assert counts.approximate_count(CONTACTS.name).total == 3


@pytest.mark.django_db
def test_the_project_keeps_the_tally_in_the_auth_database(settings, contacts_table):
    """contactsite's settings name a database cache for the tally, which `migrate` creates:
    every worker, server and command sees the same one."""
    from contactsite import settings as project

    settings.CACHES = project.CACHES
    call_command("migrate", verbosity=0)  # contacts' migrate: it creates the cache table

    counts.approximate_count(CONTACTS.name)
    counts.record(CONTACTS.name, added=2)
    caches["default"].clear()  # the per-process cache holds none of it

    assert project.CACHES[counts.CACHE_ALIAS]["BACKEND"].endswith("DatabaseCache")
    assert counts.approximate_count(CONTACTS.name).added == 2


# --- The icon ------------------------------------------------------------------------------


@pytest.mark.auth_database
def test_every_admin_page_names_the_icon_and_favicon_ico_leads_to_it(
    admin_client, client, contacts_table
):
    icon = static("contacts/favicon.svg")

    assert finders.find("contacts/favicon.svg")
    for url in (LIST_URL, ADD_URL, "/admin/", "/admin/password_change/"):
        assert f'<link rel="icon" href="{icon}"' in admin_client.get(url).content.decode(), url
    assert f'<link rel="icon" href="{icon}"' in client.get("/admin/login/").content.decode()
    favicon = client.get("/favicon.ico")
    assert (favicon.status_code, favicon["Location"]) == (302, icon)


@pytest.mark.slow
@pytest.mark.auth_database
def test_chromium_fetches_the_icon_and_no_request_is_a_404(page, site):  # noqa: F811
    """Real Chromium, on the login page and the list: the icon it asks for is there."""
    failed = []
    page.on("response", lambda response: response.status == 404 and failed.append(response.url))

    with page.expect_response(lambda response: "favicon" in response.url) as icon:
        log_in(page, site)

    assert icon.value.status == 200
    assert icon.value.url.endswith(static("contacts/favicon.svg"))
    assert failed == []
