"""Send DynamoDB requests now and take their answer later, so a page renders meanwhile.

Under gunicorn's gevent workers (sockets patched), `start` runs a call in a
greenlet of its own and lets it send its request at once; the caller goes on
(the change list renders the admin's chrome) and `Pending.result()` waits for
the answer only where it is needed. DynamoDB's round trip then overlaps the
rendering instead of adding to it: about a millisecond on loopback, more on
AWS (docs/performance.md). Anywhere else (the development server, the tests'
client, commands) the call runs at once, in the caller.

The greenlet runs in a copy of the caller's context, so the web request's
recording (metering) and time budget count and bound its requests as the
caller's own. What it runs must not use the ORM: Django's database
connections are one per greenlet there, and nobody would close its own.

Either way an error is raised by `result()`, not by `start()`, so a caller
handles the call's errors in one place, the same under gevent or not.
"""

import contextvars
import sys


def start(function, *args, **kwargs):
    """Start `function(*args, **kwargs)`; return a Pending whose result() is its answer."""
    gevent = _patched_gevent()
    if gevent is None:
        return Pending(_outcome(function, args, kwargs))
    context = contextvars.copy_context()
    greenlet = gevent.spawn(context.run, _outcome, function, args, kwargs)
    _let_it_send(gevent)
    return Pending(greenlet=greenlet)


def _let_it_send(gevent):
    """Return once the new greenlet has sent its request (or waits for anything else).

    A new greenlet runs only when the caller waits, and rendering never
    waits. Switching once (sleep(0)) runs it up to urllib3's check that its
    pooled connection is still open: a poll without timeout, which gevent
    answers on the loop's next turn with a timer of priority -1 (its
    Timeout's). The caller waits for that turn too, on a timer of the lowest
    priority, so the greenlet resumes first, sends and waits for the answer;
    then the caller goes on. Measured, the request went out before the
    rendering instead of after it. A greenlet that waits for something else
    (a new connection) only finishes later, at result().
    """
    gevent.sleep(0)
    hub = gevent.get_hub()
    for _ in range(_TURNS):
        with hub.loop.timer(_NEXT_TURN, priority=_LOWEST_PRIORITY) as turn:
            hub.wait(turn)


# urllib3 polls without timeout once per process (whether poll works) and
# once per request (whether the pooled connection is open); a new
# connection's connect waits a turn too. A turn costs microseconds.
_TURNS = 3
# libev's lowest watcher priority; a timer this short expires on the next turn.
_LOWEST_PRIORITY = -2
_NEXT_TURN = 1e-6


class Pending:
    """The answer of a call started by `start`: result() returns it or raises its error."""

    def __init__(self, outcome=None, greenlet=None):
        self._outcome = outcome
        self._greenlet = greenlet

    def result(self):
        """Wait for the call; return its answer or raise its error."""
        value, error = self._finished()
        if error is not None:
            raise error
        return value

    def error(self):
        """Wait for the call; return its error, or None if it succeeded."""
        return self._finished()[1]

    def _finished(self):
        if self._greenlet is not None:
            # The call's own timeouts bound the wait (a web request's budget).
            self._outcome = self._greenlet.get()
            self._greenlet = None
            if isinstance(self._outcome, BaseException):  # the greenlet was killed
                self._outcome = None, self._outcome
        return self._outcome


def _outcome(function, args, kwargs):
    # The error is handed over, not raised in the greenlet: gevent would print
    # its traceback as if unhandled, though the caller turns it into a page.
    try:
        return function(*args, **kwargs), None
    except Exception as error:  # noqa: BLE001 - the caller raises it (result())
        return None, error


def _patched_gevent():
    """Return gevent if its monkey-patching made sockets cooperative here, else None."""
    monkey = sys.modules.get("gevent.monkey")
    if monkey is None or not monkey.is_module_patched("socket"):
        return None
    import gevent

    return gevent
