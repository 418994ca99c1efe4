"""Finding items at any table size: index search, index sort, the query bar and typed filters.

Contacts carry two attributes the app derives from `username` (its
case-folded copy and a "listed" marker) and a GSI on them: the search box
finds a username's start in any case with one Query, and the username column
sorts through the same index. Every other table gets the query bar (a Query
of the table or any GSI or LSI) and filters (a FilterExpression).
"""

import html
import re
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from contacts.models import CONTACTS, contacts
from dynamodb_tables.exceptions import InvalidRequest
from dynamodb_tables.store import REMOVE
from dynamodb_tables.store.reads import Filter, Read, request_params

from .helpers import LIST_URL, put, stored
from .orders import ORDERS_REQUEST, orders_name, raw_order

NAMES = ["Priya", "priya k", "PRIYANKA", "Pri", "xpriya", "Sam", "sam2", "Éloïse", "eloise"]


def listed_ids(response):
    page = response.content.decode()
    return [html.unescape(found) for found in re.findall(
        r'<th class="field-id"><a href="[^"]*">([^<]*)</a>', page)]


def listed_names(response):
    return [html.unescape(found) for found in re.findall(
        r'<td class="field-username">([^<]*)</td>', response.content.decode())]


def operations(response):
    return response["X-DynamoDB-Operations"].split(",")


def next_url(response, base=LIST_URL):
    found = re.search(r'<a href="([^"]*)" class="dynamo-next">', response.content.decode())
    return base + html.unescape(found.group(1)) if found else None


@pytest.fixture
def named(contacts_table):
    """Contacts saved through the app, one per name, ids n0, n1, ..."""
    for number, name in enumerate(NAMES):
        contacts.create({"id": f"n{number}", "username": name})
    return contacts_table


# --- Derived attributes -------------------------------------------------------------


def test_a_save_writes_the_derived_attributes_in_the_same_request(contacts_table, raw_client):
    contacts.create({"id": "a", "username": "Priya Patel"})
    item = stored(raw_client, whole=True, contact_id="a")
    assert item["username_folded"] == {"S": "priya patel"}
    assert item["username_listed"] == {"S": "1"}

    contacts.update("a", {"username": "ZOE"})
    assert stored(raw_client, whole=True, contact_id="a")["username_folded"] == {"S": "zoe"}

    contacts.update("a", {"username": REMOVE})
    item = stored(raw_client, whole=True, contact_id="a")
    assert "username_folded" not in item and "username_listed" not in item


def test_derived_attributes_cannot_be_set_by_hand(contacts_table, raw_client):
    contacts.create({"id": "a", "username": "Priya", "username_folded": "someone else"})
    assert stored(raw_client, whole=True, contact_id="a")["username_folded"] == {"S": "priya"}

    before = contacts.get("a")
    contacts.update("a", {"age": Decimal(3), "username_folded": "x"}, expected=before)
    assert stored(raw_client, whole=True, contact_id="a")["username_folded"] == {"S": "priya"}


def test_a_save_of_an_item_written_elsewhere_mends_its_derived_attributes(contacts_table,
                                                                          raw_client):
    put(raw_client, id={"S": "cli"}, username={"S": "Priya"})
    before = contacts.get("cli")
    contacts.update("cli", {"age": Decimal(30)}, expected=before)
    assert stored(raw_client, whole=True, contact_id="cli")["username_folded"] == {"S": "priya"}


def test_a_name_too_long_for_an_index_key_is_saved_but_not_indexed(contacts_table, raw_client):
    contacts.create({"id": "long", "username": "p" * 1100})
    item = stored(raw_client, whole=True, contact_id="long")
    assert item["username"] == {"S": "p" * 1100}
    assert "username_folded" not in item and "username_listed" not in item


# --- Name search ----------------------------------------------------------------------


def test_search_finds_a_name_start_in_any_case_with_one_query(admin_client, named):
    admin_client.get(LIST_URL)  # DescribeTable, cached for later pages
    for term in ("priya", "PRIYA", "Priya"):
        response = admin_client.get(LIST_URL, {"q": term})
        assert response.status_code == 200
        assert sorted(listed_names(response)) == sorted(["Priya", "priya k", "PRIYANKA"])
        assert "query" in operations(response)
        assert "scan" not in operations(response)
        assert len(operations(response)) <= 2

    accented = admin_client.get(LIST_URL, {"q": "éLO"})
    assert listed_names(accented) == ["Éloïse"]


