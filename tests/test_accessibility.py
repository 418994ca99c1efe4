"""An editor for everyone: the pages checked by axe-core and the Nu HTML Checker, attribute
rows added without a reload, and a phone-wide screen.

axe-core runs inside Debian's Chromium (Playwright) on each page; vnu.jar (the Nu HTML
Checker, on the Java DynamoDB Local needs) reads the HTML the server sent. `make test`
installs both from npm, pinned, under .cache/page-checkers/.
"""

import json
import subprocess
from decimal import Decimal

import pytest
from django.contrib.admin.utils import quote
from django.contrib.auth.models import Permission
from playwright.sync_api import expect

from contacts.models import CONTACTS, contacts
from dynamodb_tables import backend

from . import test_browser
from .support.processes import ROOT
from .test_browser import ARTIFACTS, LIST_PATH, PASSWORD, log_in, success_message

# The browser tests' fixtures: Debian's Chromium, the ORM beside Playwright, and the live
# server on a fresh DynamoDB Local table with a superuser.
browser_type_launch_args = test_browser.browser_type_launch_args
orm_beside_playwright = test_browser.orm_beside_playwright
site = test_browser.site

pytestmark = pytest.mark.slow

CHECKERS = ROOT / ".cache" / "page-checkers" / "node_modules"
AXE = CHECKERS / "axe-core" / "axe.min.js"
VNU = CHECKERS / "vnu-jar" / "build" / "dist" / "vnu.jar"
# What axe-core calls a barrier (serious) or a blocker (critical) for someone.
BLOCKING = ("serious", "critical")
PHONE_WIDTH = 390

LONG_ID = "customer-" + "0123456789abcdef" * 6
LONG_TEXT = "https://example.com/" + "a-very-long-path-segment-without-any-space-" * 4


@pytest.fixture(scope="session")
def checkers():
    """axe-core's script and vnu.jar, as `make test` installs them."""
    missing = [path for path in (AXE, VNU) if not path.is_file()]
    if missing:
        pytest.fail(f"{', '.join(map(str, missing))} missing: run `make test`, which installs "
                    "axe-core and vnu-jar with npm.")
    return AXE, VNU


def put(**attributes):
    """Write an item as other tools do: attribute name -> DynamoDB JSON."""
    backend.client().put_item(TableName=CONTACTS.name, Item=attributes)


def seed_contacts():
    """Items of every attribute type, long ids and long values, and a field of the wrong type."""
    contacts.create({
        "id": "every-type", "username": "Every Type", "age": 30, "email": "every@example.com",
        "city": "Pune", "score": Decimal("1.5"), "photo": b"\x89PNG", "active": True,
        "nothing": None, "tags": {"friend", "work"}, "ranks": {Decimal(1), Decimal(2)},
        "address": {"city": "Paris", "zip": Decimal(75001)}, "visits": ["a", Decimal(2)],
    })
    # A String Set member with a line break cannot be edited as text: a locked row.
    put(id={"S": "locked"}, username={"S": "Locked"}, odd={"SS": ["one\ntwo", "three"]},
        age={"S": "thirty"})
    contacts.create({"id": LONG_ID, "username": LONG_TEXT, "note": LONG_TEXT * 3,
                     "links": {LONG_TEXT, LONG_TEXT + "2"}})


def change_path(contact_id):
    return f"{LIST_PATH}{quote(contact_id)}/change/"


# --- axe-core and the Nu HTML Checker ----------------------------------------------


def axe_barriers(page, name):
    """Return axe-core's serious and critical violations on the page, one line each."""
    if not page.evaluate("() => 'axe' in window"):
        page.add_script_tag(path=str(AXE))
        # The admin's links fade to a new colour: judge the colours, not a frame of the fade.
        page.add_style_tag(content="*, *::before, *::after { transition: none !important; }")
    # What a click on a <details> summary shows is checked too.
    page.evaluate("() => document.querySelectorAll('details').forEach(d => { d.open = true; })")
    result = page.evaluate("() => axe.run(document, {resultTypes: ['violations']})")
    return [
        f"{name}: {violation['id']} ({violation['impact']}): {violation['help']}: "
        + "; ".join(" ".join(node["target"]) for node in violation["nodes"])
        for violation in result["violations"] if violation["impact"] in BLOCKING
    ]


