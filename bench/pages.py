"""Our pages at one table size: each sampled once per round, with the same calls from boto3."""

import uuid
from urllib.parse import quote_plus

from bench.floor import PAGE_SIZE
from bench.measure import Samples, timed
from tests.support.http import Client, page_form

LIST = "/admin/contacts/contact/"
DEEP_PAGES = 20
# A first name a tenth of the contacts start with, typed in lower case (issue 14's "priya").
PREFIX = "priya"
KINDS = ("trivial", "admin chrome", "list", "list deep", "change form", "change POST",
         "add POST", "delete POST", "name search", "rare name", "sorted", "sorted deep",
         "sorted desc")


def next_link(html, page=LIST):
    """Return the URL of the page's "Next" link, or None on the last page."""
    marker = 'class="dynamo-next"'
    end = html.find(marker)
    if end < 0:
        return None
    start = html.rfind('href="', 0, end) + len('href="')
    href = html[start : html.find('"', start)].replace("&amp;", "&")
    return page + href if href.startswith("?") else href


def rare_name(contacts):
    """Return the username of a contact in the second half of the table: one of its kind."""
    return contacts[len(contacts) * 3 // 4]["username"]["S"]


class SizeRun:
    """One table of N contacts behind its own gunicorn, sampled a page of each kind at a time.

    The sizes are sampled in turn (one round each, then again), so that any
    other load on the machine weighs on both alike.
    """

    def __init__(self, n, server_url, app, floor, contacts, rng):
        self.n, self.app, self.floor, self.contacts, self.rng = n, app, floor, contacts, rng
        self.client = Client(server_url)
        self.client.log_in(app.username, app.password)
        self.server_url = server_url
        self.timings = {kind: Samples() for kind in KINDS}
        self.floors = {kind: Samples() for kind in KINDS}
        for _ in range(10):  # warm-up: imports, template caches, connections, DescribeTable
            for path in ("/bench/trivial", "/bench/chrome", LIST):
                self.client.get(path)
            floor.scan_page()
        self.depth = min(DEEP_PAGES, n // PAGE_SIZE - 1)
        self.deep_url = self.follow_next(LIST)
        self.deep_key = floor.start_key_at(self.depth)
        self.sorted_deep_url = self.follow_next(f"{LIST}?o=username")
        self.sorted_deep_key = floor.index_key_at(self.depth)
        self.rare = rare_name(contacts).casefold()

    def follow_next(self, url):
        """Return the URL `self.depth` "Next" clicks from `url`."""
        for _ in range(self.depth):
            found = next_link(self.client.get(url).text)
            if found is None:
                raise RuntimeError(f"{url} has no Next link")
            url = found
        return url

    def sample(self):
        """Request each page once, and make the same DynamoDB calls with boto3 once."""
        client, floor, app, base = self.client, self.floor, self.timings, self.floors
        app["trivial"].add(client.get("/bench/trivial"), 200)
        app["admin chrome"].add(client.get("/bench/chrome"), 200)
        app["list"].add(client.get(LIST), 200)
        base["list"].add_seconds(timed(floor.scan_page))
        app["list deep"].add(client.get(self.deep_url), 200)
        base["list deep"].add_seconds(timed(floor.scan_page, self.deep_key))
        self.sample_forms()
        app["name search"].add(client.get(f"{LIST}?q={PREFIX}"), 200)
        base["name search"].add_seconds(timed(floor.find, PREFIX))
        app["rare name"].add(client.get(f"{LIST}?q={quote_plus(self.rare)}"), 200)
        base["rare name"].add_seconds(timed(floor.find, self.rare))
        app["sorted"].add(client.get(f"{LIST}?o=username"), 200)
        base["sorted"].add_seconds(timed(floor.query_index))
        app["sorted deep"].add(client.get(self.sorted_deep_url), 200)
        base["sorted deep"].add_seconds(timed(floor.query_index, "", self.sorted_deep_key))
        app["sorted desc"].add(client.get(f"{LIST}?o=-username"), 200)
        base["sorted desc"].add_seconds(timed(floor.query_index, "", None, False))

    def sample_forms(self):
        """Open, save, add and delete a contact through the admin's forms, as a browser does."""
        client, floor, rng, app, base = (
            self.client, self.floor, self.rng, self.timings, self.floors
        )
        contact = rng.choice(self.contacts)
        change_url = f"{LIST}{contact['id']['S']}/change/"
        form_page = client.get(change_url)
        app["change form"].add(form_page, 200)
        base["change form"].add_seconds(timed(floor.get, contact["id"]["S"]))

        form = page_form(form_page.text, change_url)
        form["username"] = f"Changed {rng.randrange(10**9)}"
        app["change POST"].add(client.post(change_url, form), 302)
        stored = floor.get(contact["id"]["S"])["Item"]
        base["change POST"].add_seconds(
            timed(floor.update_if_unchanged, stored, f"Floor {rng.randrange(10**9)}")
        )

        add_url = f"{LIST}add/"
        form = page_form(client.get(add_url).text, add_url)
        form["username"] = f"Added {rng.randrange(10**9)}"
        app["add POST"].add(client.post(add_url, form), 302)
        new = {"id": {"S": uuid.uuid4().hex}, "username": {"S": "Floor added"}}
        base["add POST"].add_seconds(timed(floor.put_new, new))

        # Contacts made for the purpose are deleted, so that N stays N.
        doomed = {**rng.choice(self.contacts), "id": {"S": f"doomed-{uuid.uuid4().hex}"}}
        floor.put_new(doomed)
        delete_url = f"{LIST}{doomed['id']['S']}/delete/"
        form = page_form(client.get(delete_url).text, delete_url)
        app["delete POST"].add(client.post(delete_url, form), 302)
        base["delete POST"].add_seconds(timed(floor.delete, new["id"]["S"]))

    def results(self):
        self.floor.remove_added("Added ")
        return {
            "app": {kind: samples.summary() for kind, samples in self.timings.items()},
            "floor": {k: self.floors[k].summary() for k in KINDS if self.floors[k].seconds},
            "depth": self.depth,
        }


class ListOnAnotherPython:
    """The change list from a second gunicorn run by another interpreter, sampled beside ours.

    Same table, auth database and settings: only the interpreter differs, so the
    report can show what the list's p50 owes to how CPython was built (the
    Makefile's BENCH_PYTHON against the project's .venv).
    """

    def __init__(self, python, server_url, app):
        self.python = python
        self.client = Client(server_url)
        self.client.log_in(app.username, app.password)
        for _ in range(10):  # warm-up, as SizeRun's
            self.client.get(LIST)
        self.timings = Samples()

    def sample(self):
        # Our list is timed right after the trivial view and the empty admin page of
        # the same worker: this one too, so that both find their worker equally warm.
        for path in ("/bench/trivial", "/bench/chrome"):
            self.client.get(path)
        self.timings.add(self.client.get(LIST), 200)

    def results(self):
        self.client.close()
        return {"python": self.python, **self.timings.summary()}
