"""The admin's handle on contacts; the contacts themselves live in DynamoDB.

`Contact` is unmanaged and never queried: no table is created for it and no
queryset is ever evaluated. It exists so that the admin site lists contacts
beside Users and Groups and builds their URLs, so that the admin log can
record changes to them, and so that Django's permissions (view, add, change,
delete contact) apply to them like to any model.
"""

from django.db import models

from .documents import KEY


class Contact(models.Model):
    """A DynamoDB item as the admin's templates, log and permissions see it."""

    id = models.CharField(primary_key=True, max_length=2048)
    # What the admin calls the item in titles and messages: its username.
    label = models.TextField(editable=False)

    class Meta:
        managed = False
        verbose_name = "contact"
        verbose_name_plural = "contacts"

    def __str__(self):
        return self.label or self.id

    @classmethod
    def from_item(cls, item):
        """Return the handle for a DynamoDB item."""
        username = item.get("username")
        label = username if isinstance(username, str) and username.strip() else item[KEY]
        return cls(id=item[KEY], label=label)
