"""Contacts: the table, its items' model entry, and the manager the app reads them with.

The table's name comes from DYNAMODB_TABLE (settings.DYNAMODB["TABLE"]), read
at each use so tests can point it elsewhere; its key is the string `id`,
generated for a contact added without one. A GSI lists contacts by username,
case-folded: the search box finds a name's start in any case through it, and
the username column sorts by it (see dynamodb_tables.store.derived).
"""

import uuid

from django.conf import settings

from dynamodb_tables.models import DynamoItem
from dynamodb_tables.store import ItemManager, KeyAttribute, Table, ordered_by

CONTACTS = Table(
    lambda: settings.DYNAMODB["TABLE"],
    partition_key=KeyAttribute("id", "S"),
    verbose_name="contact",
    new_partition_key=lambda: uuid.uuid4().hex,
    orderings=[ordered_by("username")],
)
contacts = ItemManager(CONTACTS)


class Contact(DynamoItem):
    """A contact as the admin's templates, log and permissions see it."""

    class Meta:
        managed = False
        verbose_name = "contact"
        verbose_name_plural = "contacts"
