"""export_contacts, import_contacts and the admin's CSV downloads.

Command tests take `contacts_table` and run on moto and on DynamoDB Local;
the line-by-line checks of bad records run on moto only (they never reach
DynamoDB), and the exact round trip of every type runs on DynamoDB Local,
whose answers are the real service's.
"""

import base64
import csv
import io
import json
import sys

import pytest
from django.contrib.auth.models import Permission
from django.core.management import call_command
from django.core.management.base import CommandError

from contacts.models import CONTACTS
from dynamodb_tables import backend
from dynamodb_tables.backend import batches
from dynamodb_tables.exceptions import InvalidRequest
from dynamodb_tables.store import export, operations, scan
from dynamodb_tables.values.rules import MAX_ITEM_BYTES

from .helpers import without_derived

LIST_URL = "/admin/contacts/contact/"
EXPORT_URL = "/admin/contacts/contact/export/"

on_moto = pytest.mark.parametrize("store", ["moto"], indirect=True)
on_dynamodb_local = pytest.mark.parametrize("store", ["dynamodb_local"], indirect=True)


def run(*args, stdout=None, stderr=None):
    """Run a command; return (stdout, stderr) as text."""
    out, err = stdout or io.StringIO(), stderr or io.StringIO()
    call_command(*args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def put(raw_client, **attributes):
    raw_client.put_item(TableName=CONTACTS.name, Item=attributes)


def put_many(raw_client, count, prefix="c"):
    ids = [f"{prefix}{number:04d}" for number in range(count)]
    for start in range(0, count, 25):
        raw_client.batch_write_item(
            RequestItems={
                CONTACTS.name: [
                    {"PutRequest": {"Item": {"id": {"S": i}, "username": {"S": f"user {i}"}}}}
                    for i in ids[start : start + 25]
                ]
            }
        )
    return ids


def scan_all(raw_client):
    """Return the table as {id: raw item}, read with the low-level client (without the
    attributes the app derives, which an import adds: see tests/test_finding.py)."""
    items, params = {}, {"TableName": CONTACTS.name, "ConsistentRead": True}
    while True:
        response = raw_client.scan(**params)
        items.update((item["id"]["S"], without_derived(item)) for item in response["Items"])
        if "LastEvaluatedKey" not in response:
            return items
        params["ExclusiveStartKey"] = response["LastEvaluatedKey"]


def canonical(value):
    """A raw attribute value with set members sorted (DynamoDB keeps no set order)."""
    (kind, content), = value.items()
    if kind in ("SS", "NS", "BS"):
        return {kind: sorted(content)}
    if kind == "M":
        return {kind: {name: canonical(member) for name, member in content.items()}}
    if kind == "L":
        return {kind: [canonical(member) for member in content]}
    return value


def canonical_table(items):
    return {
        key: {name: canonical(value) for name, value in item.items()}
        for key, item in items.items()
    }


def write_lines(path, *records):
    """Write an import file: dicts as JSON, strings as they are."""
    path.write_text(
        "".join((r if isinstance(r, str) else json.dumps(r)) + "\n" for r in records),
        encoding="utf-8",
    )
    return str(path)


def record(contact_id, **attributes):
    return {"id": {"S": contact_id}, **attributes}


# --- export_contacts ----------------------------------------------------------------


def test_export_writes_each_item_as_one_line_of_dynamodb_json(contacts_table, raw_client):
    """JSON Lines: one line per item, DynamoDB JSON as the AWS CLI prints it: numbers as
    strings, binary as base64; the summary goes to stderr, away from the items."""
    put(raw_client, id={"S": "01"}, username={"S": "Raju"}, age={"N": "30"},
        photo={"B": b"\x00\x01\xff"})
    put(raw_client, id={"S": "02"}, username={"S": "Sham"})

    out, err = run("export_contacts")

    lines = out.splitlines()
    assert len(lines) == 2
    exported = {json.loads(line)["id"]["S"]: json.loads(line) for line in lines}
    assert exported["01"] == {
        "id": {"S": "01"},
        "username": {"S": "Raju"},
        "age": {"N": "30"},
        "photo": {"B": base64.b64encode(b"\x00\x01\xff").decode()},
    }
    assert exported["02"] == {"id": {"S": "02"}, "username": {"S": "Sham"}}
    assert "Exported 2 contact(s)" in err
    assert CONTACTS.name in err


def test_export_of_an_empty_table_is_empty(contacts_table):
    """No items: no JSON lines, and a CSV that is only its header."""
    assert run("export_contacts")[0] == ""
    out, _ = run("export_contacts", "--format", "csv")
    assert out == export.CSV_BOM + "id,username,age,email,phone,other_attributes\r\n"


@on_dynamodb_local
def test_export_reads_page_after_page(contacts_table, raw_client, monkeypatch):
    """Scan stops at 1 MB; export follows LastEvaluatedKey to the end, one page at a time."""
    big = "x" * 300_000
    for number in range(5):  # 1.5 MB: at least two Scan pages
        put(raw_client, id={"S": f"big{number}"}, blob={"S": big})
    scans = []
    real_call = backend.call

    def spy(operation, **params):
        response = real_call(operation, **params)
        if operation == "scan":
            scans.append(len(response["Items"]))
        return response

    monkeypatch.setattr(backend, "call", spy)

    out, _ = run("export_contacts")

    assert len(scans) >= 2
    assert sum(scans) == 5
    assert sorted(json.loads(line)["id"]["S"] for line in out.splitlines()) == [
        f"big{n}" for n in range(5)
    ]


def test_export_reads_at_most_export_page_items_per_request(
    contacts_table, raw_client, monkeypatch
):
    """Each Scan asks for at most scan.PAGE_ITEMS items, so memory does not depend on
    how many small items fit in DynamoDB's 1 MB page."""
    put_many(raw_client, 25)
    monkeypatch.setattr(scan, "PAGE_ITEMS", 10)
    pages = []
    real_call = backend.call

    def spy(operation, **params):
        response = real_call(operation, **params)
        if operation == "scan":
            pages.append((params["Limit"], len(response["Items"])))
        return response

    monkeypatch.setattr(backend, "call", spy)

    out, _ = run("export_contacts")

    assert len(out.splitlines()) == 25
    assert [limit for limit, _ in pages] == [10] * len(pages)
    assert [count for _, count in pages][:3] == [10, 10, 5]


def test_parallel_segments_export_every_item_once(contacts_table, raw_client):
    """--segments 4 scans four segments in parallel threads; every item comes out once."""
    ids = put_many(raw_client, 120)

    out, err = run("export_contacts", "--segments", "4")

    assert sorted(json.loads(line)["id"]["S"] for line in out.splitlines()) == ids
    assert "Exported 120 contact(s)" in err


@on_moto
@pytest.mark.parametrize("segments", ["0", "65"])
def test_export_refuses_a_bad_segment_count(contacts_table, segments, tmp_path):
    """--segments outside 1..64 is a CommandError, and no file is left behind."""
    target = tmp_path / "out.jsonl"
    with pytest.raises(CommandError, match="Segments must be a whole number from 1 to 64"):
        run("export_contacts", "--segments", segments, "-o", str(target))
    assert list(tmp_path.iterdir()) == []


def test_export_to_a_file(contacts_table, raw_client, tmp_path):
    """-o FILE writes the file and says so on stdout."""
    put_many(raw_client, 3)
    target = tmp_path / "contacts.jsonl"

    out, _ = run("export_contacts", "-o", str(target))

    assert len(target.read_text(encoding="utf-8").splitlines()) == 3
    assert f"Exported 3 contact(s) from \"{CONTACTS.name}\"" in out
    assert str(target) in out
    assert [p.name for p in tmp_path.iterdir()] == ["contacts.jsonl"]


def test_a_failed_export_leaves_no_file(store, tmp_path):
    """With the table missing, export fails naming create_table and writes no file at all."""
    target = tmp_path / "contacts.jsonl"

    with pytest.raises(CommandError, match="create_table"):
        run("export_contacts", "-o", str(target))

    assert list(tmp_path.iterdir()) == []


@on_moto
def test_export_into_a_missing_folder_is_a_clear_error(contacts_table, tmp_path):
    with pytest.raises(CommandError, match=r"Cannot write .*no/such/folder/out.csv"):
        run("export_contacts", "-o", str(tmp_path / "no" / "such" / "folder" / "out.csv"))


def test_csv_export_has_the_usual_columns_and_the_rest_as_json(contacts_table, raw_client):
    """CSV: id, username, age, email, phone, then every other attribute as one JSON object."""
    put(raw_client, id={"S": "01"}, username={"S": "Raju"}, age={"N": "30"},
        tags={"SS": ["b", "a"]}, address={"M": {"city": {"S": "Pune"}}},
        big={"N": "12345678901234567890123456789012345678"})
    put(raw_client, id={"S": "02"}, username={"S": "Sham"}, email={"S": "sham@example.com"})

    out, _ = run("export_contacts", "--format", "csv")

    assert out.startswith(export.CSV_BOM)
    rows = list(csv.DictReader(io.StringIO(out.removeprefix(export.CSV_BOM))))
    assert [list(row) for row in rows[:1]] == [
        ["id", "username", "age", "email", "phone", "other_attributes"]
    ]
    by_id = {row["id"]: row for row in rows}
    assert by_id["01"]["username"] == "Raju"
    assert by_id["01"]["age"] == "30"
    assert by_id["01"]["email"] == ""
    others = by_id["01"]["other_attributes"]
    # 38 digits survive: the JSON writer never goes through float.
    assert '"big": 12345678901234567890123456789012345678' in others
    assert json.loads(others) == {
        "tags": ["a", "b"],
        "address": {"city": "Pune"},
        "big": 12345678901234567890123456789012345678,
    }
    assert by_id["02"]["email"] == "sham@example.com"
    assert by_id["02"]["other_attributes"] == ""


@on_moto
def test_csv_cells_that_a_spreadsheet_would_run_are_shown_as_text(contacts_table, raw_client):
    """A string starting with = + - @ gets a leading apostrophe; numbers stay as they are."""
    put(raw_client, id={"S": "01"}, username={"S": '=HYPERLINK("http://x","y")'},
        phone={"S": "+44 20 7946 0958"}, email={"S": "-12"}, age={"N": "-3"})

    out, _ = run("export_contacts", "--format", "csv")

    row = next(csv.DictReader(io.StringIO(out.removeprefix(export.CSV_BOM))))
    assert row["username"] == "'=HYPERLINK(\"http://x\",\"y\")"
    assert row["phone"] == "'+44 20 7946 0958"
    assert row["email"] == "-12"
    assert row["age"] == "-3"


@on_moto
def test_csv_columns_option(contacts_table, raw_client):
    """--columns picks the columns (id always first); the rest goes to other_attributes."""
    put(raw_client, id={"S": "01"}, username={"S": "Raju"}, city={"S": "Pune"})

    out, _ = run("export_contacts", "--format", "csv", "--columns", "city")

    rows = list(csv.reader(io.StringIO(out.removeprefix(export.CSV_BOM))))
    assert rows == [["id", "city", "other_attributes"], ["01", "Pune", '{"username": "Raju"}']]
    with pytest.raises(CommandError, match="named twice"):
        run("export_contacts", "--format", "csv", "--columns", "city,city")


# --- import_contacts: the round trip ----------------------------------------------------

EVERY_TYPE = {
    "id": {"S": "every type / ? % # ü 漢字"},
    "username": {"S": ""},
    "age": {"N": "12345678901234567890123456789012345678"},
    "tiny": {"N": "-0.000000000000000000000000000000000000000000000001"},
    "huge": {"N": "9.9999999999999999999999999999999999999E+125"},
    "blob": {"B": b"\x00\xff\x10 binary"},
    "empty blob": {"B": b""},
    "yes": {"BOOL": True},
    "no": {"BOOL": False},
    "nothing": {"NULL": True},
    "tags": {"SS": ["b", "a", ""]},
    "scores": {"NS": ["1", "2.5", "-3", "12345678901234567890123456789012345678"]},
    "keys": {"BS": [b"\x01", b"\x02\x03"]},
    "nested": {
        "M": {
            "list": {"L": [{"S": "x"}, {"N": "1"}, {"NULL": True}, {"L": []}, {"M": {}}]},
            "map": {"M": {"deep": {"M": {"deeper": {"SS": ["z"]}}}, "b": {"B": b"\x07"}}},
            "name.with.dots": {"S": "dots"},
        }
    },
    # Reserved words and characters expressions would trip over.
    "name": {"S": "reserved"},
    "status": {"S": "reserved too"},
    "a.b": {"S": "dotted"},
    "#hash :colon": {"S": "odd"},
    "ünïcödé 名前": {"S": "non-Latin"},
    "with\nnewline": {"S": "line\nbreak\ttab \"quotes\" \\ backslash"},
}


@on_dynamodb_local
def test_importing_an_export_reproduces_the_table_exactly(
    contacts_table, raw_client, tmp_path
):
    """Export, drop and re-create the table, import: every item comes back identical, every
    type included (nested maps and lists, sets, binary, null, empty strings, 38 digits)."""
    put(raw_client, **EVERY_TYPE)
    put(raw_client, id={"S": "01"}, username={"S": "Raju"})
    put(raw_client, id={"S": "."}, username={"S": "dot"})
    put_many(raw_client, 60)
    before = canonical_table(scan_all(raw_client))
    export = tmp_path / "contacts.jsonl"
    run("export_contacts", "-o", str(export), "--segments", "3")

    operations.delete_table(CONTACTS.name)
    operations.create_table(CONTACTS, operations.Capacity())
    out, _ = run("import_contacts", str(export))

    assert canonical_table(scan_all(raw_client)) == before
    assert "read 63, created 63, overwritten 0, skipped 0" in out


def test_import_writes_batches_of_25(contacts_table, raw_client, tmp_path, monkeypatch):
    """BatchWriteItem gets at most 25 items per request: 60 records make 25 + 25 + 10."""
    path = write_lines(tmp_path / "in.jsonl", *(record(f"i{n:02d}") for n in range(60)))
    batches = []
    real_call = backend.call

    def spy(operation, **params):
        if operation == "batch_write_item":
            batches.append(sum(len(requests) for requests in params["RequestItems"].values()))
        return real_call(operation, **params)

    monkeypatch.setattr(backend, "call", spy)

    run("import_contacts", path, "--overwrite")

    assert batches == [25, 25, 10]
    assert len(scan_all(raw_client)) == 60


@on_moto
def test_unprocessed_items_are_sent_again(contacts_table, raw_client, tmp_path, monkeypatch):
    """Items DynamoDB leaves in UnprocessedItems are resent until none is left."""
    path = write_lines(tmp_path / "in.jsonl", *(record(f"u{n}") for n in range(5)))
    real_call = backend.call
    sent = []

    def throttled_once(operation, **params):
        if operation != "batch_write_item":
            return real_call(operation, **params)
        requests = params["RequestItems"][CONTACTS.name]
        sent.append(len(requests))
        if len(sent) == 1:  # the first time, DynamoDB takes only the first two
            real_call(operation, RequestItems={CONTACTS.name: requests[:2]})
            return {"UnprocessedItems": {CONTACTS.name: requests[2:]}}
        return real_call(operation, **params)

    monkeypatch.setattr(backend, "call", throttled_once)
    monkeypatch.setattr(batches, "BATCH_FIRST_PAUSE", 0)

    run("import_contacts", path)

    assert sent == [5, 3]
    assert sorted(scan_all(raw_client)) == [f"u{n}" for n in range(5)]


@on_moto
def test_a_batch_dynamodb_refuses_names_its_lines_and_what_was_written(
    contacts_table, raw_client, tmp_path, monkeypatch
):
    """Should DynamoDB refuse a batch the checks let through, the error names the batch's
    lines and says how many items other batches wrote."""
    path = write_lines(tmp_path / "in.jsonl", *(record(f"r{n:02d}") for n in range(1, 31)))
    real_call = backend.call

    def refuse_r29(operation, **params):
        if operation == "batch_write_item" and any(
            request["PutRequest"]["Item"]["id"]["S"] == "r29"
            for request in params["RequestItems"][CONTACTS.name]
        ):
            raise InvalidRequest("DynamoDB rejected the request: something odd")
        return real_call(operation, **params)

    monkeypatch.setattr(backend, "call", refuse_r29)

    with pytest.raises(CommandError) as raised:
        run("import_contacts", path)

    message = str(raised.value)
    assert message.startswith("lines 26–30: DynamoDB refused this batch of items")
    assert "something odd" in message
    assert "Other batches (25 items) were written" in message
    assert "--skip-existing" in message
    assert len(scan_all(raw_client)) == 25


def test_import_from_standard_input(contacts_table, raw_client, monkeypatch):
    """FILE "-" reads standard input."""
    data = "".join(json.dumps(record(f"s{n}", n={"N": str(n)})) + "\n" for n in range(3))
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data.encode())))

    out, _ = run("import_contacts", "-")

    assert "Imported standard input" in out
    assert "created 3" in out
    assert scan_all(raw_client)["s2"] == {"id": {"S": "s2"}, "n": {"N": "2"}}


