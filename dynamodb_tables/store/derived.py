"""Attributes the app derives from others, so that an index can find or order items.

DynamoDB compares bytes: a key condition cannot ignore case, and a Query needs
one partition value. So a table that wants "every item whose name starts with
priya, in any case, in name order" declares two derived attributes and a GSI
on them (see `ordered_by`): the name case-folded (the index's sort key) and a
constant "listed" marker (its partition key, present whenever the name is).

The manager writes them in the same request as every save; items written by
other tools get them from `manage.py reindex_items`. They stay visible, like
every attribute, and the editor marks them as maintained by the app.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

# A GSI's sort key holds at most 1,024 bytes (its partition key 2,048): a
# longer name is simply not indexed, rather than making the save fail.
MAX_SORT_KEY_BYTES = 1024
# The one partition value of an ordering index.
LISTED = "1"


@dataclass(frozen=True)
class Derived:
    """An attribute computed from `source`; None from `compute` means "absent"."""

    name: str
    source: str
    compute: Callable = field(compare=False)
    # What the editor says the attribute is, after "Maintained by the app: ".
    description: str = ""

    def value_for(self, item):
        """Return this attribute's value for an item (None: the item has none)."""
        if self.source not in item:
            return None
        return self.compute(item[self.source])


def fold(value):
    """Return a string case-folded for an index key, or None if it cannot be one."""
    if not isinstance(value, str) or not value:
        return None
    folded = value.casefold()
    if len(folded.encode("utf-8")) > MAX_SORT_KEY_BYTES:
        return None
    return folded


def _listed_if_folds(value):
    return LISTED if fold(value) is not None else None


@dataclass(frozen=True)
class Ordering:
    """A GSI that lists every item with a (string) `source` in its case-folded order."""

    index_name: str
    source: str
    marker: Derived
    folded: Derived

    @property
    def derived(self):
        return (self.marker, self.folded)


def ordered_by(source, index_name=None):
    """Return the Ordering (derived attributes and index name) for one string attribute.

    Pass it to Table(orderings=...), which adds its attributes and its index.
    """
    folded = Derived(f"{source}_folded", source, fold,
                     f"“{source}” in lower case, the sort key of the index that "
                     f"finds and orders items by {source}")
    marker = Derived(f"{source}_listed", source, _listed_if_folds,
                     f"marks items that have a “{source}”: the partition key of that index")
    return Ordering(index_name or f"{source}-order", source, marker, folded)


def with_derived(derived, item):
    """Return the item with its derived attributes as they should be (set or removed)."""
    if not derived:
        return item
    item = dict(item)
    for attribute in derived:
        value = attribute.value_for(item)
        if value is None:
            item.pop(attribute.name, None)
        else:
            item[attribute.name] = value
    return item


def derived_changes(derived, changes, remove):
    """Return the derived attributes' changes implied by `changes` (the REMOVE marker: `remove`).

    Only attributes whose source a save changes are written: the others
    keep what they have.
    """
    result = {}
    for attribute in derived:
        if attribute.source not in changes:
            continue
        new = changes[attribute.source]
        value = None if new is remove else attribute.compute(new)
        result[attribute.name] = remove if value is None else value
    return result