def test_search_lists_the_contact_whose_id_it_is_first(admin_client, named):
    response = admin_client.get(LIST_URL, {"q": "n5"})
    assert listed_ids(response) == ["n5"]
    assert "get_item" in operations(response)

    both = admin_client.get(LIST_URL, {"q": "n0"})  # no username starts with "n0"
    assert listed_ids(both) == ["n0"]


def test_search_offers_the_slow_contains_scan_labelled_as_such(admin_client, named):
    page = admin_client.get(LIST_URL, {"q": "riya"}).content.decode()
    assert listed_names(admin_client.get(LIST_URL, {"q": "riya"})) == []
    assert "dynamo-slow-search" in page and "slow" in page

    slow = admin_client.get(LIST_URL, {"q": "riya", "contains": "1"})
    assert sorted(listed_names(slow)) == ["Priya", "priya k", "xpriya"]
    assert "scan" in operations(slow)
    assert "slow fallback" in slow.content.decode()


def test_contacts_written_by_another_tool_are_found_after_reindex(admin_client, contacts_table,
                                                                 raw_client, capsys):
    put(raw_client, id={"S": "cli1"}, username={"S": "Priya CLI"})
    put(raw_client, id={"S": "cli2"}, username={"S": "priyanka cli"})
    put(raw_client, id={"S": "cli3"}, age={"N": "3"})
    assert listed_ids(admin_client.get(LIST_URL, {"q": "priya"})) == []

    call_command("reindex_contacts")
    out = capsys.readouterr().out
    assert "2 mended" in out and "1 already correct" in out
    assert sorted(listed_ids(admin_client.get(LIST_URL, {"q": "priya"}))) == ["cli1", "cli2"]

    call_command("reindex_contacts")
    assert "0 mended, 3 already correct" in capsys.readouterr().out


def test_reindex_never_overwrites_an_edit_made_during_the_run(contacts_table, raw_client,
                                                             monkeypatch):
    from dynamodb_tables.store import reindex

    put(raw_client, id={"S": "cli"}, username={"S": "Old"})
    real_mend = reindex._mend

    def edited_meanwhile(table, item):
        put(raw_client, id={"S": "cli"}, username={"S": "New"})
        return real_mend(table, item)

    monkeypatch.setattr(reindex, "_mend", edited_meanwhile)
    summary = reindex.reindex(CONTACTS, reindex.Summary())
    assert (summary.mended, summary.skipped) == (0, 1)
    assert stored(raw_client, whole=True, contact_id="cli") == {
        "id": {"S": "cli"}, "username": {"S": "New"}}


def test_reindex_resumes_from_its_cursor(contacts_table, raw_client, monkeypatch):
    from dynamodb_tables.store import reindex

    for number in range(5):
        put(raw_client, id={"S": f"c{number}"}, username={"S": f"Name {number}"})
    monkeypatch.setattr(reindex, "PAGE_ITEMS", 2)
    calls = []
    real_call = reindex.backend.call

    def stop_after_two_pages(operation, **params):
        if operation == "scan":
            calls.append(params)
            if len(calls) == 2:
                raise KeyboardInterrupt
        return real_call(operation, **params)

    monkeypatch.setattr(reindex.backend, "call", stop_after_two_pages)
    summary = reindex.Summary()
    with pytest.raises(KeyboardInterrupt):
        reindex.reindex(CONTACTS, summary)
    assert summary.read == 2 and summary.resume
    monkeypatch.setattr(reindex.backend, "call", real_call)

    rest = reindex.reindex(CONTACTS, reindex.Summary(), resume=summary.resume)
    assert rest.read == 3 and rest.mended == 3