@on_moto
def test_import_reads_dynamodb_s3_export_lines_and_skips_blank_lines(
    contacts_table, raw_client, tmp_path
):
    """Lines of DynamoDB's export to S3 ({"Item": {...}}) import too; blank lines are ignored."""
    path = write_lines(tmp_path / "in.jsonl", {"Item": record("s3", a={"N": "1"})}, "", "  ")

    run("import_contacts", path)

    assert scan_all(raw_client) == {"s3": {"id": {"S": "s3"}, "a": {"N": "1"}}}


# --- import_contacts: existing ids and duplicates ---------------------------------------


def test_an_existing_id_is_an_error_and_nothing_is_written(contacts_table, raw_client, tmp_path):
    """Without --skip-existing or --overwrite, ids already in the table stop the import
    before any write, naming the ids and their lines."""
    put(raw_client, id={"S": "b"}, username={"S": "Old"})
    path = write_lines(
        tmp_path / "in.jsonl",
        record("a", username={"S": "A"}),
        record("b", username={"S": "New"}),
        record("c", username={"S": "C"}),
    )

    with pytest.raises(CommandError) as raised:
        run("import_contacts", path)

    message = str(raised.value)
    assert "1 id(s) of the file exist" in message
    assert "“b” (line 2)" in message
    assert "Nothing was written" in message
    assert "--skip-existing" in message and "--overwrite" in message
    assert scan_all(raw_client) == {"b": {"id": {"S": "b"}, "username": {"S": "Old"}}}


