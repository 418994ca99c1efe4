"""System checks of a DynamoModelAdmin's options (`manage.py check` runs them).

The admin's own checks assume a model form and model fields; a DynamoDB
admin declares a Table, an ItemForm and attribute names instead.
"""

from django.contrib.admin.checks import BaseModelAdminChecks
from django.core import checks

from ..store import Table
from .forms import ItemForm


class DynamoModelAdminChecks(BaseModelAdminChecks):
    """Check table, form, list_display, search_fields and list_per_page."""

    def check(self, admin_obj, **kwargs):
        return [
            *self._check_table(admin_obj),
            *self._check_form(admin_obj),
            *self._check_names(admin_obj, "list_display"),
            *self._check_names(admin_obj, "search_fields"),
            *self._check_per_page(admin_obj),
        ]

    def _error(self, admin_obj, message, code):
        return [checks.Error(message, obj=type(admin_obj), id=f"dynamodb_tables.{code}")]

    def _check_table(self, admin_obj):
        if admin_obj.table_is_browsed or isinstance(admin_obj.table, Table):
            return []
        return self._error(
            admin_obj, "The value of 'table' must be a dynamodb_tables.store.Table.", "E001")

    def _check_form(self, admin_obj):
        if isinstance(admin_obj.form, type) and issubclass(admin_obj.form, ItemForm):
            return []
        return self._error(
            admin_obj,
            "The value of 'form' must be a subclass of dynamodb_tables.admin.ItemForm.",
            "E002",
        )

    def _check_names(self, admin_obj, option):
        names = getattr(admin_obj, option)
        if isinstance(names, list | tuple) and all(
            isinstance(name, str) and name for name in names
        ):
            return []
        return self._error(
            admin_obj, f"The value of '{option}' must be a list or tuple of attribute names.",
            "E003")

    def _check_per_page(self, admin_obj):
        per_page = admin_obj.list_per_page
        if isinstance(per_page, int) and not isinstance(per_page, bool) and 1 <= per_page <= 200:
            return []
        return self._error(
            admin_obj, "The value of 'list_per_page' must be a whole number from 1 to 200.",
            "E004")
