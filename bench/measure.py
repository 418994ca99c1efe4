"""Latency samples with what each request cost in DynamoDB, and processes' CPU time."""

import os
import statistics
import time
from pathlib import Path

_TICKS = os.sysconf("SC_CLK_TCK")


class Samples:
    """Latencies of one kind of page, with what each cost in DynamoDB (the app's headers)."""

    def __init__(self):
        self.seconds = []
        self.requests = []
        self.operations = []
        self.read_units = []
        self.write_units = []

    def add(self, response, expected_status):
        check(response, expected_status)
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
            # The table's description and its time-to-live setting are read once per
            # worker every five minutes (cached): metadata, not the page's data.
            others = [sum(op not in METADATA for op in ops) for ops in self.operations]
            described = [max(ops.count(op) for op in METADATA) for ops in self.operations]
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


def check(response, expected_status):
    """Raise unless the response has the expected status: a failed page must not be timed."""
    if response.status != expected_status:
        raise RuntimeError(
            f"expected {expected_status}, got {response.status}: {response.text[:800]}"
        )
    return response


METADATA = ("describe_table", "describe_time_to_live")


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


def cpu_seconds(pids):
    """Return the CPU time (user + system, seconds) the processes have used so far."""
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except FileNotFoundError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime (fields 14 and 15)
    return total / _TICKS
