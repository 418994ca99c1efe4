"""Bad input never yields a server error: every contacts form and URL, fuzzed with hypothesis.

Ids of any text and length in URLs, add and change forms with huge or
malformed fields and attribute rows, forged hidden state (the signed item,
the rows' management form), malformed cursors and page sizes, made-up list
actions and selections. Every answer must be a 2xx, 3xx or 4xx; a 4xx page
and a refused form must say what is wrong in words, never a traceback; and a
refused write must leave the table as it was. On moto, for speed; the test
client re-raises a view's exception, so a 500 fails with its traceback.
"""

import base64
import html
import re
import urllib.parse
import uuid

import pytest
from django.contrib.admin.utils import quote
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from moto import mock_aws

from contacts.models import CONTACTS, contacts
from dynamodb_tables import backend
from dynamodb_tables.store import operations
from dynamodb_tables.values.types import TYPES

from .helpers import point_store_at, without_derived
from .strategies import other_attributes
from .support.formdata import form_fields

LIST_URL = "/admin/contacts/contact/"
ADD_URL = LIST_URL + "add/"
TABLE_URL = LIST_URL + "table/"
EXPORT_URL = LIST_URL + "export/"
# Bounded: the whole file runs in about a minute on two cores.
FUZZ = settings(
    max_examples=50,
    deadline=None,
    suppress_health_check=[
        # One table per test, shared by its examples: each example checks its own effect.
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
    ],
)


@pytest.fixture
def table(settings):
    """An empty moto table; yields the low-level client, to see exactly what is stored."""
    with mock_aws():
        point_store_at(settings, None, f"Fuzz-{uuid.uuid4().hex[:12]}")
        operations.create_table(CONTACTS, operations.Capacity())
        yield backend.client()


def stored(client):
    """Return {id: raw item} of the whole table (without the attributes the app derives)."""
    items = client.scan(TableName=CONTACTS.name, ConsistentRead=True)["Items"]
    return {item["id"]["S"]: without_derived(item) for item in items}


def put(client, contact_id, **attributes):
    item = {"id": contact_id, "username": "someone", **attributes}
    client.put_item(TableName=CONTACTS.name, Item=backend.to_attributes(item))


def page_text(response):
    return html.unescape(re.sub(r"<[^>]+>", " ", response.content.decode(errors="replace")))


def assert_answered(response, allowed):
    """The status is one of `allowed` (never 5xx); a 4xx page says in words what is wrong."""
    assert response.status_code < 500
    assert response.status_code in allowed, (response.status_code, page_text(response)[:500])
    if getattr(response, "streaming", False):
        b"".join(response.streaming_content)  # errors in a stream surface only when read
        return
    body = response.content.decode()
    assert "Traceback" not in body
    if response.status_code >= 400:
        found = re.search(r'class="errornote[^"]*">(.*?)</p>', body, re.S) or re.search(
            r"<h1[^>]*>(.*?)</h1>", body, re.S
        )
        assert found and html.unescape(found.group(1)).strip(), body[:500]


def assert_form_error_shown(response):
    """A form that was not saved is shown again with the reason beside it."""
    body = response.content.decode()
    assert 'class="errornote' in body or 'class="errorlist' in body, page_text(response)[:500]


# --- Strategies -------------------------------------------------------------------------

control_text = st.text(st.characters(categories=["Cc"]), min_size=1, max_size=8)
# Over DynamoDB's 2048-byte key limit, from a short unit repeated.
long_text = st.builds(
    lambda unit, times: unit * times, st.text(min_size=1, max_size=3), st.integers(700, 2500)
)
odd_ids = st.sampled_from([
    ".", "..", "_", "_2F", "_ZZ", "_5F", "%", "%00", "%2F", "a/b", "/", "\n", " ", "\t",
    "add", "table", "export", "history", "change", "delete", "?q=1", "#", "\\", "😀", "\u202e",
])
# Non-empty: an empty id has no URL (the list's own URL is what "" would give).
ids = st.one_of(st.text(min_size=1, max_size=40), control_text, long_text, odd_ids)

