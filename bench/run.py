"""`make bench`: latency, DynamoDB cost, throughput and memory of the contacts pages.

    .venv/bin/python -m bench.run            # N = 1,000 and 100,000 (about 10 minutes)
    .venv/bin/python -m bench.run --quick    # N = 200 and 5,000 (about 2 minutes)

It starts its own in-memory DynamoDB Local and gunicorn (2 workers, as the
Docker image runs it) on loopback ports, loads N contacts with
`import_contacts`, logs in as a real browser would, and times every page
while reading the app's own X-DynamoDB-* response headers. The same
DynamoDB calls made directly with boto3 in the same run are the floor; the
app's overhead is its latency above that floor. Everything it started is
stopped at the end, and its temporary folder removed.
"""

import argparse
import contextlib
import json
import os
import platform
import random
import shutil
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

import boto3
from boto3.dynamodb.types import TypeDeserializer
from botocore.config import Config

from bench import load
from bench.app import BenchApp
from tests.support.http import Client, page_form
from tests.support.processes import dynamodb_local_in_memory
from tests.support.stack import AWS_KEY_ID, AWS_SECRET, REGION

LIST = "/admin/contacts/contact/"
TABLE = "BenchContacts"
PAGE_SIZE = 25
DEEP_PAGES = 20
SEARCH_BUDGET = 1000  # contacts.manager.SEARCH_READ_BUDGET
# The change list against the stack's ceiling (trivial), the admin's own cost
# (chrome), and the trivial view plus the list's Scan sent straight from boto3
# (floor): the ceiling of any page that makes that one request.
THROUGHPUT_PATHS = {
    "list": LIST, "trivial": "/bench/trivial", "chrome": "/bench/chrome", "floor": "/bench/floor",
}
ONE_REQUEST_PAGES = ("list", "list deep", "change form", "add POST", "change POST", "delete POST")
FIRST_NAMES = ("Raju", "Sham", "Asha", "Priya", "Ravi", "Meera", "Arjun", "Kavya", "Dev", "Isha")


# --- Data ---------------------------------------------------------------------------------


def make_contacts(count, seed=7):
    """Return `count` contacts as DynamoDB JSON, the shape import_contacts reads."""
    rng = random.Random(seed)
    contacts = []
    for number in range(count):
        name = f"{rng.choice(FIRST_NAMES)} {number:06d}"
        item = {
            "id": {"S": uuid.UUID(int=rng.getrandbits(128), version=4).hex},
            "username": {"S": name},
            "age": {"N": str(rng.randint(18, 90))},
            "email": {"S": f"contact{number}@example.com"},
            "phone": {"S": f"+91 98{rng.randint(10_000_000, 99_999_999)}"},
        }
        if number % 3 == 0:
            item["city"] = {"S": rng.choice(("Pune", "Mumbai", "Chennai", "Delhi"))}
        contacts.append(item)
    return contacts


def write_jsonl(path, items):
    with open(path, "w", encoding="utf-8") as out:
        for item in items:
            out.write(json.dumps(item, separators=(",", ":")) + "\n")
    return path


# --- Measuring ----------------------------------------------------------------------------


class Samples:
    """Latencies of one kind of request, with what each cost in DynamoDB."""

    def __init__(self):
        self.seconds = []
        self.requests = []
        self.operations = []
        self.read_units = []
        self.write_units = []

    def add(self, response, expected_status):
        if response.status != expected_status:
            raise RuntimeError(
                f"expected {expected_status}, got {response.status}: {response.text[:800]}"
            )
        self.seconds.append(response.seconds)
        if response.header("X-DynamoDB-Requests") is None:
            return
        self.requests.append(int(response.header("X-DynamoDB-Requests")))
        operations = response.header("X-DynamoDB-Operations") or ""
        self.operations.append([op for op in operations.split(",") if op])
        self.read_units.append(float(response.header("X-DynamoDB-Read-Units")))
        self.write_units.append(float(response.header("X-DynamoDB-Write-Units")))

    def add_seconds(self, seconds):
        self.seconds.append(seconds)

    def summary(self):
        ms = sorted(s * 1000 for s in self.seconds)
        result = {"p50_ms": percentile(ms, 50), "p95_ms": percentile(ms, 95), "n": len(ms)}
        if self.requests:
            others = [sum(op != "describe_table" for op in ops) for ops in self.operations]
            described = [ops.count("describe_table") for ops in self.operations]
            result.update(
                requests_max=max(self.requests),
                requests_median=statistics.median(self.requests),
                data_requests_max=max(others),
                describe_table_max=max(described),
                operations=sorted({op for ops in self.operations for op in ops}),
                read_units_median=statistics.median(self.read_units),
                read_units_max=max(self.read_units),
                write_units_median=statistics.median(self.write_units),
            )
        return result


