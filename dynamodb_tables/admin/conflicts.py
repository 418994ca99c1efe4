"""What a refused save shows: the item as the user saw it, as it is now, and their change."""

from dataclasses import dataclass

from ..store import REMOVE
from ..values.display import display_value
from ..values.types import equivalent, type_label

ABSENT = "(absent)"


@dataclass(frozen=True)
class Difference:
    name: str
    shown: str
    current: str
    yours: str | None


def _text(item, name):
    if name not in item:
        return ABSENT
    value = item[name]
    return f"{display_value(value)} ({type_label(value)})"


def differences(shown, current, changes=None):
    """Return a Difference for each attribute someone else changed or the user meant to change.

    `changes` ({name: value or REMOVE}) are the user's own, refused; None for a delete.
    """
    changes = changes or {}
    names = list(dict.fromkeys([*changes, *shown, *current]))
    rows = []
    for name in names:
        changed_by_others = (name in shown) != (name in current) or (
            name in shown and not equivalent(shown[name], current[name])
        )
        if name not in changes and not changed_by_others:
            continue
        yours = None
        if name in changes:
            value = changes[name]
            yours = "(removed)" if value is REMOVE else _text({name: value}, name)
        rows.append(Difference(name, _text(shown, name), _text(current, name), yours))
    return rows