def test_skip_existing_leaves_existing_contacts_as_they_are(contacts_table, raw_client, tmp_path):
    put(raw_client, id={"S": "b"}, username={"S": "Old"})
    path = write_lines(
        tmp_path / "in.jsonl", record("a", username={"S": "A"}), record("b", username={"S": "New"})
    )

    out, _ = run("import_contacts", path, "--skip-existing")

    assert "read 2, created 1, overwritten 0, skipped 1" in out
    stored = scan_all(raw_client)
    assert stored["b"]["username"] == {"S": "Old"}
    assert stored["a"]["username"] == {"S": "A"}


def test_overwrite_replaces_whole_items(contacts_table, raw_client, tmp_path):
    """--overwrite replaces the item: attributes missing from the file are gone."""
    put(raw_client, id={"S": "b"}, username={"S": "Old"}, age={"N": "40"})
    path = write_lines(tmp_path / "in.jsonl", record("b", username={"S": "New"}))

    out, _ = run("import_contacts", path, "--overwrite")

    assert "read 1, written 1 (new or overwritten" in out
    assert scan_all(raw_client) == {"b": {"id": {"S": "b"}, "username": {"S": "New"}}}


@on_moto
def test_skip_existing_and_overwrite_exclude_each_other(contacts_table, tmp_path):
    path = write_lines(tmp_path / "in.jsonl", record("a"))
    with pytest.raises(CommandError, match="not allowed with argument"):
        run("import_contacts", path, "--skip-existing", "--overwrite")


