"""The DynamoDB type of a Python value, and equality that knows DynamoDB types."""

import re
from decimal import Decimal

# The names the DynamoDB console uses in its "Add new attribute" menu, in its order.
TYPE_LABELS = {
    "S": "String",
    "N": "Number",
    "B": "Binary",
    "BOOL": "Boolean",
    "NULL": "Null",
    "L": "List",
    "M": "Map",
    "SS": "String Set",
    "NS": "Number Set",
    "BS": "Binary Set",
}
TYPES = tuple(TYPE_LABELS)
SET_TYPES = {"SS": "S", "NS": "N", "BS": "B"}
# The types a key attribute (of the table or of an index) may have.
KEY_TYPES = ("S", "N", "B")

# Python type of a value -> DynamoDB type code, as the backend deserializes
# them. bool before Number: a bool is an int to Python.
_SCALAR_TYPES = (
    (type(None), "NULL"),
    (bool, "BOOL"),
    (str, "S"),
    (Decimal | int, "N"),
    (bytes, "B"),
    (list, "L"),
    (dict, "M"),
)
_SET_OF = {member: kind for kind, member in SET_TYPES.items()}
_LINE_BREAK = re.compile(r"\r\n|\r|\n")


def dynamodb_type(value):
    """Return the DynamoDB type code (S, N, B, BOOL, NULL, L, M, SS, NS, BS) of a value."""
    if isinstance(value, set | frozenset):
        return _SET_OF[dynamodb_type(next(iter(value), ""))]
    for python_type, code in _SCALAR_TYPES:
        if isinstance(value, python_type):
            return code
    raise TypeError(f"{type(value).__name__} is not a DynamoDB value")


def type_label(value):
    """Return the console's name of a value's type ("String", "Number Set", ...)."""
    return TYPE_LABELS[dynamodb_type(value)]


def same_lines(first, second):
    """Whether two texts differ at most in line endings (browsers post every one as CRLF)."""
    return _LINE_BREAK.sub("\n", first) == _LINE_BREAK.sub("\n", second)


def equivalent(first, second):
    """Whether two values are the same DynamoDB value, type for type.

    Plain == would call True equal to Decimal(1) and {1} equal to {True}.
    Numbers compare by value (DynamoDB stores 1.10 as 1.1); strings ignore
    line-ending differences, which browsers introduce, not users.
    """
    kind = dynamodb_type(first)
    if kind != dynamodb_type(second):
        return False
    if kind == "S":
        return same_lines(first, second)
    if kind == "L":
        return len(first) == len(second) and all(map(equivalent, first, second))
    if kind == "M":
        return first.keys() == second.keys() and all(
            equivalent(value, second[name]) for name, value in first.items()
        )
    return first == second
