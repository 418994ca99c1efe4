"""The change list's query (search, page size, cursor), its links and its rows.

The admin's own ChangeList is built on a queryset, a count and page numbers;
this is the DynamoDB shape of it: a search term, a page size, an opaque
cursor, and links that carry them. Rows are cells built as the admin's
`result_list` builds them (`items_for_result`: format_html per cell, the
`field-<name>` classes, the `_selected_action` box), with object URLs from
reverse().
"""

import html
from dataclasses import dataclass, replace
from functools import lru_cache
from urllib.parse import urlencode

from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.core.signals import setting_changed
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, gettext

from ..exceptions import InvalidRequest
from ..store.request_text import aws_cli, boto3_call
from ..values.display import display_value, summary
from ..values.expiry import expiry_text
from .forms import ItemActionForm
from .query_forms import carried_keys

# Query keys, as the admin names its own (SEARCH_VAR = "q", ORDER_VAR = "o").
SEARCH_VAR = "q"
ORDER_VAR = "o"
# "1": search with the slow fallback ("contains", a bounded Scan) instead of an index.
CONTAINS_VAR = "contains"
# "1": leave out items whose time to live has passed (DynamoDB deletes them later).
HIDE_EXPIRED_VAR = "unexpired"
CURSOR_VAR = "cursor"
PAGE_SIZE_VAR = "per_page"
MORE_PAGE_SIZES = (50, 100, 200)


@dataclass(frozen=True)
class ListQuery:
    """What the change list shows: search, order, query bar and filters, page size, start."""

    search: str = ""
    per_page: int = 25
    cursor: str = ""
    default_per_page: int = 25
    # An attribute name, "-" first for descending; "" for table order.
    order: str = ""
    contains: bool = False
    hide_expired: bool = False
    # The query bar's and the filters' (key, value) pairs, as given.
    bar: tuple = ()

    @classmethod
    def from_querydict(cls, query, default_per_page):
        """Read the query from request.GET; raise InvalidRequest for a bad page size."""
        sizes = page_sizes(default_per_page)
        per_page = query.get(PAGE_SIZE_VAR, str(default_per_page))
        if per_page not in {str(size) for size in sizes}:
            raise InvalidRequest(
                f"The page size must be one of {', '.join(map(str, sizes))}, "
                f"not “{per_page[:20]}”."
            )
        return cls(
            search=query.get(SEARCH_VAR, "").strip(),
            per_page=int(per_page),
            cursor=query.get(CURSOR_VAR, ""),
            default_per_page=default_per_page,
            order=query.get(ORDER_VAR, "").strip(),
            contains=query.get(CONTAINS_VAR) == "1",
            hide_expired=query.get(HIDE_EXPIRED_VAR) == "1",
            bar=tuple((key, query[key]) for key in carried_keys(query) if query.get(key)),
        )

    @property
    def order_field(self):
        return self.order.removeprefix("-")

    @property
    def descending(self):
        return self.order.startswith("-")

    def querystring(self, **changes):
        """Return "?..." for this query with some parts changed (defaults left out)."""
        query = replace(self, **changes)
        params = {}  # urlencode()d as QueryDict.urlencode() would, without building one
        if query.search:
            params[SEARCH_VAR] = query.search
            if query.contains:
                params[CONTAINS_VAR] = "1"
        if query.order:
            params[ORDER_VAR] = query.order
        if query.hide_expired:
            params[HIDE_EXPIRED_VAR] = "1"
        for key, value in query.bar:
            params[key] = value
        if query.per_page != query.default_per_page:
            params[PAGE_SIZE_VAR] = str(query.per_page)
        if query.cursor:
            params[CURSOR_VAR] = query.cursor
        return "?" + urlencode(params) if params else "?"


def page_sizes(default_per_page):
    """Return the page sizes a list offers: its own, then 50, 100 and 200."""
    return tuple(sorted({default_per_page, *MORE_PAGE_SIZES}))


def page_links(query, page):
    """Return the first / previous / next links of a page (None where there is none)."""
    return {
        "first_url": query.querystring(cursor="") if page.has_previous() else None,
        # "" is the first page's cursor; None means the trail ends here.
        "previous_url": (
            query.querystring(cursor=page.previous_cursor)
            if page.previous_cursor is not None
            else None
        ),
        "next_url": query.querystring(cursor=page.next_cursor) if page.has_next() else None,
    }


def query_links(query):
    """Return the links that change the query itself: clear the search or the bar, page sizes."""
    return {
        "clear_search_url": query.querystring(search="", contains=False, cursor=""),
        "clear_query_url": query.querystring(bar=(), cursor=""),
        "page_size_links": [
            (size, query.querystring(per_page=size, cursor=""))
            for size in page_sizes(query.default_per_page)
        ],
    }


