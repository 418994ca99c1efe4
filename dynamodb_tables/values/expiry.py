"""How a time-to-live value reads: "expires in 3 days", "expired, pending deletion".

DynamoDB expires an item by a top-level Number holding epoch seconds (UTC);
it deletes the item some time after that moment, typically within two days,
and until then the item is read, listed and counted like any other. A value
of another type, or a Number in milliseconds, never expires anything.
"""

from datetime import UTC, datetime
from decimal import Decimal

# Epoch seconds beyond this (the year 5138) are almost surely milliseconds.
MILLISECONDS_LIKELY = 10**11


def expires_at(value):
    """Return the UTC datetime a TTL value stands for, or None if DynamoDB ignores it."""
    if isinstance(value, bool) or not isinstance(value, Decimal | int):
        return None
    if not 0 <= value < MILLISECONDS_LIKELY:
        return None
    return datetime.fromtimestamp(int(value), tz=UTC)


def is_expired(value, now=None):
    """Return whether a TTL value lies in the past: DynamoDB will delete the item."""
    moment = expires_at(value)
    return moment is not None and moment <= (now or datetime.now(UTC))


def expiry_text(value, now=None):
    """Return how a TTL attribute's value reads on a page, e.g.
    "expires in 3 days (2026-12-02 10:00 UTC)" or "expired, pending deletion (since
    2026-11-28 10:00 UTC)"; for a value DynamoDB ignores, say why."""
    moment = expires_at(value)
    if moment is None:
        if isinstance(value, Decimal | int) and not isinstance(value, bool) and value > 0:
            return "never expires: not epoch seconds (milliseconds?)"
        return "never expires: the TTL attribute needs a Number of epoch seconds"
    when = moment.strftime("%Y-%m-%d %H:%M UTC")
    now = now or datetime.now(UTC)
    if moment <= now:
        return f"expired, pending deletion (since {when})"
    return f"expires in {_duration(moment - now)} ({when})"


def _duration(delta):
    """Return a timedelta in its largest whole unit: "3 days", "5 hours", "1 minute"."""
    seconds = int(delta.total_seconds())
    for unit, size in (("day", 86400), ("hour", 3600), ("minute", 60)):
        if seconds >= size:
            count = seconds // size
            return f"{count} {unit}{'' if count == 1 else 's'}"
    return "less than a minute"
