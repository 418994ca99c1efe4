"""The item manager: what admin pages, forms and commands call instead of the ORM.

Each method is one DynamoDB request (a page or a batch may take a few,
bounded), built with aliased attribute names so reserved words such as
`name`, `status` or `data` work, and conditional where a write must not
clobber or resurrect.
"""

from dataclasses import replace

from .. import backend
from ..exceptions import (
    ConditionFailed,
    InvalidItem,
    InvalidRequest,
    ItemAlreadyExists,
    ItemChanged,
    ItemNotFound,
    with_article,
)
from ..values.rules import validate_attribute_name
from ..values.types import equivalent
from . import scan
from .changes import REMOVE, apply_changes, holds, same_item
from .derived import derived_changes
from .expressions import Expression
from .pagination import Page, Position, decode_cursor, encode_cursor
from .reads import Read, request_params

DEFAULT_PAGE_SIZE = 25
MAX_PAGE_SIZE = 1000
# A search evaluates at most this many items per page request, so a search
# that matches little never turns into a scan of the whole table.
SEARCH_READ_BUDGET = 1000
# BatchGetItem takes at most 100 keys per request, BatchWriteItem 25.
BATCH_GET_SIZE = 100
BATCH_WRITE_SIZE = 25
# A condition expression allows 300 operators and 4 KB of text: comparing
# this many attributes (each "#n = :v AND") stays well inside both.
MAX_COMPARED_ATTRIBUTES = 100