def percentile(sorted_values, pct):
    if not sorted_values:
        return None
    index = min(len(sorted_values) - 1, max(0, round(pct / 100 * len(sorted_values)) - 1))
    return sorted_values[index]


def timed(call, *args):
    """Return the seconds call(*args) took."""
    started = time.perf_counter()
    call(*args)
    return time.perf_counter() - started


class Floor:
    """The DynamoDB calls a page makes, sent straight from boto3: the lower bound."""

    def __init__(self, endpoint, table):
        self.table = table
        self.client = boto3.session.Session().client(
            "dynamodb", endpoint_url=endpoint, region_name=REGION,
            aws_access_key_id=AWS_KEY_ID, aws_secret_access_key=AWS_SECRET,
            config=Config(retries={"mode": "standard", "max_attempts": 3}),
        )

    def scan_page(self, start_key=None):
        params = {"TableName": self.table, "Limit": PAGE_SIZE + 1,
                  "ReturnConsumedCapacity": "TOTAL"}
        if start_key:
            params["ExclusiveStartKey"] = start_key
        return self.client.scan(**params)

    def start_key_at(self, pages):
        """Return the ExclusiveStartKey of page `pages + 1`, as the app's Next links reach it."""
        key = None
        for _ in range(pages):
            response = self.scan_page(key)
            items = response["Items"][:PAGE_SIZE]
            key = {"id": items[-1]["id"]}
        return key

    def search(self, term):
        """The app's search loop: scans until a page is full or the read budget is spent."""
        found, scanned, key = 0, 0, None
        while True:
            params = {
                "TableName": self.table,
                "Limit": SEARCH_BUDGET - scanned,
                "FilterExpression": "contains(#n0, :v0) OR contains(#n1, :v0)",
                "ExpressionAttributeNames": {"#n0": "id", "#n1": "username"},
                "ExpressionAttributeValues": {":v0": {"S": term}},
                "ReturnConsumedCapacity": "TOTAL",
            }
            if key:
                params["ExclusiveStartKey"] = key
            response = self.client.scan(**params)
            found += len(response["Items"])
            scanned += response["ScannedCount"]
            key = response.get("LastEvaluatedKey")
            if not key or scanned >= SEARCH_BUDGET or found > PAGE_SIZE:
                return

    def remove_added(self, prefix):
        """Delete the contacts the add POSTs made (username starting with `prefix`): N stays N."""
        params = {
            "TableName": self.table, "FilterExpression": "begins_with(#u, :p)",
            "ExpressionAttributeNames": {"#u": "username"},
            "ExpressionAttributeValues": {":p": {"S": prefix}}, "ProjectionExpression": "id",
        }
        while True:
            response = self.client.scan(**params)
            for item in response["Items"]:
                self.client.delete_item(TableName=self.table, Key={"id": item["id"]})
            if "LastEvaluatedKey" not in response:
                return
            params["ExclusiveStartKey"] = response["LastEvaluatedKey"]

    def get(self, contact_id):
        return self.client.get_item(
            TableName=self.table, Key={"id": {"S": contact_id}}, ConsistentRead=True,
            ReturnConsumedCapacity="TOTAL",
        )

    def put_new(self, item):
        return self.client.put_item(
            TableName=self.table, Item=item, ConditionExpression="attribute_not_exists(#k)",
            ExpressionAttributeNames={"#k": "id"}, ReturnConsumedCapacity="TOTAL",
        )

    def update_if_unchanged(self, item, username):
        """UpdateItem conditioned on every attribute, as the change form's save is."""
        names, values = {"#k": "id"}, {":new": {"S": username}}
        conditions = ["attribute_exists(#k)"]
        for number, (name, value) in enumerate(item.items()):
            if name == "id":
                continue
            names[f"#a{number}"] = name
            values[f":a{number}"] = value
            conditions.append(f"#a{number} = :a{number}")
        names["#u"] = "username"
        return self.client.update_item(
            TableName=self.table, Key={"id": item["id"]}, UpdateExpression="SET #u = :new",
            ConditionExpression=" AND ".join(conditions), ExpressionAttributeNames=names,
            ExpressionAttributeValues=values, ReturnValues="ALL_NEW",
            ReturnValuesOnConditionCheckFailure="ALL_OLD", ReturnConsumedCapacity="TOTAL",
        )

    def delete(self, contact_id):
        return self.client.delete_item(
            TableName=self.table, Key={"id": {"S": contact_id}},
            ConditionExpression="attribute_exists(#k)", ExpressionAttributeNames={"#k": "id"},
            ReturnValues="ALL_OLD", ReturnValuesOnConditionCheckFailure="ALL_OLD",
            ReturnConsumedCapacity="TOTAL",
        )