# Ids DynamoDB accepts: 1 to 2048 bytes.
stored_ids = st.one_of(
    st.text(min_size=1, max_size=40), control_text, odd_ids,
    st.sampled_from(["k" * 2048, "é" * 1024, "😀" * 512]),
)

# Field values: ordinary, numeric oddities, markup, and huge (near DynamoDB's 400 KB item).
huge_text = st.integers(1_000, 420_000).map(lambda size: "x" * size)
field_values = st.one_of(
    st.text(max_size=30),
    control_text,
    huge_text,
    st.sampled_from([
        "", " ", "-1", "0", "150", "151", "1e3", "3.5", "NaN", "Infinity", "-0", "0x10", "١٢",
        "99999999999999999999999999999999999999999", "a@b", "@", "not-an-email",
        "+1 (555) 010-9999", "12", "<script>alert(1)</script>", '"><img src=x onerror=alert(1)>',
    ]),
)


def nested(depth):
    """A list nested `depth` levels deep in DynamoDB JSON (DynamoDB allows 32)."""
    return '{"L": [' * depth + '{"S": "deep"}' + "]}" * depth


row_values = st.one_of(
    st.text(max_size=40),
    huge_text,
    st.integers(1, 3000).map(lambda depth: f"[{nested(depth)}]"),
    st.sampled_from([
        "{", "[", "{}", "[]", "null", '{"a": {"Q": 1}}', '[{"S": 1}]', '{"S": "x"}',
        '[{"N": "1e999"}]', '[{"N": "abc"}]', '{"a": {"M": {"b": {"L": []}}}}',
        '{"a": {"SS": []}}', '{"a": {"SS": ["x", "x"]}}', '{"a": {"NS": ["1", "1.0"]}}',
        '{"a": {"B": "!!"}}', '{"a": {"BOOL": "yes"}}', '{"a": {"NULL": false}}',
        '{"": {"S": "x"}}', '[{"S": "x", "N": "1"}]', "!!!notbase64", "====", "YQ", "YQ==",
        "true", "false", "maybe", "1\n1", "a\na", "\n\n", "1\r\n2", "1e126", "1e-131",
        "1" * 39, "-", ".", "1.", "+1", "1E+5",
    ]),
)
row_names = st.one_of(
    st.text(min_size=1, max_size=20), st.text(min_size=1, max_size=20), control_text,
    st.integers(65_000, 66_000).map(lambda n: "n" * n),  # over DynamoDB's 64 KB name limit
    st.sampled_from(["", " ", "id", "username", "age", "name", "status", "a.b", "#x", ":v"]),
)


def mostly(usual, other):
    """Draw `usual` about three times in four: forged structure must not hide the content."""
    return st.one_of(usual, usual, usual, other)


rows = st.lists(
    st.tuples(
        row_names,
        # The types whose text needs parsing (typed JSON, sets, base64, numbers) more often.
        mostly(st.sampled_from([*TYPES, "L", "M", "L", "M", "SS", "NS", "BS", "B", "N"]),
               st.text(max_size=5)),
        row_values,
        mostly(st.just(False), st.just(True)),  # the row's "Delete" box
    ),
    min_size=1,
    max_size=4,
)
# The rows' management form: as the page had it, adjusted to the rows posted (so that
# the rows are validated), or forged counts (absurd, missing, not numbers).
# Counts up to the 1,000-row cap cost seconds each (every row is built, checked and shown
# again); test_an_absurd_row_count_is_refused_in_words posts those once.
forged_count = st.one_of(
    st.none(), st.sampled_from(["", "-1", "abc", "0", "1e3", "2", "7", "٣", " 1", "1.0"])
)
form_counts = mostly(st.just(("keep", "keep")), st.tuples(forged_count, forged_count))
signed_garbage = st.one_of(
    st.none(),
    st.text(max_size=60),
    st.sampled_from(["", ":", "a:b:c", "eyJpZCI6eyJTIjoieCJ9fQ:1tA:abc", "." * 300]),
    st.binary(max_size=300).map(lambda raw: base64.urlsafe_b64encode(raw).decode()),
)


