"""A change to an item: new values by attribute name, or REMOVE."""

from ..values.types import equivalent


class _Remove:
    """Marker for ItemManager.update(): remove this attribute from the item."""

    def __repr__(self):
        return "REMOVE"


REMOVE = _Remove()


def apply_changes(item, changes):
    """Return the item as it will be after update() sends these changes (values or REMOVE)."""
    result = {name: value for name, value in item.items() if changes.get(name) is not REMOVE}
    result.update({name: value for name, value in changes.items() if value is not REMOVE})
    return result


def holds(item, changes):
    """Return whether the item already holds these changes (a REMOVEd attribute is absent)."""
    return all(
        name not in item if value is REMOVE else name in item and equivalent(item[name], value)
        for name, value in changes.items()
    )


def same_item(first, second):
    """Return whether two items hold the same attributes with the same values."""
    return first.keys() == second.keys() and holds(first, second)