def next_link(html):
    marker = 'class="dynamo-next"'
    end = html.find(marker)
    if end < 0:
        return None
    start = html.rfind('href="', 0, end) + len('href="')
    href = html[start : html.find('"', start)].replace("&amp;", "&")
    return LIST + href if href.startswith("?") else href


KINDS = ("trivial", "admin chrome", "list", "list deep", "change form", "change POST",
         "add POST", "delete POST", "search")


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
            for path in THROUGHPUT_PATHS.values():
                self.client.get(path)
            floor.scan_page()
        self.deep_url, self.depth = LIST, 0
        while self.depth < min(DEEP_PAGES, n // PAGE_SIZE - 1):
            self.deep_url = next_link(self.client.get(self.deep_url).text)
            self.depth += 1
        self.deep_key = floor.start_key_at(self.depth)
        self.search_term = rng.choice(contacts)["username"]["S"]

    def sample(self):
        """Request each page once, and make the same DynamoDB calls with boto3 once."""
        client, floor, rng, app, base = (
            self.client, self.floor, self.rng, self.timings, self.floors
        )
        app["trivial"].add(client.get("/bench/trivial"), 200)
        app["admin chrome"].add(client.get("/bench/chrome"), 200)
        app["list"].add(client.get(LIST), 200)
        base["list"].add_seconds(timed(floor.scan_page))
        app["list deep"].add(client.get(self.deep_url), 200)
        base["list deep"].add_seconds(timed(floor.scan_page, self.deep_key))

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

        app["search"].add(client.get(f"{LIST}?q={self.search_term.replace(' ', '+')}"), 200)
        base["search"].add_seconds(timed(floor.search, self.search_term))

    def results(self):
        self.floor.remove_added("Added ")
        return {
            "app": {kind: samples.summary() for kind, samples in self.timings.items()},
            "floor": {k: self.floors[k].summary() for k in KINDS if self.floors[k].seconds},
            "depth": self.depth,
        }


def import_versus_batch_writer(app, endpoint, path, items, rounds=2):
    """Time import_contacts --overwrite and boto3's batch_writer on fresh tables, same items.

    Each runs `rounds` times, in turn; the best of each counts, so a burst of
    other work on the machine does not decide the comparison.
    """
    # The command's fixed cost (Python, Django and boto3 starting): an empty file.
    empty = path.with_name("empty.jsonl")
    empty.write_text("", encoding="utf-8")
    start_up = app.measure("import_contacts", str(empty))[0]
    results = {"start_up_seconds": start_up, "items": len(items)}
    deserialize = TypeDeserializer().deserialize
    documents = [{k: deserialize(v) for k, v in item.items()} for item in items]
    resource = boto3.session.Session().resource(
        "dynamodb", endpoint_url=endpoint, region_name=REGION,
        aws_access_key_id=AWS_KEY_ID, aws_secret_access_key=AWS_SECRET,
    )
    for round_number in range(rounds):
        for label in ("import_contacts", "batch_writer"):
            table = f"Bench{label.replace('_', '')}{round_number}"
            app.manage("create_table", table=table)
            if label == "import_contacts":
                seconds, rss = app.measure("import_contacts", str(path), "--overwrite", table=table)
            else:
                started = time.perf_counter()
                with resource.Table(table).batch_writer() as writer:
                    for document in documents:
                        writer.put_item(Item=document)
                seconds, rss = time.perf_counter() - started, None
            app.manage("delete_table", "--noinput", table=table)
            best = results.get(label)
            if best is None or seconds < best["seconds"]:
                results[label] = {
                    "seconds": seconds, "items_per_s": len(items) / seconds, "rss_mib": rss,
                }
    return results


# --- Report -------------------------------------------------------------------------------


def fmt(value, digits=1):
    return "–" if value is None else f"{value:.{digits}f}"


def print_report(report, out=sys.stdout):
    sizes = report["sizes"]
    w = out.write
    w(f"\ncontactsite benchmark — {report['date']} — {report['machine']}\n")
    w(f"gunicorn: {report['gunicorn']}; samples per page: {report['samples']}; "
      f"load average at start {report['load_start']}, at end {report['load_end']}\n")
    for n in sizes:
        run = report["runs"][str(n)]
        w(f"\n== N = {n:,} contacts (deep page: {run['depth']} pages in) ==\n")
        w(f"{'page':<14}{'p50 ms':>8}{'p95 ms':>8}{'floor':>8}{'overhd':>8}"
          f"{'DDB req':>8}{'RCU':>7}{'WCU':>6}  operations\n")
        for kind, stats in run["app"].items():
            floor = run["floor"].get(kind, {}).get("p50_ms")
            overhead = stats["p50_ms"] - floor if floor is not None else None
            w(f"{kind:<14}{fmt(stats['p50_ms']):>8}{fmt(stats['p95_ms']):>8}{fmt(floor):>8}"
              f"{fmt(overhead):>8}{stats.get('requests_max', '–')!s:>8}"
              f"{fmt(stats.get('read_units_median'), 1):>7}"
              f"{fmt(stats.get('write_units_median'), 1):>6}  "
              f"{','.join(stats.get('operations', []))}\n")
        tp = run["throughput"]
        w(f"throughput (req/s): list {tp['list']:.0f}, trivial view {tp['trivial']:.0f} "
          f"(list {tp['list'] / tp['trivial']:.0%} of it), empty admin page {tp['chrome']:.0f}, "
          f"trivial view + the list's boto3 Scan {tp['floor']:.0f} "
          f"({tp['floor'] / tp['trivial']:.0%} of trivial; list {tp['list'] / tp['floor']:.0%} "
          f"of it)\n")
        imp = run["import"]
        w(f"load with import_contacts (default: checks that no id exists): "
          f"{imp['seconds']:.1f} s, {imp['items'] / imp['seconds']:.0f} items/s, "
          f"peak RSS {imp['rss_mib']:.0f} MiB\n")
        exp = run["export"]
        w(f"export_contacts: {exp['seconds']:.1f} s, peak RSS {exp['rss_mib']:.0f} MiB\n")
        w(f"server peak RSS (MiB): {run['server_rss_mib']}\n")
    cmp_ = report["import_vs_batch_writer"]
    w(f"\nimport at N = {cmp_['items']:,} (best of 2): import_contacts --overwrite "
      f"{cmp_['import_contacts']['items_per_s']:.0f} items/s "
      f"({cmp_['start_up_seconds']:.1f} s of its {cmp_['import_contacts']['seconds']:.1f} s is "
      f"command start-up), peak RSS {cmp_['import_contacts']['rss_mib']:.0f} MiB; "
      f"boto3 batch_writer {cmp_['batch_writer']['items_per_s']:.0f} items/s\n")
    w("\nTargets\n")
    for target in report["targets"]:
        w(f"  {'PASS' if target['pass'] else 'FAIL'}  {target['name']}: {target['detail']}\n")


def targets(report):
    small, large = (str(n) for n in (report["sizes"][0], report["sizes"][-1]))
    runs = report["runs"]
    checks = []
    ratio = runs[large]["app"]["list"]["p50_ms"] / runs[small]["app"]["list"]["p50_ms"]
    checks.append({
        "name": f"list p50 at {int(large):,} ≤ 1.2 × at {int(small):,}",
        "pass": ratio <= 1.2, "value": ratio,
        "detail": f"{ratio:.2f}× ({runs[large]['app']['list']['p50_ms']:.1f} ms vs "
                  f"{runs[small]['app']['list']['p50_ms']:.1f} ms)",
    })
    for kind in ONE_REQUEST_PAGES:
        worst = max(runs[n]["app"][kind].get("data_requests_max", 99) for n in (small, large))
        described = max(runs[n]["app"][kind].get("describe_table_max", 99) for n in (small, large))
        checks.append({
            "name": f"{kind}: one DynamoDB request (+ ≤ 1 DescribeTable)",
            "pass": worst == 1 and described <= 1, "value": worst,
            "detail": f"at most {worst} data request(s) and {described} DescribeTable",
        })
    run = runs[large]
    chrome = run["app"]["admin chrome"]["p50_ms"]
    for kind in ("list", "list deep"):
        overhead = run["app"][kind]["p50_ms"] - run["floor"][kind]["p50_ms"]
        # The issue's own rule: when the admin chrome alone costs more than
        # the budget, it is measured and reported apart, and the budget
        # applies to what the page adds beyond it.
        beyond = overhead - chrome
        checks.append({
            "name": f"{kind} overhead over the boto3 floor ≤ 5 ms p50 (N={int(large):,}; "
                    "beyond the admin chrome when that alone costs more)",
            "pass": overhead <= 5 or (chrome > 5 and beyond <= 5), "value": overhead,
            "detail": f"{overhead:.1f} ms, of which an empty admin page costs {chrome:.1f} ms "
                      f"(trivial view {run['app']['trivial']['p50_ms']:.1f} ms); "
                      f"beyond the admin chrome: {beyond:.1f} ms",
        })
    tp = run["throughput"]
    checks.append({
        "name": "list throughput ≥ 50 % of the trivial view",
        "pass": tp["list"] >= 0.5 * tp["trivial"], "value": tp["list"] / tp["trivial"],
        "detail": f"{tp['list'] / tp['trivial']:.0%} "
                  f"({tp['list']:.0f} vs {tp['trivial']:.0f} req/s); the trivial view plus the "
                  f"list's one Scan sent straight from boto3 reaches {tp['floor']:.0f} req/s, "
                  f"{tp['floor'] / tp['trivial']:.0%} of trivial, and the list "
                  f"{tp['list'] / tp['floor']:.0%} of that; an empty admin page "
                  f"{tp['chrome']:.0f} req/s",
    })
    cmp_ = report["import_vs_batch_writer"]
    share = cmp_["import_contacts"]["items_per_s"] / cmp_["batch_writer"]["items_per_s"]
    checks.append({
        "name": f"import throughput ≥ 80 % of batch_writer (N={int(large):,})",
        "pass": share >= 0.8, "value": share,
        "detail": f"{share:.0%} ({cmp_['import_contacts']['items_per_s']:.0f} vs "
                  f"{cmp_['batch_writer']['items_per_s']:.0f} items/s, command start-up included)",
    })
    exports = [runs[n]["export"]["rss_mib"] for n in (small, large)]
    # Proportional memory would grow as much as N (100×); a full 1 MB Scan page
    # decoded in memory is the most the peak may add.
    checks.append({
        "name": "export memory does not grow with N",
        "pass": exports[1] <= exports[0] * 1.5, "value": exports[1] / exports[0],
        "detail": f"peak RSS {exports[0]:.0f} MiB at {int(small):,}, {exports[1]:.0f} MiB at "
                  f"{int(large):,}",
    })
    return checks


# --- Main ---------------------------------------------------------------------------------


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="N = 200 and 5,000; fewer samples.")
    parser.add_argument("--samples", type=int, help="Requests per page kind and N.")
    parser.add_argument("--seconds", type=float, help="Duration of each throughput run.")
    parser.add_argument("--json", metavar="FILE", help="Also write the figures as JSON.")
    args = parser.parse_args(argv)
    sizes = (200, 5_000) if args.quick else (1_000, 100_000)
    samples = args.samples or (30 if args.quick else 200)
    seconds_each = args.seconds or (3 if args.quick else 10)
    rng = random.Random(11)

    workdir = Path(tempfile.mkdtemp(prefix="contactsite-bench-"))
    apps = []
    report = {
        "date": time.strftime("%Y-%m-%d"), "machine": machine(), "sizes": list(sizes),
        "samples": samples, "gunicorn": "2 gevent workers (gunicorn.conf.py), one per N",
        "runs": {str(n): {} for n in sizes},
        # Other work on the machine skews every figure: the run says how busy it was.
        "load_start": load_average(),
    }
    # Unwound in reverse: the servers stop, then DynamoDB Local, then the folder goes.
    with contextlib.ExitStack() as cleanup:
        cleanup.callback(shutil.rmtree, workdir, ignore_errors=True)
        endpoint = cleanup.enter_context(dynamodb_local_in_memory(workdir))
        contacts = make_contacts(sizes[-1])
        runs = []
        for n in sizes:
            run = report["runs"][str(n)]
            if not apps:
                app = BenchApp(workdir, endpoint, f"{TABLE}{n}")
                app.prepare()  # the auth database and admin user, shared by both servers
            else:
                app = apps[0].for_table(f"{TABLE}{n}")
                app.manage("create_table")
            apps.append(app)
            cleanup.callback(app.stop)
            step(f"N = {n:,}: loading {n:,} contacts with import_contacts")
            seconds, rss = app.measure(
                "import_contacts", str(write_jsonl(workdir / f"first-{n}.jsonl", contacts[:n]))
            )
            run["import"] = {"items": n, "seconds": seconds, "rss_mib": rss}
            step(f"N = {n:,}: export_contacts")
            seconds, rss = app.measure("export_contacts", "-o", str(workdir / f"export-{n}.jsonl"))
            run["export"] = {"seconds": seconds, "rss_mib": rss}
            floor = Floor(endpoint, app.table)
            runs.append(SizeRun(n, app.serve(), app, floor, contacts[:n], rng))
        step(f"timing pages: {samples} rounds, each N in turn")
        for _ in range(samples):
            for size_run in runs:
                size_run.sample()
        for size_run in runs:
            report["runs"][str(size_run.n)].update(size_run.results())
            step(f"N = {size_run.n:,}: throughput ({seconds_each:g} s each)")
            report["runs"][str(size_run.n)]["throughput"] = {
                kind: load.requests_per_second(
                    size_run.server_url, size_run.client.cookies, path, seconds_each
                )[0]
                for kind, path in THROUGHPUT_PATHS.items()
            }
            report["runs"][str(size_run.n)]["server_rss_mib"] = {
                role: round(rss) for role, rss in zip(
                    ("master", "worker 1", "worker 2"), size_run.app.server_peak_rss().values(),
                    strict=False,
                )
            }
            size_run.client.close()
        n = sizes[-1]
        step(f"N = {n:,}: import_contacts --overwrite vs batch_writer, twice each")
        report["import_vs_batch_writer"] = import_versus_batch_writer(
            apps[-1], endpoint, workdir / f"first-{n}.jsonl", contacts
        )
    report["load_end"] = load_average()
    report["targets"] = targets(report)
    print_report(report)
    if args.json:
        Path(args.json).write_text(json.dumps(report, indent=2), encoding="utf-8")
    return 0


def step(text):
    print(f"[bench] {text}", file=sys.stderr, flush=True)


def load_average():
    return " ".join(f"{value:.1f}" for value in os.getloadavg())


def machine():
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    python = platform.python_version()
    return f"{os.cpu_count()} cores ({cpu}), Python {python}, {platform.system()}"


if __name__ == "__main__":
    sys.exit(main())