def rows_data(drawn_rows, start=0):
    data = {}
    for index, (name, kind, value, delete) in enumerate(drawn_rows, start):
        data.update({f"attributes-{index}-name": name, f"attributes-{index}-type": kind,
                     f"attributes-{index}-value": value})
        if delete:
            data[f"attributes-{index}-DELETE"] = "on"
    return data


def set_counts(data, counts):
    """Set the rows' management form: TOTAL_FORMS covering every posted row, or forged counts.

    (None: leave the field out.)
    """
    if counts == ("keep", "keep"):
        indexes = [int(key.split("-")[1]) for key in data
                   if re.fullmatch(r"attributes-\d+-\w+", key)]
        data["attributes-TOTAL_FORMS"] = str(max(indexes, default=-1) + 1)
        return
    for name, value in zip(("TOTAL_FORMS", "INITIAL_FORMS"), counts, strict=True):
        key = f"attributes-{name}"
        if value is None:
            data.pop(key, None)
        else:
            data[key] = value


# --- URLs ---------------------------------------------------------------------------------


def contact_url(view, contact_id):
    return reverse(f"admin:contacts_contact_{view}", args=(quote(contact_id),))


@FUZZ
@given(contact_id=ids, token=signed_garbage)
def test_any_id_in_a_contact_url_gets_a_page_never_a_server_error(
    admin_client, table, contact_id, token
):
    """Change, delete and history of any id: 404 (or 400 for an id DynamoDB cannot hold);
    the id unquoted or percent-encoded raw is never a 500 either; forged saves and deletes
    of a missing id write nothing."""
    for view in ("change", "delete", "history"):
        assert_answered(admin_client.get(contact_url(view, contact_id)), {400, 404})
    raw = LIST_URL + urllib.parse.quote(contact_id, safe="/")
    for suffix in ("/", "/change/", "/delete/", "/history/"):
        assert_answered(admin_client.get(raw + suffix), {200, 301, 302, 400, 404})
    forged = {"username": "forged", "post": "yes"} | ({} if token is None else {"_original": token})
    for view in ("change", "delete"):
        assert_answered(admin_client.post(contact_url(view, contact_id), forged), {400, 404})
    assert stored(table) == {}


@FUZZ
@given(contact_id=stored_ids, token=signed_garbage)
def test_any_stored_id_opens_and_refuses_forged_saves_and_deletes(
    admin_client, table, contact_id, token
):
    """An item with any id DynamoDB accepts: its pages open; a save or delete posted
    without the page's own signed copy is a 400 and changes nothing."""
    put(table, contact_id)
    before = stored(table)

    for view in ("change", "delete", "history"):
        assert_answered(admin_client.get(contact_url(view, contact_id)), {200})
    forged = {"username": "forged", "post": "yes"} | ({} if token is None else {"_original": token})
    for view in ("change", "delete"):
        assert_answered(admin_client.post(contact_url(view, contact_id), forged), {400})
    assert stored(table) == before
    table.delete_item(TableName=CONTACTS.name, Key={"id": {"S": contact_id}})


# --- The add form -----------------------------------------------------------------------------


add_fields = st.fixed_dictionaries({}, optional={
    name: st.one_of(field_values, ids) if name == "id" else field_values
    for name in ("id", "username", "age", "email", "phone")
})


def assert_add_saves_or_writes_nothing(client, table, fields, drawn_rows, counts, add_row):
    """A 302 stores exactly one new contact; anything else (the form shown again with its
    errors, or a 400) stores nothing."""
    data = form_fields(client.get(ADD_URL).content) | fields | rows_data(drawn_rows)
    set_counts(data, counts)
    if add_row:
        data["_addattribute"] = "Add another attribute"
    before = stored(table)

    response = client.post(ADD_URL, data)

    assert_answered(response, {200, 302, 400})
    after = stored(table)
    if response.status_code == 302:
        assert not add_row
        added = set(after) - set(before)
        assert len(added) == 1 and set(before) <= set(after)
        if fields.get("id"):
            assert added == {fields["id"]}
        table.delete_item(TableName=CONTACTS.name, Key={"id": {"S": added.pop()}})
    else:
        assert after == before
        if response.status_code == 200 and not add_row:
            assert_form_error_shown(response)