@on_moto
def test_an_id_twice_in_the_file_names_both_lines(contacts_table, raw_client, tmp_path):
    path = write_lines(
        tmp_path / "in.jsonl", record("a"), record("b"), record("a", x={"S": "again"})
    )

    with pytest.raises(CommandError, match=r"line 3: id “a” is on line 1 already"):
        run("import_contacts", path, "--overwrite")

    assert scan_all(raw_client) == {}


# --- import_contacts: bad records ---------------------------------------------------------

BAD_RECORDS = [
    ('{"id": {"S": "x"}', "malformed JSON"),
    ("[1, 2]", "expected an item (a JSON object), not an array"),
    ('"text"', "not a string"),
    ('{"username": {"S": "x"}}', "the item has no “id” attribute"),
    ('{"id": {"N": "1"}}', "“id” must be a string"),
    ('{"id": "plain"}', "“id” must be a string"),
    ('{"id": {"S": ""}}', "“id” must not be empty"),
    ('{"id": {"S": "x"}, "age": 30}', "attribute “age”: expected one type and its value"),
    ('{"id": {"S": "x"}, "age": {"N": "1", "S": "1"}}', "expected one type and its value, "
     'such as {"S": "text"} or {"N": "42"}, not {"N": "1", "S": "1"}'),
    ('{"id": {"S": "x"}, "age": {"INT": "1"}}',
     "attribute “age”: unknown type “INT”; types are S, N, B"),
    ('{"id": {"S": "x"}, "age": {"N": 30}}',
     'attribute “age”: a Number is written as a string, e.g. {"N": "42"}, not 30'),
    ('{"id": {"S": "x"}, "age": {"N": "thirty"}}', "“thirty” is not a number"),
    ('{"id": {"S": "x"}, "n": {"N": "1234567890123456789012345678901234567891"}}',
     "DynamoDB keeps at most 38 significant digits exactly; "
     "“1234567890123456789012345678901234567891” has 40"),
    ('{"id": {"S": "x"}, "n": {"N": "1E+126"}}',
     "“1E+126” is out of range: DynamoDB numbers range from 1E-130"),
    ('{"id": {"S": "x"}, "n": {"N": "NaN"}}', "is not a number"),
    ('{"id": {"S": "x"}, "b": {"B": "not base64!"}}',
     "attribute “b”: “not base64!” is not valid base64"),
    ('{"id": {"S": "x"}, "s": {"S": 5}}', 'a String is written {"S": "text"}, not 5'),
    ('{"id": {"S": "x"}, "t": {"BOOL": "yes"}}',
     'a Boolean is written {"BOOL": true} or {"BOOL": false}, not "yes"'),
    ('{"id": {"S": "x"}, "z": {"NULL": false}}', 'a Null is written {"NULL": true}, not false'),
    ('{"id": {"S": "x"}, "l": {"L": {"S": "a"}}}',
     'a List is written {"L": [{"S": "a"}, {"N": "1"}]}, not {"S": "a"}'),
    ('{"id": {"S": "x"}, "m": {"M": {"k": "v"}}}',
     "attribute “m.k”: expected one type and its value"),
    ('{"id": {"S": "x"}, "m": {"M": {"": {"S": "v"}}}}', "attribute “m”: a name is empty"),
    ('{"id": {"S": "x"}, "": {"S": "v"}}', "line 2: a name is empty; DynamoDB names have"),
    ('{"id": {"S": "x"}, "tags": {"SS": []}}',
     "attribute “tags”: a String Set needs at least one member"),
    ('{"id": {"S": "x"}, "tags": {"SS": ["a", "a"]}}',
     "attribute “tags”: “a” appears more than once; sets have no duplicates"),
    ('{"id": {"S": "x"}, "ns": {"NS": ["1", "1.0"]}}', "“1” and “1.0” are the same value"),
    ('{"id": {"S": "x"}, "ns": {"NS": ["1", 2]}}',
     'attribute “ns[1]”: members of a Number Set are written as strings, e.g. {"NS": '),
    ('{"id": {"S": "x"}, "a": {"S": "1"}, "a": {"S": "2"}}', "the name “a” appears twice"),
    ('{"id": {"S": "x"}, "n": {"N": NaN}}', "NaN is not valid JSON"),
    ('{"id": {"S": "\\ud800"}}', "is not valid Unicode text"),
    ('{"id": {"S": "x"}, "big": {"S": "' + "x" * 410_000 + '"}}',
     "DynamoDB stores at most 409,600 (400 KB)"),
]


