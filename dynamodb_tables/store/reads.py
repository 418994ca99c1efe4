"""What a list page reads: a Scan or a Query, of the table or an index, with filters.

A `Read` says it the way DynamoDB does: an index (or the table), a partition
key value (a Query; none: a Scan), a sort-key condition, the order, whether
the read is consistent, and filters (a FilterExpression, applied after the
read: they narrow what is shown, not what is read and paid for).
`request_params` checks a Read against the table's key schema and turns it
into the request's parameters, every name aliased and every value bound.
"""

import re
from dataclasses import dataclass

from ..exceptions import InvalidRequest
from ..values.rules import KEY_WORDS, clip
from ..values.types import TYPE_LABELS, dynamodb_type
from .expressions import Expression

# Sort-key conditions a KeyConditionExpression allows.
SORT_OPERATORS = {
    "=": "equals",
    "<": "less than",
    "<=": "less than or equal to",
    ">": "greater than",
    ">=": "greater than or equal to",
    "between": "between",
    "begins_with": "begins with",
}
# Filter conditions: a FilterExpression's comparisons and functions.
COMPARISONS = {"=": "=", "<>": "≠", "<": "<", "<=": "≤", ">": ">", ">=": "≥"}
FILTER_OPERATORS = {
    **COMPARISONS,
    "between": "between",
    "begins_with": "begins with",
    "contains": "contains",
    "exists": "exists",
    "not_exists": "does not exist",
    "type": "is of type",
    **{f"size{op}": f"size {label}" for op, label in COMPARISONS.items()},
}
# Not offered on the bar: "the item has not expired" for a time-to-live attribute
# (absent, not a Number, or later than the given epoch seconds, as DynamoDB decides).
UNEXPIRED = "unexpired"
# Operators that take no value, and those that take two.
NO_VALUE = {"exists", "not_exists"}
TWO_VALUES = {"between"}
MAX_FILTERS = 10

# One path element: a name (anything but . [ ]) followed by [n] list indexes.
_ELEMENT = re.compile(r"([^.\[\]]+)((?:\[\d+\])*)")
_INDEXES = re.compile(r"\[(\d+)\]")


@dataclass(frozen=True)
class Filter:
    """One condition on an attribute path: `address.city = "Paris"`, `tags[0] exists`."""

    path: str
    operator: str
    values: tuple = ()

    def __str__(self):
        label = FILTER_OPERATORS.get(self.operator, self.operator)
        shown = " and ".join(repr_value(value) for value in self.values)
        return f"{self.path} {label} {shown}".strip()


@dataclass(frozen=True)
class Read:
    """A Scan (no partition value) or a Query, of the table or one of its indexes."""

    index: str | None = None
    partition: object = None
    sort_operator: str | None = None
    sort_values: tuple = ()
    ascending: bool = True
    consistent: bool = False
    filters: tuple = ()
    # The slow fallback search: (text, attributes), "contains" in any of them.
    contains: tuple | None = None

    @property
    def is_query(self):
        return self.partition is not None

    @property
    def filtered(self):
        return bool(self.filters or self.contains)

    @property
    def scope(self):
        """What a page cursor of this read is valid for (start keys differ per index)."""
        return self.index or ""


def repr_value(value):
    if isinstance(value, str):
        return f"“{clip(value)}”"
    return clip(str(value))


def parse_path(path, expression):
    """Return the aliased form of an attribute path (`#n0.#n1[0]`), or InvalidRequest."""
    text = path.strip()
    aliased, position = [], 0
    while True:
        match = _ELEMENT.match(text, position)
        if not match:
            raise InvalidRequest(
                f"“{clip(path)}” is not an attribute path: write names separated by dots "
                "and list positions in brackets, e.g. address.city or tags[0]."
            )
        aliased.append(expression.name(match.group(1)) + match.group(2))
        position = match.end()
        if position == len(text):
            return ".".join(aliased)
        if text[position] != "." or position + 1 == len(text):
            raise InvalidRequest(
                f"“{clip(path)}” is not an attribute path: after “{clip(text[:position])}” "
                "comes a dot and a name, or [n]."
            )
        position += 1


def request_params(table, read):
    """Return the Scan or Query parameters of a read of `table`, checked against its keys.

    Raises InvalidRequest naming the problem: an unknown index, a key value
    of the wrong type, a sort condition without a sort key, BETWEEN with
    low above high, a consistent read of a global index.
    """
    partition_key, sort_key, is_global = _keys(table, read.index)
    params = {"TableName": table.name}
    if read.index:
        params["IndexName"] = read.index
    if read.consistent:
        if is_global:
            raise InvalidRequest(
                f"Index “{read.index}” is a global secondary index: DynamoDB reads it "
                "eventually consistent only."
            )
        params["ConsistentRead"] = True
    expression = Expression()
    if read.is_query:
        params["KeyConditionExpression"] = _key_condition(
            expression, read, partition_key, sort_key)
        if not read.ascending:
            params["ScanIndexForward"] = False
    elif read.sort_operator:
        raise InvalidRequest("A sort-key condition needs a partition key value (a Query).")
    conditions = [_filter_condition(expression, condition) for condition in read.filters]
    if read.contains:
        conditions.append(_contains_condition(expression, *read.contains))
    if conditions:
        params["FilterExpression"] = " AND ".join(
            f"({condition})" if len(conditions) > 1 else condition for condition in conditions)
    params.update(expression.params())
    return params


