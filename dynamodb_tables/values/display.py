"""How attribute values read on a page: JSON text with exact numbers, one-line summaries.

Templates escape whatever these return, so a value holding HTML or script is
shown as text, never run.
"""

import base64
import json
from decimal import Decimal

SUMMARY_CHARS = 80


def to_json(value):
    """Return a value as JSON text: numbers with their exact digits, binary as base64, sets sorted.

    json.dumps cannot write a Decimal without passing it through float, which
    would round 38-digit numbers, so this small writer does the nesting.
    """
    if isinstance(value, Decimal | int) and not isinstance(value, bool):
        return str(value)
    if isinstance(value, bytes):
        return json.dumps(base64.b64encode(value).decode("ascii"))
    if isinstance(value, list):
        return "[" + ", ".join(to_json(member) for member in value) + "]"
    if isinstance(value, dict):
        members = (
            f"{json.dumps(name, ensure_ascii=False)}: {to_json(member)}"
            for name, member in value.items()
        )
        return "{" + ", ".join(members) + "}"
    if isinstance(value, set | frozenset):
        return to_json(sorted(value))
    return json.dumps(value, ensure_ascii=False)


def display_value(value):
    """Return the text a page shows for a value: strings as they are, the rest as JSON."""
    if isinstance(value, str):
        return value
    return to_json(value)


def summary(item, exclude=()):
    """Return one short line naming the item's other attributes and their values."""
    parts = [
        f"{name}: {display_value(value)}" for name, value in item.items() if name not in exclude
    ]
    text = "; ".join(parts)
    if len(text) > SUMMARY_CHARS:
        text = text[: SUMMARY_CHARS - 1].rstrip() + "…"
    return text
