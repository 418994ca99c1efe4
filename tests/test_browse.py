"""Every other table, for superusers, at /admin/tables/: the proof that the layer is generic.

`Orders` is created outside the app (as the AWS CLI would: `customer` String
+ `order` Number) and its items are written by boto3; through
/admin/tables/<name>/ a superuser lists, opens, saves, edits, deletes and
exports them, with the same conflict safety as contacts.
"""

import csv
import html
import io
import re

import pytest
from django.contrib.admin.models import CHANGE, LogEntry

from contacts.models import CONTACTS
from dynamodb_tables.store import export

from .orders import created_by_another_tool, raw_order, stored_order
from .support.formdata import form_fields, row_index, submit

FORM = "tableitem_form"
DELETE_FORM = "tableitem_delete_form"


@pytest.fixture
def orders(store, raw_client):
    """A table created and filled by another tool: 60 orders of 3 customers."""
    yield from created_by_another_tool(raw_client, store, 60)



def item_url(name, customer, order, view="change"):
    # The object id is each key part quoted the admin's way, joined by ","; the URL
    # quotes that as the admin quotes any object id ("," becomes "_2C").
    return f"/admin/tables/{name}/{customer}_2C{order}/{view}/"


def row_links(response):
    return [html.unescape(link) for link in re.findall(
        r'<th class="field-customer"><a href="([^"]*)"', response.content.decode())]


def next_link(response, name):
    found = re.search(r'<a href="([^"]*)" class="dynamo-next">', response.content.decode())
    return f"/admin/tables/{name}/" + html.unescape(found.group(1)) if found else None


@pytest.fixture
def staff_client(db, client, django_user_model):
    """Staff with every permission there is, but not a superuser."""
    from django.contrib.auth.models import Permission

    user = django_user_model.objects.create_user("staff", is_staff=True)
    user.user_permissions.set(Permission.objects.all())
    client.force_login(user)
    return client


def test_the_tables_page_lists_every_table(admin_client, contacts_table, orders):
    """The contacts table opens at its own admin; any other at /admin/tables/<name>/."""
    response = admin_client.get("/admin/tables/")

    assert response.status_code == 200
    page = response.content.decode()
    assert f'href="/admin/contacts/contact/">{CONTACTS.name}</a>' in page
    assert f'href="/admin/tables/{orders}/">{orders}</a>' in page
    index = admin_client.get("/admin/").content.decode()
    assert 'href="/admin/tables/"' in index


def test_every_item_is_listed_once_across_pages_and_each_opens(admin_client, orders):
    url, links = f"/admin/tables/{orders}/", []
    while url:
        response = admin_client.get(url)
        assert response.status_code == 200
        links.extend(row_links(response))
        url = next_link(response, orders)
        assert len(links) <= 60

    assert len(links) == 60
    paths = {link.split("?")[0] for link in links}
    assert len(paths) == 60
    assert item_url(orders, "customer-1", 7) in paths
    for link in sorted(paths)[:3]:
        assert admin_client.get(link).status_code == 200


def test_the_list_shows_the_key_columns_the_admin_way(admin_client, orders):
    page = admin_client.get(f"/admin/tables/{orders}/").content.decode()
    for column in ("customer", "order", "others"):
        assert f'class="column-{column}"' in page
    assert '<td class="field-order">' in page
    assert 'name="_selected_action" value="customer-1,7"' in page


def test_saving_unchanged_leaves_the_item_identical_type_for_type(admin_client, orders,
                                                                  raw_client):
    before = stored_order(raw_client, orders, "customer-1", 7)

    response = submit(admin_client, item_url(orders, "customer-1", 7), {"_save": "1"},
                      form_id=FORM)

    assert response.status_code == 302
    assert response["Location"] == f"/admin/tables/{orders}/"
    assert stored_order(raw_client, orders, "customer-1", 7) == before


@pytest.mark.auth_database
def test_editing_an_attribute_changes_only_it(admin_client, orders, raw_client):
    url = item_url(orders, "customer-1", 7)
    data = form_fields(admin_client.get(url).content, FORM)
    data[f"attributes-{row_index(data, 'status')}-value"] = "shipped"

    response = admin_client.post(url, {**data, "_save": "1"})

    assert response.status_code == 302
    assert stored_order(raw_client, orders, "customer-1", 7) == raw_order(
        7, status={"S": "shipped"})
    entry = LogEntry.objects.get(action_flag=CHANGE)
    assert entry.object_id == f"{orders}/customer-1,7"
    history = admin_client.get(item_url(orders, "customer-1", 7, "history")).content.decode()
    assert "Changed status." in history


