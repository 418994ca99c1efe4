"""The targets `make bench` checks, each a ratio within one run (docs/performance.md)."""

from bench.pages import DEEP_PAGES

ONE_REQUEST_PAGES = ("list", "list deep", "change form", "add POST", "change POST", "delete POST")


def check(name, passed, value, detail):
    return {"name": name, "pass": bool(passed), "value": value, "detail": detail}


def targets(report):
    small, large = (str(n) for n in (report["sizes"][0], report["sizes"][-1]))
    checks = scale_targets(report, small, large)
    checks += search_and_sort_targets(report, small, large)
    checks += peer_targets(report, small, large)
    checks += import_and_export_targets(report, small, large)
    return checks


def scale_targets(report, small, large):
    runs = report["runs"]
    checks = []
    ratio = runs[large]["app"]["list"]["p50_ms"] / runs[small]["app"]["list"]["p50_ms"]
    checks.append(check(
        f"list p50 at {int(large):,} ≤ 1.2 × at {int(small):,}", ratio <= 1.2, ratio,
        f"{ratio:.2f}× ({runs[large]['app']['list']['p50_ms']:.1f} ms vs "
        f"{runs[small]['app']['list']['p50_ms']:.1f} ms)",
    ))
    for kind in ONE_REQUEST_PAGES:
        worst = max(runs[n]["app"][kind].get("data_requests_max", 99) for n in (small, large))
        described = max(runs[n]["app"][kind].get("describe_table_max", 99) for n in (small, large))
        checks.append(check(
            f"{kind}: one DynamoDB request (+ ≤ 1 DescribeTable and DescribeTimeToLive, cached)",
            worst == 1 and described <= 1, worst,
            f"at most {worst} data request(s) and {described} of each metadata read",
        ))
    return checks


def search_and_sort_targets(report, small, large):
    """Issue 14: name search at constant cost; the username sort at the same p50 at any size."""
    runs = report["runs"]
    checks = []
    for kind in ("name search", "rare name"):
        stats = {n: runs[n]["app"][kind] for n in (small, large)}
        most = max(s.get("requests_max", 99) for s in stats.values())
        checks.append(check(f"{kind}: at most 2 DynamoDB requests", most <= 2, most,
                            f"at most {most}"))
        for measure, label in (("requests_median", "requests"), ("read_units_median", "RCU")):
            low, high = stats[small].get(measure), stats[large].get(measure)
            ratio = high / low if low else None
            checks.append(check(
                f"{kind}: {label} per page at {int(large):,} ≤ 1.1 × at {int(small):,}",
                ratio is not None and ratio <= 1.1, ratio,
                f"{high} vs {low}" + (f" ({ratio:.2f}×)" if ratio is not None else ""),
            ))
    for kind, label in (("sorted", "first page"), ("sorted deep", f"{DEEP_PAGES} pages in")):
        high, low = runs[large]["app"][kind]["p50_ms"], runs[small]["app"][kind]["p50_ms"]
        checks.append(check(
            f"username-sorted list, {label}: p50 at {int(large):,} ≤ 1.2 × at {int(small):,}",
            high / low <= 1.2, high / low, f"{high / low:.2f}× ({high:.1f} ms vs {low:.1f} ms)",
        ))
    return checks


def peer_targets(report, small, large):
    """Issue 19: the change list against dynamodb-admin's page view, the workers, the search."""
    runs = report["runs"]
    checks = []
    for n in (small, large):
        ours = runs[n]["app"]["list"]["p50_ms"]
        theirs = runs[n]["peers"]["dynamodb-admin"]["p50_ms"]
        # What any admin page making the list's Scan costs at least, in the same run:
        # the empty admin page plus that Scan sent straight from boto3.
        floor = runs[n]["app"]["admin chrome"]["p50_ms"] + runs[n]["floor"]["list"]["p50_ms"]
        checks.append(check(
            f"list p50 ≤ 0.7 × dynamodb-admin's page view (N={int(n):,})", ours <= 0.7 * theirs,
            ours / theirs, f"{ours / theirs:.2f}× ({ours:.1f} ms vs {theirs:.1f} ms; empty admin "
                           f"page + boto3 Scan: {floor:.1f} ms = {floor / theirs:.2f}×)",
        ))
        tp = runs[n]["throughput"]
        ours, theirs = tp["list"]["per_second"], tp["dynamodb-admin"]["per_second"]
        checks.append(check(
            f"list views/s ≥ 1.0 × dynamodb-admin's page views/s (N={int(n):,})",
            ours >= theirs, ours / theirs, f"{ours / theirs:.2f}× ({ours:.0f} vs {theirs:.0f}/s)",
        ))
        share = max(run["busiest_worker_share"] or 0 for run in tp.values())
        checks.append(check(
            f"8 clients connecting at once: no worker serves > 60 % (N={int(n):,})",
            share <= 0.6, share, f"busiest worker served {share:.0%} of a throughput run's "
                                 "requests (worst of the runs)",
        ))
    side = report["rare_search"][large]
    ours, theirs = side["ours"], side["dynamodb-admin"]
    fewer = theirs["requests"] / ours["requests"]
    checks.append(check(
        f"rare name at {int(large):,}: ≥ 20 × fewer DynamoDB requests than dynamodb-admin's filter",
        fewer >= 20, fewer, f"{fewer:.0f}× ({ours['requests']} vs {theirs['requests']})",
    ))
    faster = theirs["p50_ms"] / ours["p50_ms"]
    checks.append(check(
        f"rare name at {int(large):,}: ≥ 10 × lower p50 than dynamodb-admin's filter",
        faster >= 10, faster, f"{faster:.0f}× ({ours['p50_ms']:.1f} ms vs "
                              f"{theirs['p50_ms']:.0f} ms)",
    ))
    return checks


def import_and_export_targets(report, small, large):
    runs = report["runs"]
    cmp_ = report["import_vs_batch_writer"]
    share = cmp_["import_contacts"]["items_per_s"] / cmp_["batch_writer"]["items_per_s"]
    exports = [runs[n]["export"]["rss_mib"] for n in (small, large)]
    # Proportional memory would grow as much as N (100×); a full 1 MB Scan page
    # decoded in memory is the most the peak may add.
    return [
        check(f"import throughput ≥ 80 % of batch_writer (N={int(large):,})", share >= 0.8, share,
              f"{share:.0%} ({cmp_['import_contacts']['items_per_s']:.0f} vs "
              f"{cmp_['batch_writer']['items_per_s']:.0f} items/s, command start-up included)"),
        check("export memory does not grow with N", exports[1] <= exports[0] * 1.5,
              exports[1] / exports[0],
              f"peak RSS {exports[0]:.0f} MiB at {int(small):,}, {exports[1]:.0f} MiB at "
              f"{int(large):,}"),
    ]
