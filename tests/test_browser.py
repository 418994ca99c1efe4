"""The contacts pages in a real browser: headless Debian Chromium driven by Playwright.

A live Django server (in this process) reads and writes a real DynamoDB
Local. Screenshots of the change list and the change form are saved under
tests/artifacts/ so a person can look at them.
"""

import os
import re
import shutil
import subprocess
import uuid

import pytest
from django.contrib.admin.utils import quote
from playwright.sync_api import expect

from contacts.models import CONTACTS, contacts
from dynamodb_tables import backend
from dynamodb_tables.exceptions import ItemNotFound
from dynamodb_tables.store import operations

from .helpers import point_store_at, without_derived
from .support.processes import ROOT

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
LIST_PATH = "/admin/contacts/contact/"
PASSWORD = "browser-test-password"
ARTIFACTS = ROOT / "tests" / "artifacts"

pytestmark = pytest.mark.slow


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    """Launch Debian's Chromium (make test installs it), never a downloaded browser."""
    if not shutil.which(CHROMIUM):
        pytest.fail(f"Chromium is not installed at {CHROMIUM}: run `make test`, which installs it.")
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
        ],
    }


@pytest.fixture(scope="session", autouse=True)
def orm_beside_playwright():
    """Let the test thread use the ORM while Playwright's event loop runs in it.

    Playwright's sync API runs an event loop in the test's thread, and Django
    refuses ORM calls (creating the user, setting up and flushing the test
    database) in a thread with a running loop unless told it is safe, which
    it is here. Session-scoped so that it wraps the test database's set-up.
    """
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        yield


@pytest.fixture
def site(live_server, settings, dynamodb_local, django_user_model):
    """The live server on a fresh DynamoDB Local table, and a superuser; yields the base URL."""
    point_store_at(settings, dynamodb_local, f"Browser-{uuid.uuid4().hex[:12]}")
    operations.create_table(CONTACTS, operations.Capacity())
    django_user_model.objects.create_superuser("ada", "ada@example.com", PASSWORD)
    yield live_server.url
    operations.delete_table(CONTACTS.name, wait=False)


def log_in(page, base_url):
    page.goto(base_url + "/")
    expect(page).to_have_url(re.compile(r"/admin/login/\?next=/"))
    page.get_by_label("Username").fill("ada")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page).to_have_url(base_url + LIST_PATH)


def success_message(page):
    return page.locator("ul.messagelist li.success")


def follow(page, link):
    """Click a link and wait for the page it leads to (reading rows sooner sees the old page)."""
    with page.expect_navigation():
        link.click()


def listed_ids(page):
    return page.locator("#result_list th.field-id a").all_inner_texts()


def test_add_list_edit_search_and_delete(page, site):
    """Log in, add a contact, find it in the list, edit it, search for it, delete it."""
    log_in(page, site)

    page.locator(".object-tools").get_by_role("link", name="Add contact").click()
    page.get_by_role("textbox", name="id:").fill("ada-1")
    page.get_by_label("Username:", exact=True).fill("Ada Lovelace")
    page.get_by_label("Age").fill("36")
    page.get_by_label("Email").fill("ada@example.com")
    page.get_by_role("button", name="Save", exact=True).click()

    expect(page).to_have_url(site + LIST_PATH)
    expect(success_message(page)).to_have_text(
        "The contact “Ada Lovelace” was added successfully."
    )
    assert "ada-1" in listed_ids(page)
    assert contacts.get("ada-1")["age"] == 36

    page.get_by_role("link", name="ada-1").click()
    expect(page.get_by_label("Age")).to_have_value("36")
    page.get_by_label("Age").fill("37")
    page.get_by_label("Phone").fill("+44 20 7946 0000")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=ARTIFACTS / "contact-change-form.png", full_page=True)
    page.get_by_role("button", name="Save and continue editing").click()

    expect(success_message(page)).to_contain_text("was changed successfully")
    expect(page.get_by_label("Age")).to_have_value("37")
    assert without_derived(contacts.get("ada-1")) == {
        "id": "ada-1",
        "username": "Ada Lovelace",
        "age": 37,
        "email": "ada@example.com",
        "phone": "+44 20 7946 0000",
    }

    contacts.create({"id": "grace-1", "username": "Grace Hopper"})
    page.goto(site + LIST_PATH)
    # The start of the username, in any case: one Query on the username index.
    page.locator("#searchbar").fill("ADA LOV")
    page.get_by_role("button", name="Search").click()
    expect(page.locator("#result_list th.field-id")).to_have_text(["ada-1"])

    page.get_by_role("link", name="ada-1").click()
    page.locator(".submit-row").get_by_role("link", name="Delete").click()
    expect(page.locator("h1")).to_have_text("Are you sure?")
    page.get_by_role("button", name="Yes, I’m sure").click()

    # Back to the list as it was left, search included, as the admin does.
    expect(page).to_have_url(re.compile(re.escape(site + LIST_PATH) + r"\?q=ADA\+LOV"))
    expect(success_message(page)).to_have_text(
        "The contact “Ada Lovelace” was deleted successfully."
    )
    expect(page.locator(".dynamo-empty")).to_have_text("No contact matches “ADA LOV”.")
    with pytest.raises(ItemNotFound):
        contacts.get("ada-1")
    follow(page, page.get_by_role("link", name="Show all"))
    assert listed_ids(page) == ["grace-1"]