@on_moto
@pytest.mark.parametrize(("line", "problem"), BAD_RECORDS)
def test_a_bad_record_is_an_error_naming_its_line_and_nothing_is_written(
    contacts_table, raw_client, tmp_path, line, problem
):
    """Every line is checked before the first write: the error names the file, the line and
    what is wrong, and the good line before it is not imported either."""
    path = write_lines(tmp_path / "in.jsonl", record("good"), line, record("after"))

    with pytest.raises(CommandError) as raised:
        run("import_contacts", path, "--overwrite")

    message = str(raised.value)
    assert message.startswith(f"{path}, line 2: ")
    assert problem in message
    assert message.endswith("Nothing was written.")
    assert scan_all(raw_client) == {}


@on_moto
def test_deep_nesting_and_bad_utf8_are_named_too(contacts_table, tmp_path):
    deep = {"S": "bottom"}
    for _ in range(33):
        deep = {"L": [deep]}
    path = write_lines(tmp_path / "in.jsonl", record("deep", d=deep))
    with pytest.raises(CommandError, match="line 1: .*nested deeper than 32 levels"):
        run("import_contacts", path)

    binary = tmp_path / "latin1.jsonl"
    binary.write_bytes(b'{"id": {"S": "ok"}}\n{"id": {"S": "caf\xe9"}}\n')
    with pytest.raises(CommandError, match="line 2: not UTF-8 text"):
        run("import_contacts", str(binary))


