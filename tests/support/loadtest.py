"""Load test: concurrent clients save contacts through gunicorn + DynamoDB Local; no write is lost.

Each client logs in with its own session and, through the real forms (GET
the page, POST what it carries), creates, edits and deletes contacts of its
own, and fights with every other client over a few shared contacts. Every
response is checked as it arrives: never a 5xx, and a refused save is a 409
that says the contact was changed by someone else. At the end the table must
hold exactly what the successful saves imply:

- a client's own contacts (only it touches them): what it last saved, and
  nothing once it deleted them;
- a shared contact: every accepted save in one chain from the initial
  version to the stored one (tests/support/loadresult.py): two accepted saves
  based on the same version would be a lost write; a save missing from the
  chain, or a chain ending elsewhere, a save that vanished.

Run directly, it starts its own DynamoDB Local (in memory) and gunicorn
(2 workers, 4 threads each, production settings) on 127.0.0.1 with
tests/support/stack.py, as `make bench` does, prints a summary and exits 1
on any failure:

    .venv/bin/python -m tests.support.loadtest --clients 8 --requests 250

tests/test_load.py runs it in a bounded configuration.
"""

import argparse
import html
import os
import random
import re
import sys
import tempfile
import threading
import time
import urllib.parse

from django.contrib.admin.utils import quote

from tests.support.formdata import blank_row, form_fields, form_pairs, row_index
from tests.support.http import Client
from tests.support.loadresult import Result, Tally
from tests.support.stack import local_stack

LIST = "/admin/contacts/contact/"
ADD = LIST + "add/"
LOGIN = "/admin/login/"
CONFLICT_TEXT = "was changed by someone else after you opened it"
DIFFERENCES_TEXT = "Changes since you opened this contact"
# A refused shared save is re-applied from the 409 page, up to this many tries in all.
SHARED_ATTEMPTS = 3
# Weight of each action in a client's mix.
ACTIONS = {
    "create": 24, "edit": 22, "delete": 8, "bulk_delete": 3, "search": 5, "shared_edit": 38,
}


# --- HTTP: one client per browser session, every answer recorded ---------------------


def _excerpt(body):
    """Return what an unexpected page says: its error note, else its title, else its start."""
    for pattern in (r'<p class="errornote[^"]*">(.*?)</p>', r"<title>(.*?)</title>"):
        found = re.search(pattern, body, re.S)
        if found:
            return html.unescape(re.sub(r"<[^>]+>", "", found.group(1))).strip()[:300]
    return body[:300]


class Session:
    """One browser's session: each request recorded in the tally, checked against `expect`."""

    def __init__(self, base_url, tally, client, deadline):
        self.http = Client(base_url, failures_as_responses=True)
        self.tally = tally
        self.client = client
        self.deadline = deadline
        self.requests = 0

    def get(self, action, path, expect=(200,)):
        return self.request(action, "GET", path, None, expect)

    def post(self, action, path, data, expect=(302,)):
        return self.request(action, "POST", path, data, expect)

    def request(self, action, method, path, data, expect):
        """Send one request; record its status, and an anomaly unless it is in `expect`."""
        timeout = max(1.0, min(60.0, self.deadline - time.monotonic()))
        response = self.http.request(method, path, data, timeout=timeout)
        self.requests += 1
        self.tally.record(action, response.status)
        if response.status not in expect:
            self.tally.anomaly(
                self.client, action,
                f"{method} {path} answered {response.status} (expected "
                f"{' or '.join(map(str, expect))}): {_excerpt(response.text)}",
            )
        return response

    def log_in(self, username, password):
        page = self.get("login", LOGIN)
        data = form_fields(page.body, "login-form")
        data.update(username=username, password=password, next=LIST)
        return self.post("login", LOGIN, data).status == 302

    def close(self):
        self.http.close()


def _unescaped(response):
    """Return the page's text with HTML entities decoded, to look for what it says."""
    return html.unescape(response.text)


def contact_url(contact_id, view):
    """Return a contact's page path: the id quoted the admin's way, then for a URL."""
    return f"{LIST}{urllib.parse.quote(quote(contact_id), safe='')}/{view}/"


def search_url(term):
    # "contains" over ids (the slow search): a client's own contacts share an id prefix.
    return f"{LIST}?{urllib.parse.urlencode({'q': term, 'contains': 1, 'per_page': 200})}"


def current_value(body, attribute):
    """Return an attribute's "Now" cell in a 409 page's table of changes (None if absent)."""
    # The cell reads e.g. "shared 2-7 (String)": the value, then its type.
    found = re.search(rf'<th scope="row">{re.escape(attribute)}</th><td>.*?</td>'
                      r'<td>(.*?) \(\w+\)</td>', body, re.S)
    return html.unescape(found.group(1)) if found else None


