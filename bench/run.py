"""`make bench`: latency, DynamoDB cost, throughput and memory of the contacts pages, and peers.

    make bench                       # N = 1,000 and 100,000 (about 20 minutes)
    make bench BENCH_ARGS=--quick    # N = 200 and 5,000 (about 3 minutes)

`make bench` runs it with the interpreter of its BENCH_PYTHON (the Makefile
says which by default and why), passing `--also-python` the project's .venv.

It starts its own in-memory DynamoDB Local, one gunicorn per table size (2
workers, as the Docker image runs it) and dynamodb-admin on loopback ports,
loads N contacts with `import_contacts` and N users in that size's auth
database, logs in as a real browser would, and times every page while
reading the app's own X-DynamoDB-* response headers. Each round samples
every page of the app, of dynamodb-admin and of the Django admin's user
list once per size, so any other load on the machine weighs on all alike.
The same DynamoDB calls made directly with boto3 in the same run are the
floor. Everything it started is stopped at the end, and its temporary
folder removed.
"""

import argparse
import contextlib
import json
import os
import platform
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench import data, load
from bench.app import BenchApp
from bench.floor import Floor
from bench.importing import import_versus_batch_writer
from bench.measure import cpu_seconds
from bench.pages import LIST, ListOnAnotherPython, SizeRun, rare_name
from bench.peers import AdminPages, PeerRun, count_requests, dynamodb_admin, filter_query
from bench.report import print_report
from bench.targets import targets
from tests.support.http import Client
from tests.support.processes import children, free_port, start_dynamodb_local, stop

TABLE = "BenchContacts"
# Each throughput run: what one "view" requests, from whom.
THROUGHPUT = {
    "list": ("app", (LIST,)),
    "dynamodb-admin": ("dynamodb-admin", None),  # its shell and items JSON: AdminPages.paths()
    "user list": ("app", ("/admin/auth/user/",)),
    "trivial": ("app", ("/bench/trivial",)),
    "chrome": ("app", ("/bench/chrome",)),
    "floor": ("app", ("/bench/floor",)),
}


class Size:
    """Everything measured at one table size: the app's server, its pages and the peers'."""

    def __init__(self, n, app, pages, peers, table):
        self.n, self.app, self.pages, self.peers, self.table = n, app, pages, peers, table
        self.elsewhere = None  # the list from another interpreter (--also-python), if asked

    def server_pids(self):
        return [self.app.server.pid, *children(self.app.server.pid)]


def prepare_size(n, contacts, workdir, endpoint, first_app, rng, run):
    """Create the table and auth database of size n, load both, serve; return the SizeRun."""
    table = f"{TABLE}{n}"
    if first_app is None:
        app = BenchApp(workdir, endpoint, table)
    else:
        app = first_app.for_table(table)
    # Each size its own auth database, holding as many users as the table holds contacts.
    app.env["DATABASE_URL"] = f"sqlite:///{workdir / f'auth-{n}.sqlite3'}"
    (app.prepare if first_app is None else app.set_up)()
    step(f"N = {n:,}: loading {n:,} contacts with import_contacts, {n - 1:,} users + admin")
    seconds, rss = app.measure(
        "import_contacts", str(data.write_jsonl(workdir / f"first-{n}.jsonl", contacts[:n]))
    )
    run["import"] = {"items": n, "seconds": seconds, "rss_mib": rss}
    app.manage("shell", "-c", data.bulk_create_users(n - 1))
    step(f"N = {n:,}: export_contacts")
    seconds, rss = app.measure("export_contacts", "-o", str(workdir / f"export-{n}.jsonl"))
    run["export"] = {"seconds": seconds, "rss_mib": rss}
    floor = Floor(endpoint, app.table)
    return app, SizeRun(n, app.serve(), app, floor, contacts[:n], rng)


def throughput(size, admin_url, cookies, kind, seconds, dynamodb_pid, admin_pid):
    """Return one throughput run's figures, with the CPU the servers spent per view."""
    who, paths = THROUGHPUT[kind]
    if who == "dynamodb-admin":
        url, paths, server = admin_url, AdminPages(None, size.table).paths(), [admin_pid]
    else:
        url, server = size.app.url, size.server_pids()
    before = cpu_seconds(server), cpu_seconds([dynamodb_pid])
    result = load.views_per_second(url, cookies, paths, seconds)
    after = cpu_seconds(server), cpu_seconds([dynamodb_pid])
    return {
        "views": result.views, "seconds": seconds, "errors": result.errors,
        "server_cpu": after[0] - before[0], "dynamodb_cpu": after[1] - before[1],
        "per_worker": result.per_worker, "connections": result.connections,
    }


