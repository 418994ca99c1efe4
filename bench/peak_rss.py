"""Run a manage.py command in this process, then print its peak resident memory.

    python -m bench.peak_rss import_contacts FILE

bench/stack.py runs import_contacts and export_contacts this way. The peak
comes from /proc/self/status (VmHWM) at exit. A child's rusage (wait4,
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


def _report():
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            os.write(2, f"\n{MARKER} {line.split()[1]}\n".encode())


if __name__ == "__main__":
    atexit.register(_report)
    sys.argv = ["manage.py", *sys.argv[1:]]
    runpy.run_path(str(ROOT / "manage.py"), run_name="__main__")
