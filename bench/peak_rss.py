"""Run a manage.py command in this process, then print its peak resident memory.

    python -m bench.peak_rss import_contacts FILE

bench/app.py runs every manage.py command this way. The peak comes from
/proc/self/status (VmHWM) at exit. A child's rusage (wait4,
RUSAGE_CHILDREN) would not do: on Linux it also keeps the high-water mark of
the image the child was forked from, here the much larger benchmark process.
"""

import atexit
import os
import runpy
import sys
from pathlib import Path

MARKER = "peak-rss-kib"
ROOT = Path(__file__).resolve().parent.parent


def peak_kib(pid="self"):
    """Return the peak resident memory (KiB) of a process, from /proc (VmHWM)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    return 0


def reported(stderr):
    """Return the peak (MiB) a command run through this module printed, or None."""
    peak = [line for line in stderr.splitlines() if line.startswith(MARKER)]
    return int(peak[-1].split()[1]) / 1024 if peak else None


def _report():
    os.write(2, f"\n{MARKER} {peak_kib()}\n".encode())


if __name__ == "__main__":
    atexit.register(_report)
    sys.argv = ["manage.py", *sys.argv[1:]]
    runpy.run_path(str(ROOT / "manage.py"), run_name="__main__")
