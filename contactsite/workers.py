"""gunicorn's gevent worker, leaving a new connection to a sibling worker that has fewer open.

All workers wait on one listening socket, and which of them takes a new connection is
chance: of 8 keep-alive clients connecting at once, one worker sometimes took 6 or 7 and
served them on one core while the other idled (docs/performance.md, "The workers' connection gate").
As nginx's accept_mutex and "least connections" do, each worker publishes how many client
connections it has open in a slot of a small array shared by all workers (made in the
master before it forks them, gunicorn.conf.py), and leaves a new connection for a moment
to a sibling that has fewer. It never leaves it for long: a sibling that is busy or hung
must not hold new connections up.
"""

import ctypes
import time
from functools import partial
from multiprocessing.sharedctypes import RawArray

from gevent.server import StreamServer
from gunicorn.workers.ggevent import GeventWorker

# A slot whose worker does not take connections: free, booting, or closing down.
NOT_ACCEPTING = -1
# More workers than this run without the gate, as gunicorn's own gevent worker does.
SLOTS = 64
# How often a worker that stepped aside looks again, and for how long at most it leaves a
# pending connection to its siblings before taking it itself. A sibling looks at the
# listener between rounds of the requests its connections have sent: a few list pages
# (about 10 ms of CPU each) fit in the limit; a hung sibling costs a new connection 50 ms.
# With 30 ms, 8 clients of the empty admin page still split 6/2 now and then on a busy
# 2-core machine (docs/performance.md).
RECHECK_SECONDS = 0.002
STEP_ASIDE_SECONDS = 0.05


class ConnectionSlots:
    """The shared counts of open connections, a slot per worker (kept in the master)."""

    def __init__(self, size=SLOTS):
        self.counts = RawArray(ctypes.c_int, [NOT_ACCEPTING] * size)
        self.owners = {}  # slot: the Worker holding it; only the master changes this

    def assign(self, worker):
        """Give the worker about to be forked a free slot and its gate (gunicorn's pre_fork)."""
        slot = next((slot for slot in range(len(self.counts)) if slot not in self.owners), None)
        if slot is None:
            return
        self.owners[slot] = worker
        self.counts[slot] = NOT_ACCEPTING
        worker.connection_gate = ConnectionGate(self.counts, slot)

    def release(self, worker):
        """Free the slot of a worker that exited (gunicorn's child_exit), so that its last
        count does not hold the others back and a new worker can take the slot."""
        gate = getattr(worker, "connection_gate", None)
        if gate is not None and self.owners.get(gate.slot) is worker:
            del self.owners[gate.slot]
            self.counts[gate.slot] = NOT_ACCEPTING


class ConnectionGate:
    """One worker's open connections, published in its slot, and whether to leave a new
    connection to a sibling with fewer.

    Only this worker writes its slot while it runs (gevent runs one greenlet at a time), and
    a count read a moment late only shifts one decision: no lock is needed.
    """

    def __init__(self, counts, slot, clock=time.monotonic):
        self.counts, self.slot, self.clock = counts, slot, clock
        self.open = 0
        self.accepting = False
        self.waiting_since = None  # when this worker began leaving pending connections
        self.last_step_aside = None

    def start_accepting(self):
        self.accepting = True
        self.counts[self.slot] = self.open

    def stop_accepting(self):
        """Stop counting for the siblings: a closing worker's few connections must not make
        them wait for it."""
        self.accepting = False
        self.counts[self.slot] = NOT_ACCEPTING

    def opened(self):
        self.open += 1
        self.waiting_since = None
        self._publish()

    def closed(self):
        self.open -= 1
        self._publish()

    def _publish(self):
        if self.accepting:
            self.counts[self.slot] = self.open

    def fewest_elsewhere(self):
        """Return the fewest connections a sibling that takes connections has open, or None."""
        counts = self.counts[:]
        del counts[self.slot]
        return min((count for count in counts if count != NOT_ACCEPTING), default=None)

    def step_aside(self):
        """Return whether to leave the pending connection to a sibling for a moment."""
        fewest = self.fewest_elsewhere()
        if fewest is None or self.open <= fewest:
            self.waiting_since = None
            return False
        now = self.clock()
        # Steps aside for one connection follow each other within RECHECK_SECONDS (or one
        # request's CPU): after a longer pause, the wait is for a new connection.
        if self.waiting_since is None or now - self.last_step_aside > STEP_ASIDE_SECONDS:
            self.waiting_since = now
        self.last_step_aside = now
        return now - self.waiting_since < STEP_ASIDE_SECONDS


class GatedStreamServer(StreamServer):
    """gevent's StreamServer that counts its connections and asks the gate before each accept."""

    # One connection per wake-up, each one past the gate (GeventWorker does the same with
    # more than one worker, so that one wake-up does not take a whole burst).
    max_accept = 1

    def __init__(self, listener, gate, **kwargs):
        self.gate = gate  # before BaseServer.__init__, which may call close()
        super().__init__(listener, **kwargs)

    def start(self):
        self.gate.start_accepting()
        super().start()

    def close(self):
        self.gate.stop_accepting()
        super().close()

    def do_read(self):
        if self.gate.step_aside():
            # Stop watching the listener (a sibling watching it takes the connection) and
            # look again shortly, as BaseServer._do_read backs off after a failed accept.
            self.stop_accepting()
            self._timer = self.loop.timer(RECHECK_SECONDS)
            self._timer.start(self._start_accepting_if_started)
            return None
        return super().do_read()

    def do_handle(self, *args):
        # The count goes up as the connection is accepted, not when its greenlet starts,
        # so that the very next decision, here or in a sibling, sees it.
        self.gate.opened()
        super().do_handle(*args)

    def do_close(self, *args):
        # Called once per connection handled (or not spawned), when it is done.
        self.gate.closed()
        super().do_close(*args)


class BalancedGeventWorker(GeventWorker):
    """gunicorn's GeventWorker (timeouts, graceful shutdown, stalled clients held by
    greenlets), whose listener leaves new connections to a sibling with fewer open."""

    connection_gate = None  # set by ConnectionSlots.assign in the master, before the fork

    def server_class(self, listener, *, spawn, ssl_context=None, **_pywsgi_arguments):
        """Return the server for one listener.

        GeventWorker.run() builds each server by calling `server_class` when it is set (the
        pywsgi worker's hook); this builds the server it builds otherwise, gunicorn's own
        HTTP handling on a StreamServer, gated when there are siblings.
        """
        handle = partial(self.handle, listener)
        ssl_args = {"ssl_context": ssl_context} if ssl_context else {}
        if self.cfg.workers > 1 and self.connection_gate is not None:
            return GatedStreamServer(listener, self.connection_gate, handle=handle, spawn=spawn,
                                     **ssl_args)
        server = StreamServer(listener, handle=handle, spawn=spawn, **ssl_args)
        if self.cfg.workers > 1:
            server.max_accept = 1
        return server