def test_reindex_refuses_a_cursor_it_did_not_print(contacts_table, raw_client):
    put(raw_client, id={"S": "cli"}, username={"S": "Priya"})
    with pytest.raises(CommandError, match="--resume: that cursor is not one"):
        call_command("reindex_contacts", "--resume", "garbage")
    assert stored(raw_client, whole=True, contact_id="cli") == {
        "id": {"S": "cli"}, "username": {"S": "Priya"}}


def test_reindex_says_how_to_resume_when_dynamodb_fails(contacts_table, monkeypatch, capsys):
    from dynamodb_tables.exceptions import StoreUnavailable
    from dynamodb_tables.store import reindex

    def fail(table, summary, resume=None, progress=None):
        summary.read, summary.resume = 1000, "CURSOR"
        raise StoreUnavailable("DynamoDB is unreachable.")

    monkeypatch.setattr(reindex, "reindex", fail)
    with pytest.raises(CommandError, match="unreachable"):
        call_command("reindex_contacts")
    assert "--resume CURSOR" in capsys.readouterr().err


def test_without_the_index_search_falls_back_and_says_how_to_add_it(admin_client, store,
                                                                    raw_client):
    raw_client.create_table(
        TableName=CONTACTS.name, BillingMode="PAY_PER_REQUEST",
        AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
        KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}])
    put(raw_client, id={"S": "a"}, username={"S": "Priya"})

    response = admin_client.get(LIST_URL, {"q": "Priya"})
    assert response.status_code == 200
    assert listed_ids(response) == ["a"]
    assert "update_table --add-indexes" in response.content.decode()
    assert "sortable column-username" not in response.content.decode()


# --- Sorting ---------------------------------------------------------------------------


def test_the_username_column_sorts_both_ways_across_pages(admin_client, contacts_table):
    names = [f"{'Aa' if n % 2 else 'aA'}{n:02d}{chr(97 + n % 26)}" for n in range(57)]
    for number, name in enumerate(names):
        contacts.create({"id": f"s{number:02d}", "username": name})
    contacts.create({"id": "nameless"})
    expected = sorted(names, key=str.casefold)

    for order, wanted in (("username", expected), ("-username", expected[::-1])):
        url, seen = f"{LIST_URL}?o={order}", []
        while url:
            response = admin_client.get(url)
            assert "scan" not in operations(response)
            seen += listed_names(response)
            url = next_url(response)
        assert seen == wanted

    page = admin_client.get(LIST_URL, {"o": "username"}).content.decode()
    assert 'class="sortable column-username sorted ascending"' in page
    assert 'title="Not sortable: no index of this table orders it by age."' in page


def test_a_query_from_the_bar_offers_no_column_sort(admin_client, named):
    """The bar's Query has its own order (its sort key, ascending or not): no header sorts it."""
    response = admin_client.get(LIST_URL, {"pk": "n3"})
    assert listed_ids(response) == ["n3"]
    assert "sortable column-username" not in response.content.decode()


def test_sorting_by_an_unindexed_column_is_a_clear_400(admin_client, named):
    response = admin_client.get(LIST_URL, {"o": "age"})
    assert response.status_code == 400
    assert "no index" in response.content.decode()


# --- The query bar and filters on a composite-key table ---------------------------------


@pytest.fixture
def orders(store, raw_client):
    name = orders_name()
    raw_client.create_table(TableName=name, **ORDERS_REQUEST)
    for number in range(30):
        extra = {"address": {"M": {"city": {"S": "Paris" if number % 5 == 0 else "Lyon"}}},
                 "tags": {"L": [{"S": f"t{number % 4}"}]}}
        raw_client.put_item(TableName=name, Item=raw_order(number, **extra))
    return name


def orders_page(client, name, **params):
    return client.get(f"/admin/tables/{name}/", params)


def listed_orders(response):
    return [html.unescape(found) for found in re.findall(
        r'<td class="field-order">([^<]*)</td>', response.content.decode())]


def test_the_query_bar_queries_the_table_with_a_sort_condition(admin_client, orders):
    response = orders_page(admin_client, orders, pk="customer-1", sk_op="between",
                           sk="4", sk2="13", desc="on", consistent="on")
    assert response.status_code == 200
    assert listed_orders(response) == ["13", "10", "7", "4"]
    assert "query" in operations(response) and "scan" not in operations(response)
    page = response.content.decode()
    assert "aws dynamodb query" in page and "--consistent-read" in page
    assert "client.query(" in page and "ScanIndexForward" in page


