"""The key an add form will save under when its key is left blank, made when the form is.

A key left blank is generated (Table.new_partition_key), and it used to be
generated when the form was saved: a form sent twice (a double click, or a
re-send after a lost answer) stored two items. The add form now carries the
key it will use, signed, so that sending the same form again finds the item
it already stored, and the add answers as if it had just made it.
"""

from django.core import signing

from ..values import typed

NEW_KEY_VAR = "_new_key"
SAVED_BEFORE = (
    "This form was saved before, as {name} “{key}”, with other values. Save again to add "
    "these values as another {name}."
)
_SALT = "dynamodb_tables.new_keys"


def issue(table, data=None):
    """Return the token of an add form: the one `data` (a re-shown form's POST) carries,
    if good, else one for a new key; None if the table makes no keys."""
    if table.new_partition_key is None:
        return None
    token = (data or {}).get(NEW_KEY_VAR)
    if read(token, table) is not None:
        return token
    # As DynamoDB JSON, so that a Number or Binary key signs as exactly as a String.
    return signing.dumps(typed.to_typed(table.new_partition_key()), salt=f"{_SALT}:{table.name}")


def read(token, table):
    """Return the key value a token stands for, or None (no token, or not one of ours)."""
    if not token or table.new_partition_key is None:
        return None
    try:
        return typed.read(signing.loads(token, salt=f"{_SALT}:{table.name}"))
    except (signing.BadSignature, typed.BadValue):
        return None
