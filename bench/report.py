"""The benchmark's printed report: pages, the peers side by side, throughput, targets."""

import sys

# Throughput runs, in the order printed: what each serves per "view".
THROUGHPUT_LABELS = {
    "list": "contactsite change list",
    "dynamodb-admin": "dynamodb-admin page view (shell + items JSON)",
    "user list": "Django admin user list (100 rows)",
    "trivial": "trivial Django view",
    "chrome": "empty admin page",
    "floor": "trivial view + the list's boto3 Scan",
}


def fmt(value, digits=1):
    return "–" if value is None else f"{value:.{digits}f}"


def print_report(report, out=sys.stdout):
    w = out.write
    w(f"\ncontactsite benchmark — {report['date']} — {report['machine']}\n")
    w(f"gunicorn: {report['gunicorn']}; samples per page: {report['samples']}; "
      f"load average at start {report['load_start']}, at end {report['load_end']}\n")
    for n in report["sizes"]:
        run = report["runs"][str(n)]
        print_pages(w, n, run)
        print_peers(w, n, run, report["rare_search"][str(n)])
        print_throughput(w, run)
        imp, exp = run["import"], run["export"]
        w(f"load with import_contacts (default: checks that no id exists): "
          f"{imp['seconds']:.1f} s, {imp['items'] / imp['seconds']:.0f} items/s, "
          f"peak RSS {imp['rss_mib']:.0f} MiB\n")
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


def print_pages(w, n, run):
    w(f"\n== N = {n:,} contacts (deep pages: {run['depth']} Next clicks in) ==\n")
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


def print_peers(w, n, run, rare):
    app, peers, counted, tp = run["app"], run["peers"], run["peer_requests"], run["throughput"]
    w(f"\nside by side at N = {n:,} (the same DynamoDB Local and data)\n")
    w(f"{'':<40}{'p50 ms':>8}{'p95 ms':>8}{'views/s':>9}{'CPU ms/view':>13}"
      f"{'DDB Local':>10}{'DDB req':>9}\n")
    rows = (
        ("contactsite list, first page", app["list"], "list", app["list"].get("requests_max")),
        (f"contactsite list, {run['depth']} pages in", app["list deep"], None,
         app["list deep"].get("requests_max")),
        ("dynamodb-admin page view", peers["dynamodb-admin"], "dynamodb-admin",
         counted["first page"]["requests"]),
        (f"dynamodb-admin, {run['depth']} pages in", peers["dynamodb-admin deep"], None,
         counted["deep"]["requests"]),
        ("Django admin user list (100 rows)", peers["user list"], "user list", 0),
        (f"Django user list, page {peers['user_page']}", peers["user list deep"], None, 0),
    )
    for label, stats, throughput_kind, requests in rows:
        t = tp.get(throughput_kind, {})
        w(f"{label:<40}{fmt(stats['p50_ms']):>8}{fmt(stats['p95_ms']):>8}"
          f"{fmt(t.get('per_second'), 0):>9}{fmt(t.get('server_cpu_ms')):>13}"
          f"{fmt(t.get('dynamodb_cpu_ms')):>10}{requests!s:>9}\n")
    ours, theirs = app["list"]["p50_ms"], peers["dynamodb-admin"]["p50_ms"]
    w(f"ratios (contactsite / dynamodb-admin): p50 {ours / theirs:.2f}×, views/s "
      f"{tp['list']['per_second'] / tp['dynamodb-admin']['per_second']:.2f}×, server CPU "
      f"{tp['list']['server_cpu_ms'] / tp['dynamodb-admin']['server_cpu_ms']:.2f}×; "
      f"(contactsite / Django user list): p50 {ours / peers['user list']['p50_ms']:.2f}×, "
      f"views/s {tp['list']['per_second'] / tp['user list']['per_second']:.2f}×\n")
    other = run.get("list_on_also_python")
    if other:
        w(f"the same list from a gunicorn run by Python {other['python']}: p50 "
          f"{other['p50_ms']:.1f} ms, p95 {other['p95_ms']:.1f} ms, "
          f"{other['p50_ms'] / theirs:.2f}× dynamodb-admin's p50 (for comparison; the targets "
          "use the bench's own Python)\n")
    w(f"rare name ({rare['name']!r}): contactsite ?q= p50 {rare['ours']['p50_ms']:.1f} ms, "
      f"{rare['ours']['requests']} DynamoDB requests; dynamodb-admin filter (begins_with) p50 "
      f"{rare['dynamodb-admin']['p50_ms']:.0f} ms ({rare['dynamodb-admin']['n']} views), "
      f"{rare['dynamodb-admin']['requests']} DynamoDB requests\n")


def print_throughput(w, run):
    w("throughput (8 keep-alive clients connecting at once; requests per gunicorn worker):\n")
    for kind, label in THROUGHPUT_LABELS.items():
        t = run["throughput"][kind]
        share = t["busiest_worker_share"]
        workers = "/".join(str(count) for count in sorted(t["per_worker"].values()))
        halves = ", ".join(f"{half['connections']} ({half['busiest_share']:.0%})"
                           for half in t.get("runs", []))
        w(f"  {label:<48}{t['per_second']:>7.0f}/s  server CPU {t['server_cpu_ms']:.1f} ms, "
          f"DynamoDB Local CPU {t['dynamodb_cpu_ms']:.1f} ms per view"
          + (f"; workers {workers} (busiest {share:.0%}); connections per worker, each "
             f"half-run (its busiest worker's share): {halves}" if share is not None else "")
          + (f"; {t['errors']} failed" if t["errors"] else "") + "\n")
