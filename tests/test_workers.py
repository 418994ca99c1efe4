"""The gate of contactsite/workers.py: the slots the master hands out, and when a worker leaves
a new connection to a sibling. tests/test_server.py sees the connections spread under gunicorn.
"""

from types import SimpleNamespace

from contactsite.workers import STEP_ASIDE_SECONDS, ConnectionSlots


class Clock:
    def __init__(self):
        self.now = 100.0

    def __call__(self):
        return self.now


def forked(slots, clock=None):
    """Return a worker given its slot by the master (pre_fork), its gate reading `clock`."""
    worker = SimpleNamespace()
    slots.assign(worker)
    if clock is not None:
        worker.connection_gate.clock = clock
    return worker


def accepting(slots, clock=None, connections=0):
    """Return the gate of a new worker that takes connections and has these open."""
    gate = forked(slots, clock).connection_gate
    gate.start_accepting()
    for _ in range(connections):
        gate.opened()
    return gate


def test_a_worker_with_more_connections_than_a_sibling_steps_aside():
    slots = ConnectionSlots()
    first, second = accepting(slots), accepting(slots)
    first.opened()

    assert (first.step_aside(), second.step_aside()) == (True, False)
    second.opened()
    assert (first.step_aside(), second.step_aside()) == (False, False)  # a tie: either takes it
    first.closed()
    assert (first.step_aside(), second.step_aside()) == (False, True)


def test_the_least_loaded_of_several_siblings_counts():
    slots = ConnectionSlots()
    gate = accepting(slots, connections=2)
    accepting(slots, connections=5)
    assert not gate.step_aside()
    accepting(slots, connections=1)
    assert gate.step_aside()


def test_a_sibling_that_takes_no_connections_is_not_waited_for():
    """A worker still booting, or closing down with a few connections left, is no reason to
    step aside: it would never take the connection."""
    slots = ConnectionSlots()
    gate = accepting(slots, connections=3)
    forked(slots)  # booting: its slot says it takes no connections yet
    assert not gate.step_aside()

    closing = accepting(slots, connections=1)
    assert gate.step_aside()
    closing.stop_accepting()
    closing.closed()
    assert not gate.step_aside()


def test_a_worker_steps_aside_for_a_short_while_only():
    """A busy or hung sibling cannot hold a new connection up: after STEP_ASIDE_SECONDS of
    looking again, the worker takes it. The next connection, later, waits again."""
    slots, clock = ConnectionSlots(), Clock()
    gate = accepting(slots, clock, connections=1)
    accepting(slots)  # never takes the connection

    started, looks = clock.now, 0
    while gate.step_aside() and looks < 100:
        clock.now += 0.004  # looking again every 4 ms
        looks += 1
    assert 5 < looks < 100
    assert STEP_ASIDE_SECONDS <= clock.now - started < STEP_ASIDE_SECONDS + 0.004
    gate.opened()  # it took the connection

    clock.now += 10
    assert gate.step_aside()


def test_a_new_connection_after_a_pause_gets_the_full_wait():
    """A wait that ended with the sibling taking the connection does not shorten the next."""
    slots, clock = ConnectionSlots(), Clock()
    gate = accepting(slots, clock, connections=1)
    accepting(slots)
    assert gate.step_aside()  # the sibling took that one, unseen by this worker

    clock.now += 5
    assert gate.step_aside()
    clock.now += STEP_ASIDE_SECONDS / 2
    assert gate.step_aside()


def test_a_dead_workers_slot_is_freed_for_its_replacement():
    """A worker that exited (crashed, or restarted after max_requests) no longer counts,
    whatever it last published; the worker forked in its place gets its slot."""
    slots = ConnectionSlots()
    gate = accepting(slots, connections=2)
    dead = forked(slots)
    dead.connection_gate.start_accepting()
    assert gate.step_aside()

    slots.release(dead)
    assert not gate.step_aside()
    replacement = forked(slots)
    assert replacement.connection_gate.slot == dead.connection_gate.slot
    replacement.connection_gate.start_accepting()
    assert gate.step_aside()


def test_an_exit_frees_only_the_slot_that_worker_still_holds():
    """After the slot went to another worker, a late report of the old one's exit (e.g. of a
    worker from before a configuration reload) leaves the new one counted."""
    slots = ConnectionSlots()
    gate = accepting(slots, connections=1)
    old = forked(slots)
    slots.release(old)
    new = accepting(slots)
    assert new.slot == old.connection_gate.slot

    slots.release(old)
    assert gate.step_aside()


def test_workers_beyond_the_slots_run_without_the_gate():
    slots = ConnectionSlots(size=2)
    workers = [forked(slots) for _ in range(3)]
    assert [hasattr(worker, "connection_gate") for worker in workers] == [True, True, False]
