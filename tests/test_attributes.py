"""The attribute editor's text forms, DynamoDB JSON (one reader for the editor and the import),
number rules and item size (no store)."""

import json
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from contacts.models import CONTACTS
from dynamodb_tables.exceptions import InvalidItem
from dynamodb_tables.store import records
from dynamodb_tables.values import typed
from dynamodb_tables.values.plain_json import looks_typed
from dynamodb_tables.values.rules import MAX_ITEM_BYTES, item_size, value_size
from dynamodb_tables.values.text import editable, from_text, parse_number, to_text
from dynamodb_tables.values.typed import BadValue, to_typed
from dynamodb_tables.values.types import TYPES, dynamodb_type, equivalent, same_lines

from .strategies import names, numbers, values

from_typed = typed.read
validate_item = CONTACTS.validate_item

EVERY_TYPE = [
    ("S", "a\nb  ", "a\nb  "),
    ("S", "", ""),
    ("N", Decimal("1.10"), "1.10"),
    ("N", Decimal("12345678901234567890123456789012345678"),
     "12345678901234567890123456789012345678"),
    ("N", Decimal("-1E-130"), "-1E-130"),
    ("B", b"\x00\xffhi", "AP9oaQ=="),
    ("BOOL", True, "true"),
    ("BOOL", False, "false"),
    ("NULL", None, ""),
    ("L", [Decimal(1), "x", None], '[\n  1,\n  "x",\n  null\n]'),
    ("L", [b"x", "y"], '[\n  {"B": "eA=="},\n  {"S": "y"}\n]'),
    ("L", [], "[]"),
    ("M", {"city": "Pune", "tags": {"b", "a"}},
     '{\n  "city": {"S": "Pune"},\n  "tags": {"SS": ["a", "b"]}\n}'),
    ("M", {}, "{}"),
    ("SS", {"b", "a c"}, "a c\nb"),
    ("NS", {Decimal("2.5"), Decimal(-1)}, "-1\n2.5"),
    ("BS", {b"a", b"b"}, "YQ==\nYg=="),
]


@pytest.mark.parametrize(("kind", "value", "text"), EVERY_TYPE)
def test_every_type_reads_and_writes_as_documented_text(kind, value, text):
    """Each type has one documented text form; reading it back gives the value, type for type."""
    assert dynamodb_type(value) == kind
    assert to_text(value) == text
    back = from_text(kind, text)
    assert equivalent(back, value) and dynamodb_type(back) == kind


def test_numbers_stay_exact_and_keep_their_digits():
    """No float anywhere: 1.10 is read as Decimal('1.10'), 38 digits stay 38 digits."""
    assert str(from_text("N", "1.10")) == "1.10"
    assert from_text("N", "12345678901234567890123456789012345678") == Decimal(
        "12345678901234567890123456789012345678")
    assert from_text("M", '{"n": {"N": "0.1"}}') == {"n": Decimal("0.1")}
    assert str(from_text("NS", "1.10\n2")) in ("{Decimal('1.10'), Decimal('2')}",
                                                "{Decimal('2'), Decimal('1.10')}")


@pytest.mark.parametrize(("text", "message"), [
    ("", "is not a number"),
    ("abc", "is not a number"),
    ("NaN", "is not a number"),
    ("Infinity", "is not a number"),
    ("1_000", "is not a number"),
    ("0x10", "is not a number"),
    ("123456789012345678901234567890123456789", "at most 38 significant digits"),
    ("1.000000000000000000000000000000000000001", "at most 38 significant digits"),
    ("1E+126", "range from 1E-130"),
    ("-1E+126", "range from 1E-130"),
    ("1E-131", "range from 1E-130"),
])
def test_bad_numbers_are_refused_with_a_reason(text, message):
    with pytest.raises(InvalidItem, match=message):
        parse_number(text, "Value")


def test_number_range_limits_and_zeros_are_accepted():
    for text in ["0", "-0", "0.000", "9.9999999999999999999999999999999999999E+125", "1E-130",
                 "1000000000000000000000000000000000000000000", "-1E-130"]:
        assert parse_number(text) == Decimal(text)


