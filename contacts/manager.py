"""The contacts manager: what views, forms and commands call instead of the ORM.

Each method is one DynamoDB request (a page may take a few, bounded), built
with aliased attribute names so reserved words such as `name`, `status` or
`data` work, and conditional where a write must not clobber or resurrect.
"""

from django.conf import settings

from . import dynamo
from .documents import (
    KEY,
    REMOVE,
    apply_changes,
    new_id,
    validate_attribute_name,
    validate_id,
    validate_item,
)
from .exceptions import (
    ConditionFailed,
    ContactAlreadyExists,
    ContactChanged,
    ContactNotFound,
    InvalidContact,
    InvalidRequest,
)
from .pagination import ContactPage, Position, decode_cursor, encode_cursor

DEFAULT_PAGE_SIZE = 25
MAX_PAGE_SIZE = 1000
# A search evaluates at most this many items per page request, so a search
# that matches little never turns into a scan of the whole table.
SEARCH_READ_BUDGET = 1000
SEARCH_FIELDS = (KEY, "username")
# BatchGetItem takes at most 100 keys per request, BatchWriteItem 25.
BATCH_GET_SIZE = 100
BATCH_WRITE_SIZE = 25
# A condition expression allows 300 operators and 4 KB of text: comparing
# this many attributes (each "#n = :v AND") stays well inside both.
MAX_COMPARED_ATTRIBUTES = 100


class Expression:
    """Placeholders for one request: every name aliased (#n0), every value bound (:v0)."""

    def __init__(self):
        self.names = {}
        self.values = {}

    def name(self, attribute):
        for placeholder, known in self.names.items():
            if known == attribute:
                return placeholder
        placeholder = f"#n{len(self.names)}"
        self.names[placeholder] = attribute
        return placeholder

    def value(self, python_value, attribute="value"):
        placeholder = f":v{len(self.values)}"
        self.values[placeholder] = dynamo.serialize(python_value, attribute)
        return placeholder

    def params(self):
        """Return the ExpressionAttribute* request parameters (empty maps are invalid)."""
        params = {"ExpressionAttributeNames": self.names}
        if self.values:
            params["ExpressionAttributeValues"] = self.values
        return params


