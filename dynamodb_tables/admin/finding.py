"""How the change list finds items: what a search, a sort, the query bar and filters read.

In order of preference, as DynamoDB teaches: a key (GetItem for a search
that is an item's key), an index (a Query on the ordering index for a name
search or a sort), the query bar's own Query, and last the bounded Scan
("contains", case-sensitive: the slow fallback, which says so).
"""

import time
from dataclasses import dataclass, field, replace
from decimal import Decimal
from functools import cached_property

from ..exceptions import InvalidRequest, ItemNotFound, StoreError
from ..store import operations, ttl
from ..store.derived import LISTED, fold
from ..store.reads import UNEXPIRED, Filter, Read
from .query_forms import QueryBarForm, filter_forms

# Why a search fell back to the slow Scan, shown beside the results.
NO_INDEX_YET = (
    "Searched with the slow fallback: index “{index}” is not ready on this table "
    "(create it with “python manage.py update_table --add-indexes”)."
)


@dataclass
class Finding:
    """The read a list page makes (None when the bar or a filter is invalid), and why."""

    read: Read | None
    layout: object
    # request.GET when it carries the query bar's or the filters' keys; None: a plain list.
    data: object = None
    # The search went through an index (True) or the slow Scan (False); None: no search.
    indexed_search: bool | None = None
    # The attribute DynamoDB expires items by, if the table has time to live on.
    ttl_attribute: str | None = None
    notes: list = field(default_factory=list)

    @property
    def valid(self):
        return self.read is not None

    # The forms are built when used: a plain list renders them from a cache
    # (query_bar.html), and building them cost it about 0.4 ms.
    @cached_property
    def bar(self):
        return QueryBarForm(self.data, self.layout)

    @cached_property
    def filters(self):
        return filter_forms(self.data or {})

    @property
    def blank(self):
        """Whether the bar and the filters are as a plain list shows them (nothing given)."""
        return self.data is None

    @property
    def bar_active(self):
        """Whether the query bar asks for a Query of its own."""
        return self.data is not None and self.bar.active

    @property
    def layout_key(self):
        """What the blank bar's HTML depends on: the table and its indexes, as they are."""
        return "|".join([self.layout.name, *(f"{index.name}:{index.status}"
                                             for index in self.layout.indexes)])

    @property
    def filtered(self):
        return bool(self.read and self.read.filters)


def find(model_admin, request, query):
    """Return the Finding for a change list query (request.GET read into `query`)."""
    layout = operations.described_table(model_admin.table_name)
    finding = Finding(None, layout, request.GET if query.bar else None,
                      ttl_attribute=_ttl_attribute(model_admin))
    given = [form for form in finding.filters if form.is_bound] if query.bar else []
    if finding.bar_active and not finding.bar.is_valid():
        return finding
    if not all(form.is_valid() for form in given):
        return finding
    conditions = tuple(form.cleaned_data["filter"] for form in given)
    if query.hide_expired and finding.ttl_attribute:
        now = Decimal(int(time.time()))
        conditions += (Filter(finding.ttl_attribute, UNEXPIRED, (now,)),)
    if finding.bar_active:
        finding.read = replace(finding.bar.cleaned_data["read"], filters=conditions)
    elif query.search:
        finding.read = _search(model_admin, request, query, finding, conditions)
    elif query.order:
        ordering = usable_ordering(model_admin.table, layout, query.order_field)
        if ordering is None:
            raise InvalidRequest(
                f"The list cannot be sorted by “{query.order_field[:40]}”: no index of this "
                "table orders it by that attribute."
            )
        finding.read = _ordered(ordering, query, conditions)
    else:
        finding.read = Read(filters=conditions)
    return finding


def _ttl_attribute(model_admin):
    # A list without the expiry column beats no list: TTL may be unreadable
    # (no dynamodb:DescribeTimeToLive permission, an endpoint without it).
    try:
        return ttl.expiry_attribute(model_admin.table_name)
    except StoreError:
        return None


def orderable(model_admin, layout, names):
    """Return the attributes among `names` that a ready index orders the table by."""
    return {name for name in names if usable_ordering(model_admin.table, layout, name)}


def usable_ordering(table, layout, name):
    """Return the table's Ordering by `name` if its index is on the table and ACTIVE."""
    ordering = table.ordering(name)
    if ordering is None:
        return None
    try:
        index = layout.index(ordering.index_name)
    except InvalidRequest:
        return None
    return ordering if index.status in (None, "ACTIVE") else None


def _ordered(ordering, query, conditions, prefix=None):
    descending = query.descending and query.order_field == ordering.source
    return Read(
        index=ordering.index_name,
        partition=LISTED,
        sort_operator="begins_with" if prefix else None,
        sort_values=(prefix,) if prefix else (),
        ascending=not descending,
        filters=conditions,
    )


def search_ordering(model_admin, request, layout):
    """Return the ready Ordering a search goes through (the first searched field's), or None."""
    for name in model_admin.get_search_fields(request):
        if model_admin.table.ordering(name):
            return usable_ordering(model_admin.table, layout, name)
    return None


def _search(model_admin, request, query, finding, conditions):
    fields = model_admin.get_search_fields(request)
    declared = [model_admin.table.ordering(name) for name in fields]
    declared = [ordering for ordering in declared if ordering]
    prefix = fold(query.search)
    if declared and prefix and not query.contains:
        ordering = usable_ordering(model_admin.table, finding.layout, declared[0].source)
        if ordering:
            finding.indexed_search = True
            return _ordered(ordering, query, conditions, prefix)
        finding.notes.append(NO_INDEX_YET.format(index=declared[0].index_name))
    finding.indexed_search = False
    return Read(contains=(query.search, tuple(fields)), filters=conditions)


def exact_item(model_admin, request, query):
    """Return the item whose key is the search text (one GetItem), or None.

    Only on a search's first page, and only when the key is among the
    searched attributes: a search for "01" shows contact 01 first.
    """
    table = model_admin.table
    if not query.search or query.cursor or query.bar:
        return None
    if not set(table.key_names) & set(model_admin.get_search_fields(request)):
        return None
    try:
        key = table.key_from_object_id(query.search)
        return model_admin.items.get(key)
    except (InvalidRequest, ItemNotFound):
        return None


def with_exact_first(page, item, table):
    """Return the page with `item` first (and not again further down)."""
    if item is None:
        return page
    key = table.key_of(item)
    rest = [other for other in page.object_list if table.key_of(other) != key]
    return replace(page, object_list=[item, *rest])