def test_a_stale_save_is_refused_with_409(admin_client, orders, raw_client):
    url = item_url(orders, "customer-1", 7)
    data = form_fields(admin_client.get(url).content, FORM)
    raw_client.put_item(TableName=orders, Item=raw_order(7, status={"S": "cancelled"}))
    data[f"attributes-{row_index(data, 'status')}-value"] = "shipped"

    response = admin_client.post(url, {**data, "_save": "1"})

    assert response.status_code == 409
    assert "was changed by someone else after you opened it" in response.content.decode()
    assert stored_order(raw_client, orders, "customer-1", 7)["status"] == {"S": "cancelled"}


def test_adding_and_deleting_by_the_whole_key(admin_client, orders, raw_client):
    add = f"/admin/tables/{orders}/add/"
    data = form_fields(admin_client.get(add).content, FORM)
    data.update(customer="new, customer", order="2")

    added = admin_client.post(add, {**data, "_save": "1"})

    assert added.status_code == 302
    assert stored_order(raw_client, orders, "new, customer", 2) == {
        "customer": {"S": "new, customer"}, "order": {"N": "2"}}
    # "new, customer" quoted in the object id, and again in the URL.
    deleted = submit(admin_client, item_url(orders, "new_5F2C customer", 2, "delete"),
                     form_id=DELETE_FORM)
    assert deleted.status_code == 302
    assert stored_order(raw_client, orders, "new, customer", 2) is None


def test_a_key_of_the_wrong_type_is_a_form_error(admin_client, orders, raw_client):
    add = f"/admin/tables/{orders}/add/"
    data = form_fields(admin_client.get(add).content, FORM)
    data.update(customer="x", order="one")

    response = admin_client.post(add, {**data, "_save": "1"})

    assert response.status_code == 200
    assert "“one” is not a number" in html.unescape(response.content.decode())
    assert stored_order(raw_client, orders, "x", 1) is None


def test_export_streams_every_item_with_the_key_columns_first(admin_client, orders):
    response = admin_client.get(f"/admin/tables/{orders}/export/")

    body = b"".join(response.streaming_content).decode()
    rows = list(csv.reader(io.StringIO(body.removeprefix(export.CSV_BOM))))
    assert rows[0] == ["customer", "order", "other_attributes"]
    assert len(rows) == 61


def test_bulk_delete_takes_whole_keys(admin_client, orders, raw_client):
    selected = ["customer-1,7", "customer-2,8", "customer-0,999"]
    response = admin_client.post(f"/admin/tables/{orders}/", {
        "action": "delete_selected", "_selected_action": selected, "index": "0", "post": "yes"})

    assert response.status_code == 302
    assert stored_order(raw_client, orders, "customer-1", 7) is None
    assert stored_order(raw_client, orders, "customer-2", 8) is None
    assert stored_order(raw_client, orders, "customer-0", 0) is not None


def test_the_table_page_shows_the_key_and_the_indexes(admin_client, orders):
    page = html.unescape(admin_client.get(f"/admin/tables/{orders}/table/").content.decode())
    assert "customer (String), partition key; order (Number), sort key" in page
    assert re.search(r'<th scope="row">by-status</th>\s*<td>GSI</td>', page)
    assert re.search(r'<th scope="row">by-total</th>\s*<td>LSI</td>', page)


@pytest.mark.auth_database
def test_recent_actions_link_to_a_browsed_item(admin_client, orders):
    """The admin's log links a browsed item's entry to its change page, through the table."""
    submit(admin_client, item_url(orders, "customer-1", 7), {"_save": "1"}, form_id=FORM)
    entry = LogEntry.objects.get(action_flag=CHANGE)

    response = admin_client.get(entry.get_admin_url())

    assert response.status_code == 302
    assert response["Location"] == item_url(orders, "customer-1", 7)
    assert f'href="{entry.get_admin_url()}"' in admin_client.get("/admin/").content.decode()


def test_staff_who_are_not_superusers_get_403(staff_client, orders):
    for url in ("/admin/tables/", f"/admin/tables/{orders}/",
                item_url(orders, "customer-1", 7), f"/admin/tables/{orders}/export/",
                f"/admin/tables/{orders}/add/", item_url(orders, "customer-1", 7, "delete")):
        assert staff_client.get(url).status_code == 403, url
    assert 'href="/admin/tables/"' not in staff_client.get("/admin/").content.decode()


def test_a_missing_table_or_a_malformed_key_is_a_clear_4xx(admin_client, store):
    missing = admin_client.get("/admin/tables/NoSuchTable/")
    assert missing.status_code == 404
    assert 'Table "NoSuchTable" does not exist' in html.unescape(missing.content.decode())


def test_a_malformed_object_id_is_a_400(admin_client, orders):
    response = admin_client.get(f"/admin/tables/{orders}/only-a-customer/change/")
    assert response.status_code == 400
    assert "needs customer and order" in html.unescape(response.content.decode())
