"""Contacts in the Django admin, through the test client: every page, on moto and DynamoDB Local.

Items are written and read back with the low-level client (`raw_client`), the
way the console or the CLI would, so the tests see exactly what is stored.
"""

import html
import re
from decimal import Decimal
from urllib.parse import parse_qs, unquote, urljoin, urlsplit

import pytest
from django.contrib import admin
from django.contrib.admin.models import ADDITION, CHANGE, DELETION, LogEntry
from django.contrib.admin.utils import quote
from django.contrib.auth.models import Permission
from django.contrib.messages import get_messages
from django.core.cache import cache
from django.db import connection
from django.http import QueryDict
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.utils.html import escape, format_html, strip_tags
from django.utils.safestring import SafeString

from contacts.admin import ContactAdmin
from contacts.models import CONTACTS, Contact
from dynamodb_tables.admin import changelist, new_keys
from dynamodb_tables.store import KeyAttribute, Table, operations
from dynamodb_tables.store.pagination import decode_cursor
from dynamodb_tables.values import display

from .helpers import (
    ADD_URL,
    LIST_URL,
    change_url,
    delete_url,
    history_url,
    put,
    stored,
    stored_ids,
)
from .support.formdata import form_fields, submit

INVALID_CURSOR = "This page link is invalid or out of date; start again from the first page."
BREADCRUMBS = '<div class="breadcrumbs">'


# --- Helpers --------------------------------------------------------------------


def put_contacts(raw_client, count, prefix="c"):
    """Write `count` contacts with ids prefix000, prefix001, ...; return the ids."""
    ids = [f"{prefix}{number:03d}" for number in range(count)]
    for start in range(0, count, 25):
        requests = [
            {"PutRequest": {"Item": {"id": {"S": i}, "username": {"S": f"user {i}"}}}}
            for i in ids[start : start + 25]
        ]
        raw_client.batch_write_item(RequestItems={CONTACTS.name: requests})
    return ids


def messages_of(response):
    """Return the messages the request queued, as text with the admin's links stripped."""
    return [strip_tags(str(message)) for message in get_messages(response.wsgi_request)]


def shown_messages(response):
    """Return the messages a (followed) page shows, as the text a reader sees."""
    found = re.search(r'<ul class="messagelist">(.*?)</ul>', response.content.decode(), re.S)
    items = re.findall(r"<li[^>]*>(.*?)</li>", found.group(1), re.S) if found else []
    return [html.unescape(strip_tags(item)) for item in items]


def text(response):
    """Return the page as text: HTML entities decoded (for visible text, not for escaping)."""
    return html.unescape(response.content.decode())


def listed_ids(response):
    """Return the ids of the change list's rows, in page order."""
    cells = re.findall(
        r'<th class="field-id"><a href="[^"]*">(.*?)</a></th>', response.content.decode(), re.S
    )
    return [html.unescape(cell) for cell in cells]


def link(response, css_class):
    """Return the change list URL a paging link (e.g. dynamo-next) points to, or None."""
    found = re.search(rf'<a href="([^"]*)" class="{css_class}">', response.content.decode())
    return LIST_URL + html.unescape(found.group(1)) if found else None


def action(ids, **extra):
    return {"action": "delete_selected", "_selected_action": ids, "index": "0", **extra}


@pytest.fixture
def staff_client(db, client, django_user_model):
    """A logged-in staff user with no permissions at all."""
    client.force_login(django_user_model.objects.create_user("staff", is_staff=True))
    return client


@pytest.fixture
def viewer_client(db, client, django_user_model):
    """A logged-in staff user who may only view contacts."""
    user = django_user_model.objects.create_user("viewer", is_staff=True)
    user.user_permissions.add(
        Permission.objects.get(
            codename="view_contact",
            content_type__app_label="contacts",
            content_type__model="contact",
        )
    )
    client.force_login(user)
    return client


# --- Entry points and who may see what ---------------------------------------------


def test_root_redirects_to_the_change_list(client):
    """GET / is a 302 to the contacts change list."""
    response = client.get("/")

    assert response.status_code == 302
    assert response["Location"] == LIST_URL


@pytest.mark.auth_database
def test_anonymous_visitors_are_sent_to_the_login_page(db, client):
    """Every contacts page sends an anonymous visitor to the admin login, coming back after."""
    for url in (LIST_URL, ADD_URL, change_url("01"), delete_url("01"), history_url("01")):
        response = client.get(url)

        assert response.status_code == 302, url
        assert response["Location"] == f"/admin/login/?next={url}"


@pytest.mark.auth_database
def test_staff_without_permissions_gets_403_everywhere(staff_client, contacts_table, raw_client):
    """A staff user with no contact permission is refused every page and every action."""
    put(raw_client, id={"S": "01"}, username={"S": "Raju"})
    before = stored(raw_client, "01")

    for url in (LIST_URL, ADD_URL, change_url("01"), delete_url("01"), history_url("01")):
        assert staff_client.get(url).status_code == 403, url
    assert staff_client.post(ADD_URL, {"username": "x", "_save": "1"}).status_code == 403
    assert staff_client.post(change_url("01"), {"username": "x"}).status_code == 403
    assert staff_client.post(delete_url("01"), {"post": "yes"}).status_code == 403
    assert staff_client.post(LIST_URL, action(["01"], post="yes")).status_code == 403
    assert stored_ids(raw_client) == {"01"}
    assert stored(raw_client, "01") == before


def test_staff_without_permissions_cannot_tell_missing_ids_from_existing(
    staff_client, contacts_table
):
    """Without permissions, a missing contact's pages are 403 too, like an existing one's."""
    for url in (change_url("no-such-id"), history_url("no-such-id"), delete_url("no-such-id")):
        assert staff_client.get(url).status_code == 403, url


@pytest.mark.auth_database
def test_view_only_user_may_browse_but_not_add_delete_or_run_actions(
    viewer_client, contacts_table, raw_client
):
    """With view_contact only: the list and history show, without the add link, and the action
    menu offers only the CSV export; add, delete and the bulk delete action are 403."""
    put(raw_client, id={"S": "01"}, username={"S": "Raju"})

    response = viewer_client.get(LIST_URL)

    assert response.status_code == 200
    content = response.content.decode()
    assert "Select contact to view" in content
    assert listed_ids(response) == ["01"]
    actions = re.findall(r'<option value="([^"]*)"', content.split('name="action"')[1])
    assert [name for name in actions if name] == ["export_selected_csv"]
    assert ADD_URL not in content
    assert viewer_client.get(history_url("01")).status_code == 200
    assert viewer_client.get(ADD_URL).status_code == 403
    assert viewer_client.post(ADD_URL, {"username": "New", "_save": "1"}).status_code == 403
    assert viewer_client.get(delete_url("01")).status_code == 403
    assert viewer_client.post(delete_url("01"), {"post": "yes"}).status_code == 403
    assert viewer_client.post(LIST_URL, action(["01"], post="yes")).status_code == 403
    assert stored_ids(raw_client) == {"01"}


def test_view_only_user_sees_a_read_only_change_page(viewer_client, contacts_table, raw_client):
    """With view_contact only: "View contact", no Save buttons, and a POST is refused."""
    put(raw_client, id={"S": "01"}, username={"S": "Raju"}, age={"N": "30"})
    before = stored(raw_client, "01")

    response = viewer_client.get(change_url("01"))

    assert response.status_code == 200
    content = response.content.decode()
    assert "View contact" in content
    assert "Raju" in content
    for button in ("_save", "_continue", "_addanother"):
        assert f'name="{button}"' not in content
    assert 'name="username"' not in content  # shown as text, not as an input
    posted = viewer_client.post(change_url("01"), {"username": "Changed", "_save": "1"})
    assert posted.status_code == 403
    assert stored(raw_client, "01") == before


