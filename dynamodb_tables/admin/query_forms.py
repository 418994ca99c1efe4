"""The change list's query bar and typed filters, as Django forms read from request.GET.

The query bar chooses the table or one of its indexes (as DescribeTable
shows them), a partition-key value, a sort-key condition, the order and
consistency: a Query. Each filter row is an attribute path, a condition and
a typed value: together, with AND, a FilterExpression on whatever is read.
Both are in the URL, so a query can be bookmarked and shared. Values are
read by the editor's own text reader (`values.text.from_text`), so "42" is
the Number 42 only where the type says Number.
"""

from django import forms

from ..exceptions import InvalidItem, InvalidRequest
from ..store.reads import (
    FILTER_OPERATORS,
    MAX_FILTERS,
    NO_VALUE,
    SORT_OPERATORS,
    TWO_VALUES,
    Filter,
    Read,
    request_params,
)
from ..values.text import from_text
from ..values.types import TYPE_LABELS

# The query bar's and the filters' GET keys, which the list's links carry.
BAR_FIELDS = ("index", "pk", "sk_op", "sk", "sk2", "desc", "consistent")
FILTER_FIELDS = ("path", "op", "type", "value", "value2")
# Types a filter's value can be typed as (sets and documents have no literal here).
VALUE_TYPES = ("S", "N", "B", "BOOL", "NULL")


def filter_prefix(position):
    return f"f{position}"


def carried_keys(data):
    """Return the GET keys of the bar and of the filter rows given (what list links keep)."""
    rows = [filter_prefix(n) for n in range(MAX_FILTERS)
            if data.get(f"{filter_prefix(n)}-path", "").strip()]
    return (*BAR_FIELDS, *(f"{prefix}-{name}" for prefix in rows for name in FILTER_FIELDS))


class QueryBarForm(forms.Form):
    """A Query of the table or an index: partition value, sort condition, order, consistency."""

    index = forms.ChoiceField(label="Read", required=False)
    pk = forms.CharField(label="Partition key value", required=False, max_length=2048)
    sk_op = forms.ChoiceField(
        label="Sort key", required=False,
        choices=[("", "any"), *SORT_OPERATORS.items()],
    )
    sk = forms.CharField(label="Sort key value", required=False, max_length=1024)
    sk2 = forms.CharField(label="and (BETWEEN)", required=False, max_length=1024)
    desc = forms.BooleanField(label="Descending", required=False)
    consistent = forms.BooleanField(
        label="Consistent read", required=False,
        help_text="Twice the read units; the table and its local indexes only.",
    )

    def __init__(self, data, layout, **kwargs):
        # Its own ids: the filters' (id_f0-path...) and the page's others stay apart.
        super().__init__(data, auto_id="query-%s", **kwargs)
        self.layout = layout
        self.fields["index"].choices = [("", f"Table {layout.name} ({_keys(layout)})"), *(
            (index.name, f"{index.kind} {index.name} ({_keys(index)})")
            for index in layout.indexes)]

    @property
    def active(self):
        """Whether the bar asks for a Query (a partition value, or any other setting)."""
        return self.is_bound and any(self.data.get(name) for name in BAR_FIELDS)

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        if not data["pk"]:
            self.add_error("pk", "Give the partition key value: a Query reads one partition.")
            return data
        try:
            keys = self._keys(data["index"])
            read = Read(
                index=data["index"] or None,
                partition=_typed(keys[0], data["pk"]),
                sort_operator=data["sk_op"] or None,
                sort_values=self._sort_values(data, keys[1]),
                ascending=not data["desc"],
                consistent=data["consistent"],
            )
            request_params(self.layout, read)
        except InvalidRequest as error:
            raise forms.ValidationError(str(error)) from None
        data["read"] = read
        return data

    def _keys(self, index_name):
        if not index_name:
            return self.layout.partition_key, self.layout.sort_key
        index = self.layout.index(index_name)
        return index.partition_key, index.sort_key

    def _sort_values(self, data, sort_key):
        if not data["sk_op"]:
            return ()
        if sort_key is None:
            # request_params names the problem (an index without a sort key).
            return (data["sk"],)
        texts = (data["sk"], data["sk2"]) if data["sk_op"] == "between" else (data["sk"],)
        return tuple(_typed(sort_key, text) for text in texts)


class FilterForm(forms.Form):
    """One filter row: an attribute path, a condition and a typed value (two for BETWEEN)."""

    path = forms.CharField(label="Attribute path", required=False, max_length=1000,
                           widget=forms.TextInput(attrs={"placeholder": "address.city"}))
    op = forms.ChoiceField(label="Condition", choices=list(FILTER_OPERATORS.items()))
    type = forms.ChoiceField(
        label="Type", initial="S", required=False,
        choices=[(kind, TYPE_LABELS[kind]) for kind in VALUE_TYPES]
        + [(kind, TYPE_LABELS[kind]) for kind in TYPE_LABELS if kind not in VALUE_TYPES],
        help_text="Of the value; for “is of type”, the type itself.",
    )
    value = forms.CharField(label="Value", required=False, max_length=4000)
    value2 = forms.CharField(label="and (BETWEEN)", required=False, max_length=4000)

    def clean(self):
        data = super().clean()
        if self.errors or not data.get("path"):
            return data
        operator, kind = data["op"], data.get("type") or "S"
        try:
            if operator in NO_VALUE:
                values = ()
            elif operator == "type":
                values = (kind,)
            else:
                if kind not in VALUE_TYPES:
                    raise InvalidRequest(
                        f"A {TYPE_LABELS[kind]} value cannot be written here; choose "
                        "String, Number, Binary, Boolean or Null, or “is of type”.")
                # size() counts: its value is a number whatever the attribute's type.
                kind = "N" if operator.startswith("size") else kind
                texts = (data["value"], data["value2"]) if operator in TWO_VALUES else (
                    data["value"],)
                values = tuple(_typed_value(kind, text) for text in texts)
            condition = Filter(data["path"].strip(), operator, values)
            request_params(_ANY_TABLE, Read(filters=(condition,)))
        except InvalidRequest as error:
            raise forms.ValidationError(str(error)) from None
        data["filter"] = condition
        return data


class _AnyTable:
    """Enough of a Table to check a filter alone (a Scan has no key condition)."""

    name = "-"
    partition_key = sort_key = None


_ANY_TABLE = _AnyTable()


def filter_forms(data):
    """Return the filter rows of the request: each one given, then one blank (up to the most)."""
    given = [n for n in range(MAX_FILTERS) if data.get(f"{filter_prefix(n)}-path", "").strip()]
    forms_ = [FilterForm(data, prefix=filter_prefix(n)) for n in given]
    if len(forms_) < MAX_FILTERS:
        free = next(n for n in range(MAX_FILTERS) if n not in given)
        forms_.append(FilterForm(prefix=filter_prefix(free)))
    return forms_


def _keys(schema):
    return ", ".join(str(attribute) for attribute in schema.key_attributes)


def _typed(attribute, text):
    return _typed_value(attribute.type, text, f"Key “{attribute.name}”")


def _typed_value(kind, text, where="Value"):
    try:
        return from_text(kind, text, where)
    except InvalidItem as error:
        raise InvalidRequest(str(error)) from None
