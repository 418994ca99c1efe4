"""The change list's query (search, page size, cursor) and its rows.

The admin's own ChangeList is built on a queryset, a count and page numbers;
this is the DynamoDB shape of it: a search term, a page size, an opaque
cursor, and links that carry them.
"""

from dataclasses import dataclass, replace
from urllib.parse import quote as url_quote

from django.contrib.admin.templatetags.admin_urls import add_preserved_filters
from django.contrib.admin.utils import quote
from django.http import QueryDict
from django.urls import reverse
from django.utils.http import RFC3986_SUBDELIMS
from django.utils.translation import gettext

from .converters import ContactIdConverter
from .display import display_value, summary
from .documents import KEY
from .exceptions import InvalidRequest
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
