"""Every DynamoDB table the credentials can see, for superusers, at /admin/tables/.

The tables page lists them; each opens at /admin/tables/<name>/ with the same
list, add, change, delete, history, export and table pages as a declared
table, through a DynamoModelAdmin whose table is read from DescribeTable:
its key as the listed columns, every other attribute a typed row.
"""

from functools import update_wrapper

from django.contrib.admin.utils import quote, unquote
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, register_converter, reverse
from django.utils.functional import cached_property

from ..exceptions import StoreError, StoreMisconfigured
from ..models import TableItem
from ..store import operations
from .converters import TableNameConverter
from .options import DynamoModelAdmin, url_patterns

URL_PREFIX = "dynamodb_tables_table"
INDEX_URL_NAME = "dynamodb_tables_index"

register_converter(TableNameConverter, "dynamodb_table")


class TableBrowserAdmin(DynamoModelAdmin):
    """Any table, by name: superusers only, its shape read from DescribeTable."""

    table_is_browsed = True

    def __init__(self, model, admin_site, table_name):
        self._table_name = table_name
        super().__init__(model, admin_site)

    @cached_property
    def table(self):
        return operations.described_table(self._table_name)

    @property
    def table_name(self):
        # Known without a request: pages and breadcrumbs name it before any read.
        return self._table_name

    @property
    def url_prefix(self):
        return URL_PREFIX

    def url_args(self):
        return (self._table_name,)

    def get_list_display(self, request=None):
        return self.table.key_names

    def get_search_fields(self, request):
        # contains() is for text: the String attributes of the key.
        return tuple(a.name for a in self.table.key_attributes if a.type == "S")

    def log_object_id(self, key):
        # One content type for every browsed table: the log tells them apart by name.
        return f"{self._table_name}/{self.table.object_id(key)}"

    def breadcrumbs(self, request, *trail):
        return [("DynamoDB tables", index_url(self.admin_site)),
                (self._table_name, self.url("changelist")), *trail]

    def has_view_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_superuser

    has_change_permission = has_add_permission = has_delete_permission = has_view_permission

    def has_module_permission(self, request):
        return self.has_view_permission(request)


def index_url(site):
    return reverse(f"admin:{INDEX_URL_NAME}", current_app=site.name)


def browser_urls(site, admin_class=TableBrowserAdmin):
    """Return the URL patterns of the tables page and of every table's pages."""

    def view(name):
        def dispatch(request, table, **kwargs):
            return getattr(admin_class(TableItem, site, table), name)(request, **kwargs)

        return site.admin_view(update_wrapper(dispatch, getattr(admin_class, name)))

    def logged_item(request, log_id):
        return log_entry_redirect(site, request, log_id)

    return [
        path("tables/", site.admin_view(update_wrapper(
            lambda request: tables_index(site, request), tables_index)), name=INDEX_URL_NAME),
        # What the admin's log links to (LogEntry.get_admin_url reverses the model's
        # change URL with the log's object id alone); "-" is no table's name.
        path("tables/-/<dynamodb_object_id:log_id>/", site.admin_view(logged_item),
             name=f"{TableItem._meta.app_label}_{TableItem._meta.model_name}_change"),
        *url_patterns(view, "tables/<dynamodb_table:table>/", URL_PREFIX),
    ]


def log_entry_redirect(site, request, log_id):
    """Send a log entry's link ("<table>/<object id>", quoted) to the item's change page."""
    if not request.user.is_superuser:
        raise PermissionDenied
    table, _, object_id = unquote(log_id).partition("/")
    url = reverse(f"admin:{URL_PREFIX}_change", args=(table, quote(object_id)),
                  current_app=site.name)
    return HttpResponseRedirect(url)


def tables_index(site, request):
    """List the tables these credentials can see; each links to its admin pages."""
    if not request.user.is_superuser:
        raise PermissionDenied
    declared = declared_admins(site)
    problem = None
    try:
        names = operations.list_tables()
    except StoreError as error:
        names, problem = [], error
    tables = [
        {
            "name": name,
            "url": (declared[name].url("changelist") if name in declared
                    else reverse(f"admin:{URL_PREFIX}_changelist", args=(name,),
                                 current_app=site.name)),
            "declared_as": declared[name].opts.verbose_name_plural if name in declared else None,
        }
        for name in names
    ]
    context = {
        **site.each_context(request),
        "title": "DynamoDB tables",
        "subtitle": None,
        "tables": tables,
        "problem": problem,
        "status": 500 if isinstance(problem, StoreMisconfigured) else 503,
    }
    request.current_app = site.name
    return TemplateResponse(request, "admin/dynamodb_tables/tables.html", context,
                            status=context["status"] if problem else 200)


def declared_admins(site):
    """Return {table name: its DynamoModelAdmin} for the tables declared on this site."""
    return {
        model_admin.table_name: model_admin
        for model_admin in site._registry.values()
        if isinstance(model_admin, DynamoModelAdmin)
    }
