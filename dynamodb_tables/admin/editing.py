"""Add, change, delete and history pages of one item, and where each goes afterwards.

A change form carries the signed item it was built from: its save is one
conditional UpdateItem, refused (409, with what changed) if anyone changed
the item meanwhile; a delete likewise. The responses are the admin's own
(its messages and buttons), with URLs from the admin's `url()`, so that a
table browsed at /admin/tables/<name>/ works like a declared one.
"""

from urllib.parse import quote as urlquote

from django.contrib import messages
from django.contrib.admin import helpers
from django.contrib.admin.models import LogEntry
from django.contrib.admin.options import get_content_type_for_model
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpResponseRedirect, QueryDict
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.html import format_html
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from ..exceptions import (
    InvalidItem,
    ItemAlreadyExists,
    ItemChanged,
    ItemNotFound,
    WriteUnconfirmed,
)
from ..store import operations, ttl
from ..store.changes import same_item
from . import conflicts, copies, history, merge, new_keys
from .copies import RECREATE_VAR, SAVE_AS_NEW_VAR
from .editor import ADD_ROW_VAR, ORIGINAL_VAR, ItemEditor, read_original, sign_original
from .errors import store_errors, unconfirmed_page


class EditingViews:
    """The item pages of a DynamoModelAdmin."""

    def editor(self, data=None, item=None, **options):
        return ItemEditor(self.table, self.form, data, item=item, **options)

    # --- Add and change ----------------------------------------------------------

    @store_errors
    def add_view(self, request, form_url="", extra_context=None):
        if not self.has_add_permission(request):
            raise PermissionDenied
        if request.method != "POST":
            # One DescribeTable, so that a missing table or an unreachable
            # DynamoDB is the 503 page now, not after the user typed an item.
            operations.check_table(self.table_name)
            return self._render_form(request, self.editor(), obj=None)
        if ADD_ROW_VAR in request.POST:
            editor = ItemEditor.with_another_row(self.table, self.form, request.POST)
            return self._render_form(request, editor, None)
        editor = self.editor(request.POST)
        if editor.is_valid():
            # A blank key is the one the form was issued (new_keys), so that the page
            # can name the item even unconfirmed, and a form sent twice stores one item.
            issued = new_keys.read(request.POST.get(new_keys.NEW_KEY_VAR), self.table)
            new = self.table.with_new_key(editor.new_item(), issued)
            try:
                item = self.items.create(new)
            except WriteUnconfirmed as error:
                return unconfirmed_page(self, request, error, "save", new)
            except ItemAlreadyExists as error:
                # Exactly this item stored: the form sent twice (a double click, or
                # again after a lost answer). Answer as if it had just been made.
                stored = self.table.with_derived(new)  # as create() wrote it
                item = error.existing if same_item(error.existing or {}, stored) else None
                partition = self.table.partition_key.name
                if item is None and issued is not None and new[partition] == issued:
                    # Sent again with other values (after Back): a new form's key for them.
                    editor.form.add_error(None, new_keys.SAVED_BEFORE.format(
                        name=self.opts.verbose_name, key=self.table.object_id(new)))
                    return self._render_form(request, editor, obj=None, extra_context={
                        "new_key_token": new_keys.issue(self.table)})
                if item is None:
                    editor.form.add_error(partition, str(error))
            except InvalidItem as error:
                item = None
                editor.form.add_error(None, str(error))
            if item is not None:
                obj = self.to_object(item)
                self.log_addition(request, obj, [{"added": {}}])
                return self.response_add(request, obj)
        return self._render_form(request, editor, obj=None)

    @store_errors
    def change_view(self, request, object_id, form_url="", extra_context=None):
        # Before the read: without the right, a missing item and an existing one look alike.
        if not self.has_view_or_change_permission(request):
            raise PermissionDenied
        key = self.key_from_url(object_id)
        if request.method != "POST":
            item = self.items.get(key)
            editor = self.editor(item=item, read_only=not self.has_change_permission(request))
            return self._render_form(request, editor, obj=self.to_object(item))
        # "Save as new" adds an item, as the admin's does: it takes the right to add.
        copying = SAVE_AS_NEW_VAR in request.POST and self.save_as
        may_change = self.has_change_permission(request)
        if not (self.has_add_permission(request) if copying else may_change):
            raise PermissionDenied
        # The item as the form showed it: the save is one conditional
        # UpdateItem, refused if anyone changed the item meanwhile.
        item = read_original(request.POST.get(ORIGINAL_VAR), self.table, key)
        obj = self.to_object(item)
        if ADD_ROW_VAR in request.POST:
            editor = ItemEditor.with_another_row(self.table, self.form, request.POST, item=item)
            return self._render_form(request, editor, obj=obj)
        editor = self.editor(request.POST, item=item, read_only=not may_change)
        if copying:
            return copies.save_as_new(self, request, editor, item)
        if not editor.is_valid():
            return self._render_form(request, editor, obj=obj)
        # After a conflict: the clashes the user settled with "take theirs" are not written.
        changes = merge.without_theirs(editor.changes(), request.POST, self.table)
        if RECREATE_VAR in request.POST and self.has_add_permission(request):
            return copies.recreate(self, request, editor, item, changes)
        try:
            if changes:
                obj = self.to_object(self.items.update(key, changes, expected=item))
            else:
                self.items.get(key)  # nothing to write; but say so if it is gone
        except ItemChanged as conflict:
            return self._render_conflict(request, conflict, changes, item)
        except ItemNotFound as gone:
            return self._render_deleted(request, gone, changes, item)
        except WriteUnconfirmed as error:
            return unconfirmed_page(self, request, error, "save", item)
        except InvalidItem as error:
            editor.form.add_error(None, str(error))
            return self._render_form(request, editor, obj=obj)
        self.log_change(request, obj, history.change_message(item, changes))
        return self.response_change(request, obj)

    def _render_conflict(self, request, conflict, changes, shown):
        """Show the form of the item as it is now, with every change of the user's re-applied:
        those that clash with the other edit marked, and a choice asked for each."""
        current = conflict.current
        derived = {attribute.name for attribute in self.table.derived}
        editor, merged, clashing = merge.refreshed(
            self.table, self.form, shown, changes, current, maintained=derived)
        return self._render_form(
            request, editor, obj=self.to_object(current), status=409,
            extra_context={"conflict": conflict, "merged": merged, "clashing": clashing,
                           "clashes_var": merge.CLASHES_VAR,
                           "clashes_token": merge.clashes_token(merged, self.table)},
        )

    def _render_deleted(self, request, gone, changes, shown):
        """Say that the item was deleted meanwhile (a 404, as it is gone), keeping the user's
        values in the form, with a button that creates it again with them."""
        editor = merge.editor_showing(self.table, self.form, shown, changes)
        may_add = self.has_add_permission(request)
        return self._render_form(
            request, editor, obj=self.to_object(shown), status=404,
            extra_context={"deleted_meanwhile": gone,
                           "recreate_var": RECREATE_VAR if may_add else None},
        )

    def _render_form(self, request, editor, obj, status=200, extra_context=None):
        add = obj is None
        form = editor.form
        adminform = helpers.AdminForm(
            form, [(None, {"fields": form.field_names})], {}, model_admin=self
        )
        if add:
            title = _("Add %s")
        elif self.has_change_permission(request, obj):
            title = _("Change %s")
        else:
            title = _("View %s")
        last = (_("Add %s") % self.opts.verbose_name if add else str(obj), None)
        context = {
            **self.admin_site.each_context(request),
            **self.page_context(request, last),
            "title": title % self.opts.verbose_name,
            "subtitle": str(obj) if obj else None,
            "adminform": adminform,
            "object_id": obj.pk if obj else None,
            "original": obj,
            "is_popup": False,
            "to_field": None,
            "media": self.media + adminform.media + editor.media,
            "inline_admin_formsets": [],
            "errors": helpers.AdminErrorList(form, [editor.rows]),
            "preserved_filters": self.get_preserved_filters(request),
            "rows": editor.rows,
            "add_row_var": ADD_ROW_VAR,
            "original_var": ORIGINAL_VAR,
            "original_token": (
                sign_original(editor.item, self.table) if editor.item is not None else None),
            "new_key_var": new_keys.NEW_KEY_VAR,
            "new_key_token": new_keys.issue(self.table, request.POST) if add else None,
            "history_url": self.url("history", obj.object_id) if obj else None,
            # The time-to-live attribute's row reads as a date ("expires in 3 days").
            "expiry": ttl.item_expiry(self.table_name, editor.item),
            "json_url": self.url("json", obj.object_id) if obj else None,
            "delete_url": self.url("delete", obj.object_id) if obj else None,
            "copy_form": copies.copy_form(self, request) if obj else None,
            **(extra_context or {}),
        }
        response = self.render_change_form(request, context, add=add, change=not add, obj=obj)
        response.status_code = status
        return response

    # --- Where a save goes -----------------------------------------------------------

    def _preserved(self, request, url, to_list=False):
        """Return `url` keeping the list's filters: as they are for the list itself, else
        as `_changelist_filters` (what the admin's add_preserved_filters does)."""
        preserved = self.get_preserved_filters(request)
        if to_list and preserved:
            preserved = QueryDict(preserved).get("_changelist_filters", "")
        return f"{url}?{preserved}" if preserved else url

    def response_add(self, request, obj, post_url_continue=None):
        obj_url = self.url("change", obj.object_id)
        shown = (format_html('<a href="{}">{}</a>', obj_url, obj)
                 if self.has_change_permission(request, obj) else str(obj))
        names = {"name": self.opts.verbose_name, "obj": shown}
        if "_continue" in request.POST or (
            # "Save as new" opens the copy, as the admin's does.
            SAVE_AS_NEW_VAR in request.POST and self.save_as_continue
            and self.has_change_permission(request, obj)
        ):
            message = _("The {name} “{obj}” was added successfully.")
            if self.has_change_permission(request, obj):
                message += " " + _("You may edit it again below.")
            self.message_user(request, format_html(message, **names), messages.SUCCESS)
            return HttpResponseRedirect(self._preserved(request, obj_url))
        if "_addanother" in request.POST:
            message = _("The {name} “{obj}” was added successfully. You may add another "
                        "{name} below.")
            self.message_user(request, format_html(message, **names), messages.SUCCESS)
            return HttpResponseRedirect(self._preserved(request, request.path))
        message = _("The {name} “{obj}” was added successfully.")
        self.message_user(request, format_html(message, **names), messages.SUCCESS)
        return self._back_to_list(request)

    def response_change(self, request, obj):
        names = {"name": self.opts.verbose_name,
                 "obj": format_html('<a href="{}">{}</a>', urlquote(request.path), obj)}
        if "_continue" in request.POST:
            message = _("The {name} “{obj}” was changed successfully. You may edit it "
                        "again below.")
            self.message_user(request, format_html(message, **names), messages.SUCCESS)
            return HttpResponseRedirect(self._preserved(request, request.path))
        if "_addanother" in request.POST:
            message = _("The {name} “{obj}” was changed successfully. You may add another "
                        "{name} below.")
            self.message_user(request, format_html(message, **names), messages.SUCCESS)
            return HttpResponseRedirect(self._preserved(request, self.url("add")))
        message = _("The {name} “{obj}” was changed successfully.")
        self.message_user(request, format_html(message, **names), messages.SUCCESS)
        return self._back_to_list(request)

    def response_delete(self, request, obj_display, obj_id):
        self.message_user(
            request,
            _("The %(name)s “%(obj)s” was deleted successfully.")
            % {"name": self.opts.verbose_name, "obj": obj_display},
            messages.SUCCESS,
        )
        return self._back_to_list(request)

    def _back_to_list(self, request):
        if self.has_view_or_change_permission(request):
            return HttpResponseRedirect(
                self._preserved(request, self.url("changelist"), to_list=True))
        return HttpResponseRedirect(reverse("admin:index", current_app=self.admin_site.name))

    # --- Delete and history -----------------------------------------------------------

    @store_errors
    def delete_view(self, request, object_id, extra_context=None):
        if not self.has_delete_permission(request):
            raise PermissionDenied
        key = self.key_from_url(object_id)
        if request.method == "POST":
            # One request: DeleteItem, only if the item is still as the
            # confirmation page showed it, hands back the item it removed.
            shown = read_original(request.POST.get(ORIGINAL_VAR), self.table, key)
            try:
                obj = self.to_object(self.items.delete(key, expected=shown))
            except ItemChanged as conflict:
                return self._render_delete(
                    request, conflict.current, status=409,
                    differences=conflicts.differences(shown, conflict.current),
                )
            except WriteUnconfirmed as error:
                return unconfirmed_page(self, request, error, "deletion", shown)
            self.log_deletions(request, [obj])
            return self.response_delete(request, str(obj), obj.pk)
        return self._render_delete(request, self.items.get(key))

    def _render_delete(self, request, item, status=200, differences=None):
        obj = self.to_object(item)
        change_url = self.url("change", obj.object_id)
        context = {
            **self.admin_site.each_context(request),
            **self.page_context(request, (str(obj), change_url), (_("Delete"), None)),
            "title": _("Are you sure?"),
            "subtitle": None,
            "object_name": str(self.opts.verbose_name),
            "object": obj,
            "deleted_objects": [self.object_link(obj)],
            "model_count": [(self.opts.verbose_name_plural, 1)],
            "perms_lacking": set(),
            "protected": [],
            "app_label": self.opts.app_label,
            "preserved_filters": self.get_preserved_filters(request),
            "is_popup": False,
            "to_field": None,
            "media": self.media,
            "original_var": ORIGINAL_VAR,
            "original_token": sign_original(item, self.table),
            "differences": differences,
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(request, self.delete_confirmation_template, context,
                                status=status)

    @store_errors
    def history_view(self, request, object_id, extra_context=None):
        # Before the read, as in change_view: a missing item must not answer differently.
        if not self.has_view_or_change_permission(request):
            raise PermissionDenied
        obj = self.to_object(self.items.get(self.key_from_url(object_id)))
        entries = LogEntry.objects.filter(
            object_id=obj.pk, content_type=get_content_type_for_model(self.model)
        ).select_related().order_by("action_time")
        paginator = Paginator(entries, 100)
        page = paginator.get_page(request.GET.get("p", 1))
        change_url = self.url("change", obj.object_id)
        context = {
            **self.admin_site.each_context(request),
            **self.page_context(request, (str(obj), change_url), (_("History"), None)),
            "title": _("Change history: %s") % obj,
            "subtitle": None,
            "action_list": page,
            "page_range": paginator.get_elided_page_range(page.number),
            "page_var": "p",
            "pagination_required": paginator.count > 100,
            "module_name": str(capfirst(self.opts.verbose_name_plural)),
            "object": obj,
            "preserved_filters": self.get_preserved_filters(request),
            **(extra_context or {}),
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(request, self.object_history_template, context)
