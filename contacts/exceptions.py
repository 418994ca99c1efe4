"""The contacts store's own errors: callers never see boto3 or botocore.

`contacts.dynamo` translates every driver error into one of these; views show
`StoreError`s as a 503 page and management commands as a `CommandError`.
"""


class StoreError(Exception):
    """DynamoDB could not do what was asked; the message says why."""


class StoreUnavailable(StoreError):
    """DynamoDB did not answer, or kept throttling after retries."""


class StoreMisconfigured(StoreError):
    """Credentials, region or permissions are wrong: an operator must act."""


class TableMissing(StoreError):
    """The contacts table does not exist (yet)."""

    def __init__(self, table):
        self.table = table
        super().__init__(
            f'Table "{table}" does not exist: run `python manage.py create_table`.'
        )


class TableAlreadyExists(StoreError):
    """create_table found the table already there."""

    def __init__(self, table):
        self.table = table
        super().__init__(f'Table "{table}" already exists.')


class TableInUse(StoreError):
    """The table is being created, updated or deleted; try again shortly."""


class ConditionFailed(StoreError):
    """A conditional write found the item not as expected (internal to the store).

    `item` is the item as DynamoDB found it (None if there was none), when
    the request asked for it with ReturnValuesOnConditionCheckFailure.
    """

    def __init__(self, message, item=None):
        self.item = item
        super().__init__(message)


class ContactNotFound(StoreError):
    """No contact has this id."""

    def __init__(self, contact_id):
        self.contact_id = contact_id
        super().__init__(f"No contact with id “{contact_id}” exists.")


class ContactChanged(StoreError):
    """Someone changed the contact since the form was shown; the write was refused."""

    def __init__(self, contact_id, current):
        self.contact_id = contact_id
        self.current = current
        super().__init__(
            f"The contact “{contact_id}” was changed by someone else after you opened it."
        )


class ContactAlreadyExists(StoreError):
    """A contact with this id exists, and create never overwrites."""

    def __init__(self, contact_id):
        self.contact_id = contact_id
        super().__init__(f"A contact with id “{contact_id}” already exists.")


class InvalidRequest(ValueError):
    """The input cannot be sent or was refused by DynamoDB: a 4xx, not a 503."""


class InvalidContact(InvalidRequest):
    """The item cannot be stored as it is (bad id, attribute name, value or size)."""


class InvalidCursor(InvalidRequest):
    """A paging cursor was tampered with, truncated or made for another table."""