def test_superuser_gets_index_links_add_link_and_action_menu(
    admin_client, contacts_table, raw_client
):
    """The index has a Contacts section with Add and Change links; the list has "Add contact"
    and the "Delete selected contacts" action."""
    put(raw_client, id={"S": "01"}, username={"S": "Raju"})

    index = admin_client.get("/admin/")
    response = admin_client.get(LIST_URL)

    assert index.status_code == 200
    assert re.search(r'<a href="/admin/contacts/" class="section"[^>]*>Contacts</a>', text(index))
    assert f'<a href="{ADD_URL}" class="addlink"' in text(index)
    assert f'<a href="{LIST_URL}" class="changelink"' in text(index)
    assert response.status_code == 200
    content = response.content.decode()
    assert "Select contact to change" in content
    assert f'href="{ADD_URL}"' in content and "Add contact" in content
    assert 'value="delete_selected"' in content and "Delete selected contacts" in content
    assert 'name="_selected_action" value="01"' in content


@pytest.mark.auth_database
def test_each_user_gets_the_action_menu_of_their_own_permissions(
    admin_client, viewer_client, contacts_table, raw_client
):
    """The rendered action menu is reused per set of actions: a superuser, a view-only user and
    the superuser again, on one server, each see exactly their own actions."""
    put(raw_client, id={"S": "01"}, username={"S": "Raju"})

    def menu(client):
        content = client.get(LIST_URL).content.decode()
        return [name for name in re.findall(
            r'<option value="([^"]*)"', content.split('name="action"')[1]) if name]

    assert menu(admin_client) == ["delete_selected", "export_selected_csv"]
    assert menu(viewer_client) == ["export_selected_csv"]
    assert menu(admin_client) == ["delete_selected", "export_selected_csv"]


def test_the_list_loads_the_javascript_its_action_menu_needs(admin_client, contacts_table,
                                                              raw_client, settings):
    """actions.js and the JavaScript catalog it calls come with the menu, from STATIC_URL as it
    is now: the page's rendered media is not kept across a change of the static settings."""
    put(raw_client, id={"S": "01"}, username={"S": "Raju"})
    before = admin_client.get(LIST_URL).content.decode()
    settings.STATIC_URL = "/assets/"

    after = admin_client.get(LIST_URL).content.decode()

    assert '<script src="/admin/jsi18n/"></script>' in before
    assert re.search(r'<script src="/static/admin/js/actions(\.[0-9a-f]+)?\.js"', before)
    assert re.search(r'<script src="/assets/admin/js/actions(\.[0-9a-f]+)?\.js"', after)


def test_list_rows_escape_every_value_and_keep_each_cell_in_its_column():
    """Rows are cells built in Python, as the admin's result_list builds them: ids, links,
    labels, listed fields and the summary are all escaped, and the checkbox column exists only
    with an action menu."""
    item = {
        "id": '"><script>alert(1)</script>',
        "username": "<i>Raju</i> & co",
        "note": "<img src=x onerror=alert(1)>",
    }

    def rows(with_checkbox):
        rows = changelist.result_rows(
            [item], CONTACTS, ContactAdmin.list_display,
            lambda object_id: '/admin/contacts/contact/x"y/change/?a=1&b=2', with_checkbox)
        return rows[0]

    with_menu, without = rows(True), rows(False)

    assert "<script>" not in with_menu and "<img" not in with_menu and "<i>" not in with_menu
    assert 'value="&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;"' in with_menu
    assert 'href="/admin/contacts/contact/x&quot;y/change/?a=1&amp;b=2"' in with_menu
    assert 'aria-label="Select this object for an action - &quot;&gt;&lt;script&gt;' in with_menu
    assert '<td class="field-username">&lt;i&gt;Raju&lt;/i&gt; &amp; co</td>' in with_menu
    assert '<td class="field-age"></td>' in with_menu
    assert '<td class="field-others">note: &lt;img src=x onerror=alert(1)&gt;</td>' in with_menu
    assert "action-checkbox" in with_menu and "action-checkbox" not in without
    assert with_menu.count("<td") == 4 and without.count("<td") == 3
    assert isinstance(with_menu, SafeString)


def test_list_links_encode_the_query_as_querydict_does():
    """The list's links (paging, page sizes, sorting, search) carry every part of the query,
    encoded as Django's QueryDict.urlencode() encodes request.GET."""
    query = changelist.ListQuery(
        search="priya & k+1 = 100% ü#?", per_page=50, cursor="eyJ9:1t/x+y=", order="-username",
        contains=True, hide_expired=True, bar=(("pk", "a b&c"), ("f0-path", "tags[0]")))
    expected = QueryDict(mutable=True)
    for key, value in (("q", query.search), ("contains", "1"), ("o", "-username"),
                       ("unexpired", "1"), ("pk", "a b&c"), ("f0-path", "tags[0]"),
                       ("per_page", "50"), ("cursor", "eyJ9:1t/x+y=")):
        expected[key] = value

    assert query.querystring() == "?" + expected.urlencode()
    assert QueryDict(query.querystring()[1:]) == expected
    assert changelist.ListQuery().querystring() == "?"


def test_a_row_is_what_format_html_would_make_of_its_values():
    item = {"id": "it's \"1\" <&>", "username": "O'Brien & <co>", "age": Decimal("30.5"),
            "email": "a@b", "phone": "+1", "city": "Zürich", "tags": {"x", "y"}}
    object_id, url = item["id"], "/admin/contacts/contact/it%27s/change/?a=1&b='2'"

    row = changelist.result_rows([item], CONTACTS, ContactAdmin.list_display,
                                 lambda _: url, with_checkbox=True)[0]

    label = f"Select this object for an action - {object_id}"
    listed = [display.display_value(item[name]) if name in item else "" for name in
              ContactAdmin.list_display]
    values = ["_selected_action", object_id, label, ContactAdmin.list_display[0], url, listed[0]]
    for name, value in zip(ContactAdmin.list_display[1:], listed[1:], strict=True):
        values += [name, value]
    values.append(display.summary(item, exclude=set(ContactAdmin.list_display)))
    assert row == format_html(changelist._row_format(len(ContactAdmin.list_display), True, False),
                              *values)
    assert "O&#x27;Brien &amp; &lt;co&gt;" in row


# Ids that each quoting step changes: the admin's quote(), the URL converter's dot
# segments, percent-encoding of what URLs cannot hold, and the placeholder itself.
AWKWARD_IDS = ("01", "a/b", ".", "..", "_2E", "ü ñ", "100%", "x\ny", "~object-id~", "#?&=+",
               "'\"<>", " lead", "a,b", "@:~!$*()")


@pytest.mark.parametrize("object_id", AWKWARD_IDS)
def test_a_rows_link_is_the_url_reverse_gives(object_id):
    """The list builds its rows' links from one reverse() per page: the same URLs, for a
    declared table and a browsed one (whose URLs carry the table name)."""
    from dynamodb_tables.admin.browser import TableBrowserAdmin
    from dynamodb_tables.models import TableItem

    contact_admin = admin.site.get_model_admin(Contact)
    browsed = TableBrowserAdmin(TableItem, admin.site, "Other.table-1_x")
    for model_admin in (contact_admin, browsed):
        assert model_admin.change_urls()(object_id) == model_admin.url("change", object_id)


