"""The attribute editor's text forms, DynamoDB JSON, number rules and item size (no store)."""

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from contacts.attributes import (
    editable,
    equivalent,
    from_text,
    from_typed,
    parse_number,
    to_text,
    to_typed,
)
from contacts.display import dynamodb_type
from contacts.documents import MAX_ITEM_BYTES, item_size, validate_item
from contacts.exceptions import InvalidContact

from .strategies import names, numbers, values

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
    ("L", [Decimal(1), "x", None], '[\n  {"N": "1"},\n  {"S": "x"},\n  {"NULL": true}\n]'),
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
    with pytest.raises(InvalidContact, match=message):
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
    ("M", "[]", 'At address: a Map is written {"M": {"name": {"S": "value"}}}'),
    ("L", "{}", "a List is written"),
    ("M", '{"zip": 75001}', "At address.zip: expected one type and its value"),
    ("M", '{"zip": {"N": 75001}}', "At address.zip: a Number is written"),
    ("M", '{"zip": {"N": "1E+200"}}', "At address.zip: DynamoDB numbers range"),
    ("M", '{"a": {"L": [{"S": "x"}, {"Q": 1}]}}', r"At address.a\[1\]: expected one type"),
    ("M", '{"": {"S": "x"}}', "a name must be a non-empty string"),
    ("M", '{"t": {"SS": []}}', "at least one member"),
    ("M", '{"t": {"SS": ["a", "a"]}}', "appears more than once"),
    ("M", '{"b": {"BOOL": "yes"}}', "a Boolean is written"),
    ("M", '{"n": {"NULL": false}}', 'a Null is written {"NULL": true}'),
])
def test_malformed_values_say_what_and_where(kind, text, message):
    """Every malformed value names the problem; JSON errors give line and column, nested
    errors the path inside the value."""
    with pytest.raises(InvalidContact, match=message):
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
    assert to_text(back) == to_text(value)


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
    with pytest.raises(InvalidContact, match=r"409,601 bytes; DynamoDB stores items of at most"):
        validate_item({**at_limit, "blob": at_limit["blob"] + "a"})


def test_long_names_are_refused():
    """Attribute names are at most 64 KB of UTF-8 (reserved words are fine)."""
    validate_item({"id": "x", "status": "ok", "n" * 65535: "ok"})
    with pytest.raises(InvalidContact, match="longer than 65535 bytes"):
        validate_item({"id": "x", "é" * 32768: "too long"})


@given(names)
def test_generated_names_are_valid(name):
    validate_item({"id": "x", name: "v"})


@pytest.mark.parametrize("levels", [33, 3000])
def test_documents_nested_deeper_than_dynamodb_allows_are_refused_in_words(levels):
    """DynamoDB nests at most 32 levels; deeper input (even deep enough to exhaust Python's
    stack) is an error message, never a crash."""
    text = '{"L": [' * (levels - 1) + '{"S": "x"}' + "]}" * (levels - 1)

    with pytest.raises(InvalidContact, match="nest"):
        from_text("L", f"[{text}]")


def test_thirty_two_levels_are_fine():
    text = '{"L": [' * 30 + '{"S": "x"}' + "]}" * 30
    assert from_text("L", f"[{text}]")