@pytest.mark.parametrize(("kind", "text", "message"), [
    ("SS", "a\nb\na", "“a” appears more than once"),
    ("NS", "1\n1.0", "appears more than once"),
    ("SS", "", "at least one member"),
    ("SS", "\n \n", "at least one member"),
    ("NS", "1\nx", "line “x”: “x” is not a number"),
    ("BS", "YQ==\n***", "not valid base64"),
    ("B", "not base64!", "not valid base64"),
    ("BOOL", "maybe", "true or false"),
    ("NULL", "something", "has no value"),
    ("M", '{"a": {"S": "x"},\n "b": }', "malformed at line 2, column 7"),
    ("M", "[]", "At address: a Map is written as a JSON object"),
    ("L", "{}", "a List is written"),
    ("M", '{"zip": 75001, "a": {"S": "x"}}', "At address.a: this value is written in DynamoDB"),
    ("M", '{"zip": {"N": 75001}}', "At address.zip: a Number is written"),
    ("M", '{"zip": {"N": "1E+200"}}', r"At address.zip: “1E\+200” is out of range: DynamoDB"),
    ("M", '{"a": {"L": [{"S": "x"}, {"Q": 1}]}}', r"At address.a\[1\]: unknown type “Q”; types"),
    ("M", '{"": {"S": "x"}}', "At address: a name is empty"),
    ("M", '{"t": {"SS": []}}', "at least one member"),
    ("M", '{"t": {"SS": ["a", "a"]}}', "appears more than once"),
    ("M", '{"b": {"BOOL": "yes"}}', "a Boolean is written"),
    ("M", '{"n": {"NULL": false}}', 'a Null is written {"NULL": true}'),
])
def test_malformed_values_say_what_and_where(kind, text, message):
    """Every malformed value names the problem; JSON errors give line and column, nested
    errors the path inside the value."""
    with pytest.raises(InvalidItem, match=message):
        from_text(kind, text, "Value", "address")


def test_line_endings_from_a_browser_are_not_a_change():
    """Browsers post every line break as CRLF: a String that differs only so is the same value,
    and sets split on any line break."""
    assert equivalent("a\nb\rc", from_text("S", "a\r\nb\r\nc"))
    assert from_text("SS", "a\r\nb\r\n") == {"a", "b"}
    assert not equivalent("a\nb", "a b")


def test_equivalence_knows_types():
    """True is not the number 1, a list is not a set, 1.10 is 1.1 (DynamoDB stores values)."""
    assert not equivalent(True, Decimal(1))
    assert not equivalent({"x": True}, {"x": Decimal(1)})
    assert not equivalent([Decimal(1)], {Decimal(1)})
    assert not equivalent(b"a", "a")
    assert not equivalent(None, "")
    assert equivalent(Decimal("1.10"), Decimal("1.1"))
    assert equivalent({"a": [None, {b"x"}]}, {"a": [None, {b"x"}]})


def test_sets_with_members_text_cannot_carry_are_not_editable():
    """A String Set member with a line break, or an empty one, cannot be one line of text."""
    assert not editable({"a\nb", "c"})
    assert not editable({"", "c"})
    assert not editable({" ", "c"})  # a line of spaces is read back as no line at all
    assert editable({"a b ", "c"})
    assert not editable({b"", b"c"})
    assert editable({"c"}) and editable("a\nb") and editable({"x": {"a\nb"}})


@settings(max_examples=300, deadline=None)
@given(values)
def test_any_value_survives_its_text_form(value):
    """Property: value -> text -> value is exact for every value the editor can edit."""
    kind = dynamodb_type(value)
    if not editable(value):
        return
    back = from_text(kind, to_text(value))
    assert dynamodb_type(back) == kind
    assert equivalent(back, value)
    # A lone CR in a String reads back as a line break, as a browser posts it.
    assert same_lines(to_text(back), to_text(value))


@settings(max_examples=300, deadline=None)
@given(values)
def test_any_value_survives_dynamodb_json(value):
    """Property: value -> DynamoDB JSON -> value is exact (the signed copy a form carries)."""
    back = from_typed(to_typed(value))
    assert equivalent(back, value) and to_typed(back) == to_typed(value)


@settings(max_examples=200, deadline=None)
@given(numbers())
def test_generated_numbers_are_all_storable(number):
    assert parse_number(str(number)) == number


# --- Item size -------------------------------------------------------------------------


def test_item_size_follows_dynamodbs_rules():
    """Names and values count: UTF-8 bytes for strings, bytes for binary, ~1 byte per two
    digits plus one for numbers, 1 for booleans and nulls, 3 plus 1 per member for Lists and
    Maps (keys counted), members for sets."""
    assert item_size({"id": "ab"}) == 4
    assert item_size({"é": "ü"}) == 4
    assert item_size({"n": Decimal("12345")}) == 1 + 4
    assert item_size({"n": Decimal("-1.5")}) == 1 + 3
    assert item_size({"n": Decimal("1000")}) == 1 + 2  # trailing zeros are not stored
    assert item_size({"b": b"\x00" * 10}) == 11
    assert item_size({"t": True, "z": None}) == 4
    assert item_size({"l": ["ab", None]}) == 1 + 3 + (1 + 2) + (1 + 1)
    assert item_size({"m": {"k": "ab"}}) == 1 + 3 + (1 + 1 + 2)
    assert item_size({"s": {"ab", "c"}}) == 1 + 3