def html_errors(documents, folder):
    """Return the Nu HTML Checker's errors on {page name: HTML as served}, one line each."""
    files = {}
    for number, (name, text) in enumerate(documents.items()):
        path = folder / f"page-{number}.html"
        path.write_text(text, encoding="utf-8")
        files[path.name] = name
    # One run for every page: the checker takes seconds to start.
    result = subprocess.run(
        ["java", "-jar", str(VNU), "--errors-only", "--format", "json",
         *(str(folder / file) for file in files)],
        capture_output=True, text=True, timeout=300,
    )
    try:
        messages = json.loads(result.stderr)["messages"]  # vnu.jar reports on stderr
    except (ValueError, KeyError):
        pytest.fail(f"vnu.jar did not report (exit {result.returncode}): {result.stderr[-2000:]}")
    return [
        f"{files.get(message.get('url', '').rpartition('/')[2], message.get('url'))} "
        f"(line {message.get('lastLine')}): {message['message']} "
        f"[{message.get('extract', '').strip()}]"
        for message in messages if message["type"] in ("error", "non-document-error")
    ]


class PageWalk:
    """Visit pages in one browser tab, keeping the HTML each answer had and axe's verdict."""

    def __init__(self, page, base_url):
        self.page = page
        self.base_url = base_url
        self.documents = {}
        self.barriers = []

    def check(self, name, response):
        assert response is not None, name
        self.documents[name] = response.text()
        # In the admin's light and dark colours (it follows the system's setting).
        for scheme in ("light", "dark"):
            self.page.emulate_media(color_scheme=scheme)
            self.barriers += axe_barriers(self.page, f"{name} ({scheme})")
        self.page.emulate_media(color_scheme="light")

    def open(self, name, path, status=200):
        response = self.page.goto(self.base_url + path)
        assert response.status == status, f"{name}: {response.status}"
        assert self.page.url == self.base_url + path, f"{name}: sent to {self.page.url}"
        self.check(name, response)

    def submit(self, name, button, status):
        with self.page.expect_navigation() as navigation:
            button.click()
        response = navigation.value
        assert response.status == status, f"{name}: {response.status}"
        self.check(name, response)