def listed_ids(body):
    cells = re.findall(r'<th class="field-id"><a href="[^"]*">(.*?)</a></th>', body, re.S)
    return [html.unescape(cell) for cell in cells]


# --- One client: its own contacts and its part in the fight over the shared ones -------


class LoadClient:
    def __init__(self, number, session, shared_ids, seed):
        self.number = number
        self.session = session
        self.shared_ids = shared_ids
        self.rng = random.Random(f"{seed}-{number}")
        self.prefix = f"load-{number}-"
        self.own = {}  # id -> the item as this client last saved it
        self.made = 0  # makes every id and value unique
        self.shared_saves = []  # (contact_id, based_on, username, age) of accepted saves
        self.conflicts = 0
        self.gave_up = 0

    def unique(self):
        self.made += 1
        return f"{self.number}-{self.made}"

    def anomaly(self, action, message):
        self.session.tally.anomaly(self.number, action, message)

    def work(self, budget):
        """Run random actions until this client has sent `budget` requests or time is up."""
        names, weights = zip(*ACTIONS.items(), strict=True)
        while self.session.requests < budget and time.monotonic() < self.session.deadline:
            action = self.rng.choices(names, weights)[0]
            if action in ("edit", "delete", "bulk_delete") and len(self.own) < 2:
                action = "create"
            getattr(self, action)()

    def create(self):
        tag = self.unique()
        # Every third id needs quoting in URLs (the admin's _XX escapes, then percent-encoding).
        contact_id = self.prefix + tag + (" ü/?#%" if self.made % 3 == 0 else "")
        data = form_fields(self.session.get("create", ADD).body)
        item = {"id": contact_id, "username": f"own {tag}", "age": self.rng.randint(0, 150)}
        data.update(id=contact_id, username=item["username"], age=str(item["age"]), _save="Save")
        if self.session.post("create", ADD, data).status == 302:
            self.own[contact_id] = item

    def edit(self):
        """Change the username, add or change the "note" attribute, sometimes clear the age."""
        contact_id = self.rng.choice(sorted(self.own))
        expected = self.own[contact_id]
        url = contact_url(contact_id, "change")
        page = self.session.get("edit", url)
        if page.status != 200:
            return
        data = form_fields(page.body)
        if data.get("username") != expected["username"]:
            self.anomaly("edit", f"{contact_id!r} shows {data.get('username')!r}, "
                                 f"not the {expected['username']!r} last saved")
        item = dict(expected, username=f"own {self.unique()}", note=f"note {self.made}")
        data["username"] = item["username"]
        if self.rng.random() < 0.2:
            data["age"] = ""  # a cleared field removes the attribute
            item.pop("age", None)
        row = row_index(data, "note") if "note" in expected else blank_row(data)
        data.update({f"attributes-{row}-name": "note", f"attributes-{row}-type": "S",
                     f"attributes-{row}-value": item["note"]})
        if self.session.post("edit", url, data).status == 302:
            self.own[contact_id] = item

    def delete(self):
        contact_id = self.rng.choice(sorted(self.own))
        url = contact_url(contact_id, "delete")
        page = self.session.get("delete", url)
        if page.status != 200:
            return
        data = form_pairs(page.body, "contact_delete_form")
        if self.session.post("delete", url, data).status == 302:
            del self.own[contact_id]

    def bulk_delete(self):
        """Tick three contacts in the list, run "Delete selected", confirm; check the count."""
        chosen = self.rng.sample(sorted(self.own), min(3, len(self.own)))
        url = search_url(self.prefix)
        page = self.session.get("bulk_delete", url)
        if page.status != 200:
            return
        data = [(name, value) for name, value in form_pairs(page.body, "changelist-form")
                if name != "action"]
        data += [("action", "delete_selected"), ("index", "0")]
        data += [("_selected_action", contact_id) for contact_id in chosen]
        confirmation = self.session.post("bulk_delete", url, data, expect=(200,))
        if confirmation.status != 200:
            return
        # The admin's "Yes, I'm sure" form, not the "back up first" one beside it.
        confirm = [pair for pair in form_pairs(confirmation.body, None)
                   if pair[0] != "backup_first"]
        done = self.session.post("bulk_delete", url, confirm)
        if done.status != 302:
            return
        for contact_id in chosen:
            del self.own[contact_id]
        target = urllib.parse.urlsplit(done.location)
        page = self.session.get("bulk_delete", f"{target.path}?{target.query}")
        said = f"Successfully deleted {len(chosen)} contacts."
        if page.status == 200 and said not in _unescaped(page):
            self.anomaly("bulk_delete", f"the list after deleting {chosen!r} does not say {said!r}")

    def search(self):
        """Search for this client's own contacts: the list shows exactly those it has."""
        page = self.session.get("search", search_url(self.prefix))
        if page.status != 200 or 'class="dynamo-next"' in page.text:
            return  # a further page (never at this size): the check needs the whole result
        shown = set(listed_ids(page.text))
        if shown != set(self.own):
            self.anomaly("search", f"search {self.prefix!r} lists {len(shown)} contacts; these "
                                   f"differ from those saved: {sorted(shown ^ set(self.own))!r}")

    def shared_edit(self):
        """Edit a shared contact; when refused, re-apply over the 409 page, as a user would."""
        contact_id = self.rng.choice(self.shared_ids)
        url = contact_url(contact_id, "change")
        page = self.session.get("shared_edit", url)
        for _attempt in range(SHARED_ATTEMPTS):
            if page.status not in (200, 409):
                return
            data = form_fields(page.body)
            # After a 409 the form shows this client's values re-applied over the item as
            # it is now: the save builds on the "Now" column of the page's table.
            based_on = (current_value(page.text, "username") if page.status == 409
                        else data.get("username"))
            username, age = f"shared {self.unique()}", self.rng.randint(0, 150)
            data.update(username=username, age=str(age), _save="Save")
            page = self.session.post("shared_edit", url, data, expect=(302, 409))
            if page.status == 302:
                self.shared_saves.append((contact_id, based_on, username, age))
                return
            if page.status == 409:
                self.conflicts += 1
                says = _unescaped(page)
                if CONFLICT_TEXT not in says or DIFFERENCES_TEXT not in says:
                    self.anomaly("shared_edit", f"a 409 for {contact_id!r} does not say why: "
                                                f"{_excerpt(page.text)}")
        self.gave_up += 1


