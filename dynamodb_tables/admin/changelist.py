"""The change list's query (search, page size, cursor), its links and its rows.

The admin's own ChangeList is built on a queryset, a count and page numbers;
this is the DynamoDB shape of it: a search term, a page size, an opaque
cursor, and links that carry them. Rows are cells built as the admin's
`result_list` builds them (`items_for_result`: format_html per cell, the
`field-<name>` classes, the `_selected_action` box), with object URLs from
reverse().
"""

from dataclasses import dataclass, replace
from functools import lru_cache

from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.core.signals import setting_changed
from django.http import QueryDict
from django.template.loader import render_to_string
from django.utils.html import format_html
from django.utils.translation import get_language, gettext

from ..exceptions import InvalidRequest
from ..values.display import display_value, summary
from .forms import ItemActionForm

# Query keys, as the admin names its own (SEARCH_VAR = "q").
SEARCH_VAR = "q"
CURSOR_VAR = "cursor"
PAGE_SIZE_VAR = "per_page"
MORE_PAGE_SIZES = (50, 100, 200)


@dataclass(frozen=True)
class ListQuery:
    """What the change list shows: a search term, a page size and where to start."""

    search: str = ""
    per_page: int = 25
    cursor: str = ""
    default_per_page: int = 25

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
        )

    def querystring(self, **changes):
        """Return "?..." for this query with some parts changed (defaults left out)."""
        query = replace(self, **changes)
        params = QueryDict(mutable=True)
        if query.search:
            params[SEARCH_VAR] = query.search
        if query.per_page != query.default_per_page:
            params[PAGE_SIZE_VAR] = str(query.per_page)
        if query.cursor:
            params[CURSOR_VAR] = query.cursor
        return "?" + params.urlencode() if params else "?"


def page_sizes(default_per_page):
    """Return the page sizes a list offers: its own, then 50, 100 and 200."""
    return tuple(sorted({default_per_page, *MORE_PAGE_SIZES}))


def paging_links(query, page):
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
        "clear_search_url": query.querystring(search="", cursor=""),
        "page_size_links": [
            (size, query.querystring(per_page=size, cursor=""))
            for size in page_sizes(query.default_per_page)
        ],
    }


def result_headers(list_display):
    """Return the columns' (name, label): the listed attributes, then the rest."""
    return [*((name, name) for name in list_display), ("others", "other attributes")]


def result_rows(page, table, list_display, change_url, with_checkbox):
    """Return each row of the list as its cells (HTML), as the admin's items_for_result does.

    `change_url(object_id)` is an item's link. The first listed attribute
    is the row's header cell and carries the link; the last cell sums up the
    attributes not listed.
    """
    label = gettext("Select this object for an action - %(object)s")
    listed = set(list_display)
    rows = []
    for item in page:
        object_id = table.object_id({name: item[name] for name in table.key_names})
        cells = []
        if with_checkbox:
            cells.append(format_html(
                '<td class="action-checkbox"><input type="checkbox" name="{}" value="{}" '
                'class="action-select" aria-label="{}"></td>',
                ACTION_CHECKBOX_NAME, object_id, label % {"object": object_id},
            ))
        for position, name in enumerate(list_display):
            value = display_value(item[name]) if name in item else ""
            if position == 0:
                cells.append(format_html('<th class="field-{}"><a href="{}">{}</a></th>',
                                         name, change_url(object_id), value))
            else:
                cells.append(format_html('<td class="field-{}">{}</td>', name, value))
        cells.append(format_html('<td class="field-others">{}</td>',
                                 summary(item, exclude=listed)))
        rows.append(cells)
    return rows


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