def test_the_query_bar_queries_a_gsi_and_an_lsi(admin_client, orders):
    gsi = orders_page(admin_client, orders, index="by-status", pk="open")
    assert len(listed_orders(gsi)) == 25 and "IndexName" in gsi.content.decode()

    lsi = orders_page(admin_client, orders, index="by-total", pk="customer-2", sk_op=">=",
                      sk="20", consistent="on")
    assert listed_orders(lsi) == ["20", "23", "26", "29"]


def test_the_query_bar_keeps_its_query_in_every_link(admin_client, orders):
    first = orders_page(admin_client, orders, index="by-status", pk="open")
    following = next_url(first, f"/admin/tables/{orders}/")
    assert "index=by-status" in following and "pk=open" in following
    second = admin_client.get(following)
    assert len(listed_orders(second)) == 5
    assert not set(listed_orders(second)) & set(listed_orders(first))


@pytest.mark.parametrize("params, message", [
    ({"index": "by-status", "pk": "open", "sk_op": "=", "sk": "x"}, "has no sort key"),
    ({"pk": "customer-1", "sk_op": "=", "sk": "seven"}, "not a number"),
    ({"pk": "customer-1", "sk_op": "between", "sk": "9", "sk2": "2"}, "low value first"),
    ({"index": "by-status", "pk": "open", "consistent": "on"}, "eventually consistent"),
    ({"index": "no-such-index", "pk": "x"}, "Select a valid choice"),
    ({"sk_op": "=", "sk": "1"}, "Give the partition key value"),
    ({"f0-path": "address..city", "f0-op": "=", "f0-type": "S", "f0-value": "x"},
     "not an attribute path"),
    ({"f0-path": "total", "f0-op": "between", "f0-type": "N", "f0-value": "9",
      "f0-value2": "1"}, "the low one first"),
    ({"f0-path": "total", "f0-op": "=", "f0-type": "N", "f0-value": "many"}, "not a number"),
])
def test_bad_query_input_is_an_error_on_the_bar_and_reads_nothing(admin_client, orders,
                                                                  params, message):
    response = orders_page(admin_client, orders, **params)
    assert response.status_code == 200
    page = html.unescape(response.content.decode())
    assert message in page
    assert "errornote" in page or "errorlist" in page
    assert "scan" not in operations(response) and "query" not in operations(response)


def test_typed_filters_on_nested_paths_combine_with_and(admin_client, orders):
    response = orders_page(
        admin_client, orders,
        **{"f0-path": "address.city", "f0-op": "=", "f0-type": "S", "f0-value": "Paris",
           "f1-path": "total", "f1-op": ">", "f1-type": "N", "f1-value": "10.5"})
    assert sorted(listed_orders(response), key=int) == ["15", "20", "25"]
    page = response.content.decode()
    assert "read 30 items, 3 matched" in page
    assert "read units" in page

    tags = orders_page(admin_client, orders, **{"f0-path": "tags[0]", "f0-op": "begins_with",
                                                "f0-type": "S", "f0-value": "t3"})
    assert sorted(listed_orders(tags), key=int) == ["3", "7", "11", "15", "19", "23", "27"]

    missing = orders_page(admin_client, orders, **{"f0-path": "address.zip",
                                                   "f0-op": "not_exists"})
    assert len(listed_orders(missing)) == 25

    typed = orders_page(admin_client, orders, **{"f0-path": "tags", "f0-op": "type",
                                                 "f0-type": "L"})
    assert len(listed_orders(typed)) == 25

    sized = orders_page(admin_client, orders, **{"f0-path": "tags", "f0-op": "size>",
                                                 "f0-type": "S", "f0-value": "1"})
    assert listed_orders(sized) == []


def test_filters_also_narrow_a_query(admin_client, orders):
    response = orders_page(admin_client, orders, pk="customer-0",
                           **{"f0-path": "address.city", "f0-op": "<>", "f0-type": "S",
                              "f0-value": "Lyon"})
    assert sorted(listed_orders(response), key=int) == ["0", "15"]


