"""DynamoModelAdmin: a DynamoDB table in the Django admin, declared the admin way.

    @admin.register(Order)
    class OrderAdmin(DynamoModelAdmin):
        table = ORDERS                     # a Table: name, key schema, indexes
        form = OrderForm                   # an ItemForm of the declared fields
        list_display = ("customer", "order", "total")
        search_fields = ("customer",)

The admin's ModelAdmin is kept for what it does well (permissions, messages
in its voice, the log, templates, actions) and its queryset-based views are
replaced by views that go through the table's ItemManager. The model is an
unmanaged handle (see `dynamodb_tables.models.DynamoItem`): the ORM never
sees an item, and `get_queryset` refuses on purpose.
"""

from functools import update_wrapper
from urllib.parse import quote as url_quote
from urllib.parse import urlencode

from django.contrib import admin
from django.contrib.admin.utils import quote, unquote
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, register_converter, reverse
from django.utils.functional import SimpleLazyObject, cached_property
from django.utils.http import RFC3986_SUBDELIMS
from django.utils.translation import gettext as _

from ..backend import overlap
from ..store import ItemManager, counts
from ..store.manager import SEARCH_READ_BUDGET
from ..store.pagination import Page
from . import changelist, finding, table_page
from .actions import ActionViews, export_selected_csv
from .checks import DynamoModelAdminChecks
from .converters import ObjectIdConverter
from .counting import CountedWrites
from .editing import EditingViews
from .errors import store_errors
from .forms import ItemActionForm, ItemForm
from .json_view import JsonViews
from .table_safety import TableSafetyViews

register_converter(ObjectIdConverter, "dynamodb_object_id")

# A DynamoDB string may hold NUL, which PostgreSQL's text refuses: the admin's
# log (and the titles, from the same object) shows it as the symbol ␀ instead.
NUL_SYMBOL = "\u2400"

# Stands for the object id in a reversed URL: "~" is left alone by the admin's
# quote() and by percent-encoding. Only "change/" follows the id, so the last
# occurrence is the id's place whatever the URL prefix holds.
_ID_PLACEHOLDER = "~object-id~"
# What reverse() leaves unencoded in a path (django.urls.resolvers).
_URL_SAFE = RFC3986_SUBDELIMS + "/~:@"


def url_patterns(view, start, prefix):
    """Return the URL patterns of a DynamoModelAdmin's pages under `start`.

    `view(name)` returns the view for one of its methods (changelist_view, ...).
    """
    item = f"{start}<dynamodb_object_id:object_id>/"
    return [
        path(start, view("changelist_view"), name=f"{prefix}_changelist"),
        path(f"{start}add/", view("add_view"), name=f"{prefix}_add"),
        path(f"{start}export/", view("export_view"), name=f"{prefix}_export"),
        # Before "<id>/": an item with object id "table" keeps its change/ and delete/ URLs.
        path(f"{start}table/", view("table_view"), name=f"{prefix}_table"),
        path(f"{start}table/safety/", view("table_safety_view"), name=f"{prefix}_table_safety"),
        path(f"{item}history/", view("history_view"), name=f"{prefix}_history"),
        path(f"{item}json/", view("json_view"), name=f"{prefix}_json"),
        path(f"{item}delete/", view("delete_view"), name=f"{prefix}_delete"),
        path(f"{item}change/", view("change_view"), name=f"{prefix}_change"),
        path(item, view("object_redirect")),
    ]