@given(st.dictionaries(names, values, max_size=5))
@settings(max_examples=100, deadline=None)
def test_item_size_is_at_least_the_text_of_names_and_strings(item):
    assert item_size(item) >= sum(len(name.encode()) for name in item)


def test_items_over_400_kb_are_refused_before_the_write():
    """The limit is DynamoDB's: 400 KB for names and values together."""
    at_limit = {"id": "x", "blob": "a" * (MAX_ITEM_BYTES - 1 - 2 - 4)}
    assert item_size(at_limit) == MAX_ITEM_BYTES
    validate_item(at_limit)
    with pytest.raises(InvalidItem, match=r"409,601 bytes; DynamoDB stores items of at most"):
        validate_item({**at_limit, "blob": at_limit["blob"] + "a"})


def test_long_names_are_refused():
    """Attribute names are at most 64 KB of UTF-8 (reserved words are fine)."""
    validate_item({"id": "x", "status": "ok", "n" * 65535: "ok"})
    with pytest.raises(InvalidItem, match="longer than 65535 bytes"):
        validate_item({"id": "x", "é" * 32768: "too long"})


@given(names)
def test_generated_names_are_valid(name):
    validate_item({"id": "x", name: "v"})


@pytest.mark.parametrize("levels", [33, 3000])
def test_documents_nested_deeper_than_dynamodb_allows_are_refused_in_words(levels):
    """DynamoDB nests at most 32 levels; deeper input (even deep enough to exhaust Python's
    stack) is an error message, never a crash."""
    text = '{"L": [' * (levels - 1) + '{"S": "x"}' + "]}" * (levels - 1)

    with pytest.raises(InvalidItem, match="nest"):
        from_text("L", f"[{text}]")


def test_thirty_two_levels_are_fine():
    text = '{"L": [' * 30 + '{"S": "x"}' + "]}" * 30
    assert from_text("L", f"[{text}]")


# --- One DynamoDB JSON reader: the editor and import_contacts agree --------------------------


def nested(levels, inner):
    """`inner` inside `levels` Lists."""
    for _ in range(levels):
        inner = {"L": [inner]}
    return inner


def through_the_editor(value):
    """Read a typed value as the editor does: typed into a Map row named "m", under key "a".

    Returns ("accepted", Python value) or ("refused", path, problem).
    """
    try:
        return "accepted", from_text("M", json.dumps({"a": value}), "Value", "m")["a"]
    except BadValue as error:
        return "refused", error.path, error.problem


def through_the_import(value):
    """Read the same value as import_contacts does: one line, "m" a Map holding it as "a".

    Returns ("accepted", item size) or ("refused", problem as BadRecord words it).
    """
    line = json.dumps({"id": {"S": "x"}, "m": {"M": {"a": value}}})
    try:
        key, size = records.parse_record(line, 7, CONTACTS)
    except records.BadRecord as error:
        assert error.line_number == 7
        return "refused", error.problem
    assert key == {"id": "x"}
    return "accepted", size


def assert_both_read_alike(value):
    """Both callers accept, or both refuse naming the same place with the same words; what
    they accept, the import sizes as rules.item_size counts the editor's value.

    A value the editor does not take for a typed one makes {"a": value} plain JSON to it
    (tests/test_plain_json.py), which the import does not read."""
    if not looks_typed(value):
        return ("plain",)
    editor, importer = through_the_editor(value), through_the_import(value)
    assert editor[0] == importer[0], (editor, importer)
    if editor[0] == "refused":
        _, path, problem = editor
        assert importer[1] == f"attribute “{path}”: {problem}"
    else:
        assert importer[1] == item_size({"id": "x", "m": {"a": editor[1]}})
    return editor


