"""The table page's settings besides capacity: indexes, time to live, deletion protection.

Each form posts a `_setting` naming it, and is checked by the same store
functions as `manage.py update_table` (`store.indexes`, `store.ttl`,
`operations.set_deletion_protection`): their InvalidRequest shows beside the
field at fault, with nothing sent. A setting the endpoint lacks, or these
credentials may not change, is said plainly in its own section.
"""

from django import forms
from django.contrib import messages

from ..exceptions import AccessDenied, InvalidRequest, NotSupported, StoreError, TableInUse
from ..store import indexes, operations, ttl
from ..store.table import PROJECTIONS, KeyAttribute
from ..values.types import KEY_TYPES, TYPE_LABELS

SETTING_VAR = "_setting"
KEY_TYPE_CHOICES = [(kind, f"{TYPE_LABELS[kind]} ({kind})") for kind in KEY_TYPES]


class AddIndexForm(forms.Form):
    """A new global secondary index: name, key attributes and types, projection, units."""

    setting = "add_index"
    prefix = "index"

    name = forms.CharField(label="Index name", max_length=255)
    partition_key = forms.CharField(label="Partition key attribute")
    partition_type = forms.ChoiceField(label="Partition key type", choices=KEY_TYPE_CHOICES)
    sort_key = forms.CharField(label="Sort key attribute", required=False,
                               help_text="Optional.")
    sort_type = forms.ChoiceField(label="Sort key type", choices=KEY_TYPE_CHOICES)
    projection = forms.ChoiceField(
        label="Projection", choices=[(p, p) for p in PROJECTIONS],
        help_text="ALL: every attribute; KEYS_ONLY: the table's and the index's keys; "
                  "INCLUDE: the keys and the attributes listed below.")
    non_key_attributes = forms.CharField(
        label="Attributes to include", required=False,
        help_text="INCLUDE only: attribute names, separated by commas.")
    read_capacity = forms.IntegerField(label="Read capacity units", required=False,
                                       min_value=1, help_text="Provisioned tables only.")
    write_capacity = forms.IntegerField(label="Write capacity units", required=False,
                                        min_value=1, help_text="Provisioned tables only.")

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        sort = (KeyAttribute(data["sort_key"], data["sort_type"])
                if data.get("sort_key") else None)
        attributes = [name.strip() for name in data.get("non_key_attributes", "").split(",")
                      if name.strip()]
        try:
            data["index"] = indexes.new_index(
                data["name"], KeyAttribute(data["partition_key"], data["partition_type"]),
                sort, data["projection"], attributes)
        except indexes.InvalidIndex as error:
            self.add_error(_index_field(error.field), error.reason)
            return data
        units = (data.get("read_capacity"), data.get("write_capacity"))
        if any(unit is not None for unit in units) and None in units:
            self.add_error("read_capacity" if units[0] is None else "write_capacity",
                           "Give both read and write capacity units, or neither.")
        data["capacity"] = units if None not in units else None
        return data

    def apply(self, request, model_admin):
        index = self.cleaned_data["index"]
        try:
            indexes.add_index(model_admin.table_name, index, self.cleaned_data["capacity"])
        except indexes.InvalidIndex as error:
            self.add_error(_index_field(error.field), error.reason)
            return False
        messages.success(request, f"Index “{index.name}” is being created. It shows CREATING "
                                  "until DynamoDB has filled it (seconds on DynamoDB Local, "
                                  "minutes or more on AWS).")
        return True


class RemoveIndexForm(forms.Form):
    """Which global secondary index to remove, and a box saying so."""

    setting = "remove_index"
    prefix = "remove"

    name = forms.CharField(widget=forms.HiddenInput)
    confirm = forms.BooleanField(
        label="Yes, remove it", error_messages={"required": "Tick the box to remove the index."})

    def apply(self, request, model_admin):
        name = self.cleaned_data["name"]
        try:
            indexes.remove_index(model_admin.table_name, name)
        except indexes.InvalidIndex as error:
            self.add_error(None, error.reason)
            return False
        messages.success(request, f"Index “{name}” is being removed.")
        return True