def result_headers(list_display, query, orderable, ttl_attribute=None):
    """Return the columns' headers as the admin's result_headers does (sorting links included).

    `orderable` holds the listed attributes an index orders the table by;
    the others say on hover why they do not sort.
    """
    headers = []
    for name in list_display:
        header = {"name": name, "label": name, "sortable": name in orderable}
        if header["sortable"]:
            is_sorted = query.order_field == name
            ascending = not (is_sorted and query.descending)
            header.update(
                sorted=is_sorted,
                ascending=ascending,
                url_primary=query.querystring(
                    order=f"-{name}" if is_sorted and ascending else name, cursor=""),
                url_toggle=query.querystring(order=name if not ascending else f"-{name}",
                                             cursor=""),
                url_remove=query.querystring(order="", cursor=""),
            )
        else:
            header["title"] = f"Not sortable: no index of this table orders it by {name}."
        headers.append(header)
    if ttl_attribute:
        headers.append({"name": ttl_attribute, "label": f"{ttl_attribute} (time to live)",
                        "sortable": False,
                        "title": "When DynamoDB deletes the item (its time to live)."})
    headers.append({"name": "others", "label": "other attributes", "sortable": False,
                    "title": "Not sortable: these attributes differ from item to item."})
    return headers


def result_rows(page, table, list_display, change_url, with_checkbox, ttl_attribute=None):
    """Return each row of the list as its cells' HTML, as the admin's items_for_result builds them.

    `change_url(object_id)` is an item's link. The first listed attribute
    is the row's header cell and carries the link; the last cell sums up the
    attributes not listed. Every row has the same cells, so one format string
    per row fills them (as format_html() would), and the template prints one
    value per row.
    """
    label = gettext("Select this object for an action - %(object)s")
    listed = {*list_display, *([ttl_attribute] if ttl_attribute else [])}
    row_format = _row_format(len(list_display), with_checkbox, bool(ttl_attribute))
    rows = []
    for item in page:
        object_id = table.object_id({name: item[name] for name in table.key_names})
        values = []
        if with_checkbox:
            values += [ACTION_CHECKBOX_NAME, object_id, label % {"object": object_id}]
        for position, name in enumerate(list_display):
            value = display_value(item[name]) if name in item else ""
            values += [name, change_url(object_id), value] if position == 0 else [name, value]
        if ttl_attribute:
            expiry = expiry_text(item[ttl_attribute]) if ttl_attribute in item else ""
            values += [ttl_attribute, expiry]
        values.append(summary(item, exclude=listed))
        rows.append(mark_safe(row_format.format(*map(_escaped, values))))
    return rows


def _escaped(value):
    """Return a row's value (plain text: ids, URLs, labels, values' text) escaped for HTML.

    format_html() escapes the same way, with html.escape, but first checks
    every argument for a lazy translation or HTML already, which a row's
    values never are; without that check the rows of a 25-row page cost a
    third as much (docs/performance.md).
    """
    return html.escape(str(value))


@lru_cache(maxsize=64)
def _row_format(columns, with_checkbox, with_expiry):
    """Return the format string of one row: its cells, names and values as arguments."""
    cells = [_CHECKBOX_CELL] if with_checkbox else []
    cells += [_LINK_CELL] + [_CELL] * (columns - 1)
    cells += [_CELL] if with_expiry else []
    return "".join([*cells, _OTHERS_CELL])


_CHECKBOX_CELL = ('<td class="action-checkbox"><input type="checkbox" name="{}" value="{}" '
                  'class="action-select" aria-label="{}"></td>')
_LINK_CELL = '<th class="field-{}"><a href="{}">{}</a></th>'
_CELL = '<td class="field-{}">{}</td>'
_OTHERS_CELL = '<td class="field-others">{}</td>'


def request_text(page):
    """Return the page's first request as {"cli": ..., "boto3": ...}, or None if none was made."""
    if not page.request or not page.request[1]:
        return None
    operation, params = page.request
    return {"cli": aws_cli(operation, params), "boto3": boto3_call(operation, params)}


def action_menu(choices):
    """Return the action menu's HTML (label, select, hidden select_across) for these choices."""
    return _rendered_action_menu(get_language(), tuple(choices))


@lru_cache(maxsize=64)
def _rendered_action_menu(language, choices):
    # Rendering the admin's ActionForm through Django's form templates cost
    # about half a millisecond a page; its HTML depends only on the choices
    # (which depend on the user's permissions) and the language.
    form = ItemActionForm(auto_id=None)
    form.fields["action"].choices = list(choices)
    return render_to_string("admin/dynamodb_tables/action_menu.html", {"action_form": form})


# What a rendered Media depends on besides its files: where static files live.
_STATIC_SETTINGS = {"STATIC_URL", "STATIC_ROOT", "STORAGES"}
_rendered_media = {}


def rendered_media(key, media):
    """Return the admin's Media as {"js": HTML, "css": HTML}, rendered once per key.

    Rendering looks up every file's hashed static URL, about a third of a
    millisecond a page in the benchmark, and the answer only changes with the
    static files settings.
    """
    if key not in _rendered_media:
        _rendered_media[key] = {"js": media["js"].render(), "css": media["css"].render()}
    return _rendered_media[key]


def _forget_rendered_media(*, setting, **kwargs):
    if setting in _STATIC_SETTINGS:
        _rendered_media.clear()


setting_changed.connect(_forget_rendered_media)