def add_up(runs):
    """Return the figures of several throughput runs of one kind, added up."""
    total = {key: sum(run[key] for run in runs)
             for key in ("views", "seconds", "errors", "server_cpu", "dynamodb_cpu")}
    workers = {}
    for run in runs:
        for pid, count in run["per_worker"].items():
            workers[str(pid)] = workers.get(str(pid), 0) + count
    pids = {pid for run in runs for pid in run["per_worker"]}
    splits = [connection_split(run, pids) for run in runs if run["per_worker"]]
    # The worst single run decides the spread: each starts its 8 connections afresh.
    shares = [split["busiest_share"] for split in splits]
    views = max(total["views"], 1)
    return {
        "per_second": total["views"] / total["seconds"], "errors": total["errors"],
        "server_cpu_ms": total["server_cpu"] * 1000 / views,
        "dynamodb_cpu_ms": total["dynamodb_cpu"] * 1000 / views,
        "per_worker": workers, "busiest_worker_share": max(shares) if shares else None,
        "runs": splits,
    }


def connection_split(run, pids):
    """Return how one run's connections split over the workers ("4/4", "8/0"), with the
    share of requests its busiest worker served."""
    counts = sorted((run["connections"].get(pid, 0) for pid in pids), reverse=True)
    return {"connections": "/".join(map(str, counts)),
            "busiest_share": max(run["per_worker"].values()) / sum(run["per_worker"].values())}


