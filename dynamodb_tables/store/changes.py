"""A change to an item: new values by attribute name, or REMOVE."""


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