def test_the_orm_never_sees_a_contact(admin_client, contacts_table, raw_client):
    """get_queryset raises, and no page sends SQL about contacts (only auth, sessions, the log)."""
    request = RequestFactory().get(LIST_URL)
    with pytest.raises(NotImplementedError, match="DynamoDB"):
        admin.site.get_model_admin(Contact).get_queryset(request)

    put(raw_client, id={"S": "01"}, username={"S": "Raju"})
    with CaptureQueriesContext(connection) as queries:
        for url in (LIST_URL, ADD_URL, change_url("01"), history_url("01"), delete_url("01")):
            assert admin_client.get(url).status_code == 200, url
        submit(admin_client, change_url("01"), {"username": "Raju K", "_save": "1"})
        admin_client.post(LIST_URL, action(["01"], post="yes"))

    assert stored_ids(raw_client) == set()
    assert queries.captured_queries
    assert not [q["sql"] for q in queries.captured_queries if "contacts_contact" in q["sql"]]


# --- Change list: columns, search, count ---------------------------------------------


def test_list_shows_id_username_age_and_other_attributes(admin_client, contacts_table, raw_client):
    """Each row shows id (linked to its change page), username, age and a summary of the rest."""
    put(raw_client, id={"S": "x"}, username={"S": "u"}, age={"N": "30"}, city={"S": "Pune"})

    response = admin_client.get(LIST_URL)

    assert response.status_code == 200
    content = response.content.decode()
    for heading in ("id", "age", "other attributes"):
        assert f"<span>{heading}</span>" in content
    assert '?o=username">username</a>' in content  # sortable, through its index
    assert f'href="{change_url("x")}"' in content
    assert '<td class="field-username">u</td>' in content
    assert '<td class="field-age">30</td>' in content
    assert '<td class="field-others">city: Pune</td>' in content


def test_list_shows_items_written_by_other_tools(admin_client, contacts_table, raw_client):
    """Items with only an id, or with attributes of any type, are listed and briefly summarised."""
    put(raw_client, id={"S": "only-id"})
    typed = {
        "map": ({"M": {"k": {"S": "v"}}}, 'map: {"k": "v"}'),
        "list": ({"L": [{"S": "a"}, {"N": "1"}]}, 'list: ["a", 1]'),
        "sset": ({"SS": ["b", "a"]}, 'sset: ["a", "b"]'),
        "number": ({"N": "1.5"}, "number: 1.5"),
        "binary": ({"B": b"hi"}, 'binary: "aGk="'),
        "null": ({"NULL": True}, "null: null"),
        "bool": ({"BOOL": False}, "bool: false"),
    }
    for name, (value, _summary) in typed.items():
        put(raw_client, id={"S": f"typed-{name}"}, **{name: value})
    put(raw_client, id={"S": "long"}, notes={"S": "n" * 500})

    response = admin_client.get(LIST_URL)

    assert response.status_code == 200
    expected = ["only-id", "long", *(f"typed-{name}" for name in typed)]
    assert sorted(listed_ids(response)) == sorted(expected)
    page = text(response)
    for _value, summary in typed.values():
        assert summary in page
    # The summary is short: a long value is cut, not shown whole.
    assert "notes: nnn" in page and "n" * 100 not in page


def test_search_matches_id_or_username_case_sensitively(admin_client, contacts_table, raw_client):
    """?q=&contains=1 (the slow fallback) finds contacts whose id or username contains the
    text, case-sensitively, nothing else; tests/test_finding.py tests the index search."""
    put(raw_client, id={"S": "ann-1"}, username={"S": "Zed"})
    put(raw_client, id={"S": "02"}, username={"S": "Joanna"})
    put(raw_client, id={"S": "03"}, username={"S": "ANNA"})
    put(raw_client, id={"S": "04"}, username={"S": "Bob"}, city={"S": "Annapolis ann"})

    response = admin_client.get(LIST_URL, {"q": "ann", "contains": "1"})

    assert response.status_code == 200
    assert sorted(listed_ids(response)) == ["02", "ann-1"]
    assert 'value="ann"' in response.content.decode()  # the search box keeps the term
    nothing = admin_client.get(LIST_URL, {"q": "zzz", "contains": "1"})
    assert listed_ids(nothing) == []
    assert "No contact matches “zzz”" in text(nothing)


def test_empty_table_and_approximate_count(admin_client, contacts_table, raw_client):
    """The list shows DescribeTable's item count, naming the table; the count is cached, so a
    new contact shows in the list before it shows in the count."""
    table = CONTACTS.name
    empty = admin_client.get(LIST_URL)
    put(raw_client, id={"S": "01"})
    cached = admin_client.get(LIST_URL)
    cache.clear()
    one = admin_client.get(LIST_URL)
    put(raw_client, id={"S": "02"})
    cache.clear()
    two = admin_client.get(LIST_URL)

    assert empty.status_code == 200
    assert "No contacts yet." in text(empty)
    assert f"About 0 contacts in table “{table}” (approximate" in text(empty)
    assert listed_ids(cached) == ["01"]
    assert f"About 0 contacts in table “{table}”" in text(cached)
    assert f"About 1 contact in table “{table}” (approximate" in text(one)
    assert f"About 2 contacts in table “{table}” (approximate" in text(two)


# --- Change list: cursor paging ---------------------------------------------------------


def test_walking_next_links_lists_every_contact_once(admin_client, contacts_table, raw_client):
    """Following "Next ›" with per_page=25 over 60 contacts gives pages of 25, 25, 10: all, once."""
    ids = put_contacts(raw_client, 60)
    url, pages = f"{LIST_URL}?per_page=25", []
    while url:
        response = admin_client.get(url)
        assert response.status_code == 200
        pages.append(listed_ids(response))
        url = link(response, "dynamo-next")
        assert len(pages) <= 3, "more pages than contacts"

    assert [len(page) for page in pages] == [25, 25, 10]
    collected = [contact_id for page in pages for contact_id in page]
    assert sorted(collected) == ids


def test_previous_and_first_links_go_back(admin_client, contacts_table, raw_client):
    """"‹ Previous" from page 3 shows page 2; from page 2 it and "« First" lead to page 1,
    which has neither link."""
    put_contacts(raw_client, 60)
    page1 = admin_client.get(LIST_URL)
    page2 = admin_client.get(link(page1, "dynamo-next"))
    page3 = admin_client.get(link(page2, "dynamo-next"))

    back_to_2 = admin_client.get(link(page3, "dynamo-previous"))
    back_to_1_url = link(page2, "dynamo-previous")
    back_to_1 = admin_client.get(back_to_1_url)
    first = admin_client.get(link(page3, "dynamo-first"))

    assert link(page1, "dynamo-previous") is None and link(page1, "dynamo-first") is None
    assert listed_ids(back_to_2) == listed_ids(page2)
    assert "cursor" not in back_to_1_url
    assert listed_ids(back_to_1) == listed_ids(page1)
    assert listed_ids(first) == listed_ids(page1)


