"""Contacts inside the Django admin: change list, add, change, delete, history.

The admin's ModelAdmin is kept for what it does well (URLs, permissions,
messages in its voice, the log, templates) and its queryset-based views are
replaced by views that go through the contacts manager. The ORM never sees a
contact: `get_queryset` refuses on purpose.
"""

from functools import partial, update_wrapper, wraps
from urllib.parse import urlencode

from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.utils import model_ngettext, quote, unquote
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, register_converter, reverse
from django.utils.html import format_html
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.views.generic import RedirectView

from . import changelist, conflicts, exports
from .converters import ContactIdConverter
from .editor import ADD_ROW_VAR, ORIGINAL_VAR, ContactEditor, read_original, sign_original
from .exceptions import (
    ContactAlreadyExists,
    ContactChanged,
    ContactNotFound,
    InvalidContact,
    InvalidRequest,
    StoreError,
    StoreMisconfigured,
)
from .forms import DECLARED_FIELDS, ContactActionForm
from .manager import contacts
from .models import Contact
from .tables import approximate_item_count, check_table, table_name

DELETE_SELECTED = "delete_selected"


register_converter(ContactIdConverter, "contact_id")


def store_errors(view):
    """Show the store's errors as pages in the admin look, with the status they deserve."""

    @wraps(view)
    def wrapper(model_admin, request, *args, **kwargs):
        try:
            return view(model_admin, request, *args, **kwargs)
        except ContactNotFound as error:
            return model_admin.error_page(request, 404, "Contact not found", error)
        except ContactChanged as error:
            return model_admin.error_page(request, 409, "Contact changed meanwhile", error)
        except InvalidRequest as error:
            return model_admin.error_page(request, 400, "Bad request", error)
        except StoreMisconfigured as error:
            return model_admin.error_page(request, 500, "DynamoDB is misconfigured", error)
        except StoreError as error:
            return model_admin.error_page(request, 503, "DynamoDB is unavailable", error)

    return wrapper