@on_dynamodb_local
def test_the_size_limit_is_counted_as_dynamodb_counts_it(contacts_table, raw_client, tmp_path):
    """An item of exactly 409,600 bytes (names plus values) imports; one byte more is
    refused by DynamoDB Local itself, and by the import at its line, before writing."""
    exact = "x" * (MAX_ITEM_BYTES - len("id") - len("a") - len("big"))
    path = write_lines(tmp_path / "in.jsonl", record("a", big={"S": exact}))

    run("import_contacts", path)

    assert len(scan_all(raw_client)["a"]["big"]["S"]) == len(exact)
    with pytest.raises(raw_client.exceptions.ClientError, match="Item size has exceeded"):
        put(raw_client, id={"S": "b"}, big={"S": exact + "x"})
    path = write_lines(tmp_path / "over.jsonl", record("b", big={"S": exact + "x"}))
    with pytest.raises(CommandError, match="line 1: item “b” is 409,601 bytes"):
        run("import_contacts", path)


@on_moto
def test_a_missing_file_is_a_clear_error(contacts_table, tmp_path):
    with pytest.raises(CommandError, match=r"Cannot read .*nope.jsonl: No such file"):
        run("import_contacts", str(tmp_path / "nope.jsonl"))


def test_import_into_a_missing_table_names_create_table(store, tmp_path):
    path = write_lines(tmp_path / "in.jsonl", record("a"))
    with pytest.raises(CommandError, match="create_table"):
        run("import_contacts", path)