# Values where the two readers used to differ, and DynamoDB's own answer (DynamoDB Local).
AGREED = [
    ({"N": " 42"}, "m.a", "“ 42” is not a number"),  # DynamoDB: cannot be converted
    ({"N": "42 "}, "m.a", "“42 ” is not a number"),
    ({"B": " YQ== "}, "m.a", "is not valid base64"),
    ({"S": "\ud800"}, "m.a", r"“\ud800” is not valid Unicode text"),
    ({"M": {"\udfff": {"S": "x"}}}, "m.a", r"the name “\udfff” is not valid Unicode text"),
    ({"M": {"k" * 65536: {"S": "x"}}}, "m.a", "is longer than 65535 bytes in UTF-8"),
    ({"M": {"": {"S": "x"}}}, "m.a", "a name is empty"),
    ({"SS": ["a", 1]}, "m.a[1]", "members of a String Set are written as strings"),
    ({"NS": ["1", "x"]}, "m.a[1]", "“x” is not a number"),
    ({"BS": ["YQ==", "***"]}, "m.a[1]", "“***” is not valid base64"),
    ({"NS": ["1", "2", "1.0"]}, "m.a", "“1” and “1.0” are the same value"),
    ({"BS": []}, "m.a", "a Binary Set needs at least one member"),
    ({"L": [{"S": "x"}, {"N": 5}]}, "m.a[1]", "a Number is written as a string"),
    ({"NULL": None}, "m.a", 'a Null is written {"NULL": true}, not null'),
    ({"S": "x", "N": "1"}, "m.a", "expected one type and its value"),
    ({"L": [{"Q": "x"}]}, "m.a[0]", "unknown type “Q”"),
    # The item is level 1, "m" level 2 and "a" level 3: a List at level 33 is too deep.
    (nested(30, {"L": []}), "m.a" + "[0]" * 30, "nested deeper than 32 levels"),
]


@pytest.mark.parametrize(("value", "path", "problem"), AGREED)
def test_the_editor_and_the_import_refuse_the_same_values_in_the_same_words(
    value, path, problem
):
    """Typed values are read by one reader: the editor says "At <path>: <problem>.", the
    import "attribute “<path>”: <problem>", each naming the innermost place that is wrong."""
    verdict = assert_both_read_alike(value)

    assert verdict[:2] == ("refused", path)
    assert problem in verdict[2]


@pytest.mark.parametrize("value", [
    {"N": "+5"}, {"N": "5."}, {"N": ".5"}, {"N": "-0"}, {"N": "1e5"},
    {"N": "\u0661"},  # DynamoDB Local takes an Arabic-Indic 1 as 1, as Decimal does
    {"N": "9.9999999999999999999999999999999999999E+125"}, {"N": "-1E-130"},
    {"B": ""}, {"SS": ["", "a"]}, {"BS": ["", "YQ=="]}, {"NS": ["1", "1.5"]},
    {"M": {"k" * 65535: {"S": "x"}}}, {"M": {}}, {"L": []},
    nested(29, {"L": []}), nested(30, {"SS": ["deepest"]}),
])
def test_the_editor_and_the_import_accept_the_same_values(value):
    assert assert_both_read_alike(value)[0] == "accepted"


json_scalars = st.one_of(
    st.none(), st.booleans(), st.integers(-5, 5), st.text(max_size=4),
    st.sampled_from(["42", "1.0", "1", " 7", "-0", "1E+126", "1E-131", "1" * 39, "YQ==", "Yg==",
                     "***", "", "NaN", "\ud800"]),
)
typed_like = st.recursive(
    st.one_of(
        st.builds(dict, st.lists(st.tuples(st.sampled_from([*TYPES, "Q"]), json_scalars),
                                 min_size=1, max_size=2)),
        st.builds(lambda kind, members: {kind: members},
                  st.sampled_from(["SS", "NS", "BS"]), st.lists(json_scalars, max_size=3)),
        json_scalars,
    ),
    lambda children: st.one_of(
        st.builds(lambda members: {"L": members}, st.lists(children, max_size=3)),
        st.builds(lambda members: {"M": members},
                  st.dictionaries(st.text(max_size=3), children, max_size=3)),
    ),
    max_leaves=10,
)


@settings(max_examples=500, deadline=None)
@given(st.one_of(typed_like, values.map(to_typed)))
def test_property_the_editor_and_the_import_read_typed_values_alike(value):
    """Property: for any JSON, well-formed DynamoDB JSON or not, both callers give the same
    verdict, the same place and words when refusing, and the same size when accepting."""
    assert_both_read_alike(value)


@settings(max_examples=300, deadline=None)
@given(values)
def test_property_the_size_the_import_counts_is_value_size(value):
    """The size the import counts for a value it reads is the one rules.value_size counts."""
    line = json.dumps({"id": {"S": "x"}, "v": to_typed(value)})
    size = records.parse_record(line, 1, CONTACTS)[1]
    assert size == len("id") + len("x") + len("v") + value_size(value)
