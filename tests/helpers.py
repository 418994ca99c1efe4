"""Helpers the contacts tests share: store settings, URLs, items read and written raw."""

from django.contrib.admin.utils import quote
from django.urls import reverse

from contacts.models import CONTACTS

LIST_URL = "/admin/contacts/contact/"
ADD_URL = "/admin/contacts/contact/add/"


def point_store_at(settings, endpoint_url, table):
    """Point the data layer's settings at `endpoint_url` (None: moto or AWS) and `table`."""
    settings.DYNAMODB = {**settings.DYNAMODB, "ENDPOINT_URL": endpoint_url, "TABLE": table}


def change_url(contact_id):
    return reverse("admin:contacts_contact_change", args=(quote(contact_id),))


def delete_url(contact_id):
    return reverse("admin:contacts_contact_delete", args=(quote(contact_id),))


def history_url(contact_id):
    return reverse("admin:contacts_contact_history", args=(quote(contact_id),))


def put(raw_client, **attributes):
    """Write an item as other tools do: attribute name -> DynamoDB-JSON value."""
    raw_client.put_item(TableName=CONTACTS.name, Item=attributes)


# The attributes the app derives for the username index (tests/test_finding.py tests them).
DERIVED = {attribute.name for attribute in CONTACTS.derived}


def without_derived(raw_item):
    """Return a raw item without the attributes the app derives: what its writer wrote."""
    if raw_item is None:
        return None
    return {name: value for name, value in raw_item.items() if name not in DERIVED}


def stored(raw_client, contact_id, whole=False):
    """Return the raw stored item (DynamoDB JSON), or None when there is none.

    Without the derived attributes, unless `whole`: tests compare what was written.
    """
    response = raw_client.get_item(
        TableName=CONTACTS.name, Key={"id": {"S": contact_id}}, ConsistentRead=True
    )
    item = response.get("Item")
    return item if whole else without_derived(item)


def stored_ids(raw_client):
    items = raw_client.scan(TableName=CONTACTS.name, ConsistentRead=True)["Items"]
    return {item["id"]["S"] for item in items}
