"""The table's safety page, for superusers: point-in-time recovery, backups, auto scaling
and replicas, at <table page>/safety/.

Each section reads its own API and degrades on its own: an endpoint without
the feature (DynamoDB Local) says "this endpoint does not support …", and
credentials without its IAM permission say "not permitted", while the other
sections still work. Every form goes through the same store functions and
checks as the commands (`point_in_time_recovery`, `table_backups`,
`update_table --autoscale-read`, `table_replicas`).
"""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse

from ..exceptions import AccessDenied, InvalidRequest, NotSupported, StoreError
from ..store import recovery, replicas, scaling
from ..store.features import InvalidSetting
from .errors import store_errors

TEMPLATE = "admin/dynamodb_tables/table_safety.html"


class TableSafetyViews:
    """The safety page of a DynamoModelAdmin's table (its URL: <table>/safety/)."""

    @store_errors
    def table_safety_view(self, request):
        """Show and change the table's recovery, backups, auto scaling and replicas."""
        return safety_view(self, request)

    def backup_first(self, request):
        """Make an on-demand backup of the table before a risky change; return whether it was
        made. A refusal (no backups at this endpoint, no permission) is shown as an error."""
        try:
            backup = recovery.create_backup(self.table_name)
        except (StoreError, InvalidRequest) as error:
            self.message_user(request, f"No backup was made, so nothing was changed: {error}",
                              messages.ERROR)
            return False
        self.message_user(request, f"Backup “{backup.name}” of table “{self.table_name}” made "
                          f"({backup.arn}).", messages.SUCCESS)
        return True


# --- Forms: one per action, each naming the action it posts ----------------------------------


class RestoreToPointInTimeForm(forms.Form):
    target = forms.CharField(label="New table's name", max_length=255)
    restore_time = forms.DateTimeField(
        label="Restore time (UTC)", required=False,
        help_text="Blank: the latest restorable time. For example 2026-11-29 21:15:00.")


class CreateBackupForm(forms.Form):
    backup_name = forms.CharField(
        label="Backup name", required=False, max_length=255,
        help_text="Blank: the table's name and the time, e.g. Contacts-20261129-211500.")


class BackupForm(forms.Form):
    backup = forms.CharField(widget=forms.HiddenInput)


class RestoreBackupForm(BackupForm):
    target = forms.CharField(label="New table's name", max_length=255)


class ScalingForm(forms.Form):
    """Auto scaling of one dimension: turn it on (minimum, maximum, target) or off."""

    resource = forms.ChoiceField(label="Of", required=False)
    kind = forms.ChoiceField(label="Capacity", choices=[(scaling.READ, "Reads"),
                                                        (scaling.WRITE, "Writes")])
    minimum = forms.IntegerField(label="Minimum units", required=False)
    maximum = forms.IntegerField(label="Maximum units", required=False)
    target = forms.IntegerField(
        label="Target utilisation (%)", required=False,
        help_text=f"{scaling.LOWEST_TARGET} to {scaling.HIGHEST_TARGET} percent.")

    def __init__(self, *args, indexes=(), turning_on=True, **kwargs):
        super().__init__(*args, **kwargs)
        self.turning_on = turning_on
        self.fields["resource"].choices = [("", "The table")] + [
            (name, f"Index {name}") for name in indexes]

    def clean(self):
        data = super().clean()
        if self.errors or not self.turning_on:
            return data
        numbers = [data.get(name) for name in ("minimum", "maximum", "target")]
        for name, value in zip(("minimum", "maximum", "target"), numbers, strict=True):
            if value is None:
                self.add_error(name, "Needed to turn auto scaling on.")
        if not self.errors:
            try:
                data["scaling"] = scaling.AutoScaling(*numbers)
            except InvalidSetting as error:
                self.add_error(error.field, error.reason)
        return data


class ReplicaForm(forms.Form):
    region = forms.CharField(label="Region", max_length=30,
                             help_text="An AWS region name, e.g. eu-west-1.")


# --- Actions: (form, run(table, data) -> message) ----------------------------------------


def _pitr(enabled):
    def run(table, data):
        changed = recovery.set_point_in_time_recovery(table, enabled)
        state = "on" if enabled else "off"
        return (f"Point-in-time recovery of table “{table}” is now {state}." if changed
                else f"Point-in-time recovery of table “{table}” was {state} already.")
    return run


def _restore_to_point_in_time(table, data):
    target = recovery.restore_to_point_in_time(table, data["target"], data["restore_time"])
    moment = data["restore_time"] or "the latest restorable time"
    return (f"Table “{target}” is being restored from “{table}” as it was at {moment}; it "
            "shows CREATING until DynamoDB is done.")


def _create_backup(table, data):
    backup = recovery.create_backup(table, data["backup_name"] or None)
    return f"Backup “{backup.name}” of table “{table}” made ({backup.arn})."


def _delete_backup(table, data):
    backup = recovery.delete_backup(table, data["backup"])
    return f"Backup “{backup.name}” of table “{table}” deleted."


def _restore_backup(table, data):
    backup = recovery.restore_backup(table, data["backup"], data["target"])
    return (f"Table “{data['target'].strip()}” is being restored from backup “{backup.name}”; "
            "it shows CREATING until DynamoDB is done.")


def _scaling_on(table, data):
    index = data["resource"] or None
    scaling.enable(table, data["kind"], data["scaling"], index)
    return f"Auto scaling of {_what(table, data)}: {data['scaling']}."


def _scaling_off(table, data):
    index = data["resource"] or None
    if scaling.disable(table, data["kind"], index):
        return (f"Auto scaling of {_what(table, data)} is off; the capacity stays where it "
                "was last set.")
    return f"Auto scaling of {_what(table, data)} was off already."