def _keys(table, index_name):
    if not index_name:
        return table.partition_key, table.sort_key, False
    index = table.index(index_name)
    return index.partition_key, index.sort_key, index.is_global


def _key_condition(expression, read, partition_key, sort_key):
    _check_key_value(read.partition, partition_key)
    condition = (
        f"{expression.name(partition_key.name)} = "
        f"{expression.value(read.partition, partition_key.name)}"
    )
    if not read.sort_operator:
        return condition
    if sort_key is None:
        where = f"index “{read.index}”" if read.index else "this table"
        raise InvalidRequest(
            f"{where[0].upper()}{where[1:]} has no sort key: leave the sort-key condition empty."
        )
    if read.sort_operator not in SORT_OPERATORS:
        raise InvalidRequest(f"“{clip(read.sort_operator)}” is not a sort-key condition.")
    wanted = 2 if read.sort_operator == "between" else 1
    if len(read.sort_values) != wanted:
        raise InvalidRequest(
            f"The sort-key condition “{SORT_OPERATORS[read.sort_operator]}” takes "
            f"{'two values' if wanted == 2 else 'one value'}."
        )
    for value in read.sort_values:
        _check_key_value(value, sort_key)
    if read.sort_operator == "begins_with" and sort_key.type == "N":
        raise InvalidRequest(
            f"“begins with” compares strings or binary; sort key “{sort_key.name}” is a number."
        )
    name = expression.name(sort_key.name)
    values = [expression.value(value, sort_key.name) for value in read.sort_values]
    if read.sort_operator == "between":
        low, high = read.sort_values
        if _ordered(high) < _ordered(low):
            raise InvalidRequest(
                f"BETWEEN needs the low value first: {repr_value(low)} is above "
                f"{repr_value(high)}."
            )
        sort_condition = f"{name} BETWEEN {values[0]} AND {values[1]}"
    elif read.sort_operator == "begins_with":
        sort_condition = f"begins_with({name}, {values[0]})"
    else:
        sort_condition = f"{name} {read.sort_operator} {values[0]}"
    return f"{condition} AND {sort_condition}"


def _check_key_value(value, attribute):
    if dynamodb_type(value) != attribute.type:
        raise InvalidRequest(
            f"Key “{attribute.name}” holds {KEY_WORDS[attribute.type]}, not "
            f"{repr_value(value)}."
        )
    if value in ("", b""):
        raise InvalidRequest(f"Key “{attribute.name}” cannot be empty.")


def _ordered(value):
    # DynamoDB orders strings by their UTF-8 bytes, not by Python's code points.
    return value.encode("utf-8") if isinstance(value, str) else value


def _filter_condition(expression, condition):
    path = parse_path(condition.path, expression)
    operator = condition.operator
    if operator == UNEXPIRED:
        number = expression.value("N", "type")
        return (f"attribute_not_exists({path}) OR NOT attribute_type({path}, {number}) "
                f"OR {path} > {expression.value(condition.values[0], condition.path)}")
    if operator not in FILTER_OPERATORS:
        raise InvalidRequest(f"“{clip(operator)}” is not a filter condition.")
    wanted = 0 if operator in NO_VALUE else 2 if operator in TWO_VALUES else 1
    if len(condition.values) != wanted:
        raise InvalidRequest(
            f"The filter “{FILTER_OPERATORS[operator]}” on {condition.path} takes "
            f"{('no value', 'one value', 'two values')[wanted]}."
        )
    if operator == "exists":
        return f"attribute_exists({path})"
    if operator == "not_exists":
        return f"attribute_not_exists({path})"
    if operator == "type":
        kind = condition.values[0]
        if kind not in TYPE_LABELS:
            raise InvalidRequest(f"“{clip(str(kind))}” is not a DynamoDB type.")
        return f"attribute_type({path}, {expression.value(kind, 'type')})"
    values = [expression.value(value, condition.path) for value in condition.values]
    if operator == "between":
        low, high = condition.values
        if type(low) is not type(high) or _ordered(high) < _ordered(low):
            raise InvalidRequest(
                f"BETWEEN on {condition.path} needs two values of one type, the low one first."
            )
        return f"{path} BETWEEN {values[0]} AND {values[1]}"
    if operator in ("begins_with", "contains"):
        return f"{operator}({path}, {values[0]})"
    if operator.startswith("size"):
        return f"size({path}) {operator[4:]} {values[0]}"
    return f"{path} {operator} {values[0]}"


def _contains_condition(expression, text, attributes):
    term = expression.value(str(text), "search")
    return " OR ".join(
        f"contains({expression.name(attribute)}, {term})" for attribute in attributes)
