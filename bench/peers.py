"""The peers measured beside the app: dynamodb-admin, and the Django admin's own user list.

dynamodb-admin (npm, pinned in the Makefile, under .cache/) serves the same
DynamoDB Local and tables. Its table page is an HTML shell whose script then
fetches the items as JSON (`/tables/<name>/items` + the page's own query:
views/scan.ejs); a "page view" is both, one after the other, as a browser
with its static files cached makes them. Its Next link carries the next
start key, its filter form a JSON `filters` parameter that it applies to
Scans of 10 items until a page is full or the table ends.

The Django admin's user list is served by the same gunicorn as the app,
from an auth database holding as many users as the table holds contacts
(100 rows per page, the admin's default).
"""

import contextlib
import json
import os
import subprocess
from pathlib import Path
from urllib.parse import quote, urlencode

from bench.measure import Samples, check
from tests.support.faultproxy import FaultProxy
from tests.support.http import Client
from tests.support.processes import ROOT, free_port, stop, wait_for_port

DYNAMODB_ADMIN = ROOT / ".cache" / "dynamodb-admin" / "node_modules" / "dynamodb-admin"
USER_LIST = "/admin/auth/user/"
USERS_PER_PAGE = 100  # ModelAdmin.list_per_page, which UserAdmin keeps
PEER_KINDS = ("dynamodb-admin", "dynamodb-admin deep", "user list", "user list deep")


@contextlib.contextmanager
def dynamodb_admin(endpoint, log_path):
    """Run dynamodb-admin against `endpoint` on a free loopback port; yield (process, URL)."""
    script = DYNAMODB_ADMIN / "dist" / "dynamodb-admin.js"
    if not script.exists():
        raise RuntimeError(f"dynamodb-admin is not installed at {DYNAMODB_ADMIN}: `make bench` "
                           "installs it with npm")
    port = free_port()
    with open(log_path, "ab") as log:
        process = subprocess.Popen(
            ["node", str(script), "--host", "127.0.0.1", "--port", str(port),
             "--dynamo-endpoint", endpoint],
            cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
            # Not NODE_ENV=production: dynamodb-admin refuses to start with it ("Do not run
            # this in production!"); it is a development tool.
            # Not NODE_ENV=production: dynamodb-admin refuses to start with it ("Do not run
            # this in production!"); it is a development tool.
            env={"PATH": os.environ["PATH"], "HOME": str(Path(log_path).parent)},
        )
    try:
        wait_for_port(port, process, log=log_path)
        yield process, f"http://127.0.0.1:{port}"
    finally:
        stop(process)


class AdminPages:
    """dynamodb-admin's table page for one table: the shell, then its items JSON."""

    def __init__(self, client, table):
        self.client = client
        self.shell = f"/tables/{quote(table)}"

    def paths(self, query=""):
        """Return the two requests of a page view with this query string (no "?")."""
        suffix = f"?{query}" if query else ""
        return (self.shell + suffix, f"{self.shell}/items{suffix}")

    def view(self, query=""):
        """Make one page view; return (seconds, the items JSON)."""
        shell, items = (check(self.client.get(path), 200) for path in self.paths(query))
        return shell.seconds + items.seconds, json.loads(items.body)

    def query_at(self, pages):
        """Return the query string `pages` Next clicks from the first page, as its link makes it."""
        query = ""
        for _ in range(pages):
            data = self.view(query)[1]
            query = (f"startKey={data['nextKey']}&prevKey={data['prevKey']}"
                     f"&pageNum={data['pageNum'] + 1}&filters=&pageSize=25")
        return query


def filter_query(attribute, prefix):
    """Return the query string of dynamodb-admin's filter form: `attribute` begins with `prefix`."""
    filters = {attribute: {"operator": "begins_with", "value": prefix, "type": "S"}}
    return urlencode({"filters": json.dumps(filters), "pageSize": 25})


def count_requests(endpoint, log_path, table, queries):
    """Return, for each query, the DynamoDB requests of one dynamodb-admin page view.

    A second dynamodb-admin, used only for this, talks to DynamoDB Local
    through a proxy that logs every request (tests/support/faultproxy.py),
    so the timed one goes direct.
    """
    counts = {}
    with FaultProxy(endpoint) as proxy, dynamodb_admin(proxy.url, log_path) as (_, url):
        # A filter that scans 100,000 items through the proxy takes minutes.
        with Client(url, timeout=1200) as client:
            pages = AdminPages(client, table)
            for name, query in queries.items():
                before = len(proxy.exchanges())
                pages.view(query)
                operations = [e.operation for e in proxy.exchanges()[before:]]
                counts[name] = {"requests": len(operations),
                                "operations": sorted(set(operations)),
                                "describe_table": operations.count("DescribeTable")}
    return counts


class PeerRun:
    """The peers' pages at one size, sampled once per round beside the app's."""

    def __init__(self, n, admin_url, table, server_url, app, depth):
        self.n, self.table, self.depth = n, table, depth
        self.admin_client = Client(admin_url)
        self.pages = AdminPages(self.admin_client, table)
        self.user_client = Client(server_url)
        self.user_client.log_in(app.username, app.password)
        for _ in range(5):  # warm-up
            self.pages.view()
            self.user_client.get(USER_LIST)
        self.deep_query = self.pages.query_at(depth)
        # The admin's paginator counts pages from 1: `depth` Next clicks reach page depth + 1,
        # or the last page of a smaller table (100 users a page).
        self.user_page = min(depth + 1, -(-n // USERS_PER_PAGE))
        self.user_deep = f"{USER_LIST}?p={self.user_page}"
        self.timings = {kind: Samples() for kind in PEER_KINDS}

    def sample(self):
        self.timings["dynamodb-admin"].add_seconds(self.pages.view()[0])
        self.timings["dynamodb-admin deep"].add_seconds(self.pages.view(self.deep_query)[0])
        self.timings["user list"].add(self.user_client.get(USER_LIST), 200)
        self.timings["user list deep"].add(self.user_client.get(self.user_deep), 200)

    def close(self):
        self.admin_client.close()
        self.user_client.close()

    def results(self):
        return {**{kind: samples.summary() for kind, samples in self.timings.items()},
                "user_page": self.user_page}
