"""Python values <-> DynamoDB attribute values, with boto3's own serializer.

Numbers are Decimal in both directions (boto3 refuses floats on purpose);
binary comes back as plain bytes, so boto3 types never leave this package.
"""

import decimal

from boto3.dynamodb.types import TypeDeserializer, TypeSerializer

from ..exceptions import InvalidItem

# DynamoDB numbers carry at most 38 significant digits, but DynamoDB (Local,
# at least) may spell 9.9E+125 as 126 digits, mostly trailing zeros, which
# boto3's 38-digit context refuses as "Rounded". Dropping those zeros is
# exact; Inexact stays trapped, so a 39th significant digit is still refused.
_EXACT_38_DIGITS = decimal.Context(prec=38, traps=[decimal.Inexact])


def _fit_digits(number):
    number = decimal.Decimal(number)
    if len(number.as_tuple().digits) > 38:
        number = number.normalize(_EXACT_38_DIGITS)
    return number


class _Serializer(TypeSerializer):
    def _serialize_n(self, value):
        return super()._serialize_n(_fit_digits(value))


class _Deserializer(TypeDeserializer):
    def _deserialize_n(self, value):
        return super()._deserialize_n(str(_fit_digits(value)))

    # Plain bytes instead of boto3's Binary wrapper. bytes are hashable, so
    # Binary Sets stay sets.
    def _deserialize_b(self, value):
        return bytes(value)

    def _deserialize_bs(self, value):
        return {bytes(member) for member in value}


_serializer = _Serializer()
_deserializer = _Deserializer()


def serialize(value, name="value"):
    """Return the DynamoDB attribute value for a Python value; name it in errors."""
    try:
        return _serializer.serialize(value)
    except decimal.DecimalException as error:
        raise InvalidItem(
            f"Attribute “{name}”: a number must have at most 38 significant digits "
            f"and fit DynamoDB's range ({error.__class__.__name__})."
        ) from error
    except TypeError as error:
        raise InvalidItem(f"Attribute “{name}”: {error}") from error


def deserialize(attribute_value):
    """Return the Python value of a DynamoDB attribute value (numbers as Decimal)."""
    return _deserializer.deserialize(attribute_value)


def to_attributes(item):
    """Return an item's attribute-value map, for PutItem and keys."""
    return {name: serialize(value, name) for name, value in item.items()}


def from_attributes(attributes):
    """Return the Python document for an attribute-value map."""
    return {name: deserialize(value) for name, value in attributes.items()}
