"""The table page, for superusers: what the table is, its capacity switch and settings.

It shows DescribeTable's figures (status, billing mode, provisioned units,
approximate item count and size, indexes) and switches between on-demand
and provisioned capacity through the same `operations.update_table` and
`operations.Capacity` checks as `manage.py update_table`. Its other settings
(indexes, time to live, deletion protection) are `table_settings`' forms.
"""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse

from ..exceptions import InvalidRequest, StoreError, StoreUnavailable
from ..store import operations
from . import table_settings


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

    def __init__(self, *args, global_indexes=(), **kwargs):
        super().__init__(*args, **kwargs)
        # Each GSI of a provisioned table has units of its own: DynamoDB refuses a switch
        # to provisioned capacity that leaves one without.
        self.global_indexes = tuple(global_indexes)
        for name in self.global_indexes:
            for label in ("read", "write"):
                self.fields[index_field(name, label)] = forms.IntegerField(
                    label=f"{label.capitalize()} capacity units of index “{name}”",
                    required=False,
                    help_text="Provisioned only. Blank on a switch: the table's units.")

    @classmethod
    def for_table(cls, table):
        """Return the form showing the table's current settings."""
        initial = {
            "billing_mode": table["billing_mode"],
            "read_capacity": table["read_capacity"],
            "write_capacity": table["write_capacity"],
        }
        gsis = [index for index in table["indexes"] if index["kind"] == "GSI"]
        for index in gsis:
            initial[index_field(index["name"], "read")] = index["read_capacity"]
            initial[index_field(index["name"], "write")] = index["write_capacity"]
        return cls(initial=initial, global_indexes=[index["name"] for index in gsis])

    @classmethod
    def posted(cls, data, model_admin):
        """Return the bound form, with unit fields for the GSIs the page showed."""
        shown = [key[len(INDEX_FIELD_PREFIX):-len("-read")] for key in data
                 if key.startswith(INDEX_FIELD_PREFIX) and key.endswith("-read")]
        return cls(data, global_indexes=shown)

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
            data["index_capacity"] = self._index_capacity(billing_mode)
        except operations.InvalidCapacity as error:
            self.add_error(self.error_field(error), error.reason)
        return data

    def _index_capacity(self, billing_mode):
        """Return {index name: Capacity} of the GSI units filled in (provisioned only)."""
        if billing_mode != operations.PROVISIONED:
            return {}
        found = {}
        for name in self.global_indexes:
            units = [self.cleaned_data.get(index_field(name, label)) for label in
                     ("read", "write")]
            if units != [None, None]:
                try:
                    found[name] = operations.Capacity(billing_mode, *units)
                except operations.InvalidCapacity as error:
                    raise operations.InvalidCapacity(
                        f"index_capacity:{name}", f"Index “{name}”: {error.reason[:-1]}",
                        "") from None
        return found

    def error_field(self, error):
        """Return the field an InvalidCapacity is about, or None for the whole form."""
        if error.field.startswith("index_capacity:"):
            field = index_field(error.field.partition(":")[2], "read")
        else:
            field = error.field
        return field if field in self.fields else None


INDEX_FIELD_PREFIX = "gsi-"


def index_field(index_name, label):
    """Return the name of a GSI's unit field: "gsi-<index>-read" or "gsi-<index>-write"."""
    return f"{INDEX_FIELD_PREFIX}{index_name}-{label}"


def table_view(model_admin, request):
    """Show the table's figures; on POST, switch its capacity (POST, redirect, GET)."""
    # Capacity costs money and affects everyone: superusers only, asked before any request.
    if not request.user.is_superuser:
        raise PermissionDenied
    form = setting = None
    if request.method == "POST":
        setting = table_settings.posted_form(request)
        if setting is not None:
            if table_settings.applied(request, model_admin, setting):
                return HttpResponseRedirect(model_admin.url("table"))
        else:
            form = CapacityForm.posted(request.POST, model_admin)
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
        **table_settings.context(table, setting),
    }
    request.current_app = model_admin.admin_site.name
    return TemplateResponse(request, "admin/dynamodb_tables/table.html", context)


def _switched(request, form, name, capacity):
    """Send UpdateTable and say what happened; return False if DynamoDB refused it."""
    try:
        # Never wait here: a real switch takes minutes, and the page shows
        # the status (UPDATING) until DynamoDB is done.
        index_capacity = form.cleaned_data["index_capacity"]
        # Only with GSIs, so that a table without keeps the plain call.
        changed = operations.update_table(
            name, capacity, wait=False,
            **({"index_capacity": index_capacity} if form.global_indexes else {}))
    except operations.InvalidCapacity as error:
        form.add_error(form.error_field(error), error.reason)
        return False
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