def test_back_from_a_contact_the_list_reopens_at_its_page(admin_client, contacts_table,
                                                         raw_client):
    """A row's link keeps where its page starts (not the page's whole "Previous" trail): after
    saving the contact, the list shows that same page again, with "First" and "Next"."""
    put_contacts(raw_client, 80)
    page1 = admin_client.get(LIST_URL)
    page2 = admin_client.get(link(page1, "dynamo-next"))
    page3 = admin_client.get(link(page2, "dynamo-next"))
    row_link = re.search(r'<th class="field-id"><a href="([^"]*)">', page3.content.decode())
    change = html.unescape(row_link.group(1))
    own_cursor = re.search(r"cursor=([^&]+)", link(page2, "dynamo-next")).group(1)

    saved = submit(admin_client, change, {"_save": "1"}, follow=True)

    assert saved.redirect_chain[-1][0].startswith(LIST_URL + "?cursor=")
    assert listed_ids(saved) == listed_ids(page3)
    assert link(saved, "dynamo-first") and link(saved, "dynamo-next")
    kept = parse_qs(parse_qs(urlsplit(change).query)["_changelist_filters"][0])["cursor"][0]
    kept_position = decode_cursor(kept, CONTACTS.name)
    own_position = decode_cursor(unquote(own_cursor), CONTACTS.name)
    assert own_position.trail and not kept_position.trail
    assert kept_position.start_key == own_position.start_key


def test_a_table_ending_at_a_page_boundary_has_no_empty_last_page(
    admin_client, contacts_table, raw_client
):
    """With exactly 50 contacts and 25 per page, the second page is the last: no "Next ›"."""
    put_contacts(raw_client, 50)
    page1 = admin_client.get(LIST_URL)
    page2 = admin_client.get(link(page1, "dynamo-next"))

    assert len(listed_ids(page2)) == 25
    assert link(page2, "dynamo-next") is None


def test_page_size_choice_and_search_are_kept_by_paging(admin_client, contacts_table, raw_client):
    """per_page=50 shows 50; the Next link keeps the page size and the search term."""
    put_contacts(raw_client, 60, prefix="a")
    put_contacts(raw_client, 5, prefix="b")

    response = admin_client.get(LIST_URL, {"per_page": "50", "q": "a0", "contains": "1"})
    following = admin_client.get(link(response, "dynamo-next"))

    assert len(listed_ids(response)) == 50
    assert all(contact_id.startswith("a") for contact_id in listed_ids(following))
    assert len(listed_ids(response)) + len(listed_ids(following)) == 60


def test_bad_page_sizes_and_cursors_are_a_400(admin_client, contacts_table, raw_client):
    """A page size other than 25, 50, 100 or 200, or a made-up, altered or cut cursor, is a 400
    page in the admin look saying what is wrong."""
    for per_page in ("7", "abc", "1000"):
        response = admin_client.get(LIST_URL, {"per_page": per_page})

        assert response.status_code == 400, per_page
        assert BREADCRUMBS in response.content.decode()
        assert "25, 50, 100, 200" in text(response)

    put_contacts(raw_client, 30)
    cursor = re.search(r"cursor=([^&]+)", link(admin_client.get(LIST_URL), "dynamo-next"))
    real = cursor.group(1)
    tampered = real[:-3] + ("AAA" if real[-3:] != "AAA" else "BBB")

    for bad in ("abc", tampered, real[:-10]):
        response = admin_client.get(LIST_URL, {"cursor": bad})
        assert response.status_code == 400, bad
        assert BREADCRUMBS in response.content.decode()
        assert INVALID_CURSOR in text(response)


def test_a_cursor_from_another_table_is_refused(admin_client, contacts_table, raw_client, settings):
    """A page link made for one table does not work on another table."""
    put_contacts(raw_client, 30)
    next_url = link(admin_client.get(LIST_URL), "dynamo-next")
    operations.delete_table(CONTACTS.name)
    settings.DYNAMODB = {**settings.DYNAMODB, "TABLE": CONTACTS.name + "-other"}
    operations.create_table(CONTACTS, operations.Capacity())

    response = admin_client.get(next_url)

    assert response.status_code == 400
    assert INVALID_CURSOR in text(response)


# --- Change list: bulk delete ------------------------------------------------------------


def test_bulk_delete_asks_then_deletes_and_says_how_many(admin_client, contacts_table, raw_client):
    """"Delete selected contacts" first shows the admin's confirmation and deletes nothing;
    confirming deletes the selected ones only and redirects to the same list."""
    for contact_id, name in (("01", "Raju"), ("02", "Asha"), ("03", "Kiran")):
        put(raw_client, id={"S": contact_id}, username={"S": name})
    url = f"{LIST_URL}?per_page=50"

    confirmation = admin_client.post(url, action(["01", "02"]))

    assert confirmation.status_code == 200
    page = text(confirmation)
    assert "Are you sure you want to delete the selected contacts?" in page
    assert "Raju" in page and "Asha" in page and "Kiran" not in page
    assert stored_ids(raw_client) == {"01", "02", "03"}

    response = admin_client.post(url, action(["01", "02"], post="yes"))

    assert response.status_code == 302
    assert response["Location"] == url
    assert messages_of(response) == ["Successfully deleted 2 contacts."]
    assert stored_ids(raw_client) == {"03"}
    assert LogEntry.objects.filter(action_flag=DELETION).count() == 2


def test_bulk_delete_does_not_count_contacts_already_gone(admin_client, contacts_table, raw_client):
    """Selected ids that no longer exist are neither listed for confirmation nor counted."""
    put(raw_client, id={"S": "01"}, username={"S": "Raju"})
    put(raw_client, id={"S": "02"}, username={"S": "Asha"})

    confirmation = admin_client.post(LIST_URL, action(["01", "02", "gone"]))
    raw_client.delete_item(TableName=CONTACTS.name, Key={"id": {"S": "02"}})
    response = admin_client.post(LIST_URL, action(["01", "02", "gone"], post="yes"))

    assert "Contacts: 2" in text(confirmation)
    assert messages_of(response) == ["Successfully deleted 1 contact."]
    assert stored_ids(raw_client) == set()


def test_bulk_delete_needs_an_action_and_a_selection(admin_client, contacts_table, raw_client):
    """Without an action, or without selected items, nothing is deleted and a warning says why."""
    put(raw_client, id={"S": "01"}, username={"S": "Raju"})

    no_action = admin_client.post(
        LIST_URL, {"action": "", "_selected_action": ["01"], "index": "0"}, follow=True
    )
    no_selection = admin_client.post(LIST_URL, action([]), follow=True)

    assert no_action.redirect_chain == [(LIST_URL, 302)]
    assert shown_messages(no_action) == ["No action selected."]
    assert no_selection.redirect_chain == [(LIST_URL, 302)]
    assert shown_messages(no_selection) == [
        "Items must be selected in order to perform actions on them. No items have been changed."
    ]
    assert stored_ids(raw_client) == {"01"}


# --- Add -----------------------------------------------------------------------------------


def test_add_stores_the_contact_and_returns_to_the_list(admin_client, contacts_table, raw_client):
    """The add form asks for id, username, age, email and phone; Save stores exactly those
    (age as a Number) and says so in the admin's voice."""
    form = admin_client.get(ADD_URL)
    assert form.status_code == 200
    assert "Add contact" in form.content.decode()
    for name in ("id", "username", "age", "email", "phone"):
        assert f'name="{name}"' in form.content.decode()

    response = submit(admin_client, ADD_URL,
        {"id": "01", "username": "Raju", "age": "30", "email": "raju@example.com",
         "phone": "+91 (22) 555-0100", "_save": "Save"},
    )

    assert response.status_code == 302
    assert response["Location"] == LIST_URL
    assert messages_of(response) == ["The contact “Raju” was added successfully."]
    assert stored(raw_client, "01") == {
        "id": {"S": "01"},
        "username": {"S": "Raju"},
        "age": {"N": "30"},
        "email": {"S": "raju@example.com"},
        "phone": {"S": "+91 (22) 555-0100"},
    }
    entry = LogEntry.objects.get()
    assert (entry.action_flag, entry.object_id, entry.object_repr) == (ADDITION, "01", "Raju")


