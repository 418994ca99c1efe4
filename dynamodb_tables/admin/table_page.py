"""The table page, for superusers: what the table is, and its capacity switch.

It shows DescribeTable's figures (status, billing mode, provisioned units,
approximate item count and size, indexes) and switches between on-demand
and provisioned capacity through the same `operations.update_table` and
`operations.Capacity` checks as `manage.py update_table`.
"""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse

from ..exceptions import InvalidRequest, StoreError, StoreUnavailable
from ..store import operations


class CapacityForm(forms.Form):
    """Billing mode and, for provisioned capacity, read and write units."""

    billing_mode = forms.ChoiceField(
        label="Billing mode",
        widget=forms.RadioSelect(attrs={"class": "radiolist"}),
        choices=[
            (operations.ON_DEMAND, "On-demand (PAY_PER_REQUEST): pay for each request"),
            (operations.PROVISIONED, "Provisioned (PROVISIONED): fixed read and write units"),
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
        if billing_mode == operations.ON_DEMAND:
            # The unit fields keep the provisioned figures shown on the page;
            # choosing on-demand means leaving them behind, not an error.
            units = (None, None)
        try:
            data["capacity"] = operations.Capacity(billing_mode, *units)
        except operations.InvalidCapacity as error:
            self.add_error(error.field if error.field in self.fields else None, error.reason)
        return data


def table_view(model_admin, request):
    """Show the table's figures; on POST, switch its capacity (POST, redirect, GET)."""
    # Capacity costs money and affects everyone: superusers only, asked before any request.
    if not request.user.is_superuser:
        raise PermissionDenied
    form = None
    if request.method == "POST":
        form = CapacityForm(request.POST)
        if form.is_valid() and _switched(request, form, model_admin.table_name,
                                         form.cleaned_data["capacity"]):
            return HttpResponseRedirect(model_admin.url("table"))
    table = operations.describe_table(model_admin.table_name)
    if form is None:
        form = CapacityForm.for_table(table)
    context = {
        **model_admin.admin_site.each_context(request),
        **model_admin.page_context(request, ("Table", None)),
        "title": "Table and capacity",
        "subtitle": None,
        "table": table,
        "key": [(attribute, role) for attribute, role in zip(
            model_admin.table.key_attributes, ("partition", "sort"), strict=False)],
        "form": form,
        "busy": table["status"] != "ACTIVE",
    }
    request.current_app = model_admin.admin_site.name
    return TemplateResponse(request, "admin/dynamodb_tables/table.html", context)


def _switched(request, form, name, capacity):
    """Send UpdateTable and say what happened; return False if DynamoDB refused it."""
    try:
        # Never wait here: a real switch takes minutes, and the page shows
        # the status (UPDATING) until DynamoDB is done.
        changed = operations.update_table(name, capacity, wait=False)
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