def _what(table, data):
    where = f"index “{data['resource']}”" if data["resource"] else f"table “{table}”"
    return f"the {'reads' if data['kind'] == scaling.READ else 'writes'} of {where}"


def _add_replica(table, data):
    region = replicas.add_replica(table, data["region"])
    return (f"A replica of table “{table}” in {region} is being created; it shows CREATING "
            "until DynamoDB is done.")


def _remove_replica(table, data):
    region = replicas.remove_replica(table, data["region"])
    return f"The replica of table “{table}” in {region} is being deleted."


# action -> (section, form class, run)
ACTIONS = {
    "pitr_on": ("pitr", forms.Form, _pitr(True)),
    "pitr_off": ("pitr", forms.Form, _pitr(False)),
    "pitr_restore": ("pitr", RestoreToPointInTimeForm, _restore_to_point_in_time),
    "backup_create": ("backups", CreateBackupForm, _create_backup),
    "backup_delete": ("backups", BackupForm, _delete_backup),
    "backup_restore": ("backups", RestoreBackupForm, _restore_backup),
    "scaling_on": ("scaling", ScalingForm, _scaling_on),
    "scaling_off": ("scaling", ScalingForm, _scaling_off),
    "replica_add": ("replicas", ReplicaForm, _add_replica),
    "replica_remove": ("replicas", ReplicaForm, _remove_replica),
}


# --- The view --------------------------------------------------------------------------------


def safety_view(model_admin, request):
    """Show every section; on POST, run one action (POST, redirect, GET)."""
    # Backups, restores and replicas cost money and touch the whole table: superusers only,
    # asked before any request.
    if not request.user.is_superuser:
        raise PermissionDenied
    table = model_admin.table_name
    capacities = scaling.capacities(table)
    indexes = [row["index"] for row in capacities if row["index"]]
    posted = None
    if request.method == "POST":
        action = request.POST.get("action", "")
        if action not in ACTIONS:
            raise InvalidRequest(f"Unknown action “{action}”.")
        section, form_class, run = ACTIONS[action]
        options = ({"indexes": indexes, "turning_on": action == "scaling_on"}
                   if form_class is ScalingForm else {})
        form = form_class(request.POST, **options)
        if form.is_valid() and _ran(request, form, run, table):
            return HttpResponseRedirect(model_admin.url("table_safety"))
        posted = (section, action, form)
    context = {
        **model_admin.admin_site.each_context(request),
        **model_admin.page_context(
            request, ("Table", model_admin.url("table")), ("Recovery, backups, scaling", None)),
        "title": "Recovery, backups, auto scaling and replicas",
        "subtitle": None,
        "table_name": table,
        "posted": posted,
        **_sections(table, capacities, indexes, posted),
    }
    request.current_app = model_admin.admin_site.name
    return TemplateResponse(request, TEMPLATE, context)


def _ran(request, form, run, table):
    """Run the action; say what happened, or put DynamoDB's refusal on the form."""
    try:
        message = run(table, form.cleaned_data)
    except InvalidSetting as error:
        form.add_error(error.field if error.field in form.fields else None, error.reason)
        return False
    except (StoreError, InvalidRequest) as error:
        # Shown on the form, beside the page's figures; if DynamoDB cannot be reached at all,
        # reading the page fails next and the admin's 503 page says so instead.
        problem = _problem(error)
        form.add_error(None, problem["message"] if problem else str(error))
        return False
    messages.success(request, message)
    return True


# Actions posted from a button or a row rather than a form shown on its own: their
# errors are listed at the top of their section.
ROW_ACTIONS = {"pitr_on", "pitr_off", "backup_delete", "backup_restore", "replica_remove"}


def _sections(table, capacities, indexes, posted):
    """Return each section's figures, or the problem that stands in for them."""
    window, pitr_problem = _read(lambda: recovery.recovery_window(table))
    backups, backups_problem = _read(lambda: recovery.list_backups(table))
    rows, scaling_problem = _read(lambda: scaling.with_scaling(table, capacities))
    listed, replicas_problem = _read(lambda: replicas.replicas(table))
    section, action, bound = posted or (None, None, None)

    def form(name, form_class, **options):
        return bound if action == name else form_class(**options)

    def errors(name):
        if section != name or action not in ROW_ACTIONS:
            return []
        return [message for messages_ in bound.errors.values() for message in messages_]

    return {
        "pitr": {"window": window, "problem": pitr_problem, "errors": errors("pitr"),
                 "restore_form": form("pitr_restore", RestoreToPointInTimeForm)},
        "backups": {"list": backups, "problem": backups_problem, "errors": errors("backups"),
                    "create_form": form("backup_create", CreateBackupForm)},
        "scaling": {"rows": rows or capacities, "problem": scaling_problem,
                    "form": bound if section == "scaling" else ScalingForm(indexes=indexes)},
        "replicas": {"list": listed, "problem": replicas_problem, "errors": errors("replicas"),
                     "region": replicas.this_region(),
                     "add_form": form("replica_add", ReplicaForm)},
    }


def _read(reader):
    """Return (reader(), None), or (None, the problem) when the endpoint lacks the feature or
    these credentials may not use it. Other store errors are the page's 503."""
    try:
        return reader(), None
    except (NotSupported, AccessDenied) as error:
        return None, _problem(error)


def _problem(error):
    """Return {"kind": "unsupported" or "denied", "message"} for a feature's refusal."""
    if isinstance(error, NotSupported):
        return {"kind": "unsupported", "message": str(error)}
    if isinstance(error, AccessDenied):
        return {"kind": "denied",
                "message": f"Not permitted: these credentials may not use {error.action}. "
                           "README's IAM section lists the permissions each feature needs."}
    return None