# --- The run ------------------------------------------------------------------------


def run(base_url, username, password, clients=8, requests_per_client=250, shared=3,
        timeout=600, seed=0):
    """Run the load against a server; return its Result (check it with Result.check)."""
    started = time.monotonic()
    deadline = started + timeout
    tally = Tally()
    setup = Session(base_url, tally, "setup", deadline)
    if not setup.log_in(username, password):
        raise RuntimeError(f"could not log in as {username!r}: {tally.anomalies}")
    shared_items = {}
    for number in range(shared):
        contact_id, item = f"shared-{number}", (f"shared {number} initial", 0)
        data = form_fields(setup.get("setup", ADD).body)
        data.update(id=contact_id, username=item[0], age=str(item[1]), _save="Save")
        if setup.post("setup", ADD, data).status == 302:
            shared_items[contact_id] = item
    setup.close()
    workers = []
    for number in range(clients):
        session = Session(base_url, tally, number, deadline)
        # One at a time: the login rate limit holds a slot per attempt and
        # username, so a burst of simultaneous logins of one user is refused.
        session.log_in(username, password)
        workers.append(LoadClient(number, session, sorted(shared_items), seed))
    start = threading.Barrier(clients)

    def work(client):
        start.wait()
        client.work(requests_per_client)
        client.session.close()

    threads = [threading.Thread(target=work, args=(client,), daemon=True) for client in workers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=max(0.0, deadline - time.monotonic()) + 60)
    timed_out = any(thread.is_alive() for thread in threads) or time.monotonic() > deadline
    return Result(tally, workers, shared_items, time.monotonic() - started, timed_out)


def stored_items():
    """Return every item of the table, read through the app's own data layer, without the
    attributes the app derives (the clients compare what they saved).

    Needs Django set up, with settings.DYNAMODB pointing at the server's table.
    """
    from contacts.models import CONTACTS, contacts

    derived = {attribute.name for attribute in CONTACTS.derived}
    items, cursor = [], None
    while True:
        page = contacts.page(cursor=cursor, limit=200)
        items += [{name: value for name, value in item.items() if name not in derived}
                  for item in page.object_list]
        if not page.has_next():
            return items
        cursor = page.next_cursor


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--requests", type=int, default=250, help="requests per client")
    parser.add_argument("--shared", type=int, default=3, help="contacts every client edits")
    parser.add_argument("--timeout", type=float, default=900, help="seconds for the whole run")
    parser.add_argument("--seed", default="0")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn worker processes")
    parser.add_argument("--threads", type=int, default=4,
                        help="ignored: gunicorn.conf.py runs gevent workers")
    options = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="contactsite-load-") as workdir, \
            local_stack(workdir, workers=options.workers, threads=options.threads) as server:
        result = run(server.url, server.username, server.password, options.clients,
                     options.requests, options.shared, options.timeout, options.seed)
        # The final state is read through the app's data layer, set up as the server is.
        os.environ.update(server.env)
        import django

        django.setup()
        problems = result.check(stored_items())
    print(result.summary())
    for problem in problems:
        print("PROBLEM:", problem)
    print("FAILED" if problems else "OK: no 5xx, every refusal a 409, the table as expected")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
