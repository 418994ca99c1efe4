"""A declared field stored with another type, converted to the field's type only on request.

Items are schemaless: another tool may store `age` as the String "30" where
the form declares a number. The change form shows such a value read-only
(saving never rewrites it), and when the field's own cleaning accepts it,
offers a "Convert to Number: 30" box whose label is the value the save
would write. Ticked, the save writes the converted value (in the same
conditional UpdateItem as any change); a value the field refuses
("thirty") says why it cannot be converted. Nothing is converted silently.
"""

from dataclasses import dataclass
from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError

from ..values.display import display_value
from ..values.rules import Refused, check_number
from ..values.types import TYPE_LABELS, dynamodb_type, equivalent, type_label

# The posted name of a field's "Convert" box: `_convert-<field name>`.
CONVERT_PREFIX = "_convert-"


def declared_type(field):
    """Return the DynamoDB type a form field stores (N, S or BOOL), or None if unknown.

    A FloatField is no Number here: DynamoDB numbers are exact, floats are not.
    """
    if isinstance(field, forms.FloatField | forms.NullBooleanField):
        return None
    if isinstance(field, forms.IntegerField | forms.DecimalField):
        return "N"
    if isinstance(field, forms.BooleanField):
        return "BOOL"
    if isinstance(field, forms.CharField):
        return "S"
    return None


@dataclass(frozen=True)
class Conversion:
    """A stored value and what converting it to the declared type gives (or why it cannot)."""

    stored: object
    kind: str
    value: object = None
    problem: str | None = None

    @property
    def possible(self):
        return self.problem is None

    @property
    def label(self):
        """The box's label, with the value the save would write: "Convert to Number: 30"."""
        return f"Convert to {TYPE_LABELS[self.kind]}: {display_value(self.value)}"

    @property
    def help_text(self):
        stored = f"Stored as {type_label(self.stored)} “{display_value(self.stored)}”"
        if self.possible:
            return (f"{stored}, not as the {TYPE_LABELS[self.kind]} this field edits; it is "
                    "kept as it is unless you tick the box to convert it.")
        return (f"{stored}, which cannot be converted to a {TYPE_LABELS[self.kind]}: "
                f"{self.problem} It is kept as it is.")


def conversion(field, stored):
    """Return the Conversion of a stored value to the field's type; None if the field's type
    is unknown or the value has it already (then it is simply a value the field refuses)."""
    kind = declared_type(field)
    if kind is None or dynamodb_type(stored) == kind:
        return None
    text = _as_text(stored)
    if text is None:
        return Conversion(stored, kind, problem=f"a {type_label(stored)} has no single value "
                                                "to convert.")
    try:
        cleaned = field.clean(text)
    except ValidationError as error:
        return Conversion(stored, kind, problem=" ".join(error.messages))
    try:
        value = _stored_as(kind, cleaned)
    except (Refused, ValueError) as problem:
        return Conversion(stored, kind, problem=f"{problem}.")
    return Conversion(stored, kind, value=value)


def _as_text(stored):
    """Return the text a person would type for a scalar value; None for the rest."""
    kind = dynamodb_type(stored)
    if kind == "S":
        return stored
    if kind == "N":
        return str(stored)
    if kind == "BOOL":
        return "true" if stored else "false"
    return None


def _stored_as(kind, cleaned):
    """Return the field's cleaned value as the DynamoDB value of `kind`."""
    if kind == "N":
        value = Decimal(str(cleaned))
        check_number(value)
        return value
    if kind == "BOOL":
        return bool(cleaned)
    if cleaned in (None, ""):
        raise ValueError("the field would store no text")
    return str(cleaned)


def is_value(candidate, value):
    """Whether `candidate` (a form's initial value: anything) is `value`, type for type."""
    try:
        return value is not None and equivalent(candidate, value)
    except TypeError:  # not a DynamoDB value at all
        return False


def requested(conversions, data):
    """Return {name: converted value} for each offered conversion whose box was ticked."""
    return {name: found.value for name, found in conversions.items()
            if data.get(f"{CONVERT_PREFIX}{name}")}


class ConvertibleValue(forms.Widget):
    """A read-only value with a "Convert to <type>: <new value>" box beside it."""

    template_name = "admin/dynamodb_tables/widgets/convertible_value.html"

    def __init__(self, found, checked=False, attrs=None):
        super().__init__(attrs)
        self.found = found
        self.checked = checked

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        context["convert"] = {
            "name": f"{CONVERT_PREFIX}{name}",
            "id": f"id_convert_{name}",
            "label": self.found.label,
            "checked": self.checked,
        }
        return context

    def id_for_label(self, id_):
        # The field's label names the read-only value; the box has its own label.
        return None