def test_filters_narrow_a_username_sorted_contact_list(admin_client, named):
    contacts.update("n0", {"age": Decimal(40)})
    response = admin_client.get(LIST_URL, {"o": "username", "f0-path": "age", "f0-op": ">=",
                                           "f0-type": "N", "f0-value": "18"})
    assert listed_names(response) == ["Priya"]
    assert "scan" not in operations(response)


# --- The read, checked before any request ------------------------------------------------


def test_every_name_of_a_filter_is_aliased():
    params = request_params(CONTACTS, Read(filters=(
        Filter("data.status[2].name", "=", ("x",)), Filter("ttl", "exists"))))
    assert params["FilterExpression"] == "(#n0.#n1[2].#n2 = :v0) AND (attribute_exists(#n3))"
    assert params["ExpressionAttributeNames"] == {
        "#n0": "data", "#n1": "status", "#n2": "name", "#n3": "ttl"}


@pytest.mark.parametrize("read", [
    Read(partition="x", sort_operator="=", sort_values=("y",)),
    Read(partition=Decimal(1)),
    Read(partition=""),
    Read(sort_operator="=", sort_values=("y",)),
    Read(index="nope", partition="x"),
    Read(filters=(Filter("a", "between", ("b", "a")),)),
    Read(filters=(Filter("a[x]", "exists"),)),
])
def test_impossible_reads_are_refused_before_any_request(read):
    with pytest.raises(InvalidRequest):
        request_params(CONTACTS, read)


# --- Time to live in the list ------------------------------------------------------------


def test_the_time_to_live_reads_as_a_date_and_expired_items_can_be_hidden(
        admin_client, contacts_table, raw_client):
    import time

    raw_client.update_time_to_live(TableName=CONTACTS.name, TimeToLiveSpecification={
        "Enabled": True, "AttributeName": "expires"})
    now = int(time.time())
    contacts.create({"id": "past", "username": "Old", "expires": Decimal(now - 3600)})
    contacts.create({"id": "soon", "username": "New", "expires": Decimal(now + 3 * 86400 + 60)})
    contacts.create({"id": "never", "username": "Kept", "expires": "not a number"})
    contacts.create({"id": "none", "username": "Plain"})

    page = admin_client.get(LIST_URL).content.decode()
    assert 'class="column-expires"' in page
    assert "expired, pending deletion" in page and "expires in 3 days" in page

    hidden = admin_client.get(LIST_URL, {"unexpired": "1"})
    assert sorted(listed_ids(hidden)) == ["never", "none", "soon"]
    assert "are hidden" in hidden.content.decode()
    sorted_hidden = admin_client.get(LIST_URL, {"unexpired": "1", "o": "-username"})
    assert listed_names(sorted_hidden) == ["Plain", "New", "Kept"]


# --- Derived attributes in the editor ------------------------------------------------------


def test_the_editor_shows_derived_attributes_as_maintained_and_never_edits_them(
        admin_client, contacts_table, raw_client):
    from .helpers import change_url
    from .support.formdata import form_fields, submit

    contacts.create({"id": "a", "username": "Priya"})
    page = admin_client.get(change_url("a")).content.decode()
    assert page.count("Maintained by the app") == 2
    fields = form_fields(page)
    rows = {fields[f"attributes-{n}-name"] for n in range(int(fields["attributes-TOTAL_FORMS"]))
            if f"attributes-{n}-name" in fields}
    assert "username_folded" not in rows  # locked rows post nothing

    added = submit(admin_client, change_url("a"), {
        "attributes-2-name": "username_folded", "attributes-2-type": "S",
        "attributes-2-value": "hacked", "_save": "1"})
    assert added.status_code == 200
    assert "is maintained by the app" in html.unescape(added.content.decode())
    assert stored(raw_client, whole=True, contact_id="a")["username_folded"] == {"S": "priya"}

    renamed = submit(admin_client, change_url("a"), {"username": "Zoë", "_save": "1"})
    assert renamed.status_code == 302
    assert stored(raw_client, whole=True, contact_id="a")["username_folded"] == {"S": "zoë"}
