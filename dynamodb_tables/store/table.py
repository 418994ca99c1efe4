"""A DynamoDB table as the app knows it: its name, key schema and secondary indexes.

A `Table` is declared in code (what `create_table` creates) or read from
DescribeTable (any table the credentials can see). Items are Python dicts;
an item's key is the dict of its key attributes, e.g. {"id": "01"} or
{"customer": "alice", "order": Decimal(1)}.

In URLs and the admin's log, a key is one string, its object id: the key
value's text for a table with a partition key only (an item keyed by id
"01" is "01"), else each part quoted the admin's way and joined by ",", which
quote() never leaves in a part ("alice,1"; "a,b" and 1 give "a_2Cb,1").
"""

import base64
import binascii
from dataclasses import dataclass

from django.contrib.admin.utils import quote, unquote

from ..exceptions import InvalidItem, InvalidRequest, with_article
from ..values.rules import (
    Refused,
    check_item_size,
    number,
    validate_attribute_name,
    validate_key_value,
)
from ..values.types import KEY_TYPES, TYPE_LABELS
from .derived import with_derived

PROJECTIONS = ("ALL", "KEYS_ONLY", "INCLUDE")


@dataclass(frozen=True)
class KeyAttribute:
    """One attribute of a key schema: its name and type (S, N or B)."""

    name: str
    type: str = "S"

    def __post_init__(self):
        if self.type not in KEY_TYPES:
            raise InvalidRequest(
                f"Key attribute “{self.name}” has type {self.type!r}; key attributes are "
                f"{', '.join(KEY_TYPES)} (String, Number or Binary)."
            )

    def __str__(self):
        return f"{self.name} ({TYPE_LABELS[self.type]})"


@dataclass(frozen=True)
class Index:
    """A secondary index: global (GSI) or local (LSI), its key and projection."""

    name: str
    partition_key: KeyAttribute
    sort_key: KeyAttribute | None = None
    is_global: bool = True
    projection: str = "ALL"
    non_key_attributes: tuple = ()
    # From DescribeTable only (CREATING, ACTIVE, ...; LSIs have none).
    status: str | None = None

    @property
    def key_attributes(self):
        return (self.partition_key,) + ((self.sort_key,) if self.sort_key else ())

    @property
    def kind(self):
        return "GSI" if self.is_global else "LSI"


