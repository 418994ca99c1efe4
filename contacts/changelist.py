"""The change list's query (search, page size, cursor) and its rows.

The admin's own ChangeList is built on a queryset, a count and page numbers;
this is the DynamoDB shape of it: a search term, a page size, an opaque
cursor, and links that carry them.
"""

import html
from dataclasses import dataclass, replace
from functools import lru_cache
from urllib.parse import quote as url_quote

from django.contrib.admin.templatetags.admin_urls import add_preserved_filters
from django.contrib.admin.utils import quote
from django.core.signals import setting_changed
from django.http import QueryDict
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.http import RFC3986_SUBDELIMS
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, gettext

from .converters import ContactIdConverter
from .display import display_value, summary
from .documents import KEY
from .exceptions import InvalidRequest
from .forms import ContactActionForm
from .manager import DEFAULT_PAGE_SIZE

# Query keys, as the admin names its own (SEARCH_VAR = "q").
SEARCH_VAR = "q"
CURSOR_VAR = "cursor"
PAGE_SIZE_VAR = "per_page"
PAGE_SIZES = (DEFAULT_PAGE_SIZE, 50, 100, 200)
# A path segment no quoted id can equal: quote() turns every "_" into "_5F".
_ID_PLACEHOLDER = "_ID_"
_PATH_SAFE = RFC3986_SUBDELIMS + "/~:@"
# Columns of the list beside the id; the rest of an item is summarised.
LISTED_FIELDS = ("username", "age")


@dataclass(frozen=True)
class ContactListQuery:
    """What the change list shows: a search term, a page size and where to start."""

    search: str = ""
    per_page: int = DEFAULT_PAGE_SIZE
    cursor: str = ""

    @classmethod
    def from_querydict(cls, query):
        """Read the query from request.GET; raise InvalidRequest for a bad page size."""
        per_page = query.get(PAGE_SIZE_VAR, str(DEFAULT_PAGE_SIZE))
        if per_page not in {str(size) for size in PAGE_SIZES}:
            raise InvalidRequest(
                f"The page size must be one of {', '.join(map(str, PAGE_SIZES))}, "
                f"not “{per_page[:20]}”."
            )
        return cls(
            search=query.get(SEARCH_VAR, "").strip(),
            per_page=int(per_page),
            cursor=query.get(CURSOR_VAR, ""),
        )

    def querystring(self, **changes):
        """Return "?..." for this query with some parts changed (defaults left out)."""
        query = replace(self, **changes)
        params = QueryDict(mutable=True)
        if query.search:
            params[SEARCH_VAR] = query.search
        if query.per_page != DEFAULT_PAGE_SIZE:
            params[PAGE_SIZE_VAR] = str(query.per_page)
        if query.cursor:
            params[CURSOR_VAR] = query.cursor
        return "?" + params.urlencode() if params else "?"


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
            (size, query.querystring(per_page=size, cursor="")) for size in PAGE_SIZES
        ],
    }


def rows(page, opts, preserved_filters):
    """Return what each row of the list shows: id and its link, listed fields, the rest.

    The change link is reversed (and its filters resolved) once per page with
    a placeholder id, then each row's quoted id is put in its place: 25
    reverse() and resolve() calls per page showed in the benchmark.
    """
    context = {"opts": opts, "preserved_filters": preserved_filters}
    change = f"admin:{opts.app_label}_{opts.model_name}_change"
    template = add_preserved_filters(context, reverse(change, args=(_ID_PLACEHOLDER,)))
    before, after = template.split(_ID_PLACEHOLDER, 1)
    to_url = ContactIdConverter().to_url
    label = gettext("Select this object for an action - %(object)s")
    return [
        {
            "id": item[KEY],
            # As reverse() encodes a path argument.
            "url": before + url_quote(to_url(quote(item[KEY])), safe=_PATH_SAFE) + after,
            "select_label": label % {"object": item[KEY]},
            "fields": [
                (name, display_value(item[name]) if name in item else "") for name in LISTED_FIELDS
            ],
            "others": summary(item, exclude=(KEY, *LISTED_FIELDS)),
        }
        for item in page
    ]


def render_rows(rows, with_checkbox):
    """Return the list's table rows (<tr>...</tr>) as one piece of HTML.

    Built here rather than in the template: the template's loop over 25 rows
    and their cells was the biggest single cost of the page in the
    benchmark. Every value is escaped with html.escape, which is what
    Django's own escape() and autoescaping call.
    """
    parts = []
    for row in rows:
        contact_id = html.escape(row["id"])
        parts.append("<tr>")
        if with_checkbox:
            parts.append(
                '<td class="action-checkbox"><input type="checkbox" name="_selected_action" '
                f'value="{contact_id}" class="action-select" '
                f'aria-label="{html.escape(row["select_label"])}"></td>'
            )
        url = html.escape(row["url"])
        parts.append(f'<th class="field-id"><a href="{url}">{contact_id}</a></th>')
        for name, value in row["fields"]:
            parts.append(f'<td class="field-{html.escape(name)}">{html.escape(value)}</td>')
        parts.append(f'<td class="field-others">{html.escape(row["others"])}</td></tr>\n')
    return mark_safe("".join(parts))  # noqa: S308 - every value above is escaped


def action_menu(choices):
    """Return the action menu's HTML (label, select, hidden select_across) for these choices."""
    return _rendered_action_menu(get_language(), tuple(choices))


@lru_cache(maxsize=64)
def _rendered_action_menu(language, choices):
    # Rendering the admin's ActionForm through Django's form templates cost
    # about half a millisecond a page; its HTML depends only on the choices
    # (which depend on the user's permissions) and the language.
    form = ContactActionForm(auto_id=None)
    form.fields["action"].choices = list(choices)
    return render_to_string("admin/contacts/contact/action_menu.html", {"action_form": form})


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