def test_page_through_sixty_contacts_and_bulk_delete_two(page, site):
    """Next / Previous / First walk 60 contacts 25 at a time; two are bulk-deleted."""
    expected = {f"c{number:02d}" for number in range(60)}
    for number, contact_id in enumerate(sorted(expected)):
        extra = {"city": "Pune", "tags": {"friend", "work"}} if number % 3 == 0 else {}
        contacts.create({"id": contact_id, "username": f"User {number}", "age": 20 + number,
                         **extra})
    log_in(page, site)
    page.screenshot(path=ARTIFACTS / "contact-change-list.png", full_page=True)

    pages = [listed_ids(page)]
    while page.locator("a.dynamo-next").count():
        follow(page, page.locator("a.dynamo-next"))
        pages.append(listed_ids(page))
    assert [len(ids) for ids in pages] == [25, 25, 10]
    assert set().union(*pages) == expected

    follow(page, page.locator("a.dynamo-previous"))
    assert listed_ids(page) == pages[1]
    follow(page, page.locator("a.dynamo-first"))
    assert listed_ids(page) == pages[0]
    expect(page.locator("a.dynamo-previous")).to_have_count(0)

    doomed = pages[0][:2]
    for contact_id in doomed:
        label = f"Select this object for an action - {contact_id}"
        page.get_by_role("checkbox", name=label).check()
    expect(page.locator(".action-counter")).to_have_text("2 of 25 selected")
    page.locator("select[name=action]").select_option("delete_selected")
    page.get_by_role("button", name="Go").click()
    expect(page.locator("h1")).to_have_text("Delete multiple objects")
    expect(page.locator("#content")).to_contain_text(
        "Are you sure you want to delete the selected contacts?"
    )
    page.get_by_role("button", name="Yes, I’m sure").click()

    expect(success_message(page)).to_have_text("Successfully deleted 2 contacts.")
    for contact_id in doomed:
        with pytest.raises(ItemNotFound):
            contacts.get(contact_id)
    assert not set(doomed) & set(listed_ids(page))


def test_a_contact_with_an_awkward_id_opens_and_saves(page, site):
    """An id with a slash, spaces, ?, %, # and unicode links to its own change form."""
    awkward = "a/b c?d%e#f_é"
    contacts.create({"id": awkward, "username": "Awkward"})
    log_in(page, site)

    page.get_by_role("link", name=awkward).click()

    expect(page).to_have_url(site + f"{LIST_PATH}{quote(awkward)}/change/".replace(" ", "%20")
                             .replace("é", "%C3%A9"))
    page.get_by_label("Username:", exact=True).fill("Still awkward")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(success_message(page)).to_have_text(
        "The contact “Still awkward” was changed successfully."
    )
    assert contacts.get(awkward)["username"] == "Still awkward"


