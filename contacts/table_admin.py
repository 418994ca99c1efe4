"""The table page in the admin, for superusers: what the table is, and its capacity switch.

It shows DescribeTable's figures (status, billing mode, provisioned units,
approximate item count and size) and switches between on-demand and
provisioned capacity, the tutorial's step 3, through the same
`tables.update_table` and `tables.Capacity` checks as `manage.py update_table`.
ContactAdmin.get_urls mounts it inside the admin site.
"""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse

from . import tables
from .admin import store_errors
from .exceptions import InvalidRequest, StoreError, StoreUnavailable

URL_NAME = "contacts_table"


class CapacityForm(forms.Form):
    """Billing mode and, for provisioned capacity, read and write units."""

    billing_mode = forms.ChoiceField(
        label="Billing mode",
        widget=forms.RadioSelect(attrs={"class": "radiolist"}),
        choices=[
            (tables.ON_DEMAND, "On-demand (PAY_PER_REQUEST): pay for each request"),
            (tables.PROVISIONED, "Provisioned (PROVISIONED): fixed read and write units"),
        ],
    )
    read_capacity = forms.IntegerField(
        label="Read capacity units",
        required=False,
        help_text="Provisioned only. The free tier covers 25 RCU per account.",
    )
    write_capacity = forms.IntegerField(
        label="Write capacity units",
        required=False,
        help_text="Provisioned only. The free tier covers 25 WCU per account.",
    )

    @classmethod
    def for_table(cls, table):
        """Return the form showing the table's current settings."""
        return cls(
            initial={
                "billing_mode": table["billing_mode"],
                "read_capacity": table["read_capacity"],
                "write_capacity": table["write_capacity"],
            }
        )

    def clean(self):
        data = super().clean()
        billing_mode = data.get("billing_mode")
        if billing_mode is None or self.errors:
            return data
        units = (data.get("read_capacity"), data.get("write_capacity"))
        if billing_mode == tables.ON_DEMAND:
            # The unit fields keep the provisioned figures shown on the page;
            # choosing on-demand means leaving them behind, not an error.
            units = (None, None)
        try:
            data["capacity"] = tables.Capacity(billing_mode, *units)
        except tables.InvalidCapacity as error:
            self.add_error(error.field if error.field in self.fields else None, error.reason)
        return data


def table_url():
    return reverse(f"admin:{URL_NAME}")


@store_errors
def table_view(model_admin, request):
    """Show the table's figures; on POST, switch its capacity (POST, redirect, GET)."""
    # Capacity costs money and affects everyone: superusers only, asked before any request.
    if not request.user.is_superuser:
        raise PermissionDenied
    form = None
    if request.method == "POST":
        form = CapacityForm(request.POST)
        if form.is_valid() and _switched(request, form, form.cleaned_data["capacity"]):
            return HttpResponseRedirect(table_url())
    table = tables.describe_table()
    if form is None:
        form = CapacityForm.for_table(table)
    context = {
        **model_admin.admin_site.each_context(request),
        "title": "Table and capacity",
        "subtitle": None,
        "opts": model_admin.opts,
        "table": table,
        "form": form,
        "busy": table["status"] != "ACTIVE",
        "changelist_url": reverse(
            f"admin:{model_admin.opts.app_label}_{model_admin.opts.model_name}_changelist"
        ),
    }
    request.current_app = model_admin.admin_site.name
    return TemplateResponse(request, "admin/contacts/table.html", context)


def _switched(request, form, capacity):
    """Send UpdateTable and say what happened; return False if DynamoDB refused it."""
    name = tables.table_name()
    try:
        # Never wait here: a real switch takes minutes, and the page shows
        # the status (UPDATING) until DynamoDB is done.
        changed = tables.update_table(capacity, wait=False)
    except (StoreError, InvalidRequest) as error:
        # Shown on the form, with the page's figures: if DynamoDB cannot be
        # reached at all, describing the table fails next and the admin's 503
        # page says so instead.
        message = str(error)
        if isinstance(error, StoreUnavailable):
            message += (
                " DynamoDB also limits how often a table may switch billing mode or lower "
                "its provisioned capacity; if this table did recently, try again later."
            )
        form.add_error(None, message)
        return False
    if changed:
        messages.success(
            request,
            f"Table “{name}” is switching to {capacity}. It shows UPDATING until "
            "DynamoDB has finished (seconds on DynamoDB Local, minutes on AWS).",
        )
    else:
        messages.info(request, f"Table “{name}” already has these settings: {capacity}.")
    return True