class Table:
    """A table: name, key schema, indexes, and what one of its items is called.

    `name` may be a callable, read at each use, for a name that comes from
    settings (tests change it). `new_partition_key`, if given, makes a key
    for an item created without one. Each of `orderings` (see
    `derived.ordered_by`) adds a GSI and the derived attributes it is keyed on.
    """

    def __init__(self, name, partition_key, sort_key=None, indexes=(), verbose_name="item",
                 new_partition_key=None, orderings=()):
        self._name = name
        self.partition_key = partition_key
        self.sort_key = sort_key
        self.orderings = tuple(orderings)
        self.indexes = tuple(indexes) + tuple(
            Index(ordering.index_name, KeyAttribute(ordering.marker.name, "S"),
                  KeyAttribute(ordering.folded.name, "S"))
            for ordering in self.orderings
        )
        self.derived = tuple(
            attribute for ordering in self.orderings for attribute in ordering.derived)
        self.verbose_name = verbose_name
        self.new_partition_key = new_partition_key

    def __repr__(self):
        return f"<Table {self.name!r} key {', '.join(map(str, self.key_attributes))}>"

    @property
    def name(self):
        return self._name() if callable(self._name) else self._name

    @property
    def key_attributes(self):
        return (self.partition_key,) + ((self.sort_key,) if self.sort_key else ())

    @property
    def key_names(self):
        return tuple(attribute.name for attribute in self.key_attributes)

    def index(self, name):
        """Return the secondary index with this name, or InvalidRequest."""
        for index in self.indexes:
            if index.name == name:
                return index
        raise InvalidRequest(f'Table "{self.name}" has no index named “{name}”.')

    def ordering(self, attribute):
        """Return the Ordering that lists items by this attribute, or None."""
        for ordering in self.orderings:
            if ordering.source == attribute:
                return ordering
        return None

    def with_derived(self, item):
        """Return the item with the attributes the app derives for it, as a save writes them."""
        return with_derived(self.derived, item)

    # --- Keys ------------------------------------------------------------------

    def with_new_key(self, item, key=None):
        """Return the item, with a new partition key if it has none and the table makes them
        (`key`, if given: the one its add form was issued)."""
        partition = self.partition_key.name
        if item.get(partition) is None and self.new_partition_key:
            item = {**item, partition: self.new_partition_key() if key is None else key}
        return item

    def key_of(self, item):
        """Return the item's key (its key attributes), checked."""
        missing = [name for name in self.key_names if name not in item]
        if missing:
            raise InvalidItem(
                f"{with_article(self.verbose_name).capitalize()} needs "
                f"{' and '.join(f'“{name}”' for name in missing)} (the key)."
            )
        return self.validate_key({name: item[name] for name in self.key_names})

    def validate_item(self, item):
        """Return the item if its key, attribute names and size are acceptable."""
        self.key_of(item)
        for name in item:
            validate_attribute_name(name)
        check_item_size(item, self.verbose_name)
        return item

    def validate_key(self, key):
        """Return the key if each of its values fits its key attribute."""
        if not isinstance(key, dict) or set(key) != set(self.key_names):
            raise InvalidItem(
                f"A key of table \"{self.name}\" has exactly {' and '.join(self.key_names)}."
            )
        for attribute, role in zip(self.key_attributes, ("partition", "sort"), strict=False):
            validate_key_value(attribute.name, attribute.type, key[attribute.name], role)
        return key

    def as_key(self, key_or_value):
        """Return a key dict; a bare value stands for the partition key of a simple key."""
        if isinstance(key_or_value, dict):
            return self.validate_key(key_or_value)
        if self.sort_key is not None:
            raise InvalidItem(f'Table "{self.name}" needs {" and ".join(self.key_names)}.')
        return self.validate_key({self.partition_key.name: key_or_value})

    def key_label(self, key):
        """Return the key for messages: `id “01”`, `customer “alice”, order “1”`."""
        return ", ".join(
            f"{attribute.name} “{key_text(key[attribute.name], attribute.type)}”"
            for attribute in self.key_attributes
        )

    def object_id(self, key):
        """Return the key as one string: what the admin's URLs and log call the item."""
        texts = [key_text(key[a.name], a.type) for a in self.key_attributes]
        if len(texts) == 1:
            return texts[0]
        return ",".join(quote(text) for text in texts)

    def key_from_object_id(self, object_id):
        """Return the key an object id stands for, or InvalidRequest naming the problem."""
        texts = [object_id] if self.sort_key is None else object_id.split(",")
        if len(texts) != len(self.key_attributes):
            raise InvalidRequest(
                f"“{object_id[:80]}” is not a key of table \"{self.name}\": it needs "
                f"{' and '.join(self.key_names)}, separated by a comma."
            )
        if self.sort_key is not None:
            texts = [unquote(text) for text in texts]
        key = {}
        for attribute, text in zip(self.key_attributes, texts, strict=True):
            key[attribute.name] = parse_key_text(text, attribute)
        try:
            return self.validate_key(key)
        except InvalidItem as error:
            raise InvalidRequest(str(error)) from None


def key_text(value, kind):
    """Return a key value as text: a string as it is, a number's digits, binary as base64."""
    if kind == "B":
        return base64.b64encode(value).decode("ascii")
    return str(value)


def parse_key_text(text, attribute):
    """Return the key value that `key_text` wrote for this attribute, or InvalidRequest."""
    if attribute.type == "S":
        return text
    if attribute.type == "N":
        try:
            return number(text)
        except Refused as problem:
            raise InvalidRequest(f"“{attribute.name}”: {problem}.") from None
    try:
        return base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        raise InvalidRequest(f"“{attribute.name}”: “{text[:40]}” is not base64.") from None


# --- From DescribeTable ----------------------------------------------------------


def from_description(description, **options):
    """Return the Table that a DescribeTable response's "Table" describes."""
    types = {
        definition["AttributeName"]: definition["AttributeType"]
        for definition in description.get("AttributeDefinitions", [])
    }

    def keys(schema):
        by_role = {key["KeyType"]: KeyAttribute(key["AttributeName"], types.get(
            key["AttributeName"], "S")) for key in schema}
        return by_role["HASH"], by_role.get("RANGE")

    indexes = []
    for is_global, entries in ((True, "GlobalSecondaryIndexes"), (False, "LocalSecondaryIndexes")):
        for entry in description.get(entries, []):
            partition, sort = keys(entry["KeySchema"])
            projection = entry.get("Projection", {})
            indexes.append(Index(
                name=entry["IndexName"], partition_key=partition, sort_key=sort,
                is_global=is_global, projection=projection.get("ProjectionType", "ALL"),
                non_key_attributes=tuple(projection.get("NonKeyAttributes", ())),
                status=entry.get("IndexStatus"),
            ))
    partition, sort = keys(description["KeySchema"])
    return Table(description["TableName"], partition, sort, tuple(indexes), **options)
