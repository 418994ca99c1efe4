"""The change list's actions: delete the selected items, and the CSV downloads.

Downloads stream (StreamingHttpResponse), one Scan page or one BatchGetItem
at a time, so a large table never sits in the server's memory. The first
page is read before the response starts: a missing table or an unreachable
DynamoDB is still the admin's 503 page, not an empty file. A failure later
on cuts the download short (the browser reports it as failed) and is logged.
"""

import itertools
import logging

from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.utils import model_ngettext
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect, StreamingHttpResponse
from django.template.response import TemplateResponse
from django.utils.html import format_html
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from .. import backend
from ..exceptions import StoreError, WriteUnconfirmed
from ..store import export
from ..store.manager import BATCH_GET_SIZE
from .errors import error_page, store_errors

logger = logging.getLogger(__name__)
DELETE_SELECTED = "delete_selected"


class ActionViews:
    """The change list's POST: the action menu, delete_selected, and the export view."""

    def _action_choices(self, request):
        """Return the action menu's choices (the actions this user may run), or None if none."""
        choices = self.get_action_choices(request)
        return choices if len(choices) > 1 else None  # more than the blank choice

    def _action_form(self, request, data=None):
        """Return the posted action form, or None when this user may run no action."""
        choices = self._action_choices(request)
        if choices is None:
            return None
        form = self.action_form(data, auto_id=None)
        form.fields["action"].choices = choices
        return form

    def selected_keys(self, request):
        """Return the keys of the items ticked on the list (their object ids, posted)."""
        return [self.table.key_from_object_id(object_id)
                for object_id in request.POST.getlist(helpers.ACTION_CHECKBOX_NAME)]

    def response_action(self, request, queryset):
        """Run the action posted from the change list, as the admin does (POST only)."""
        action_form = self._action_form(request, request.POST)
        if action_form is None or (
            request.POST.get("action") == DELETE_SELECTED
            and not self.has_delete_permission(request)
        ):
            raise PermissionDenied
        selected = self.selected_keys(request)
        if not action_form.is_valid() or not action_form.cleaned_data["action"]:
            self.message_user(request, _("No action selected."), messages.WARNING)
        elif not selected:
            self.message_user(
                request,
                _("Items must be selected in order to perform actions on them. "
                  "No items have been changed."),
                messages.WARNING,
            )
        elif action_form.cleaned_data["action"] == DELETE_SELECTED:
            return self.delete_selected(request, selected)
        else:
            run, _name, _description = self.get_actions(request)[action_form.cleaned_data["action"]]
            return run(self, request, selected)
        return HttpResponseRedirect(request.get_full_path())

    def delete_selected(self, request, keys):
        """Ask to confirm, then delete the selected items and say how many went."""
        # "Back up first" (superusers, who may make backups): if no backup can be made,
        # nothing is deleted and the confirmation comes back saying why.
        backed_up = not (request.POST.get("backup_first") and request.user.is_superuser) or (
            self.backup_first(request))
        if request.POST.get("post") and backed_up:
            # BatchWriteItem, 25 per request; items already gone are not counted.
            try:
                deleted = [self.to_object(item) for item in self.items.delete_many(keys)]
            except WriteUnconfirmed as error:
                return self._deletion_unconfirmed(request, error)
            if deleted:
                self.log_deletions(request, deleted)
            self.message_user(
                request,
                _("Successfully deleted %(count)d %(items)s.")
                % {"count": len(deleted), "items": model_ngettext(self.opts, len(deleted))},
                messages.SUCCESS,
            )
            return HttpResponseRedirect(request.get_full_path())
        found = [self.to_object(item) for item in self.items.get_many(keys)]
        if not found:
            self.message_user(
                request,
                _("No %(name)s selected exists any more.") % {"name": self.opts.verbose_name},
                messages.WARNING,
            )
            return HttpResponseRedirect(request.get_full_path())
        context = {
            **self.admin_site.each_context(request),
            **self.page_context(request, (_("Delete multiple objects"), None)),
            "title": _("Delete multiple objects"),
            "subtitle": None,
            "objects_name": model_ngettext(self.opts, len(found)),
            "deletable_objects": [[self.object_link(obj) for obj in found]],
            "model_count": [(self.opts.verbose_name_plural, len(found))],
            "queryset": found,
            "perms_lacking": set(),
            "protected": [],
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
            "backup_first_offered": request.user.is_superuser,
            "media": self.media,
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(
            request, "admin/dynamodb_tables/delete_selected_confirmation.html", context)

    def _deletion_unconfirmed(self, request, error):
        plural = self.opts.verbose_name_plural
        message = (f"DynamoDB did not confirm the deletion of the selected {plural}, so some "
                   f"or all of them may have been deleted. {error.reason}")
        advice = format_html('Open <a href="{}">the {}</a> to see which of them remain.',
                             self.url("changelist"), plural)
        return error_page(self, request, 503, "DynamoDB did not confirm the deletion", message,
                          advice=advice)

    def object_link(self, obj):
        """Return "Order: <a href=...>alice,1</a>", as the admin lists objects to delete."""
        return format_html('{}: <a href="{}">{}</a>', capfirst(self.opts.verbose_name),
                           self.url("change", obj.object_id), obj)

    @store_errors
    def export_view(self, request):
        """Stream every item of the table as CSV (needs the view permission)."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        pages = self.items.scan_pages()
        first = next(pages, [])  # read now: a store error is still the admin's error page
        items = itertools.chain.from_iterable(itertools.chain([first], pages))
        return self.csv_response(map(backend.from_attributes, items))

    def csv_columns(self):
        """Return the CSV's columns: the key's and the declared fields' names."""
        return tuple(dict.fromkeys([*self.table.key_names, *self.form.base_fields]))

    def csv_response(self, documents):
        """Return a streamed CSV download of these items."""
        response = StreamingHttpResponse(
            self._logged(export.csv_lines(documents, self.csv_columns())),
            content_type="text/csv; charset=utf-8",
        )
        # Table names are letters, digits, "_", "-" and ".": safe in the header as they are.
        filename = f"{self.opts.verbose_name_plural}-{self.table_name}.csv".replace(" ", "-")
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response

    def _logged(self, lines):
        try:
            yield from lines
        except StoreError as error:
            # The translated message only: a traceback would print the botocore error it
            # was raised from, whose text can quote the request's session token. Raising
            # still cuts the download short (the server logs this error, not botocore's).
            logger.error("CSV export of table %s cut short: %s", self.table_name, error)
            raise StoreError(str(error)) from None


@admin.action(description="Export selected %(verbose_name_plural)s (CSV)", permissions=["view"])
def export_selected_csv(model_admin, request, keys):
    """Stream the selected items as CSV, in the order they were listed."""
    chunks = (
        model_admin.items.get_many(keys[start : start + BATCH_GET_SIZE])
        for start in range(0, len(keys), BATCH_GET_SIZE)
    )
    first = next(chunks, [])
    return model_admin.csv_response(itertools.chain(first, itertools.chain.from_iterable(chunks)))