def rare_search(size, admin_url, rounds):
    """Time finding one rare name: our ?q= against dynamodb-admin's filter, in turn."""
    name = rare_name(size.pages.contacts)
    query = filter_query("username", name)
    ours, theirs = [], []
    with Client(admin_url, timeout=600) as client:
        pages = AdminPages(client, size.table)
        for _ in range(rounds):
            response = size.pages.client.get(f"{LIST}?q={name.casefold().replace(' ', '+')}")
            ours.append(response)
            seconds, found = pages.view(query)
            theirs.append(seconds)
            if not any(item["username"] == name for item in found["Items"]):
                raise RuntimeError(f"dynamodb-admin's filter did not find {name!r}")
    ours_ms = sorted(r.seconds * 1000 for r in ours)
    return {
        "name": name, "query": query,
        "ours": {"p50_ms": ours_ms[len(ours_ms) // 2], "n": len(ours),
                 "requests": max(int(r.header("X-DynamoDB-Requests", 0)) for r in ours)},
        "dynamodb-admin": {"p50_ms": sorted(theirs)[len(theirs) // 2] * 1000, "n": len(theirs)},
    }


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="N = 200 and 5,000; fewer samples.")
    parser.add_argument("--samples", type=int, help="Requests per page kind and N.")
    parser.add_argument("--seconds", type=float, help="Duration of each throughput run.")
    parser.add_argument("--json", metavar="FILE", help="Also write the figures as JSON.")
    parser.add_argument("--also-python", metavar="PYTHON",
                        help="Also time the change list served by this interpreter (with the "
                             "app's requirements installed), beside the bench's own.")
    args = parser.parse_args(argv)
    sizes = (200, 5_000) if args.quick else (1_000, 100_000)
    samples = args.samples or (30 if args.quick else 200)
    seconds_each = args.seconds or (4 if args.quick else 10)
    rare_rounds = 3  # dynamodb-admin needs about a minute a view at 100,000
    rng = random.Random(11)

    # Which CPython serves the app weighs on every figure (the Makefile's BENCH_PYTHON).
    own_python = python_of(sys.executable)
    also_python = args.also_python and python_of(args.also_python)
    if also_python and also_python == own_python:
        step(f"--also-python is the bench's own interpreter (Python {also_python}): skipped")
        also_python = None

    workdir = Path(tempfile.mkdtemp(prefix="contactsite-bench-"))
    report = {
        "date": time.strftime("%Y-%m-%d"), "machine": machine(own_python), "sizes": list(sizes),
        "samples": samples, "gunicorn": "2 gevent workers (gunicorn.conf.py), one per N",
        "runs": {str(n): {} for n in sizes}, "rare_search": {},
        # Other work on the machine skews every figure: the run says how busy it was.
        "load_start": load_average(),
    }
    # Unwound in reverse: the servers stop, then DynamoDB Local, then the folder goes.
    with contextlib.ExitStack() as cleanup:
        cleanup.callback(shutil.rmtree, workdir, ignore_errors=True)
        port = free_port()
        dynamodb = start_dynamodb_local(port, "-inMemory",
                                        log_path=workdir / "dynamodb-local.log")
        cleanup.callback(stop, dynamodb)
        endpoint = f"http://127.0.0.1:{port}"
        contacts = data.with_derived(data.make_contacts(sizes[-1]), data.app_table())
        measured, first_app = [], None
        for n in sizes:
            app, pages = prepare_size(n, contacts, workdir, endpoint, first_app, rng,
                                      report["runs"][str(n)])
            first_app = first_app or app
            cleanup.callback(app.stop)
            measured.append(Size(n, app, pages, None, app.table))
            if also_python:
                other = app.another_server(workdir / f"also-python-{n}")
                other.workdir.mkdir()
                cleanup.callback(other.stop)
                url = other.serve(python=args.also_python)
                measured[-1].elsewhere = ListOnAnotherPython(also_python, url, app)
        admin, admin_url = cleanup.enter_context(
            dynamodb_admin(endpoint, workdir / "dynamodb-admin.log"))
        for size in measured:
            size.peers = PeerRun(size.n, admin_url, size.table, size.app.url, size.app,
                                 size.pages.depth)
        step(f"timing pages: {samples} rounds, each N and each peer in turn")
        for _ in range(samples):
            for size in measured:
                size.pages.sample()
                size.peers.sample()
                if size.elsewhere:
                    size.elsewhere.sample()
        for size in measured:
            run = report["runs"][str(size.n)]
            run.update(size.pages.results())
            run["peers"] = size.peers.results()
            if size.elsewhere:
                run["list_on_also_python"] = size.elsewhere.results()
            step(f"N = {size.n:,}: a rare name, {rare_rounds} times each: ?q= and "
                 "dynamodb-admin's filter")
            report["rare_search"][str(size.n)] = side = rare_search(size, admin_url, rare_rounds)
            step(f"N = {size.n:,}: counting dynamodb-admin's DynamoDB requests per page view")
            run["peer_requests"] = count_requests(endpoint, workdir / "counted-admin.log",
                                                  size.table, {
                "first page": "", "deep": size.peers.deep_query, "rare name": side["query"],
            })
            side["dynamodb-admin"]["requests"] = run["peer_requests"]["rare name"]["requests"]
        step(f"throughput: {len(THROUGHPUT)} kinds × {len(measured)} sizes, {seconds_each:g} s "
             "each in two halves, interleaved")
        figures = {(size.n, kind): [] for size in measured for kind in THROUGHPUT}
        for _half in range(2):
            for size in measured:
                for kind in THROUGHPUT:
                    figures[size.n, kind].append(throughput(
                        size, admin_url, size.pages.client.cookies, kind, seconds_each / 2,
                        dynamodb.pid, admin.pid))
        for size in measured:
            run = report["runs"][str(size.n)]
            run["throughput"] = {kind: add_up(figures[size.n, kind]) for kind in THROUGHPUT}
            run["server_rss_mib"] = {
                role: round(rss) for role, rss in zip(
                    ("master", "worker 1", "worker 2"), size.app.server_peak_rss().values(),
                    strict=False,
                )
            }
            size.pages.client.close()
            size.peers.close()
        n = sizes[-1]
        step(f"N = {n:,}: import_contacts --overwrite vs batch_writer, twice each")
        report["import_vs_batch_writer"] = import_versus_batch_writer(
            measured[-1].app, endpoint, workdir / f"first-{n}.jsonl", contacts
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


def machine(python):
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{os.cpu_count()} cores ({cpu}), Python {python}, {platform.system()}"


def python_of(executable):
    """Return an interpreter's version and the installation its venv was made from."""
    try:
        found = subprocess.run(
            [executable, "-c", "import platform, sys; print(platform.python_version(), 'from', "
                               "sys.base_prefix)"],
            capture_output=True, text=True, check=False,
        )
    except OSError as error:  # not there, or not a program
        raise SystemExit(f"{executable} did not run: {error}") from None
    if found.returncode:
        raise SystemExit(f"{executable} did not run: "
                         f"{found.stderr.strip() or f'exit status {found.returncode}'}")
    return found.stdout.strip()


if __name__ == "__main__":
    sys.exit(main())