def test_every_page_passes_axe_core_and_the_nu_html_checker(
    browser, site, checkers, tmp_path, django_user_model
):
    """List, search, the confirmation of "Delete selected", add (and its errors), change, a
    value to convert (its box ticked on a page with errors, and on the 404 of an item deleted
    meanwhile), the item's JSON, a refused save (409), delete (and its 409), history, the
    table pages and /admin/tables/ with another table's pages, and the read-only pages of a
    user who may only view: no serious or critical axe-core violation, and no error from the
    Nu HTML Checker."""
    seed_contacts()
    # A Number stored as a String: the change form offers "Convert to Number: 30".
    put(id={"S": "convertible"}, username={"S": "Convertible"}, age={"S": "30"},
        email={"S": "convertible@example.com"})
    viewer = django_user_model.objects.create_user("viewer", password=PASSWORD, is_staff=True)
    viewer.user_permissions.add(Permission.objects.get(codename="view_contact"))
    other_table = f"{CONTACTS.name}-other"
    backend.client().create_table(
        TableName=other_table, BillingMode="PAY_PER_REQUEST",
        AttributeDefinitions=[{"AttributeName": "customer", "AttributeType": "S"},
                              {"AttributeName": "order", "AttributeType": "N"}],
        KeySchema=[{"AttributeName": "customer", "KeyType": "HASH"},
                   {"AttributeName": "order", "KeyType": "RANGE"}],
    )
    backend.client().put_item(TableName=other_table, Item={
        "customer": {"S": "alice"}, "order": {"N": "1"}, "total": {"N": "9.5"},
        "lines": {"L": [{"S": "tea"}]}})
    # The browser still runs the page's scripts; it lets axe-core's script in past the CSP.
    context = browser.new_context(bypass_csp=True)
    try:
        page = context.new_page()
        log_in(page, site)
        walk = PageWalk(page, site)
        walk.open("list", LIST_PATH)
        # As a browser posts the action: boxes ticked, "Delete selected" chosen, Go.
        for contact_id in ("every-type", LONG_ID):
            page.get_by_role(
                "checkbox", name=f"Select this object for an action - {contact_id}").check()
        page.locator("select[name=action]").select_option("delete_selected")
        walk.submit("delete selected, confirmation", page.get_by_role("button", name="Go"), 200)
        expect(page.locator("#content h1")).to_have_text("Delete multiple objects")
        walk.open("search", LIST_PATH + "?q=Type")
        walk.open("add", LIST_PATH + "add/")
        walk.submit("add with errors", page.get_by_role("button", name="Save", exact=True), 200)
        walk.open("change", change_path("every-type"))
        walk.open("change, locked values", change_path("locked"))
        walk.open("change, long id", change_path(LONG_ID))
        walk.open("change, a value to convert", change_path("convertible"))
        convert = page.get_by_label("Convert to Number: 30")
        convert.check()
        page.get_by_label("Email:", exact=True).fill("not an email")
        save = page.get_by_role("button", name="Save", exact=True)
        walk.submit("conversion ticked, with errors", save, 200)
        expect(page.locator(".errornote")).to_be_visible()
        expect(convert).to_be_checked()
        page.get_by_label("Email:", exact=True).fill("convertible@example.com")
        backend.client().delete_item(TableName=CONTACTS.name, Key={"id": {"S": "convertible"}})
        walk.submit("conversion ticked, item gone (404)", save, 404)
        expect(convert).to_be_checked()
        walk.open("item as JSON", f"{LIST_PATH}{quote('every-type')}/json/")

        walk.open("change before a conflict", change_path("every-type"))
        # Someone else changes the username too (a clash, asked about) and the city.
        contacts.update({"id": "every-type"}, {"username": "Elsewhere", "city": "Mumbai"})
        page.get_by_label("Username:", exact=True).fill("Someone Else")
        walk.submit("conflict (409)", page.get_by_role("button", name="Save", exact=True), 409)

        walk.open("delete", f"{LIST_PATH}{quote('every-type')}/delete/")
        contacts.update({"id": "every-type"}, {"city": "Delhi"})
        walk.submit("delete conflict (409)", page.get_by_role("button", name="Yes, I’m sure"),
                    409)
        walk.open("history", f"{LIST_PATH}{quote('every-type')}/history/")
        walk.open("table", LIST_PATH + "table/")
        walk.open("table safety", LIST_PATH + "table/safety/")
        walk.open("tables", "/admin/tables/")
        walk.open("other table, list", f"/admin/tables/{other_table}/")
        walk.open("other table, add", f"/admin/tables/{other_table}/add/")
        walk.open("other table, change", f"/admin/tables/{other_table}/{quote('alice,1')}/change/")
        walk.open("other table, table", f"/admin/tables/{other_table}/table/")

        context.clear_cookies()
        page.goto(site + "/admin/login/")
        page.get_by_label("Username").fill("viewer")
        page.get_by_label("Password").fill(PASSWORD)
        with page.expect_navigation():
            page.get_by_role("button", name="Log in").click()
        walk.open("list, view only", LIST_PATH)
        walk.open("change, view only", change_path("every-type"))
        expect(page.locator("#content h1")).to_have_text("View contact")
    finally:
        context.close()
        backend.client().delete_table(TableName=other_table)
    problems = walk.barriers + html_errors(walk.documents, tmp_path)
    assert not problems, "\n".join(problems)


# --- Adding attribute rows without a reload ----------------------------------------