# --- import_contacts: the progress bar ------------------------------------------------------


class Terminal(io.StringIO):
    def isatty(self):
        return True


@on_moto
def test_progress_bar_on_a_terminal_only(contacts_table, tmp_path):
    """On a terminal, stderr shows a progress bar ending at 100%; otherwise nothing."""
    path = write_lines(tmp_path / "in.jsonl", *(record(f"p{n}") for n in range(30)))

    _, quiet = run("import_contacts", path)
    terminal = Terminal()
    run("import_contacts", path, "--overwrite", stderr=terminal)

    assert quiet == ""
    shown = terminal.getvalue()
    assert "\rImporting [" in shown
    assert "100% 30/30" in shown
    assert shown.endswith("\n")


# --- The admin's CSV downloads -------------------------------------------------------------


@pytest.fixture
def viewer_client(db, client, django_user_model):
    """A logged-in staff user who may only view contacts."""
    user = django_user_model.objects.create_user("viewer", is_staff=True)
    user.user_permissions.add(
        Permission.objects.get(codename="view_contact", content_type__app_label="contacts")
    )
    client.force_login(user)
    return client


def csv_rows(response):
    body = b"".join(response.streaming_content).decode("utf-8")
    assert body.startswith(export.CSV_BOM)
    return list(csv.reader(io.StringIO(body.removeprefix(export.CSV_BOM))))