def test_add_without_id_generates_one_and_stores_no_blank_fields(
    admin_client, contacts_table, raw_client
):
    """A blank id becomes a 32-hex uuid; blank optional fields are not stored, age 0 is."""
    response = submit(
        admin_client, ADD_URL,
        {"id": "", "username": "Asha", "age": "", "email": "", "phone": "", "_save": "1"},
    )

    assert response.status_code == 302
    (contact_id,) = stored_ids(raw_client)
    assert re.fullmatch(r"[0-9a-f]{32}", contact_id)
    assert stored(raw_client, contact_id) == {"id": {"S": contact_id}, "username": {"S": "Asha"}}
    # Age 0 is a value, not a blank.
    submit(admin_client, ADD_URL, {"id": "baby", "username": "Baby", "age": "0", "_save": "1"})
    assert stored(raw_client, "baby")["age"] == {"N": "0"}


def test_an_add_form_sent_twice_stores_one_contact(admin_client, contacts_table, raw_client):
    """A blank id is the one the add form was issued: the same form sent again (a double
    click, or a re-send after a lost answer) finds the contact it stored and answers as the
    first did; another add form makes another contact."""
    form = form_fields(admin_client.get(ADD_URL).content)
    data = {**form, "id": "", "username": "Asha", "_save": "1"}

    first, again = admin_client.post(ADD_URL, data), admin_client.post(ADD_URL, data)

    assert (first.status_code, again.status_code) == (302, 302)
    (contact_id,) = stored_ids(raw_client)
    assert stored(raw_client, contact_id) == {"id": {"S": contact_id}, "username": {"S": "Asha"}}
    assert submit(admin_client, ADD_URL, {"username": "Asha", "_save": "1"}).status_code == 302
    assert len(stored_ids(raw_client)) == 2


def test_an_add_form_sent_again_with_other_values_asks_before_adding_another(
    admin_client, contacts_table, raw_client
):
    """Back, other values, Save again: the first contact is kept, the page says it was saved
    before and under which id, and saving once more adds the new values as another contact."""
    form = form_fields(admin_client.get(ADD_URL).content)
    assert admin_client.post(ADD_URL, {**form, "username": "Asha", "_save": "1"}).status_code == 302
    (first_id,) = stored_ids(raw_client)

    again = admin_client.post(ADD_URL, {**form, "username": "Ravi", "_save": "1"})

    assert again.status_code == 200
    assert again.context["adminform"].form.non_field_errors() == [
        f"This form was saved before, as contact “{first_id}”, with other values. Save again "
        "to add these values as another contact."
    ]
    assert stored(raw_client, first_id)["username"] == {"S": "Asha"}
    assert submit_shown(admin_client, again).status_code == 302
    assert {stored(raw_client, n)["username"]["S"] for n in stored_ids(raw_client)} == {
        "Asha", "Ravi"}


def test_an_add_form_keeps_its_key_through_errors_and_new_rows(admin_client, contacts_table,
                                                                raw_client):
    """The add form re-shown (a field error, "Add another attribute") carries the key it was
    issued; a token that is not ours is ignored and a new id generated."""
    form = form_fields(admin_client.get(ADD_URL).content)
    token = form["_new_key"]
    with_error = admin_client.post(ADD_URL, {**form, "username": " ", "_save": "1"})
    another_row = admin_client.post(ADD_URL, {**form, "username": "Asha", "_addattribute": "1"})
    for page in (with_error, another_row):
        assert form_fields(page.content)["_new_key"] == token
    forged = admin_client.post(ADD_URL, {**form, "_new_key": token + "x", "username": "Asha",
                                         "_save": "1"})
    assert forged.status_code == 302
    assert admin_client.post(ADD_URL, {**form, "username": "Asha", "_save": "1"}).status_code == 302
    assert len(stored_ids(raw_client)) == 2


@pytest.mark.parametrize("kind, make", [
    ("S", lambda: "0f9a"),
    ("N", lambda: Decimal("12345678901234567890123456789012345678")),
    ("B", lambda: b"\x00\xff"),
])
def test_an_issued_key_reads_back_exactly_and_only_for_its_table(kind, make):
    """The add form's key token holds the key as DynamoDB JSON: a 38-digit Number or a
    Binary key comes back exactly; another table's form, or a changed token, gets nothing."""
    table = Table("Things", partition_key=KeyAttribute("k", kind), new_partition_key=make)
    other = Table("Others", partition_key=KeyAttribute("k", kind), new_partition_key=make)
    token = new_keys.issue(table)

    assert new_keys.read(token, table) == make()
    assert new_keys.issue(table, {new_keys.NEW_KEY_VAR: token}) == token
    assert new_keys.read(token, other) is None
    assert new_keys.read(token[:-1], table) is None


def submit_shown(client, page):
    """POST the form a page shows, as a browser would, with Save."""
    return client.post(ADD_URL, {**form_fields(page.content), "_save": "1"})


def test_add_another_and_continue_buttons(admin_client, contacts_table, raw_client):
    """"Save and add another" returns to the add form; "Save and continue" opens the new contact."""
    another = submit(
        admin_client, ADD_URL, {"id": "01", "username": "Raju", "_addanother": "1"}, follow=True
    )
    cont = submit(
        admin_client, ADD_URL, {"id": "02", "username": "Asha", "_continue": "1"}, follow=True
    )

    assert another.redirect_chain == [(ADD_URL, 302)]
    assert shown_messages(another) == [
        "The contact “Raju” was added successfully. You may add another contact below."
    ]
    assert cont.redirect_chain == [(change_url("02"), 302)]
    assert shown_messages(cont) == [
        "The contact “Asha” was added successfully. You may edit it again below."
    ]
    assert stored_ids(raw_client) == {"01", "02"}


INVALID_INPUT = [
    ({"username": "   "}, "username", "This field is required."),
    ({"username": "R", "age": "151"}, "age", "less than or equal to 150"),
    ({"username": "R", "age": "-1"}, "age", "greater than or equal to 0"),
    ({"username": "R", "age": "abc"}, "age", "Enter a whole number."),
    ({"username": "R", "email": "not an email"}, "email", "Enter a valid email address."),
    ({"username": "R", "phone": "12"}, "phone", "at least three digits"),
    ({"username": "R", "phone": "call 123"}, "phone", "at least three digits"),
    ({"username": "R", "id": "é" * 1025}, "id", "at most 2048 bytes"),
]


def test_add_rejects_invalid_input(admin_client, contacts_table, raw_client):
    """Invalid input re-shows the form with the error on its field, and stores nothing."""
    for data, field, error in INVALID_INPUT:
        response = submit(admin_client, ADD_URL, {**data, "_save": "1"})

        assert response.status_code == 200, data
        errors = response.context["adminform"].form.errors
        assert list(errors) == [field], data
        assert error in " ".join(errors[field]), data
    assert stored_ids(raw_client) == set()


def test_add_accepts_usual_phone_spellings(admin_client, contacts_table, raw_client):
    """Phone numbers with +, spaces, dots, dashes and brackets are accepted as typed."""
    spellings = ["+1 (555) 123-4567", "555.123.4567", "123"]
    for number, phone in enumerate(spellings):
        response = submit(
            admin_client, ADD_URL,
            {"id": f"p{number}", "username": "P", "phone": phone, "_save": "1"},
        )
        assert response.status_code == 302, phone

    assert [stored(raw_client, f"p{n}")["phone"]["S"] for n in range(3)] == spellings