def test_add_another_attribute_adds_rows_in_place_and_saves_them(page, site):
    """With scripts on and the CSP enforced: "Add another attribute" adds a blank row without
    any request, keeps what was typed and moves the focus to the new row; saving stores the
    new attributes, typed, and leaves an added row left blank out."""
    contacts.create({"id": "rows", "username": "Rows", "city": "Pune"})
    before = contacts.get("rows")
    refusals = []  # what the CSP refused, and script errors
    page.on("console", lambda message: "Content Security Policy" in message.text
            and refusals.append(message.text))
    page.on("pageerror", lambda error: refusals.append(str(error)))
    log_in(page, site)
    page.goto(site + change_path("rows"))
    requests = []  # pages and data asked for (not an icon the browser fetches on its own)
    page.on("request", lambda request: request.resource_type in ("document", "fetch", "xhr")
            and requests.append(request.url))

    rows = int(page.locator("[name=attributes-TOTAL_FORMS]").input_value())
    page.get_by_label("Value of attribute “city”").fill("Mumbai")
    page.get_by_label("Name of the new attribute").fill("nickname")
    page.get_by_label("Value of the new attribute").fill("Ro")
    add = page.get_by_role("button", name="Add another attribute")
    add.click()
    names = page.get_by_label("Name of the new attribute")
    expect(names).to_have_count(2)
    expect(names.nth(1)).to_be_focused()
    expect(names.nth(1)).to_have_attribute("name", f"attributes-{rows}-name")
    names.nth(1).fill("score")
    page.get_by_label("Type of the new attribute").nth(1).select_option(label="Number")
    page.get_by_label("Value of the new attribute").nth(1).fill("12.50")
    add.click()
    expect(names).to_have_count(3)
    assert requests == []
    expect(page.get_by_label("Value of attribute “city”")).to_have_value("Mumbai")
    expect(page.locator("[name=attributes-TOTAL_FORMS]")).to_have_value(str(rows + 2))

    page.get_by_role("button", name="Save and continue editing").click()
    expect(success_message(page)).to_contain_text("was changed successfully")
    assert contacts.get("rows") == {
        **before, "city": "Mumbai", "nickname": "Ro", "score": Decimal("12.5")}
    assert refusals == []


# --- A phone-wide screen -------------------------------------------------------------

LINES_OF = "(element) => element.getClientRects().length"
# The page's width, and what reaches past the screen's right edge (in a box that scrolls
# sideways, such as the admin's list or inline rows, or past the page), every <details> open.
MEASURE = """() => {
    for (const details of document.querySelectorAll("details")) {
        details.open = true;
    }
    const past = [];
    for (const element of document.body.querySelectorAll("*")) {
        const box = element.getBoundingClientRect();
        if (element.getClientRects().length && box.right > window.innerWidth + 0.5) {
            past.push(`${element.tagName.toLowerCase()}.${element.className}: ${box.right}px`);
        }
    }
    return {width: document.documentElement.scrollWidth, past: past.slice(0, 5)};
}"""


@pytest.mark.browser_context_args(viewport={"width": PHONE_WIDTH, "height": 844})
def test_the_list_and_the_editor_fit_a_phone_wide_screen(page, site):
    """At 390 px wide, the list, add and change pages (long ids, long values) neither scroll
    sideways nor hold anything reaching past the screen's edge, and a short id in the list
    stays on one line."""
    seed_contacts()
    log_in(page, site)
    pages = {
        "list": LIST_PATH, "add": LIST_PATH + "add/", "change": change_path("every-type"),
        "change, long id": change_path(LONG_ID), "change, locked values": change_path("locked"),
    }
    too_wide = {}
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    for name, path in pages.items():
        page.goto(site + path)
        measured = page.evaluate(MEASURE)
        if measured["width"] > PHONE_WIDTH or measured["past"]:
            too_wide[name] = measured
        page.screenshot(path=ARTIFACTS / f"phone-{name.replace(', ', '-')}.png", full_page=True)
    assert too_wide == {}, f"wider than {PHONE_WIDTH} px"
    page.goto(site + LIST_PATH)
    short_id = page.locator("#result_list th.field-id a", has_text="every-type")
    assert short_id.evaluate(LINES_OF) == 1