@FUZZ
@given(fields=add_fields, drawn_rows=rows)
def test_add_form_with_any_fields_and_rows_saves_or_says_why(admin_client, table, fields,
                                                              drawn_rows):
    """Huge, invalid or hostile field values and attribute rows (names, types, malformed
    JSON, bad base64, sets, deep nesting, values near 400 KB) in a well-formed post."""
    assert_add_saves_or_writes_nothing(admin_client, table, fields, drawn_rows,
                                       ("keep", "keep"), add_row=False)


@settings(FUZZ, max_examples=30)
@given(fields=add_fields, drawn_rows=rows,
       counts=st.tuples(forged_count, forged_count), add_row=st.booleans())
def test_add_form_with_a_forged_management_form_writes_nothing_wrong(
    admin_client, table, fields, drawn_rows, counts, add_row
):
    """Rows posted with absurd, missing or non-numeric counts, or with "Add another
    attribute": never a 500, and a refused post stores nothing."""
    assert_add_saves_or_writes_nothing(admin_client, table, fields, drawn_rows, counts, add_row)


def test_an_absurd_row_count_is_refused_in_words(admin_client, table):
    """TOTAL_FORMS beyond the formset's limit is refused in words ("at most 1000"), not a 500
    or a hang (at most 100 new rows are ever built), and nothing is stored."""
    data = form_fields(admin_client.get(ADD_URL).content) | {"id": "n1", "username": "x"}
    data["attributes-TOTAL_FORMS"] = "99999999999"

    response = admin_client.post(ADD_URL, data)

    assert_answered(response, {200})
    assert "Please submit at most 1000 forms." in page_text(response)
    assert stored(table) == {}


def test_rows_a_forged_count_promises_but_never_sent_are_empty(admin_client, table):
    """A row count higher than the rows sent (within the limit) adds nothing and no errors."""
    data = form_fields(admin_client.get(ADD_URL).content) | {"id": "n1", "username": "x"}
    data["attributes-TOTAL_FORMS"] = "900"

    response = admin_client.post(ADD_URL, data)

    assert_answered(response, {302})
    assert stored(table) == {"n1": {"id": {"S": "n1"}, "username": {"S": "x"}}}


# --- The change form --------------------------------------------------------------------------