class TimeToLiveForm(forms.Form):
    """Turn time to live on with an attribute, or off."""

    setting = "ttl"
    prefix = "ttl"

    attribute = forms.CharField(label="TTL attribute", required=False, help_text=(
        "A Number attribute holding epoch seconds: DynamoDB deletes an item some time "
        "(typically within two days) after that moment."))
    enabled = forms.TypedChoiceField(choices=[("on", "on"), ("off", "off")],
                                     coerce=lambda value: value == "on",
                                     widget=forms.HiddenInput)

    def clean(self):
        data = super().clean()
        if data.get("enabled") and not data.get("attribute"):
            self.add_error("attribute", "Name the attribute that holds the expiry time.")
        return data

    def apply(self, request, model_admin):
        name = model_admin.table_name
        if not self.cleaned_data["enabled"]:
            changed = ttl.disable(name)
            _said(request, changed, f"Time to live of table “{name}” is off.",
                  f"Time to live of table “{name}” was already off.")
            return True
        attribute = self.cleaned_data["attribute"]
        try:
            changed = ttl.enable(model_admin.table, attribute)
        except ttl.InvalidTimeToLive as error:
            self.add_error("attribute", error.reason)
            return False
        _said(request, changed,
              f"Time to live of table “{name}” is on: items expire by “{attribute}”.",
              f"Time to live is already on with “{attribute}”.")
        return True


class DeletionProtectionForm(forms.Form):
    """Turn deletion protection on or off."""

    setting = "protection"
    prefix = "protection"

    enabled = forms.TypedChoiceField(choices=[("on", "on"), ("off", "off")],
                                     coerce=lambda value: value == "on",
                                     widget=forms.HiddenInput)

    def apply(self, request, model_admin):
        enabled = self.cleaned_data["enabled"]
        word = "on" if enabled else "off"
        name = model_admin.table_name
        _said(request, operations.set_deletion_protection(name, enabled),
              f"Deletion protection of table “{name}” is {word}.",
              f"Deletion protection of table “{name}” was already {word}.")
        return True


FORMS = {form.setting: form for form in (AddIndexForm, RemoveIndexForm, TimeToLiveForm,
                                         DeletionProtectionForm)}


def posted_form(request):
    """Return the bound settings form a POST is for, or None (the capacity form's POST)."""
    form_class = FORMS.get(request.POST.get(SETTING_VAR))
    return form_class(request.POST) if form_class else None


def applied(request, model_admin, form):
    """Apply a valid settings form; return False (errors on the form) if it was refused."""
    if not form.is_valid():
        return False
    try:
        return form.apply(request, model_admin)
    except (InvalidRequest, TableInUse, AccessDenied, NotSupported) as error:
        # DynamoDB's own refusal (a table still UPDATING, an index still CREATING, a
        # TTL change within the hour): shown on the form. Unreachable: the 503 page.
        form.add_error(None, str(error))
        return False


def context(table, posted=None):
    """Return the settings sections' context: their forms (the posted one as posted) and
    the table's time to live, or why it cannot be shown."""
    found = {form_class.setting: form_class() for form_class in FORMS.values()}
    found["ttl"] = TimeToLiveForm(initial={"enabled": "on"})
    if posted is not None:
        found[posted.setting] = posted
    try:
        expiry = ttl.describe(table["name"])
        expiry["on"] = expiry["status"] in ttl.EXPIRING
        expiry_problem = None
    except StoreError as error:
        # Not permitted, not supported by the endpoint, or not answered: this section
        # says so, and the rest of the page (already described) still works.
        expiry, expiry_problem = None, f"Time to live cannot be shown: {error}"
    return {
        "setting_var": SETTING_VAR,
        "setting_forms": found,
        "time_to_live": expiry,
        "time_to_live_problem": expiry_problem,
        "global_indexes": [index for index in table["indexes"] if index["kind"] == "GSI"],
    }


def _index_field(field):
    return {"capacity": "read_capacity"}.get(field, field)


def _said(request, changed, done, unchanged):
    if changed:
        messages.success(request, done)
    else:
        messages.info(request, unchanged)
