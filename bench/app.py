"""The benchmark's app: served with bench.settings, each manage.py command's memory measured."""

from bench import peak_rss
from tests.support.processes import children
from tests.support.stack import App


class BenchApp(App):
    """The app with the /bench/ views, its manage.py commands run through bench.peak_rss."""

    manage_py = ("-m", "bench.peak_rss")

    def __init__(self, workdir, endpoint, table):
        super().__init__(workdir, endpoint, table, settings="bench.settings")

    def measure(self, *args, table=None, stdout=None):
        """Run a manage.py command; return (seconds, its peak resident memory in MiB)."""
        seconds, stderr = self.manage(*args, table=table, stdout=stdout)
        return seconds, peak_rss.reported(stderr)

    def server_peak_rss(self):
        """Return the peak resident memory (MiB) of gunicorn's master and each worker."""
        pids = [self.server.pid, *children(self.server.pid)]
        return {pid: peak_rss.peak_kib(pid) / 1024 for pid in pids}
