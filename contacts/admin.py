"""Contacts inside the Django admin: change list, add, change, delete, history.

The admin's ModelAdmin is kept for what it does well (URLs, permissions,
messages in its voice, the log, templates) and its queryset-based views are
replaced by views that go through the contacts manager. The ORM never sees a
contact: `get_queryset` refuses on purpose.
"""

from functools import update_wrapper, wraps

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

from . import changelist
from .exceptions import (
    ContactAlreadyExists,
    ContactNotFound,
    InvalidContact,
    InvalidRequest,
    StoreError,
    StoreMisconfigured,
)
from .forms import DECLARED_FIELDS, ContactActionForm, ContactForm
from .manager import contacts
from .models import Contact
from .tables import approximate_item_count, table_name

DELETE_SELECTED = "delete_selected"


class ContactIdConverter:
    """The id segment of a contact's URLs (already quoted the admin's way): any string.

    Django's <path:> converter (".+") would not match an id with a newline.
    And the admin's quote() leaves "." and ".." as they are, which browsers
    remove from a URL as dot segments; those two become "_2E" and "_2E_2E".
    No other id quotes to these, since quote() turns every "_" into "_5F".
    """

    regex = r"[\s\S]+"
    _DOTS = {".": "_2E", "..": "_2E_2E"}

    def to_python(self, value):
        return {quoted: dots for dots, quoted in self._DOTS.items()}.get(value, value)

    def to_url(self, value):
        return self._DOTS.get(value, value)


register_converter(ContactIdConverter, "contact_id")


def store_errors(view):
    """Show the store's errors as pages in the admin look, with the status they deserve."""

    @wraps(view)
    def wrapper(model_admin, request, *args, **kwargs):
        try:
            return view(model_admin, request, *args, **kwargs)
        except ContactNotFound as error:
            return model_admin.error_page(request, 404, "Contact not found", error)
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

    def get_queryset(self, request):
        raise NotImplementedError("Contacts live in DynamoDB: use contacts.manager.contacts.")

    def get_urls(self):
        """Return the admin's URL shapes for contacts, matching any id."""

        def wrap(view):
            return update_wrapper(self.admin_site.admin_view(view), view)

        name = f"{self.opts.app_label}_{self.opts.model_name}"
        return [
            path("", wrap(self.changelist_view), name=f"{name}_changelist"),
            path("add/", wrap(self.add_view), name=f"{name}_add"),
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
        action_form = self._action_form(request)
        context = {
            **self.admin_site.each_context(request),
            "title": _("Select %s to change") % self.opts.verbose_name
            if self.has_change_permission(request)
            else _("Select %s to view") % self.opts.verbose_name,
            "subtitle": None,
            "opts": self.opts,
            "page": page,
            "query": query,
            "rows": changelist.rows(page, self.opts, self.get_preserved_filters(request)),
            "listed_fields": changelist.LISTED_FIELDS,
            **changelist.paging_links(query, page),
            "search_var": changelist.SEARCH_VAR,
            "page_size_var": changelist.PAGE_SIZE_VAR,
            "approximate_count": approximate_item_count(),
            "table_name": table_name(),
            "action_form": action_form,
            "actions_on_top": True,
            "actions_on_bottom": False,
            "selection_note": _("0 of %(cnt)s selected") % {"cnt": len(page)},
            "has_add_permission": self.has_add_permission(request),
            "media": self.media,
            **(extra_context or {}),
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(request, "admin/contacts/contact/change_list.html", context)

    def _action_form(self, request, data=None):
        """Return the action menu (only "Delete selected contacts"), or None without the right."""
        if not self.has_delete_permission(request):
            return None
        form = self.action_form(data, auto_id=None)
        form.fields["action"].choices = [
            ("", "---------"),
            (DELETE_SELECTED, _("Delete selected %(verbose_name_plural)s")
             % {"verbose_name_plural": self.opts.verbose_name_plural}),
        ]
        return form

    def response_action(self, request, queryset):
        """Run the action posted from the change list, as the admin does (POST only)."""
        action_form = self._action_form(request, request.POST)
        if action_form is None:
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
        else:
            return self.delete_selected(request, selected)
        return HttpResponseRedirect(request.get_full_path())

    def delete_selected(self, request, contact_ids):
        """Ask to confirm, then delete the selected contacts and say how many went."""
        if request.POST.get("post"):
            deleted = []
            for contact_id in dict.fromkeys(contact_ids):
                try:
                    deleted.append(Contact.from_item(contacts.delete(contact_id)))
                except ContactNotFound:
                    continue  # gone already: not counted as deleted by us
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
        form = ContactForm(request.POST if request.method == "POST" else None)
        if form.is_bound and form.is_valid():
            try:
                item = contacts.create(form.new_item())
            except ContactAlreadyExists as error:
                form.add_error("id", str(error))
            except InvalidContact as error:
                form.add_error(None, str(error))
            else:
                obj = Contact.from_item(item)
                message = self.construct_change_message(request, form, [], add=True)
                self.log_addition(request, obj, message)
                return self.response_add(request, obj)
        return self._render_form(request, form, obj=None)

    @store_errors
    def change_view(self, request, object_id, form_url="", extra_context=None):
        # Before the read: without the right, a missing id and an existing one look alike.
        if not self.has_view_or_change_permission(request):
            raise PermissionDenied
        contact_id = unquote(object_id)
        item = contacts.get(contact_id)
        obj = Contact.from_item(item)
        if not self.has_view_or_change_permission(request, obj):
            raise PermissionDenied
        read_only = not self.has_change_permission(request, obj)
        if request.method != "POST":
            form = ContactForm(item=item, read_only=read_only)
            return self._render_form(request, form, obj=obj)
        if read_only:
            raise PermissionDenied
        form = ContactForm(request.POST, item=item)
        if form.is_valid():
            changes = form.changes()
            try:
                if changes:
                    obj = Contact.from_item(contacts.update(contact_id, changes))
            except InvalidContact as error:
                form.add_error(None, str(error))
            else:
                self.log_change(request, obj, self.construct_change_message(request, form, []))
                return self.response_change(request, obj)
        return self._render_form(request, form, obj=obj)

    def _render_form(self, request, form, obj):
        add = obj is None
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
            "media": self.media + adminform.media,
            "inline_admin_formsets": [],
            "errors": helpers.AdminErrorList(form, []),
            "preserved_filters": self.get_preserved_filters(request),
            "other_attributes": form.other_attributes(),
        }
        return self.render_change_form(request, context, add=add, change=not add, obj=obj)

    # --- Delete and history -------------------------------------------------

    @store_errors
    def delete_view(self, request, object_id, extra_context=None):
        contact_id = unquote(object_id)
        if not self.has_delete_permission(request):
            raise PermissionDenied
        if request.method == "POST":
            # One request: DeleteItem hands back the item it removed.
            obj = Contact.from_item(contacts.delete(contact_id))
            self.log_deletions(request, [obj])
            return self.response_delete(request, str(obj), obj.pk)
        obj = self.get_object(request, contact_id)
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
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(request, "admin/delete_confirmation.html", context)

    @store_errors
    def history_view(self, request, object_id, extra_context=None):
        # Before the read, as in change_view: a missing id must not answer differently.
        if not self.has_view_or_change_permission(request):
            raise PermissionDenied
        return super().history_view(request, object_id, extra_context)