def test_add_never_overwrites_an_existing_id(admin_client, contacts_table, raw_client):
    """Adding an id that exists is an error on the id field; the stored item is unchanged."""
    put(raw_client, id={"S": "01"}, username={"S": "Raju"}, city={"S": "Pune"})
    before = stored(raw_client, "01")

    response = submit(admin_client, ADD_URL, {"id": "01", "username": "Impostor", "_save": "1"})

    assert response.status_code == 200
    assert response.context["adminform"].form.errors == {
        "id": ["A contact with id “01” already exists."]
    }
    assert stored(raw_client, "01") == before
    assert not LogEntry.objects.exists()


def test_add_too_large_an_item_is_a_form_error(admin_client, contacts_table, raw_client):
    """An item over DynamoDB's 400 KB is refused with a message on the form, not a crash."""
    response = submit(admin_client, ADD_URL, {"id": "big", "username": "x" * 410_000, "_save": "1"})

    assert response.status_code == 200
    assert response.context["adminform"].form.non_field_errors()
    assert stored_ids(raw_client) == set()


# --- Change --------------------------------------------------------------------------------


OTHER_ATTRIBUTES = {
    "tags": {"SS": ["b", "a"]},
    "address": {"M": {"city": {"S": "Pune"}}},
    "score": {"N": "12.50"},
    "photo": {"B": b"\x00\xff"},
    "nothing": {"NULL": True},
    "active": {"BOOL": True},
    "history": {"L": [{"S": "x"}, {"N": "1"}]},
}


def test_change_page_shows_fields_and_every_other_attribute(
    admin_client, contacts_table, raw_client
):
    """The change page fills the fields, shows the id as text and lists other attributes by type."""
    put(raw_client, id={"S": "01"}, username={"S": "Raju"}, age={"N": "30"}, **OTHER_ATTRIBUTES)

    response = admin_client.get(change_url("01"))

    assert response.status_code == 200
    content = response.content.decode()
    assert "Change contact" in content
    assert 'name="id"' not in content
    assert '<div class="readonly">01</div>' in content
    assert 'name="username"' in content and 'value="Raju"' in content
    assert 'name="age"' in content and 'value="30"' in content
    assert "Other attributes" in text(response)
    fields = form_fields(content, browser_newlines=False)
    rows = {
        fields[f"attributes-{index}-name"]: (
            fields[f"attributes-{index}-type"], fields[f"attributes-{index}-value"]
        )
        for index in range(int(fields["attributes-TOTAL_FORMS"]))
    }
    assert rows == {
        "tags": ("SS", "a\nb"),
        "address": ("M", '{\n  "city": "Pune"\n}'),  # plain JSON: no Set or Binary inside
        "score": ("N", rows["score"][1]),
        "photo": ("B", "AP8="),
        "nothing": ("NULL", ""),
        "active": ("BOOL", "true"),
        "history": ("L", '[\n  "x",\n  1\n]'),
        "": ("S", ""),  # the blank row for a new attribute
    }
    assert rows["score"][1] in ("12.5", "12.50")  # DynamoDB Local drops the zero, moto not
    assert fields["attributes-INITIAL_FORMS"] == "7"
    for label in ["String Set", "Map", "Number", "Binary", "Null", "Boolean", "List"]:
        assert f">{label}</option>" in content


def test_saving_changes_only_what_the_user_changed(admin_client, contacts_table, raw_client):
    """Saving writes only what the user edited (an unedited form, nothing); every other
    attribute stays byte-identical, and a posted id is ignored."""
    put(raw_client, id={"S": "01"}, username={"S": "Raju"}, age={"N": "30"},
        email={"S": "raju@example.com"}, **OTHER_ATTRIBUTES)
    before = stored(raw_client, "01")
    form = {"username": "Raju", "age": "30", "email": "raju@example.com", "phone": ""}

    unchanged = submit(admin_client, change_url("01"), {**form, "_save": "1"}, follow=True)
    assert unchanged.redirect_chain == [(LIST_URL, 302)]
    assert stored(raw_client, "01") == before

    response = submit(
        admin_client, change_url("01"),
        {**form, "username": "Raju K", "id": "99", "_save": "1"}, follow=True,
    )

    assert response.redirect_chain == [(LIST_URL, 302)]
    assert shown_messages(response) == ["The contact “Raju K” was changed successfully."]
    assert stored(raw_client, "01") == {**before, "username": {"S": "Raju K"}}
    assert stored_ids(raw_client) == {"01"}  # the posted id is ignored
    assert [entry.action_flag for entry in LogEntry.objects.all()] == [CHANGE, CHANGE]


def test_clearing_an_optional_field_removes_the_attribute(admin_client, contacts_table, raw_client):
    """A cleared optional field removes its attribute instead of storing a blank."""
    put(raw_client, id={"S": "01"}, username={"S": "Raju"}, age={"N": "30"},
        phone={"S": "555 0100"}, city={"S": "Pune"})

    response = submit(
        admin_client, change_url("01"), {"username": "Raju", "age": "", "phone": "", "_save": "1"}
    )

    assert response.status_code == 302
    assert stored(raw_client, "01") == {
        "id": {"S": "01"}, "username": {"S": "Raju"}, "city": {"S": "Pune"}
    }


def test_a_stored_value_the_field_cannot_edit_is_shown_read_only_and_kept(
    admin_client, contacts_table, raw_client
):
    """A declared field whose stored value doesn't fit is shown as text with a help line, and
    saving other fields leaves it as stored (here age "30" stored as a String)."""
    put(raw_client, id={"S": "01"}, username={"S": "Raju"}, age={"N": "30.5"},
        email={"S": "not an email"})
    put(raw_client, id={"S": "02"}, username={"S": "Asha"}, age={"S": "30"})

    response = admin_client.get(change_url("01"))
    saved = submit(
        admin_client, change_url("02"), {"username": "Asha K", "age": "31", "_save": "1"})

    assert response.status_code == 200
    content = response.content.decode()
    assert 'name="age"' not in content and 'name="email"' not in content
    assert '<div class="readonly">30.5</div>' in content
    assert '<div class="readonly">not an email</div>' in content
    page = text(response)
    assert "Stored as Number, which this field cannot edit; it is kept as it is." in page
    assert "Stored as String, which this field cannot edit; it is kept as it is." in page
    assert saved.status_code == 302
    assert stored(raw_client, "02") == {
        "id": {"S": "02"}, "username": {"S": "Asha K"}, "age": {"S": "30"}
    }


def test_a_read_only_value_that_does_not_validate_does_not_block_saving(
    admin_client, contacts_table, raw_client
):
    """An item with odd declared values can still be edited; the odd values are kept."""
    odd = {"age": {"N": "30.5"}, "email": {"S": "not an email"}}
    put(raw_client, id={"S": "01"}, username={"S": "Raju"}, **odd)

    response = submit(admin_client, change_url("01"), {"username": "Raju K", "_save": "1"})

    assert response.status_code == 302
    assert stored(raw_client, "01") == {"id": {"S": "01"}, "username": {"S": "Raju K"}, **odd}