def test_export_all_streams_the_whole_table_as_csv(admin_client, contacts_table, raw_client):
    """The change list links to "Export all (CSV)", a streamed attachment named after the
    table, holding every contact."""
    ids = put_many(raw_client, 30)

    page = admin_client.get(LIST_URL)
    response = admin_client.get(EXPORT_URL)

    assert f'href="{EXPORT_URL}"' in page.content.decode()
    assert "Export all (CSV)" in page.content.decode()
    assert response.status_code == 200
    assert response.streaming
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == (
        f'attachment; filename="contacts-{CONTACTS.name}.csv"'
    )
    rows = csv_rows(response)
    assert rows[0] == ["id", "username", "age", "email", "phone", "other_attributes"]
    assert sorted(row[0] for row in rows[1:]) == ids


def test_export_selected_action_streams_the_chosen_contacts_in_order(
    admin_client, contacts_table, raw_client
):
    put_many(raw_client, 5)

    page = admin_client.get(LIST_URL)
    response = admin_client.post(
        LIST_URL,
        {"action": "export_selected_csv", "_selected_action": ["c0003", "c0001"], "index": "0"},
    )

    assert 'value="export_selected_csv"' in page.content.decode()
    assert "Export selected contacts (CSV)" in page.content.decode()
    assert response.status_code == 200
    assert response.streaming
    assert [row[:2] for row in csv_rows(response)[1:]] == [
        ["c0003", "user c0003"],
        ["c0001", "user c0001"],
    ]


def test_a_viewer_may_export_but_not_delete(viewer_client, contacts_table, raw_client):
    """The view permission is enough for both exports; the delete action stays refused."""
    put_many(raw_client, 2)

    page = viewer_client.get(LIST_URL).content.decode()
    exported = viewer_client.get(EXPORT_URL)
    selected = viewer_client.post(
        LIST_URL, {"action": "export_selected_csv", "_selected_action": ["c0000"], "index": "0"}
    )
    delete = viewer_client.post(
        LIST_URL,
        {"action": "delete_selected", "_selected_action": ["c0000"], "index": "0", "post": "yes"},
    )

    assert 'value="export_selected_csv"' in page
    assert 'value="delete_selected"' not in page
    assert exported.status_code == 200 and len(csv_rows(exported)) == 3
    assert selected.status_code == 200 and csv_rows(selected)[1][0] == "c0000"
    assert delete.status_code == 403
    assert len(scan_all(raw_client)) == 2


@on_moto
def test_exports_need_the_view_permission(db, client, django_user_model, contacts_table):
    client.force_login(django_user_model.objects.create_user("staff", is_staff=True))
    assert client.get(EXPORT_URL).status_code == 403
    client.logout()
    response = client.get(EXPORT_URL)
    assert response.status_code == 302
    assert response["Location"] == f"/admin/login/?next={EXPORT_URL}"


def test_export_of_a_missing_table_is_the_503_page_not_an_empty_file(admin_client, store):
    response = admin_client.get(EXPORT_URL)

    assert response.status_code == 503
    assert not response.streaming
    assert "create_table" in response.content.decode()