class ItemManager:
    """Get, create, update, delete and page through the items of one table."""

    def __init__(self, table):
        self.table = table

    def __repr__(self):
        return f"<ItemManager of {self.table!r}>"

    @property
    def name(self):
        return self.table.name

    def _key(self, key):
        """Return the request Key of a key (a dict, or a bare value for a simple key)."""
        return backend.to_attributes(self.table.as_key(key))

    # --- Reading ---------------------------------------------------------------

    def get(self, key):
        """Return the item with this key as a dict of every attribute it has."""
        response = backend.call(
            "get_item",
            TableName=self.name,
            Key=self._key(key),
            # Read-after-write: the change form must show what was just saved.
            ConsistentRead=True,
        )
        if "Item" not in response:
            raise self._not_found(key)
        return backend.from_attributes(response["Item"])

    def get_many(self, keys, attributes=None):
        """Return the items with these keys that exist, in the order asked.

        With `attributes`, only those are read (e.g. the key names, to learn
        which keys exist).
        """
        wanted = {}
        for key in keys:
            key = self.table.as_key(key)
            wanted.setdefault(self._identity(key), key)
        found = {}
        keys = list(wanted.values())
        for start in range(0, len(keys), BATCH_GET_SIZE):
            request = {"Keys": [self._key(key) for key in keys[start : start + BATCH_GET_SIZE]],
                       "ConsistentRead": True}
            if attributes:
                expression = Expression()
                request["ProjectionExpression"] = expression.projection(attributes)
                request.update(expression.params())
            for response in backend.call_batch(
                "batch_get_item", {self.name: request}, "UnprocessedKeys"
            ):
                for raw in response["Responses"].get(self.name, []):
                    item = backend.from_attributes(raw)
                    found[self._identity(item)] = item
        return [found[identity] for identity in wanted if identity in found]

    def _identity(self, item):
        return tuple(item[name] for name in self.table.key_names)

    # --- Writing ---------------------------------------------------------------

    def create(self, item):
        """Store a new item and return it; never overwrite an existing key.

        A retry that finds exactly this item stored is a success: this request's
        own earlier attempt wrote it, and its answer was lost.
        """
        item = self.table.with_derived(self.table.with_new_key(dict(item)))
        partition = self.table.partition_key.name
        self.table.validate_item(item)
        expression = Expression()
        try:
            backend.call(
                "put_item",
                TableName=self.name,
                Item=backend.to_attributes(item),
                ConditionExpression=f"attribute_not_exists({expression.name(partition)})",
                ReturnValuesOnConditionCheckFailure="ALL_OLD",
                **expression.params(),
            )
        except ConditionFailed as failure:
            if failure.after_unanswered and failure.item and same_item(failure.item, item):
                return failure.item
            key = self.table.key_of(item)
            raise ItemAlreadyExists(self.table.key_label(key), self.table.verbose_name,
                                    existing=failure.item) from None
        except InvalidRequest as error:
            raise InvalidItem(str(error)) from error
        return item

    def update(self, key, changes, expected=None):
        """Set or REMOVE only the given attributes in one request; return the new item.

        With `expected` (the item as the user saw it), the write happens only
        if the item still holds those values: otherwise ItemChanged, which
        carries the current item, so nobody's save is silently overwritten.
        An item that holds the changes already is a success, not a conflict:
        a retry or a re-submitted form whose earlier write was applied unconfirmed.
        """
        key = self.table.as_key(key)
        if any(name in changes for name in self.table.key_names):
            raise InvalidItem(
                f"The {' and '.join(self.table.key_names)} of "
                f"{with_article(self.table.verbose_name)} cannot be changed."
            )
        changes = self._with_derived_changes(changes, expected)
        if not changes:
            raise InvalidItem("There is nothing to update.")
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
            self.table.validate_item(apply_changes(expected, changes))
        try:
            response = backend.call(
                "update_item",
                TableName=self.name,
                Key=backend.to_attributes(key),
                UpdateExpression=" ".join(clauses),
                # Without a condition on the key, UpdateItem would create a
                # deleted item anew.
                ConditionExpression=self._unchanged(expression, expected, changes),
                ReturnValues="ALL_NEW",
                ReturnValuesOnConditionCheckFailure="ALL_OLD",
                **expression.params(),
            )
        except ConditionFailed as failure:
            if failure.item is not None and holds(failure.item, changes):
                return failure.item
            raise self._refusal(key, expected, failure) from None
        except InvalidRequest as error:
            raise InvalidItem(str(error)) from error
        return backend.from_attributes(response["Attributes"])

    def _with_derived_changes(self, changes, expected):
        """Return the changes with the derived attributes they imply (and none set by hand).

        Knowing the item (`expected`), stale derived attributes of an item
        written by another tool are mended by the same save.
        """
        if not self.table.derived:
            return changes
        derived_names = {attribute.name for attribute in self.table.derived}
        changes = {name: value for name, value in changes.items() if name not in derived_names}
        if not changes:  # a save of nothing stays a save of nothing
            return changes
        if expected is None:
            return {**changes, **derived_changes(self.table.derived, changes, REMOVE)}
        before = {name: expected.get(name, REMOVE) for name in derived_names}
        after = self.table.with_derived(apply_changes(expected, changes))
        for name in derived_names:
            value = after.get(name, REMOVE)
            if value is REMOVE and before[name] is REMOVE:
                continue
            if value is REMOVE or before[name] is REMOVE or not equivalent(value, before[name]):
                changes[name] = value
        return changes

    def delete(self, key, expected=None):
        """Delete the item and return it as it was; with `expected`, only if unchanged."""
        key = self.table.as_key(key)
        expression = Expression()
        try:
            response = backend.call(
                "delete_item",
                TableName=self.name,
                Key=backend.to_attributes(key),
                ConditionExpression=self._unchanged(expression, expected),
                ReturnValues="ALL_OLD",
                ReturnValuesOnConditionCheckFailure="ALL_OLD",
                **expression.params(),
            )
        except ConditionFailed as failure:
            if failure.item is None and failure.after_unanswered and expected is not None:
                # Gone after an attempt of this request went unanswered: that attempt
                # (or someone just before it) deleted it, as asked.
                return expected
            raise self._refusal(key, expected, failure) from None
        return backend.from_attributes(response["Attributes"])

    def _unchanged(self, expression, expected, changes=()):
        """Return a condition: the item exists and, with `expected`, still holds its values.

        The attributes a save touches are always compared (an attribute it
        adds must still be absent); then the others, up to the operator
        budget. Untouched attributes are never written, so one beyond the
        budget that someone else changed is not lost, only not detected.
        """
        conditions = [f"attribute_exists({expression.name(self.table.partition_key.name)})"]
        if expected is None:
            return conditions[0]
        keys = self.table.key_names
        touched = list(changes)
        others = [name for name in expected if name not in keys and name not in changes]
        for attribute in (touched + others)[:MAX_COMPARED_ATTRIBUTES]:
            placeholder = expression.name(attribute)
            if attribute in expected:
                value = expression.value(expected[attribute], attribute)
                conditions.append(f"{placeholder} = {value}")
            else:
                conditions.append(f"attribute_not_exists({placeholder})")
        return " AND ".join(conditions)

    def _not_found(self, key):
        key = self.table.as_key(key)
        return ItemNotFound(self.table.key_label(key), self.table.verbose_name)

    def _refusal(self, key, expected, failure):
        """Return the error for a refused conditional write: gone, or changed meanwhile."""
        if failure.item is None:
            return self._not_found(key)
        if expected is None:  # only existence was required, and it exists: a store quirk
            return failure
        return ItemChanged(self.table.object_id(key), failure.item, self.table.verbose_name)

    def delete_many(self, keys):
        """Delete these items with BatchWriteItem; return the ones that existed.

        BatchWriteItem reports nothing about each key, so the items are read
        first (consistently): the count is of those that existed just before.
        """
        found = self.get_many(keys)
        self.batch_write(
            {"DeleteRequest": {"Key": self._key(self.table.key_of(item))}} for item in found
        )
        return found

    def batch_write(self, requests):
        """Send write requests ({"PutRequest": ...} or {"DeleteRequest": ...}) 25 at a time,
        resending what DynamoDB leaves unprocessed; return how many were sent."""
        sent, chunk = 0, []
        for request in requests:
            chunk.append(request)
            if len(chunk) == BATCH_WRITE_SIZE:
                sent += self._write_chunk(chunk)
                chunk = []
        if chunk:
            sent += self._write_chunk(chunk)
        return sent

    def _write_chunk(self, chunk):
        for _response in backend.call_batch(
            "batch_write_item", {self.name: chunk}, "UnprocessedItems"
        ):
            pass
        return len(chunk)

    # --- Pages -----------------------------------------------------------------

    def page(self, cursor=None, limit=DEFAULT_PAGE_SIZE, search=None, search_fields=(),
             read=None, layout=None):
        """Return one page of items of a Read (default: a Scan of the table).

        `layout` is the table as DescribeTable shows it, when the read uses an
        index that the declared table lacks.

        `search` in `search_fields` is the slow fallback search: a Scan whose
        filter keeps items where any of those attributes contains the text.
        A filtered read stops after SEARCH_READ_BUDGET items read, so a
        filter that matches little never turns into a scan of the whole table.
        """
        if not isinstance(limit, int) or not 1 <= limit <= MAX_PAGE_SIZE:
            raise InvalidRequest(f"The page size must be a whole number from 1 to {MAX_PAGE_SIZE}.")
        read = read or Read()
        if search and search_fields:
            read = replace(read, contains=(search, tuple(search_fields)))
        layout = layout or self.table
        params = request_params(layout, read)
        position = decode_cursor(cursor, self._scope(read)) if cursor else Position()
        start_key = position.start_key
        # Ask for one item more than the page: if it comes, there is a next
        # page, and the cursor can be this page's last key, so a table that
        # ends exactly at a page boundary shows no empty last page.
        wanted = limit + 1
        found, scanned, budget_spent, sent = [], 0, False, None
        while len(found) < wanted:
            if start_key:
                params["ExclusiveStartKey"] = start_key
            # Limit counts items read, before any filter.
            params["Limit"] = SEARCH_READ_BUDGET - scanned if read.filtered else wanted - len(found)
            sent = sent or dict(params)
            response = backend.call("query" if read.is_query else "scan", **params)
            found.extend(response["Items"])
            scanned += response["ScannedCount"]
            # Absent at the end of the table. DynamoDB also stops at 1 MB of
            # data per request; the loop then simply reads on from here.
            start_key = response.get("LastEvaluatedKey")
            if start_key is None:
                break
            if read.filtered and scanned >= SEARCH_READ_BUDGET:
                budget_spent = len(found) < wanted
                break
        if len(found) > limit:
            found = found[:limit]
            start_key = self._start_key(found[-1], read, layout)
        return self._page(found, position, cursor, start_key, scanned, budget_spent, read, sent)

    def _scope(self, read):
        return f"{self.name}/{read.scope}" if read.scope else self.name

    def _start_key(self, raw_item, read, layout):
        """Return the ExclusiveStartKey that continues after this item (table and index keys)."""
        names = list(layout.key_names)
        if read.index:
            names += [key.name for key in layout.index(read.index).key_attributes]
        return {name: raw_item[name] for name in dict.fromkeys(names)}

    def _page(self, found, position, cursor, start_key, scanned, budget_spent, read, sent):
        previous = position.previous()
        scope = self._scope(read)
        return Page(
            object_list=[backend.from_attributes(item) for item in found],
            cursor=cursor or None,
            start_cursor=encode_cursor(Position(position.start_key), scope) or None,
            next_cursor=encode_cursor(position.next(start_key), scope) if start_key else None,
            previous_cursor=encode_cursor(previous, scope) if previous else None,
            scanned_count=scanned,
            budget_spent=budget_spent,
            search=read.contains[0] if read.contains else None,
            read=read,
            request=("query" if read.is_query else "scan", sent),
        )

    def scan_pages(self, segments=1):
        """Yield every item of the table as DynamoDB JSON, one Scan page (a list) at a time."""
        return scan.scan_pages(self.name, segments)