def test_change_continue_and_add_another_buttons(admin_client, contacts_table, raw_client):
    """"Save and continue" stays on the change page; "Save and add another" goes to add/."""
    put(raw_client, id={"S": "01"}, username={"S": "Raju"})

    cont = submit(
        admin_client, change_url("01"), {"username": "Raju K", "_continue": "1"}, follow=True
    )
    another = submit(
        admin_client, change_url("01"), {"username": "Raju", "_addanother": "1"}, follow=True
    )

    assert cont.redirect_chain == [(change_url("01"), 302)]
    assert shown_messages(cont) == [
        "The contact “Raju K” was changed successfully. You may edit it again below."
    ]
    assert another.redirect_chain == [(ADD_URL, 302)]
    assert shown_messages(another) == [
        "The contact “Raju” was changed successfully. You may add another contact below."
    ]


def test_messages_name_the_contact_by_id_without_a_string_username(
    admin_client, contacts_table, raw_client
):
    """A contact whose username is not a string is named by its id in titles and messages."""
    put(raw_client, id={"S": "07"}, username={"N": "42"}, city={"S": "Pune"})

    page = admin_client.get(change_url("07"))
    response = submit(admin_client, change_url("07"), {"_save": "1"})

    assert page.status_code == 200
    assert "Stored as Number" in text(page)
    assert response.status_code == 302
    assert messages_of(response) == ["The contact “07” was changed successfully."]
    assert stored(raw_client, "07")["username"] == {"N": "42"}


def test_save_returns_to_the_list_as_it_was_filtered(admin_client, contacts_table, raw_client):
    """Opening a contact from a search and saving returns to that search."""
    put(raw_client, id={"S": "01"}, username={"S": "Raju"})
    listing = admin_client.get(LIST_URL, {"q": "Raj", "contains": "1"})
    href = re.search(r'<th class="field-id"><a href="([^"]*)">', listing.content.decode())
    url = html.unescape(href.group(1))

    response = submit(admin_client, url, {"username": "Raju K", "_save": "1"})

    assert url.startswith(change_url("01") + "?")
    assert response.status_code == 302
    assert response["Location"] == f"{LIST_URL}?q=Raj&contains=1"


@pytest.mark.auth_database
def test_history_lists_additions_and_changes(admin_client, contacts_table, raw_client):
    """The change page links its history, which lists the admin's additions and changes."""
    submit(admin_client, ADD_URL, {"id": "01", "username": "Raju", "_save": "1"})
    submit(admin_client, change_url("01"), {"username": "Raju K", "_save": "1"})

    change_page = admin_client.get(change_url("01"))
    response = admin_client.get(history_url("01"))

    assert f'href="{history_url("01")}"' in change_page.content.decode()
    assert response.status_code == 200
    page = text(response)
    assert "Added." in page
    assert "Changed username." in page


# --- Delete --------------------------------------------------------------------------------


def test_delete_asks_then_deletes(admin_client, contacts_table, raw_client):
    """GET asks "Are you sure"; POST deletes, logs, and returns to the list with a message."""
    put(raw_client, id={"S": "01"}, username={"S": "Raju"})

    confirmation = admin_client.get(delete_url("01"))
    assert confirmation.status_code == 200
    assert 'Are you sure you want to delete the contact "Raju"?' in text(confirmation)
    assert stored(raw_client, "01") is not None

    response = submit(admin_client, delete_url("01"), form_id="contact_delete_form")

    assert response.status_code == 302
    assert response["Location"] == LIST_URL
    assert messages_of(response) == ["The contact “Raju” was deleted successfully."]
    assert stored(raw_client, "01") is None
    assert LogEntry.objects.get().action_flag == DELETION


# --- Any id in a URL ---------------------------------------------------------------------


ODD_IDS = [
    pytest.param("a/b?c=1&d#e 100% _5F_2F", id="slash-query-hash-percent-underscore"),
    pytest.param(" Ünïcødé ✓ 名前 ", id="unicode-padded"),
    pytest.param("line\nbreak", id="newline"),
    pytest.param("1", id="one-char"),
    pytest.param("é" * 1024, id="1024-chars-2048-bytes"),
    # Browsers drop "." and ".." path segments: these are quoted as _2E.
    pytest.param(".", id="dot"),
    pytest.param("..", id="dot-dot"),
    pytest.param("_2E_2E", id="looks-like-quoted-dots"),
]


@pytest.mark.parametrize("contact_id", ODD_IDS)
@pytest.mark.auth_database
def test_any_id_round_trips_through_list_change_history_and_delete(
    admin_client, contacts_table, raw_client, contact_id
):
    """The list links the contact; its change (also via <id>/), history and delete pages work."""
    put(raw_client, id={"S": contact_id}, username={"S": "Odd"})

    listing = admin_client.get(LIST_URL)
    href = re.search(
        rf'<th class="field-id"><a href="([^"]*)">{re.escape(escape(contact_id))}</a>',
        listing.content.decode(),
    )
    url = html.unescape(href.group(1))
    change = admin_client.get(url)

    assert url == change_url(contact_id)
    assert change.status_code == 200
    assert f'<div class="readonly">{escape(contact_id)}</div>' in change.content.decode()
    assert escape(history_url(contact_id)) in change.content.decode()
    assert escape(delete_url(contact_id)) in change.content.decode()
    assert admin_client.get(f"{LIST_URL}{quote(contact_id)}/")["Location"] == url
    assert submit(admin_client, url, {"username": "Odder", "_save": "1"}).status_code == 302
    assert stored(raw_client, contact_id)["username"] == {"S": "Odder"}
    assert admin_client.get(history_url(contact_id)).status_code == 200
    assert admin_client.get(delete_url(contact_id)).status_code == 200
    deleted = submit(admin_client, delete_url(contact_id), form_id="contact_delete_form")
    assert deleted.status_code == 302
    assert stored(raw_client, contact_id) is None


@pytest.mark.auth_database
def test_a_nul_character_in_an_id_or_name_is_logged_as_a_symbol(admin_client, contacts_table,
                                                                raw_client):
    """DynamoDB strings may hold NUL, PostgreSQL's text may not: the save and the delete go
    through, and the admin's log and history show the NUL as ␀ (U+2400)."""
    put(raw_client, id={"S": "a\x00b"}, username={"S": "Nul\x00name"})

    saved = submit(admin_client, change_url("a\x00b"), {"age": "30", "_save": "1"})
    history = admin_client.get(history_url("a\x00b"))
    deleted = submit(admin_client, delete_url("a\x00b"), form_id="contact_delete_form")

    assert saved.status_code == 302
    assert history.status_code == 200
    assert "Added attribute “age”." in text(history)
    assert deleted.status_code == 302
    assert stored(raw_client, "a\x00b") is None
    logged = LogEntry.objects.order_by("action_time")
    assert [(e.object_id, e.object_repr) for e in logged] == [("a\u2400b", "Nul\u2400name")] * 2


def test_an_odd_id_typed_into_the_add_form_round_trips(admin_client, contacts_table, raw_client):
    """An id with URL-special characters typed into the add form opens, and is stored as typed."""
    contact_id = "a/b?c%d#e_f ü"

    response = submit(
        admin_client, ADD_URL, {"id": contact_id, "username": "Odd", "_continue": "1"})

    assert response.status_code == 302
    assert response["Location"] == change_url(contact_id)
    assert admin_client.get(response["Location"]).status_code == 200
    assert stored_ids(raw_client) == {contact_id}