class DynamoModelAdmin(CountedWrites, ActionViews, EditingViews, JsonViews, TableSafetyViews,
                       admin.ModelAdmin):
    """A ModelAdmin whose objects are the items of one DynamoDB table."""

    # The Table (dynamodb_tables.store.Table) this admin shows.
    table = None
    # An ItemForm subclass: the declared fields, shown above the other
    # attributes' rows; the key's fields are added from the table.
    form = ItemForm
    # Listed attributes; the first links to the item. Default: the key.
    list_display = ()
    # Attributes a search looks in (contains(), case-sensitive, bounded Scan).
    search_fields = ()
    list_per_page = 25
    # An attribute whose non-blank text names an item in titles and messages
    # (a customer's name, say); otherwise the item's key.
    label_field = None
    action_form = ItemActionForm
    # Beside the site's "delete_selected", which response_action routes to delete_selected.
    actions = [export_selected_csv]
    view_on_site = False
    # "Save as new" on the change form: a copy under another key, never overwriting
    # (see admin/copies.py); then the copy's change page (save_as_continue).
    save_as = True
    checks_class = DynamoModelAdminChecks
    change_list_template = "admin/dynamodb_tables/change_list.html"
    change_form_template = "admin/dynamodb_tables/change_form.html"
    delete_confirmation_template = "admin/dynamodb_tables/delete_confirmation.html"
    object_history_template = "admin/dynamodb_tables/object_history.html"
    # A declared table has its own model; the tables browser sets this.
    table_is_browsed = False

    @cached_property
    def items(self):
        """The ItemManager of this admin's table."""
        return ItemManager(self.table)

    def get_queryset(self, request):
        raise NotImplementedError(
            f"{self.opts.verbose_name_plural} live in DynamoDB: use {type(self).__name__}.items."
        )

    def get_list_display(self, request=None):
        return tuple(self.list_display) or self.table.key_names

    # --- URLs --------------------------------------------------------------------

    @property
    def url_prefix(self):
        """The start of this admin's URL names: admin:<prefix>_changelist, ..._change."""
        return f"{self.opts.app_label}_{self.opts.model_name}"

    def url_args(self):
        """Return the URL arguments before an object id (the browser's table name)."""
        return ()

    def url(self, view, object_id=None):
        """Return the URL of one of this admin's views, for an item's object id if given."""
        args = self.url_args() + (() if object_id is None else (quote(object_id),))
        return reverse(f"admin:{self.url_prefix}_{view}", args=args,
                       current_app=self.admin_site.name)

    def change_urls(self):
        """Return a function giving an item's change URL, equal to self.url("change", id).

        One reverse() per list page instead of one per row: reverse() was about
        half of what building the rows cost. The object id is then quoted as
        reverse() quotes it: the admin's quote(), the URL converter, and
        percent-encoding of what URLs cannot hold.
        """
        head, tail = self.url("change", _ID_PLACEHOLDER).rsplit(_ID_PLACEHOLDER, 1)
        to_url = ObjectIdConverter().to_url

        def change_url(object_id):
            return head + url_quote(to_url(quote(object_id)), safe=_URL_SAFE) + tail

        return change_url

    def get_urls(self):
        """Return the admin's URL shapes, matching any object id."""

        def wrap(view):
            return update_wrapper(self.admin_site.admin_view(view), view)

        return url_patterns(lambda name: wrap(getattr(self, name)), "", self.url_prefix)

    def object_redirect(self, request, object_id, **kwargs):
        """Send <object id>/ to its change page, as the admin does."""
        return HttpResponseRedirect(self.url("change", unquote(object_id)))

    # --- Items as the admin's objects ------------------------------------------

    def key_of(self, item):
        return {name: item[name] for name in self.table.key_names}

    def log_object_id(self, key):
        """Return what the admin's log calls the item (LogEntry.object_id)."""
        return self.table.object_id(key)

    def item_label(self, item):
        """Return what titles and messages call the item: its label field, or its object id."""
        value = item.get(self.label_field) if self.label_field else None
        if isinstance(value, str) and value.strip():
            return value
        return self.table.object_id(self.key_of(item))

    def to_object(self, item):
        """Return the model instance standing for an item (in titles, messages and the log)."""
        key = self.key_of(item)
        obj = self.model(pk=self.log_object_id(key).replace("\0", NUL_SYMBOL),
                         label=self.item_label(item).replace("\0", NUL_SYMBOL))
        obj.object_id = self.table.object_id(key)
        return obj

    def key_from_url(self, object_id):
        """Return the key that an object id in a URL (quoted the admin's way) stands for."""
        return self.table.key_from_object_id(unquote(object_id))

    def get_object(self, request, object_id, from_field=None):
        """Return the item's handle; ItemNotFound becomes the 404 page."""
        return self.to_object(self.items.get(self.key_from_url(object_id)))

    # --- What every page shows -------------------------------------------------------

    @property
    def table_name(self):
        return self.table.name

    def breadcrumbs(self, request, *trail):
        """Return the breadcrumbs (label, URL or None): the app, the list, then `trail`."""
        app = (self.opts.app_config.verbose_name,
               reverse("admin:app_list", kwargs={"app_label": self.opts.app_label},
                       current_app=self.admin_site.name))
        listed = (self.opts.verbose_name_plural.capitalize(),
                  self.url("changelist") if self.has_view_or_change_permission(request) else None)
        return [app, listed, *trail]

    def page_context(self, request, *trail):
        """Return what every page of this admin shows: opts, URLs and breadcrumbs."""
        return {
            "opts": self.opts,
            "table_name": self.table_name,
            "changelist_url": self.url("changelist"),
            "crumbs": self.breadcrumbs(request, *trail),
        }

    def row_filters(self, query, page):
        """Return the `_changelist_filters` a row's link keeps, as get_preserved_filters does.

        The search and page size as they are, and the page's own start
        without its "Previous" trail: back from the item, the list opens at
        this page, with "First" and "Next" (the trail would repeat a long
        cursor in every row's link).
        """
        if not self.preserve_filters:
            return ""
        filters = query.querystring(cursor=page.start_cursor or "")[1:]
        return urlencode({"_changelist_filters": filters}) if filters else ""

    def get_preserved_filters(self, request):
        """Return the preserved filters querystring (as the admin does, by URL name)."""
        match = request.resolver_match
        if not (self.preserve_filters and match):
            return ""
        if match.url_name == f"{self.url_prefix}_changelist":
            preserved = request.GET.urlencode()
        else:
            preserved = request.GET.get("_changelist_filters")
        return urlencode({"_changelist_filters": preserved}) if preserved else ""

    # --- The change list ------------------------------------------------------------

    @store_errors
    def changelist_view(self, request, extra_context=None):
        """The change list: one page of the table's items, found by `finding.find`.

        Unlike the admin's, the TemplateResponse comes back rendered: the
        page's read runs while the template renders (backend.overlap), so
        `extra_context`, not the response's context_data, changes what it shows.
        """
        if not self.has_view_or_change_permission(request):
            raise PermissionDenied
        if request.method == "POST":
            return self.response_action(request, queryset=None)
        query = changelist.ListQuery.from_querydict(request.GET, self.list_per_page)
        search_fields = self.get_search_fields(request)
        # Before the finding: a fresh count's DescribeTable also serves its index list.
        approximate_count = counts.approximate_count(self.table_name)
        found = finding.find(self, request, query)
        recording = getattr(request, "dynamodb", None)
        units_before = recording.read_units if recording is not None else None
        # The page's read is sent now and its answer taken where the template
        # first needs it (`listing`, at the rows): the admin's chrome renders
        # meanwhile under gevent (backend.overlap).
        pending = overlap.start(self._read_page, request, query, found)
        choices = self._action_choices(request)
        list_display = self.get_list_display(request)
        # The time-to-live attribute reads as a date in a column of its own.
        ttl_column = found.ttl_attribute if found.ttl_attribute not in list_display else None

        def listing():
            if pending.error() is not None:
                return {}  # raised below, after rendering
            page = pending.result()
            return {
                **self._page_context(query, page, list_display, bool(choices), ttl_column),
                "read_units": (
                    recording.read_units - units_before if recording is not None else None),
            }

        context = {
            **self.admin_site.each_context(request),
            **self.page_context(request),
            "title": _("Select %s to change") % self.opts.verbose_name
            if self.has_change_permission(request)
            else _("Select %s to view") % self.opts.verbose_name,
            "subtitle": None,
            "listing": SimpleLazyObject(listing),
            "query": query,
            "result_headers": changelist.result_headers(
                list_display, query,
                # The query bar's Query has its own order: no column sorts it.
                set() if found.bar_active else finding.orderable(self, found.layout,
                                                                  list_display),
                ttl_column),
            "found": found,
            "search_ordering": finding.search_ordering(self, request, found.layout),
            "max_read": SEARCH_READ_BUDGET,
            **changelist.query_links(query),
            "search_var": changelist.SEARCH_VAR,
            "contains_var": changelist.CONTAINS_VAR,
            "slow_search_url": query.querystring(contains=True, cursor=""),
            "index_search_url": query.querystring(contains=False, cursor=""),
            "expired_toggle_url": query.querystring(hide_expired=not query.hide_expired,
                                                    cursor=""),
            "page_size_var": changelist.PAGE_SIZE_VAR,
            "search_fields": search_fields,
            "approximate_count": approximate_count,
            "action_menu": changelist.action_menu(choices) if choices else None,
            "actions_on_top": True,
            "actions_on_bottom": False,
            "has_add_permission": self.has_add_permission(request),
            "add_url": self.url("add"),
            "export_url": self.url("export"),
            "table_url": self.url("table") if request.user.is_superuser else None,
            "media": changelist.rendered_media(type(self), self.media),
            **(extra_context or {}),
        }
        request.current_app = self.admin_site.name
        # Rendered here, not by the handler, so that the read overlaps the
        # rendering and its error, if it failed, is still raised inside the
        # view, where store_errors makes it the error page (the rendered list
        # is then dropped).
        response = TemplateResponse(request, self.change_list_template, context).render()
        pending.result()
        return response

    def _read_page(self, request, query, found):
        """Return the list's page: its read, with the item whose key was searched for first.

        It may run in a greenlet of its own (backend.overlap): no ORM here.
        """
        if not found.valid:
            return Page(object_list=[])
        page = self.items.page(cursor=query.cursor or None, limit=query.per_page,
                               read=found.read, layout=found.layout)
        return finding.with_exact_first(
            page, finding.exact_item(self, request, query), self.table)

    def _page_context(self, query, page, list_display, with_checkbox, ttl_column):
        """Return what the change list shows of its page: rows, links, request, selection."""
        filters = self.row_filters(query, page)
        item_url = self.change_urls()

        def change_url(object_id):
            url = item_url(object_id)
            return f"{url}?{filters}" if filters else url

        return {
            "page": page,
            "results": changelist.result_rows(
                page, self.table, list_display, change_url, with_checkbox=with_checkbox,
                ttl_attribute=ttl_column),
            **changelist.page_links(query, page),
            "request_text": changelist.request_text(page),
            "selection_note": _("0 of %(cnt)s selected") % {"cnt": len(page)},
        }

    # --- The table page ---------------------------------------------------------------

    @store_errors
    def table_view(self, request):
        """Show the table's figures and its capacity switch (superusers only)."""
        return table_page.table_view(self, request)