@FUZZ
@given(data=st.data(), others=other_attributes)
def test_change_form_with_any_input_saves_or_says_why_and_changes_nothing(
    admin_client, table, data, others
):
    """A stored item with any attributes, its change form posted with drawn fields, rows,
    management counts and signed copy: a 302 saves; anything else leaves it as it was."""
    contact_id = f"fuzz-{uuid.uuid4().hex[:8]}"
    contacts.create({"id": contact_id, "username": "someone", **others})
    url = contact_url("change", contact_id)
    page = admin_client.get(url)
    assert_answered(page, {200})
    posted = form_fields(page.content)
    posted |= data.draw(st.fixed_dictionaries({}, optional={
        name: field_values for name in ("id", "username", "age", "email", "phone")
    }), label="fields")
    # Rows posted over the stored ones (from row 0) or after them.
    start = data.draw(st.sampled_from([0, len(others)]), label="first row")
    posted |= rows_data(data.draw(rows, label="rows"), start)
    set_counts(posted, data.draw(form_counts, label="management form"))
    token = data.draw(mostly(st.just("keep"), st.one_of(st.just("truncate"), signed_garbage)),
                      label="_original")
    if token == "truncate":
        posted["_original"] = posted["_original"][: len(posted["_original"]) // 2]
    elif token is None:
        del posted["_original"]
    elif token != "keep":
        posted["_original"] = token
    before = stored(table)

    response = admin_client.post(url, posted)

    assert_answered(response, {200, 302, 400})
    if response.status_code != 302:
        assert stored(table) == before
    if response.status_code == 200:
        assert_form_error_shown(response)
    if token != "keep":
        assert response.status_code == 400


# --- The change list: query string and actions ---------------------------------------------------


@pytest.fixture
def thirty(table, admin_client):
    """Thirty contacts, and a real cursor to the second page (25 per page)."""
    for number in range(30):
        put(table, f"c{number:02d}")
    body = admin_client.get(LIST_URL).content.decode()
    cursor = re.search(r'href="\?cursor=([^"&]+)" class="dynamo-next"', body).group(1)
    return urllib.parse.unquote(html.unescape(cursor))


def tampered(cursor):
    return st.one_of(
        st.integers(0, len(cursor)).map(lambda end: cursor[:end]),
        st.tuples(st.integers(0, len(cursor) - 1), st.characters(codec="ascii")).map(
            lambda change: cursor[: change[0]] + change[1] + cursor[change[0] + 1:]
        ),
        st.text(max_size=20).map(lambda extra: cursor + extra),
    )


@FUZZ
@given(data=st.data())
def test_list_query_with_any_search_page_size_or_cursor_is_a_page_or_a_400(
    admin_client, thirty, data
):
    """Search, page size and cursor of any text, a real cursor truncated or altered: the
    list answers 200 or a 400 that says the link is invalid."""
    query = data.draw(st.fixed_dictionaries({}, optional={
        "q": st.one_of(st.text(), control_text, long_text),
        "per_page": st.one_of(st.text(max_size=8), st.sampled_from(
            ["25", "50", "100", "200", "0", "-1", "201", "1e2", " 25", "25 ", "٢٥", "25.0"])),
        "cursor": st.one_of(tampered(thirty), signed_garbage.filter(bool), long_text),
        "o": st.text(max_size=5),
    }), label="query")

    assert_answered(admin_client.get(LIST_URL, query), {200, 400})


@FUZZ
@given(
    action=st.one_of(st.sampled_from(
        ["delete_selected", "export_selected_csv", "", "nope", "delete_selected ", "__init__"]
    ), st.text(max_size=20)),
    selected=st.lists(st.one_of(st.sampled_from([f"c{n:02d}" for n in range(30)]), ids),
                      max_size=30),
    extra=st.fixed_dictionaries({}, optional={
        "post": st.sampled_from(["yes", "", "no"]), "index": st.text(max_size=5),
        "select_across": st.text(max_size=5), "_selected_action": st.just(""),
    }),
)
def test_forged_list_actions_never_fail_and_delete_only_what_was_confirmed(
    admin_client, table, thirty, action, selected, extra
):
    """Any action name and selection posted to the list: only a confirmed delete_selected
    removes contacts, exactly the selected ones that existed; every other post removes none."""
    for number in range(30):
        put(table, f"c{number:02d}")
    before = stored(table)
    data = {"action": action, "index": "0", **extra}
    if selected:
        data["_selected_action"] = selected

    response = admin_client.post(LIST_URL, data)

    assert_answered(response, {200, 302, 400})
    confirmed = action == "delete_selected" and extra.get("post") and response.status_code == 302
    gone = set(before) & set(data.get("_selected_action") or []) if confirmed else set()
    assert set(stored(table)) == set(before) - gone


# --- The table page and the export -----------------------------------------------------------


@FUZZ
@given(
    posted=st.fixed_dictionaries({}, optional={
        "billing_mode": st.one_of(st.sampled_from(["PAY_PER_REQUEST", "PROVISIONED", ""]),
                                  st.text(max_size=10)),
        "read_capacity": field_values,
        "write_capacity": field_values,
    }),
    query=st.dictionaries(st.text(max_size=5), st.text(max_size=20), max_size=3),
)
def test_table_form_and_export_take_any_input(admin_client, table, posted, query):
    """The capacity form with any values switches or says why; the export ignores odd
    query strings."""
    assert_answered(admin_client.post(TABLE_URL, posted), {200, 302})
    assert_answered(admin_client.get(TABLE_URL, query), {200})
    assert_answered(admin_client.get(EXPORT_URL, query), {200})