def test_a_dot_dot_id_can_be_opened_from_the_list_by_a_browser(
    admin_client, contacts_table, raw_client
):
    """The list links of ids "." and "..", resolved as a browser resolves them, open them."""
    put(raw_client, id={"S": ".."}, username={"S": "Two dots"})
    put(raw_client, id={"S": "."}, username={"S": "One dot"})

    listing = admin_client.get(LIST_URL)
    hrefs = re.findall(r'<th class="field-id"><a href="([^"]*)">', listing.content.decode())
    assert len(hrefs) == 2
    for href in hrefs:
        as_browser_resolves = urljoin("http://testserver/", html.unescape(href))
        response = admin_client.get(as_browser_resolves.removeprefix("http://testserver"))
        assert response.status_code == 200
        assert "dot" in text(response)
    names = {html.unescape(strip_tags(name)) for name in re.findall(
        r'<div class="readonly">(.*?)</div>', admin_client.get(change_url("..")).content.decode()
    )}
    assert ".." in names


# --- Missing contacts and DynamoDB trouble ------------------------------------------------


def test_a_missing_contact_is_a_404_in_the_admin_look(admin_client, contacts_table, raw_client):
    """Change, delete and history of a missing id are 404 pages naming the id; so are saving
    and deleting a contact that someone deleted after the page was shown."""
    for url in [change_url("nope"), delete_url("nope"), history_url("nope")]:
        response = admin_client.get(url)
        assert response.status_code == 404, url
        assert "No contact with id “nope” exists." in text(response)
        assert BREADCRUMBS in response.content.decode()
    put(raw_client, id={"S": "gone"}, username={"S": "Gone"})
    change_form = form_fields(admin_client.get(change_url("gone")).content)
    delete_form = form_fields(admin_client.get(delete_url("gone")).content, "contact_delete_form")
    raw_client.delete_item(TableName=CONTACTS.name, Key={"id": {"S": "gone"}})

    edited_form = {**change_form, "username": "Changed"}
    for url, data in [(change_url("gone"), change_form), (change_url("gone"), edited_form),
                      (delete_url("gone"), delete_form)]:
        response = admin_client.post(url, data)
        assert response.status_code == 404, url
        assert "No contact with id “gone” exists." in text(response)
    assert stored(raw_client, "gone") is None  # the save did not bring it back


def test_a_post_without_the_forms_signed_copy_is_a_400(admin_client, contacts_table, raw_client):
    """Saving or deleting needs the signed copy of the contact the form was built from: without
    it, or with one forged or made for another contact, nothing is written and a 400 says why."""
    put(raw_client, id={"S": "01"}, username={"S": "Raju"})
    put(raw_client, id={"S": "02"}, username={"S": "Asha"})
    other_token = form_fields(admin_client.get(change_url("02")).content)["_original"]
    before = stored(raw_client, "01")
    for url in [change_url("01"), delete_url("01"), change_url("nope")]:
        for token in [None, "forged", other_token, other_token[:-3] + "abc"]:
            data = {"username": "Changed", "post": "yes", "_save": "1"}
            if token is not None:
                data["_original"] = token
            response = admin_client.post(url, data)
            assert response.status_code == 400, (url, token)
            assert "This form is out of date or incomplete" in text(response)
    assert stored(raw_client, "01") == before


def test_unreachable_dynamodb_is_a_503_naming_the_endpoint(
    admin_client, unreachable_store, settings
):
    """With DynamoDB unreachable, the list and a change page are 503 pages naming the endpoint."""
    for url in (LIST_URL, change_url("01")):
        response = admin_client.get(url)
        assert response.status_code == 503, url
        assert BREADCRUMBS in response.content.decode()
        assert settings.DYNAMODB["ENDPOINT_URL"] in text(response)
        assert "botocore" not in text(response)


def test_missing_table_is_a_503_saying_how_to_create_it(admin_client, store):
    """Without the table, the list is a 503 page saying to run create_table."""
    response = admin_client.get(LIST_URL)

    assert response.status_code == 503
    assert BREADCRUMBS in response.content.decode()
    assert "run `python manage.py create_table`" in text(response)


# --- Escaping ------------------------------------------------------------------------------


HOSTILE_ID = "<img src=x onerror=alert(2)>"
HOSTILE_USERNAME = "<script>alert(1)</script>"
HOSTILE_NAME = "<b onmouseover=alert(3)>"
HOSTILE_VALUE = "<script>alert(4)</script>"


def assert_escaped(response):
    content = response.content.decode()
    for raw in ("<script>alert(", "<img src=x", "<b onmouseover"):
        assert raw not in content, (response.request["PATH_INFO"], raw)


@pytest.fixture
def hostile(raw_client):
    """A contact whose id, username, attribute name and value are all HTML with script."""
    put(raw_client, id={"S": HOSTILE_ID}, username={"S": HOSTILE_USERNAME},
        **{HOSTILE_NAME: {"S": HOSTILE_VALUE}})


def test_html_is_escaped_on_every_page(admin_client, contacts_table, hostile):
    """HTML in ids, usernames, attribute names and values is shown as text on every page,
    the 404 page included."""
    pages = [
        admin_client.get(LIST_URL),
        admin_client.get(change_url(HOSTILE_ID)),
        admin_client.get(history_url(HOSTILE_ID)),
        admin_client.get(delete_url(HOSTILE_ID)),
        admin_client.post(LIST_URL, action([HOSTILE_ID])),
    ]
    missing = admin_client.get(change_url(HOSTILE_ID + "!"))

    for response in pages:
        assert response.status_code == 200
        assert_escaped(response)
    assert missing.status_code == 404
    assert_escaped(missing)
    assert escape(HOSTILE_USERNAME) in pages[0].content.decode()
    assert escape(HOSTILE_ID) in pages[1].content.decode()
    assert escape(HOSTILE_NAME) in pages[1].content.decode()
    assert escape(HOSTILE_VALUE) in pages[1].content.decode()


def test_html_is_escaped_in_messages(admin_client, contacts_table, raw_client):
    """The added, changed and deleted messages show a hostile username as text."""
    added = submit(
        admin_client, ADD_URL,
        {"id": HOSTILE_ID, "username": HOSTILE_USERNAME, "_save": "1"}, follow=True,
    )
    changed = submit(
        admin_client, change_url(HOSTILE_ID),
        {"username": HOSTILE_USERNAME + "!", "_save": "1"}, follow=True,
    )
    deleted = submit(
        admin_client, delete_url(HOSTILE_ID), form_id="contact_delete_form", follow=True)

    for response in (added, changed, deleted):
        assert response.status_code == 200
        assert_escaped(response)
        assert escape(HOSTILE_USERNAME) in response.content.decode()
    name = HOSTILE_USERNAME
    assert shown_messages(added) == [f"The contact “{name}” was added successfully."]
    assert shown_messages(changed) == [f"The contact “{name}!” was changed successfully."]
    assert shown_messages(deleted) == [f"The contact “{name}!” was deleted successfully."]


@pytest.mark.parametrize("contact_id", [*ODD_IDS, "ü ö/?#%_:;@&=+$,!~*'()[]"])
def test_list_links_are_the_change_urls_reverse_gives(admin_client, contacts_table, raw_client,
                                                       contact_id):
    """Each row links to the change URL reverse() gives, keeping the list's filters."""
    put(raw_client, id={"S": contact_id}, username={"S": "x"})

    response = admin_client.get(LIST_URL, {"q": "x", "contains": "1"})

    expected = change_url(contact_id) + "?_changelist_filters=q%3Dx%26contains%3D1"
    assert re.findall(r'<th class="field-id"><a href="([^"]*)"', response.content.decode()) == [
        escape(expected)]