@pytest.mark.browser_context_args(java_script_enabled=False)
def test_add_a_map_and_a_string_set_through_the_form(page, site):
    """In the browser, with JavaScript off: add a contact with a Map attribute, press "Add
    another attribute" (which then reloads the form), add a String Set, save; the stored item
    has both, typed."""
    log_in(page, site)
    page.locator(".object-tools").get_by_role("link", name="Add contact").click()
    page.get_by_role("textbox", name="id:").fill("typed-1")
    page.get_by_label("Username:", exact=True).fill("Typed")
    page.locator("[name=attributes-0-name]").fill("address")
    page.locator("[name=attributes-0-type]").select_option(label="Map")
    page.locator("[name=attributes-0-value]").fill(
        '{"city": {"S": "Paris"}, "zip": {"N": "75001"}}'
    )
    with page.expect_navigation():
        page.get_by_role("button", name="Add another attribute").click()

    expect(page.locator("[name=attributes-0-value]")).to_have_value(
        '{"city": {"S": "Paris"}, "zip": {"N": "75001"}}'
    )
    page.locator("[name=attributes-1-name]").fill("tags")
    page.locator("[name=attributes-1-type]").select_option(label="String Set")
    page.locator("[name=attributes-1-value]").fill("friend\nwork\nfriend of a friend")
    page.get_by_role("button", name="Save and continue editing").click()

    expect(success_message(page)).to_contain_text("was added successfully")
    assert without_derived(contacts.get("typed-1")) == {
        "id": "typed-1",
        "username": "Typed",
        "address": {"city": "Paris", "zip": 75001},
        "tags": {"friend", "work", "friend of a friend"},
    }
    raw = backend.client().get_item(TableName=CONTACTS.name, Key={"id": {"S": "typed-1"}})
    assert raw["Item"]["address"] == {"M": {"city": {"S": "Paris"}, "zip": {"N": "75001"}}}
    assert sorted(raw["Item"]["tags"]["SS"]) == ["friend", "friend of a friend", "work"]
    # The saved form shows them again, typed, and saving it unchanged changes nothing.
    expect(page.get_by_label("Value of attribute “tags”")).to_have_value(
        "friend\nfriend of a friend\nwork"
    )
    page.screenshot(path=ARTIFACTS / "contact-attribute-editor.png", full_page=True)
    page.get_by_role("button", name="Save", exact=True).click()
    expect(success_message(page)).to_contain_text("was changed successfully")
    assert backend.client().get_item(
        TableName=CONTACTS.name, Key={"id": {"S": "typed-1"}})["Item"] == raw["Item"]


def test_two_tabs_saving_the_same_contact(page, site):
    """Two tabs open one contact; the first save wins, the second is refused with both values
    shown and the clash asked about, the form keeping the second tab's value; saving it
    (keeping mine) stores that value."""
    contacts.create({"id": "shared", "username": "Shared", "city": "Pune"})
    log_in(page, site)
    other = page.context.new_page()
    change = f"{site}{LIST_PATH}shared/change/"
    page.goto(change)
    other.goto(change)

    page.get_by_label("Username:", exact=True).fill("First")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(success_message(page)).to_contain_text("was changed successfully")
    other.get_by_label("Username:", exact=True).fill("Second")
    other.get_by_role("button", name="Save", exact=True).click()

    expect(other.locator(".dynamo-conflict .errornote")).to_contain_text(
        "was changed by someone else after you opened it"
    )
    expect(other.locator("table.dynamo-differences")).to_contain_text("Second (String)")
    expect(other.get_by_label("Username:", exact=True)).to_have_value("Second")
    expect(other.get_by_role("radio", name="Keep mine (the form's value)")).to_be_checked()
    assert contacts.get("shared")["username"] == "First"
    other.get_by_role("button", name="Save", exact=True).click()
    expect(success_message(other)).to_contain_text("was changed successfully")
    assert without_derived(contacts.get("shared")) == {
        "id": "shared", "username": "Second", "city": "Pune"}


def test_missing_chromium_is_named_with_what_to_install(tmp_path):
    """Without Chromium and without apt-get, `make test` stops with the command to run."""
    tools = tmp_path / "bin"
    tools.mkdir()
    (tools / "id").symlink_to(shutil.which("id"))  # all the script needs besides bash itself
    result = subprocess.run(
        ["/bin/bash", str(ROOT / "scripts" / "require-chromium")],
        env={"PATH": str(tools), "CHROMIUM": str(tmp_path / "no-chromium")},
        capture_output=True, text=True, timeout=30,
    )
    assert result.returncode == 1
    assert "sudo apt-get install -y chromium" in result.stderr
