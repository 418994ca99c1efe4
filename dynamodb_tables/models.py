"""The admin's handles on items; the items themselves live in DynamoDB.

A `DynamoItem` model is unmanaged and never queried: no table is created for
it and no queryset is ever evaluated. It exists so that the admin site lists
a table beside Users and Groups and builds its URLs, so that the admin log
can record changes to its items, and so that Django's permissions (view,
add, change, delete) apply to them like to any model.
"""

from django.db import models


class DynamoItem(models.Model):
    """A DynamoDB item as the admin's templates, log and permissions see it.

    `id` is what the admin's log calls the item (its object id); `label`
    what titles and messages call it.
    """

    id = models.CharField(primary_key=True, max_length=2048)
    label = models.TextField(editable=False)

    class Meta:
        abstract = True

    def __str__(self):
        return self.label or self.id


class TableItem(DynamoItem):
    """An item of a table browsed at /admin/tables/<name>/ (superusers only)."""

    class Meta:
        managed = False
        verbose_name = "item"
        verbose_name_plural = "items"
