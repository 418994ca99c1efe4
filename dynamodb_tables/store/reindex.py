"""Give items written by other tools the attributes the app derives (`reindex_items`).

The app writes derived attributes with every save; an item put by the AWS
CLI or another program has none until this pass. It reads the table one
page at a time (only the keys, the sources and the derived attributes) and
mends each item whose derived attributes are missing or stale with one
conditional UpdateItem: only if the sources and derived attributes still
hold what the pass read, so a concurrent edit is never overwritten (a save
through the app derives them itself; an edit by another tool is left for the
next run). Safe to run again: correct items cost only their read. After
each page a resume cursor says where to start again.
"""

from dataclasses import dataclass

from .. import backend
from ..exceptions import ConditionFailed
from ..values.types import equivalent
from .changes import REMOVE
from .expressions import Expression
from .pagination import Position, decode_cursor, encode_cursor

PAGE_ITEMS = 1000


@dataclass
class Summary:
    read: int = 0
    mended: int = 0
    # Changed by someone else between this pass's read and its write.
    skipped: int = 0
    # Where the next page starts ("" when the table is done).
    resume: str = ""


def reindex(table, summary, resume=None, progress=None):
    """Mend every item's derived attributes, counting in `summary` as it goes.

    `progress(n)` is told after each page how many items it read; should
    the run stop, `summary.resume` is where the next one starts.
    """
    derived = table.derived
    names = dict.fromkeys([*table.key_names, *(a.source for a in derived),
                           *(a.name for a in derived)])
    expression = Expression()
    params = {"TableName": table.name, "Limit": PAGE_ITEMS,
              "ProjectionExpression": expression.projection(names), **expression.params()}
    scope = f"{table.name}/reindex"
    if resume:
        params["ExclusiveStartKey"] = decode_cursor(resume, scope).start_key
    summary.resume = resume or ""
    while True:
        response = backend.call("scan", **params)
        for raw in response["Items"]:
            item = backend.from_attributes(raw)
            summary.read += 1
            outcome = _mend(table, item)
            summary.mended += outcome == "mended"
            summary.skipped += outcome == "skipped"
        start_key = response.get("LastEvaluatedKey")
        summary.resume = encode_cursor(Position(start_key), scope) if start_key else ""
        if progress:
            progress(len(response["Items"]))
        if not start_key:
            return summary
        params["ExclusiveStartKey"] = start_key


def _mend(table, item):
    """Write the item's derived attributes if they are stale; return what happened."""
    wanted = table.with_derived(item)
    changes = {}
    for attribute in table.derived:
        have, want = item.get(attribute.name, REMOVE), wanted.get(attribute.name, REMOVE)
        if have is REMOVE and want is REMOVE:
            continue
        if have is REMOVE or want is REMOVE or not equivalent(have, want):
            changes[attribute.name] = want
    if not changes:
        return "correct"
    expression = Expression()
    assignments = [f"{expression.name(name)} = {expression.value(value, name)}"
                   for name, value in changes.items() if value is not REMOVE]
    removals = [expression.name(name) for name, value in changes.items() if value is REMOVE]
    clauses = (["SET " + ", ".join(assignments)] if assignments else []) + (
        ["REMOVE " + ", ".join(removals)] if removals else [])
    seen = [*table.key_names[:1], *(a.source for a in table.derived),
            *(a.name for a in table.derived)]
    conditions = []
    for name in dict.fromkeys(seen):
        placeholder = expression.name(name)
        if name in item:
            conditions.append(f"{placeholder} = {expression.value(item[name], name)}")
        else:
            conditions.append(f"attribute_not_exists({placeholder})")
    try:
        backend.call(
            "update_item", TableName=table.name, Key=backend.to_attributes(table.key_of(item)),
            UpdateExpression=" ".join(clauses), ConditionExpression=" AND ".join(conditions),
            **expression.params(),
        )
    except ConditionFailed:
        return "skipped"
    return "mended"