class ContactManager:
    """Get, create, update, delete and page through the contacts table."""

    def __init__(self, table=None):
        self._table = table

    @property
    def table(self):
        return self._table or settings.DYNAMODB["TABLE"]

    def _key(self, contact_id):
        return {KEY: dynamo.serialize(validate_id(contact_id), KEY)}

    def get(self, contact_id):
        """Return the contact with this id as a dict of every attribute it has."""
        response = dynamo.call(
            "get_item",
            TableName=self.table,
            Key=self._key(contact_id),
            # Read-after-write: the change form must show what was just saved.
            ConsistentRead=True,
        )
        if "Item" not in response:
            raise ContactNotFound(contact_id)
        return dynamo.from_attributes(response["Item"])

    def get_many(self, contact_ids):
        """Return the contacts with these ids that exist, in the order asked."""
        wanted = list(dict.fromkeys(validate_id(contact_id) for contact_id in contact_ids))
        found = {}
        for start in range(0, len(wanted), BATCH_GET_SIZE):
            keys = [self._key(contact_id) for contact_id in wanted[start : start + BATCH_GET_SIZE]]
            request = {self.table: {"Keys": keys, "ConsistentRead": True}}
            for response in dynamo.call_batch("batch_get_item", request, "UnprocessedKeys"):
                for attributes in response["Responses"].get(self.table, []):
                    item = dynamo.from_attributes(attributes)
                    found[item[KEY]] = item
        return [found[contact_id] for contact_id in wanted if contact_id in found]

    def create(self, item):
        """Store a new contact and return it; never overwrite an existing id."""
        item = dict(item)
        if item.get(KEY) is None:
            item[KEY] = new_id()
        validate_item(item)
        expression = Expression()
        try:
            dynamo.call(
                "put_item",
                TableName=self.table,
                Item=dynamo.to_attributes(item),
                ConditionExpression=f"attribute_not_exists({expression.name(KEY)})",
                **expression.params(),
            )
        except ConditionFailed:
            raise ContactAlreadyExists(item[KEY]) from None
        except InvalidRequest as error:
            raise InvalidContact(str(error)) from error
        return item

    def update(self, contact_id, changes, expected=None):
        """Set or REMOVE only the given attributes in one request; return the new item.

        With `expected` (the item as the user saw it), the write happens only
        if the item still holds those values: otherwise ContactChanged, which
        carries the current item, so nobody's save is silently overwritten.
        """
        validate_id(contact_id)
        if KEY in changes:
            raise InvalidContact("The id of a contact cannot be changed.")
        if not changes:
            raise InvalidContact("There is nothing to update.")
        expression = Expression()
        assignments, removals = [], []
        for attribute, value in changes.items():
            placeholder = expression.name(validate_attribute_name(attribute))
            if value is REMOVE:
                removals.append(placeholder)
            else:
                assignments.append(f"{placeholder} = {expression.value(value, attribute)}")
        clauses = []
        if assignments:
            clauses.append("SET " + ", ".join(assignments))
        if removals:
            clauses.append("REMOVE " + ", ".join(removals))
        if expected is not None:
            validate_item(apply_changes(expected, changes))
        try:
            response = dynamo.call(
                "update_item",
                TableName=self.table,
                Key=self._key(contact_id),
                UpdateExpression=" ".join(clauses),
                # Without a condition on the key, UpdateItem would create a
                # deleted contact anew.
                ConditionExpression=self._unchanged(expression, expected, changes),
                ReturnValues="ALL_NEW",
                ReturnValuesOnConditionCheckFailure="ALL_OLD",
                **expression.params(),
            )
        except ConditionFailed as failure:
            raise self._refusal(contact_id, expected, failure) from None
        except InvalidRequest as error:
            raise InvalidContact(str(error)) from error
        return dynamo.from_attributes(response["Attributes"])

    def delete(self, contact_id, expected=None):
        """Delete the contact and return it as it was; with `expected`, only if unchanged."""
        expression = Expression()
        try:
            response = dynamo.call(
                "delete_item",
                TableName=self.table,
                Key=self._key(contact_id),
                ConditionExpression=self._unchanged(expression, expected),
                ReturnValues="ALL_OLD",
                ReturnValuesOnConditionCheckFailure="ALL_OLD",
                **expression.params(),
            )
        except ConditionFailed as failure:
            raise self._refusal(contact_id, expected, failure) from None
        return dynamo.from_attributes(response["Attributes"])

    def _unchanged(self, expression, expected, changes=()):
        """Return a condition: the item exists and, with `expected`, still holds its values.

        The attributes a save touches are always compared (an attribute it
        adds must still be absent); then the others, up to the operator
        budget. Untouched attributes are never written, so one beyond the
        budget that someone else changed is not lost, only not detected.
        """
        conditions = [f"attribute_exists({expression.name(KEY)})"]
        if expected is None:
            return conditions[0]
        touched = list(changes)
        others = [name for name in expected if name != KEY and name not in changes]
        for attribute in (touched + others)[:MAX_COMPARED_ATTRIBUTES]:
            placeholder = expression.name(attribute)
            if attribute in expected:
                value = expression.value(expected[attribute], attribute)
                conditions.append(f"{placeholder} = {value}")
            else:
                conditions.append(f"attribute_not_exists({placeholder})")
        return " AND ".join(conditions)

    def _refusal(self, contact_id, expected, failure):
        """Return the error for a refused conditional write: gone, or changed meanwhile."""
        if failure.item is None:
            return ContactNotFound(contact_id)
        if expected is None:  # only existence was required, and it exists: a store quirk
            return failure
        return ContactChanged(contact_id, current=failure.item)

    def delete_many(self, contact_ids):
        """Delete these contacts with BatchWriteItem; return the ones that existed.

        BatchWriteItem reports nothing about each key, so the contacts are read
        first (consistently): the count is of those that existed just before.
        """
        found = self.get_many(contact_ids)
        for start in range(0, len(found), BATCH_WRITE_SIZE):
            chunk = found[start : start + BATCH_WRITE_SIZE]
            requests = [{"DeleteRequest": {"Key": self._key(item[KEY])}} for item in chunk]
            for _response in dynamo.call_batch(
                "batch_write_item", {self.table: requests}, "UnprocessedItems"
            ):
                pass
        return found

    def page(self, cursor=None, limit=DEFAULT_PAGE_SIZE, search=None):
        """Return one page of contacts, optionally those whose id or username contains `search`."""
        if not isinstance(limit, int) or not 1 <= limit <= MAX_PAGE_SIZE:
            raise InvalidRequest(f"The page size must be a whole number from 1 to {MAX_PAGE_SIZE}.")
        params = {"TableName": self.table}
        if search:
            params.update(self._search_filter(search))
        position = decode_cursor(cursor, self.table) if cursor else Position()
        start_key = position.start_key
        # Ask for one item more than the page: if it comes, there is a next
        # page, and the cursor can be this page's last key, so a table that
        # ends exactly at a page boundary shows no empty last page.
        wanted = limit + 1
        found, scanned, budget_spent = [], 0, False
        while len(found) < wanted:
            if start_key:
                params["ExclusiveStartKey"] = start_key
            # Scan's Limit counts items read, before any filter.
            params["Limit"] = SEARCH_READ_BUDGET - scanned if search else wanted - len(found)
            response = dynamo.call("scan", **params)
            found.extend(response["Items"])
            scanned += response["ScannedCount"]
            # Absent at the end of the table. DynamoDB also stops at 1 MB of
            # data per request; the loop then simply reads on from here.
            start_key = response.get("LastEvaluatedKey")
            if start_key is None:
                break
            if search and scanned >= SEARCH_READ_BUDGET:
                budget_spent = len(found) < wanted
                break
        if len(found) > limit:
            found = found[:limit]
            start_key = {KEY: found[-1][KEY]}
        previous = position.previous()
        return ContactPage(
            object_list=[dynamo.from_attributes(item) for item in found],
            cursor=cursor or None,
            start_cursor=encode_cursor(Position(position.start_key), self.table) or None,
            next_cursor=encode_cursor(position.next(start_key), self.table) if start_key else None,
            previous_cursor=encode_cursor(previous, self.table) if previous else None,
            scanned_count=scanned,
            budget_spent=budget_spent,
            search=search or None,
        )

    def _search_filter(self, search):
        expression = Expression()
        term = expression.value(str(search), "search")
        condition = " OR ".join(
            f"contains({expression.name(field)}, {term})" for field in SEARCH_FIELDS
        )
        return {"FilterExpression": condition, **expression.params()}


contacts = ContactManager()
