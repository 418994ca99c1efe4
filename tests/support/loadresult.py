"""The load test's tally of every answer and its verdict on the table the run left.

A shared contact's saves each post a username never used before and name the
username the form showed (the version the save was based on). A save is
accepted only if the contact is still that version, so the accepted saves
must form one chain from the initial username to the stored one.
"""

import threading
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal


@dataclass
class Tally:
    """Every request of the run: statuses, per-action counts, and what went wrong."""

    statuses: Counter = field(default_factory=Counter)
    actions: Counter = field(default_factory=Counter)
    anomalies: list = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def record(self, action, status):
        with self.lock:
            self.statuses[status] += 1
            self.actions[action] += 1

    def anomaly(self, client, action, message):
        with self.lock:
            self.anomalies.append(f"client {client}, {action}: {message}")

    @property
    def requests(self):
        return sum(self.statuses.values())


@dataclass
class Result:
    tally: Tally
    clients: list
    shared: dict  # id -> (username, age) it was created with
    duration: float
    timed_out: bool

    @property
    def conflicts(self):
        return sum(client.conflicts for client in self.clients)

    @property
    def shared_saves(self):
        return [save for client in self.clients for save in client.shared_saves]

    def expected_own(self):
        """Return {id: item} of every client's own contacts as last saved."""
        return {contact_id: item for client in self.clients
                for contact_id, item in client.own.items()}

    def check(self, stored):
        """Return what went wrong: anomalies, then how `stored` (all items) differs."""
        problems = list(self.tally.anomalies)
        if self.timed_out:
            problems.append("the run hit its time limit before every client was done")
        items = {item["id"]: _plain(item) for item in stored}
        own = self.expected_own()
        for contact_id in sorted(set(items) - set(own) - set(self.shared)):
            problems.append(f"{contact_id!r} is stored but was deleted or never saved")
        for contact_id, item in sorted(own.items()):
            if items.get(contact_id) != item:
                problems.append(
                    f"{contact_id!r} is stored as {items.get(contact_id)!r}, saved as {item!r}"
                )
        for contact_id, initial in sorted(self.shared.items()):
            saves = [save[1:] for save in self.shared_saves if save[0] == contact_id]
            found = items.get(contact_id)
            final = (found.get("username"), found.get("age")) if found else None
            problems += [f"{contact_id!r}: {p}" for p in check_chain(initial, saves, final)]
        return problems

    def summary(self):
        statuses = ", ".join(
            f"{status or 'no answer'}: {count}" for status, count in sorted(
                self.tally.statuses.items(), key=lambda pair: pair[0] or 0)
        )
        actions = ", ".join(f"{name} {count}" for name, count in sorted(self.tally.actions.items()))
        rate = self.tally.requests / self.duration if self.duration else 0
        return "\n".join([
            f"{self.tally.requests} requests from {len(self.clients)} clients in "
            f"{self.duration:.1f} s ({rate:.0f}/s)",
            f"statuses: {statuses}",
            f"requests per action: {actions}",
            f"shared contacts: {len(self.shared_saves)} saves accepted, {self.conflicts} refused "
            f"as conflicts (409), {sum(c.gave_up for c in self.clients)} edits given up after "
            f"conflict upon conflict",
            f"own contacts left: {len(self.expected_own())}",
        ])


def _plain(item):
    """Return a stored item with whole numbers as int, to compare with what was posted."""
    return {name: int(value) if isinstance(value, Decimal) else value
            for name, value in item.items()}


def check_chain(initial, saves, final):
    """Return the problems with one shared contact's accepted saves; none means no lost write.

    `initial` and `final` are (username, age); `saves` are (based_on,
    username, age), each username unique. Following each version to the save
    based on it must visit every save once and end at `final`.
    """
    problems, successor = [], {}
    for based_on, username, age in saves:
        if based_on in successor:
            problems.append(f"two accepted saves were based on {based_on!r}: "
                            f"{successor[based_on][0]!r} and {username!r} (a lost write)")
        successor[based_on] = (username, age)
    current, steps = initial, 0
    while current[0] in successor and steps <= len(saves):
        current, steps = successor[current[0]], steps + 1
    if steps != len(saves):
        problems.append(f"{len(saves) - steps} of {len(saves)} accepted saves are not in the "
                        f"chain from {initial[0]!r}")
    if current != final:
        problems.append(f"stored as {final!r}, but the last accepted save was {current!r}")
    return problems