@admin.register(Contact)
class ContactAdmin(admin.ModelAdmin):
    view_on_site = False
    action_form = ContactActionForm
    # Beside the admin site's "delete_selected", which response_action routes to delete_selected.
    actions = [exports.export_selected_csv]
    export_view = store_errors(exports.export_all)

    def get_queryset(self, request):
        raise NotImplementedError("Contacts live in DynamoDB: use contacts.manager.contacts.")

    def get_urls(self):
        """Return the admin's URL shapes for contacts, matching any id."""

        def wrap(view):
            return update_wrapper(self.admin_site.admin_view(view), view)

        # Imported here: the table page builds on this module (store_errors).
        from .table_admin import URL_NAME as TABLE_URL_NAME
        from .table_admin import table_view

        name = f"{self.opts.app_label}_{self.opts.model_name}"
        return [
            path("", wrap(self.changelist_view), name=f"{name}_changelist"),
            path("add/", wrap(self.add_view), name=f"{name}_add"),
            path("export/", wrap(self.export_view), name=f"{name}_export"),
            # Before "<id>/": a contact with id "table" keeps its change/ and delete/ URLs.
            path("table/", wrap(partial(table_view, self)), name=TABLE_URL_NAME),
            path(
                "<contact_id:object_id>/history/", wrap(self.history_view), name=f"{name}_history"
            ),
            path("<contact_id:object_id>/delete/", wrap(self.delete_view), name=f"{name}_delete"),
            path("<contact_id:object_id>/change/", wrap(self.change_view), name=f"{name}_change"),
            path(
                "<contact_id:object_id>/",
                wrap(RedirectView.as_view(pattern_name=f"admin:{name}_change")),
            ),
        ]

    def get_object(self, request, object_id, from_field=None):
        """Return the contact's handle; ContactNotFound becomes the 404 page."""
        return Contact.from_item(contacts.get(object_id))

    def error_page(self, request, status, title, error):
        context = {
            **self.admin_site.each_context(request),
            "title": title,
            "message": str(error),
            "opts": self.opts,
            "status": status,
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(
            request, "admin/contacts/contact/error.html", context, status=status
        )

    # --- Change list -------------------------------------------------------

    @store_errors
    def changelist_view(self, request, extra_context=None):
        if not self.has_view_or_change_permission(request):
            raise PermissionDenied
        if request.method == "POST":
            return self.response_action(request, queryset=None)
        query = changelist.ContactListQuery.from_querydict(request.GET)
        page = contacts.page(cursor=query.cursor or None, limit=query.per_page, search=query.search)
        choices = self._action_choices(request)
        rows = changelist.rows(page, self.opts, self._row_filters(query, page))
        context = {
            **self.admin_site.each_context(request),
            "title": _("Select %s to change") % self.opts.verbose_name
            if self.has_change_permission(request)
            else _("Select %s to view") % self.opts.verbose_name,
            "subtitle": None,
            "opts": self.opts,
            "page": page,
            "query": query,
            "rows": rows,
            "result_rows": changelist.render_rows(rows, with_checkbox=bool(choices)),
            "listed_fields": changelist.LISTED_FIELDS,
            **changelist.paging_links(query, page),
            "search_var": changelist.SEARCH_VAR,
            "page_size_var": changelist.PAGE_SIZE_VAR,
            "approximate_count": approximate_item_count(),
            "table_name": table_name(),
            "action_menu": changelist.action_menu(choices) if choices else None,
            "actions_on_top": True,
            "actions_on_bottom": False,
            "selection_note": _("0 of %(cnt)s selected") % {"cnt": len(page)},
            "has_add_permission": self.has_add_permission(request),
            "media": changelist.rendered_media(type(self), self.media),
            **(extra_context or {}),
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(request, "admin/contacts/contact/change_list.html", context)

    def _row_filters(self, query, page):
        """Return the `_changelist_filters` a row's link keeps, as get_preserved_filters does.

        The search and page size as they are, and the page's own start
        without its "Previous" trail: back from the contact, the list opens
        at this page, with "First" and "Next" (the trail would repeat a long
        cursor in every row's link).
        """
        if not self.preserve_filters:
            return ""
        filters = query.querystring(cursor=page.start_cursor or "")[1:]
        return urlencode({"_changelist_filters": filters}) if filters else ""

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

    def response_action(self, request, queryset):
        """Run the action posted from the change list, as the admin does (POST only)."""
        action_form = self._action_form(request, request.POST)
        if action_form is None or (
            request.POST.get("action") == DELETE_SELECTED
            and not self.has_delete_permission(request)
        ):
            raise PermissionDenied
        selected = request.POST.getlist(helpers.ACTION_CHECKBOX_NAME)
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

    def delete_selected(self, request, contact_ids):
        """Ask to confirm, then delete the selected contacts and say how many went."""
        if request.POST.get("post"):
            # BatchWriteItem, 25 per request; contacts already gone are not counted.
            deleted = [Contact.from_item(item) for item in contacts.delete_many(contact_ids)]
            if deleted:
                self.log_deletions(request, deleted)
            self.message_user(
                request,
                _("Successfully deleted %(count)d %(items)s.")
                % {"count": len(deleted), "items": model_ngettext(self.opts, len(deleted))},
                messages.SUCCESS,
            )
            return HttpResponseRedirect(request.get_full_path())
        found = [Contact.from_item(item) for item in contacts.get_many(contact_ids)]
        if not found:
            self.message_user(request, _("No contact selected exists any more."), messages.WARNING)
            return HttpResponseRedirect(request.get_full_path())
        context = {
            **self.admin_site.each_context(request),
            "title": _("Delete multiple objects"),
            "subtitle": None,
            "objects_name": model_ngettext(self.opts, len(found)),
            "deletable_objects": [[self._object_link(obj) for obj in found]],
            "model_count": [(self.opts.verbose_name_plural, len(found))],
            "queryset": found,
            "perms_lacking": set(),
            "protected": [],
            "opts": self.opts,
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
            "media": self.media,
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(request, "admin/delete_selected_confirmation.html", context)

    def _object_link(self, obj):
        url = reverse(
            f"admin:{self.opts.app_label}_{self.opts.model_name}_change", args=(quote(obj.pk),)
        )
        return format_html('{}: <a href="{}">{}</a>', capfirst(self.opts.verbose_name), url, obj)

    # --- Add and change ----------------------------------------------------

    @store_errors
    def add_view(self, request, form_url="", extra_context=None):
        if not self.has_add_permission(request):
            raise PermissionDenied
        if request.method != "POST":
            # One DescribeTable, so that a missing table or an unreachable
            # DynamoDB is the 503 page now, not after the user typed a contact.
            check_table()
            return self._render_form(request, ContactEditor(), obj=None)
        if ADD_ROW_VAR in request.POST:
            return self._render_form(request, ContactEditor.with_another_row(request.POST), None)
        editor = ContactEditor(request.POST)
        if editor.is_valid():
            try:
                item = contacts.create(editor.new_item())
            except ContactAlreadyExists as error:
                editor.form.add_error("id", str(error))
            except InvalidContact as error:
                editor.form.add_error(None, str(error))
            else:
                obj = Contact.from_item(item)
                self.log_addition(request, obj, [{"added": {}}])
                return self.response_add(request, obj)
        return self._render_form(request, editor, obj=None)

    @store_errors
    def change_view(self, request, object_id, form_url="", extra_context=None):
        # Before the read: without the right, a missing id and an existing one look alike.
        if not self.has_view_or_change_permission(request):
            raise PermissionDenied
        contact_id = unquote(object_id)
        if request.method != "POST":
            item = contacts.get(contact_id)
            read_only = not self.has_change_permission(request)
            editor = ContactEditor(item=item, read_only=read_only)
            return self._render_form(request, editor, obj=Contact.from_item(item))
        if not self.has_change_permission(request):
            raise PermissionDenied
        # The item as the form showed it: the save is one conditional
        # UpdateItem, refused if anyone changed the item meanwhile.
        item = read_original(request.POST.get(ORIGINAL_VAR), contact_id)
        obj = Contact.from_item(item)
        if ADD_ROW_VAR in request.POST:
            editor = ContactEditor.with_another_row(request.POST, item=item)
            return self._render_form(request, editor, obj=obj)
        editor = ContactEditor(request.POST, item=item)
        if not editor.is_valid():
            return self._render_form(request, editor, obj=obj)
        changes = editor.changes()
        try:
            if changes:
                obj = Contact.from_item(contacts.update(contact_id, changes, expected=item))
            else:
                contacts.get(contact_id)  # nothing to write; but say so if it is gone
        except ContactChanged as conflict:
            return self._render_conflict(request, conflict, changes, item)
        except InvalidContact as error:
            editor.form.add_error(None, str(error))
            return self._render_form(request, editor, obj=obj)
        self.log_change(request, obj, [{"changed": {"fields": list(changes)}}] if changes else [])
        return self.response_change(request, obj)

    def _render_conflict(self, request, conflict, changes, shown):
        """Show the change form of the contact as it is now, with the user's values beside."""
        current = conflict.current
        editor = ContactEditor(item=current)
        differences = conflicts.differences(shown, current, changes)
        return self._render_form(
            request, editor, obj=Contact.from_item(current), status=409,
            extra_context={"conflict": conflict, "differences": differences},
        )

    def _render_form(self, request, editor, obj, status=200, extra_context=None):
        add = obj is None
        form = editor.form
        adminform = helpers.AdminForm(
            form, [(None, {"fields": DECLARED_FIELDS})], {}, model_admin=self
        )
        if add:
            title = _("Add %s")
        elif self.has_change_permission(request, obj):
            title = _("Change %s")
        else:
            title = _("View %s")
        context = {
            **self.admin_site.each_context(request),
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
            "original_token": sign_original(editor.item) if editor.item is not None else None,
            **(extra_context or {}),
        }
        response = self.render_change_form(request, context, add=add, change=not add, obj=obj)
        response.status_code = status
        return response

    # --- Delete and history -------------------------------------------------

    @store_errors
    def delete_view(self, request, object_id, extra_context=None):
        contact_id = unquote(object_id)
        if not self.has_delete_permission(request):
            raise PermissionDenied
        if request.method == "POST":
            # One request: DeleteItem, only if the contact is still as the
            # confirmation page showed it, hands back the item it removed.
            shown = read_original(request.POST.get(ORIGINAL_VAR), contact_id)
            try:
                obj = Contact.from_item(contacts.delete(contact_id, expected=shown))
            except ContactChanged as conflict:
                return self._render_delete(
                    request, conflict.current, status=409,
                    differences=conflicts.differences(shown, conflict.current),
                )
            self.log_deletions(request, [obj])
            return self.response_delete(request, str(obj), obj.pk)
        return self._render_delete(request, contacts.get(contact_id))

    def _render_delete(self, request, item, status=200, differences=None):
        obj = Contact.from_item(item)
        context = {
            **self.admin_site.each_context(request),
            "title": _("Are you sure?"),
            "subtitle": None,
            "object_name": str(self.opts.verbose_name),
            "object": obj,
            "deleted_objects": [self._object_link(obj)],
            "model_count": [(self.opts.verbose_name_plural, 1)],
            "perms_lacking": set(),
            "protected": [],
            "opts": self.opts,
            "app_label": self.opts.app_label,
            "preserved_filters": self.get_preserved_filters(request),
            "is_popup": False,
            "to_field": None,
            "media": self.media,
            "original_var": ORIGINAL_VAR,
            "original_token": sign_original(item),
            "differences": differences,
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(
            request, "admin/contacts/contact/delete_confirmation.html", context, status=status
        )

    @store_errors
    def history_view(self, request, object_id, extra_context=None):
        # Before the read, as in change_view: a missing id must not answer differently.
        if not self.has_view_or_change_permission(request):
            raise PermissionDenied
        return super().history_view(request, object_id, extra_context)
