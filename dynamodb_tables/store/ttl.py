"""Time to live of a live table: which attribute (if any) DynamoDB expires items by.

DynamoDB deletes an item some time (typically within a few days) after the
epoch-seconds Number in its TTL attribute has passed; until then the item is
still read, listed and counted. A table has at most one TTL attribute, and
after disabling TTL DynamoDB refuses to enable it again for about an hour.
"""

from django.core.cache import cache

from .. import backend
from ..exceptions import InvalidItem, InvalidRequest, StoreError
from ..values.expiry import expiry_text, is_expired
from ..values.rules import validate_attribute_name

# The attribute changes only through UpdateTimeToLive, which forgets the cache.
CACHE_SECONDS = 300
EXPIRING = ("ENABLED", "ENABLING")


class InvalidTimeToLive(InvalidRequest):
    """A TTL setting refused before anything is sent; `reason` says why."""

    def __init__(self, reason):
        self.reason = reason
        super().__init__(reason)


def describe(table_name):
    """Return {"status": ENABLED, DISABLED, ENABLING or DISABLING, "attribute": name or None}."""
    found = backend.call("describe_time_to_live", TableName=table_name)["TimeToLiveDescription"]
    return {"status": found.get("TimeToLiveStatus", "DISABLED"),
            "attribute": found.get("AttributeName")}


def expiry_attribute(table_name):
    """Return the name of the attribute DynamoDB expires items by, or None; cached for a few
    minutes (one DescribeTimeToLive per table, not one per page)."""
    key = _cache_key(table_name)
    found = cache.get(key)
    if found is None:
        setting = describe(table_name)
        # "" caches "no TTL attribute": None would mean "not cached".
        found = setting["attribute"] if setting["status"] in EXPIRING else ""
        cache.set(key, found, CACHE_SECONDS)
    return found or None


def item_expiry(table_name, item):
    """Return {"attribute", "text", "expired"} for the item's TTL value when the table expires
    items and the item has the attribute, else None.

    For the editor: a failure to ask (no dynamodb:DescribeTimeToLive permission, an
    endpoint without TTL) shows no expiry rather than failing the item's page.
    """
    if item is None:
        return None
    try:
        attribute = expiry_attribute(table_name)
    except StoreError:
        return None
    if attribute is None or attribute not in item:
        return None
    value = item[attribute]
    return {"attribute": attribute, "text": expiry_text(value), "expired": is_expired(value)}


def enable(table, attribute):
    """Expire the items of `table` (a Table) by `attribute`; return False if it already does.

    InvalidTimeToLive, with nothing sent, for a name DynamoDB refuses, a key
    attribute of the table, or TTL already on with another attribute.
    """
    try:
        validate_attribute_name(attribute, "TTL attribute name")
    except InvalidItem as error:
        raise InvalidTimeToLive(str(error)) from None
    if attribute in table.key_names:
        raise InvalidTimeToLive(
            f"“{attribute}” is a key attribute of table \"{table.name}\": the TTL attribute "
            "must be another attribute (a Number of epoch seconds).")
    current = describe(table.name)
    if current["status"] in EXPIRING:
        if current["attribute"] == attribute:
            return False
        raise InvalidTimeToLive(
            f"Time to live is already on for table \"{table.name}\" with attribute "
            f"“{current['attribute']}”: turn it off first (a table has one TTL attribute).")
    if current["status"] == "DISABLING":
        raise InvalidTimeToLive(f"Time to live of table \"{table.name}\" is still being turned "
                                "off; DynamoDB accepts a new setting once that is done.")
    _update(table.name, attribute, True)
    return True


def disable(table_name):
    """Stop expiring items; return False if time to live is already off."""
    current = describe(table_name)
    if current["status"] not in EXPIRING:
        return False
    _update(table_name, current["attribute"], False)
    return True


def _update(table_name, attribute, enabled):
    backend.call("update_time_to_live", TableName=table_name,
                 TimeToLiveSpecification={"Enabled": enabled, "AttributeName": attribute})
    cache.delete(_cache_key(table_name))


def _cache_key(table_name):
    return f"dynamodb_tables:ttl:{table_name}"
