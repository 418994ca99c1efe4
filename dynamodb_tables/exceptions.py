"""The store's own errors: callers never see boto3 or botocore.

`dynamodb_tables.backend` translates every driver error into one of these;
admin pages show `StoreError`s as a 503 page and management commands as a
`CommandError`. Messages name the item the way its table's declaration calls
it ("order", or "item"), so every interface can show them as they
are.
"""


def with_article(noun):
    """Return "an order" or "a row": the noun with its article."""
    return f"{'an' if noun[:1].lower() in 'aeiou' else 'a'} {noun}"


class StoreError(Exception):
    """DynamoDB could not do what was asked; the message says why."""


class StoreUnavailable(StoreError):
    """DynamoDB did not answer, or kept throttling after retries."""


class BudgetSpent(StoreUnavailable):
    """DynamoDB did not answer within the web request's time budget (retries included)."""


class WriteUnconfirmed(StoreUnavailable):
    """A write was sent but DynamoDB never confirmed it: it may have been applied.

    Raised when an attempt went unanswered (a timeout, a connection cut after
    sending, a 5xx answer) and no later attempt settled the outcome. `reason`
    says why the last attempt failed.
    """

    def __init__(self, reason):
        self.reason = reason
        super().__init__(
            f"DynamoDB did not confirm the write, so it may have been applied. {reason}")


class StoreMisconfigured(StoreError):
    """Credentials, region or permissions are wrong: an operator must act."""


class AccessDenied(StoreMisconfigured):
    """AWS refused these credentials one action; `action` names it (e.g. dynamodb:CreateBackup),
    so a page can say which feature is not permitted and keep the rest."""

    def __init__(self, message, action):
        self.action = action
        super().__init__(message)


class NotSupported(StoreError):
    """The endpoint has no such feature: DynamoDB Local has no backups, point-in-time
    recovery, auto scaling or replicas. `feature` names it, once the store knows."""

    def __init__(self, message, feature=None):
        self.feature = feature
        super().__init__(message)


class TableMissing(StoreError):
    """The table does not exist (yet)."""

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
        # Set by the backend when an earlier attempt of the same request went
        # unanswered: the condition may have failed on that attempt's own write.
        self.after_unanswered = False
        super().__init__(message)


class ItemNotFound(StoreError):
    """No item has this key. `key_label` reads e.g. `id “01”`."""

    def __init__(self, key_label, verbose_name="item"):
        self.key_label = key_label
        super().__init__(f"No {verbose_name} with {key_label} exists.")


class ItemChanged(StoreError):
    """Someone changed the item since the form was shown; the write was refused."""

    def __init__(self, label, current, verbose_name="item"):
        self.label = label
        self.current = current
        super().__init__(
            f"The {verbose_name} “{label}” was changed by someone else after you opened it."
        )


class ItemAlreadyExists(StoreError):
    """An item with this key exists, and create never overwrites. `existing` is that item,
    when DynamoDB returned it."""

    def __init__(self, key_label, verbose_name="item", existing=None):
        self.key_label = key_label
        self.existing = existing
        super().__init__(
            f"{with_article(verbose_name).capitalize()} with {key_label} already exists."
        )


class InvalidRequest(ValueError):
    """The input cannot be sent or was refused by DynamoDB: a 4xx, not a 503."""


class InvalidItem(InvalidRequest):
    """The item cannot be stored as it is (bad key, attribute name, value or size)."""


class InvalidCursor(InvalidRequest):
    """A paging cursor was tampered with, truncated or made for another table."""
