"""A refused save keeps the user's work: a three-way merge, attribute by attribute.

`base` is the item the form was opened with (its signed copy), `yours` the
changes the refused save meant to write, `theirs` the item as it is now.
A change of yours to an attribute nobody else touched is re-applied in the
refreshed form; one that someone else also changed, to another value,
clashes, and only those are asked about ("keep mine" or "take theirs").
The refreshed form is built from the current item, so its save is again
one conditional UpdateItem, refused if the item changes once more.
"""

from dataclasses import dataclass

from django.core import signing

from ..store import REMOVE, apply_changes
from ..values.types import equivalent
from . import type_fix
from .conflicts import _text as value_text
from .editor import ItemEditor

# The clashing attributes' names, signed, and one "keep mine / take theirs" choice each.
CLASHES_VAR = "_clashes"
CHOICE_VAR = "_clash-{}"
MINE, THEIRS = "mine", "theirs"
_CLASHES_SALT = "dynamodb_tables.merge.clashes"

# What happened to an attribute, for the table the conflict page shows.
REAPPLIED = "reapplied"  # yours, re-applied in the form (nobody else changed it)
SAME = "same"  # they made the very change you made
OTHERS = "others"  # only they changed it: kept
CLASH = "clash"  # both changed it, to different values: asked
FROZEN = "frozen"  # yours, but the field shows the current value read-only: theirs is kept


@dataclass(frozen=True)
class Merged:
    """One attribute of the merge, as the conflict page lists it."""

    name: str
    shown: str  # when you opened it
    current: str  # now (their edit)
    yours: str | None  # your unsaved value, None if you did not change it
    outcome: str
    choice_var: str | None = None  # the name of the clash's choice


def _same(item, name, value):
    """Whether `item` holds `value` at `name` (REMOVE: the attribute is absent)."""
    if value is REMOVE:
        return name not in item
    return name in item and equivalent(item[name], value)


def _outcome(name, change, base, theirs):
    if _same(theirs, name, change):
        return SAME
    unchanged_by_others = _same(base, name, theirs[name] if name in theirs else REMOVE)
    return REAPPLIED if unchanged_by_others else CLASH


def three_way(base, yours, theirs, maintained=(), frozen=()):
    """Return ({name: change} to show in the refreshed form, [Merged] for every attribute
    either side changed), for changes `yours` ({name: value or REMOVE}) made to `base`
    that could not be saved over `theirs`.

    Clashing changes are kept too (the form shows your value, marked); the
    user's choice "take theirs" drops them on the next save. `maintained`:
    attributes the app derives from others on every save, not listed;
    `frozen`: fields that show the current value read-only, so cannot show yours.
    """
    pending, rows = {}, []
    names = dict.fromkeys([*yours, *base, *theirs])
    clashes = 0
    for name in names:
        if name in maintained and name not in yours:
            continue
        if name in yours:
            outcome = _outcome(name, yours[name], base, theirs)
            if outcome != SAME and name in frozen:
                outcome = FROZEN
        elif _same(base, name, theirs[name] if name in theirs else REMOVE):
            continue  # nobody changed it
        else:
            outcome = OTHERS
        choice_var = None
        if outcome in (REAPPLIED, CLASH):
            pending[name] = yours[name]
        if outcome == CLASH:
            choice_var = CHOICE_VAR.format(clashes)
            clashes += 1
        mine = None
        if name in yours:
            mine = "(removed)" if yours[name] is REMOVE else value_text(yours, name)
        rows.append(Merged(name, value_text(base, name), value_text(theirs, name), mine, outcome,
                           choice_var))
    return pending, rows


def refreshed(table, form_class, base, yours, theirs, maintained=()):
    """Return (editor, [Merged], clashing names) for the page of a refused save: the
    form of the current item (`theirs`) with your changes to `base` merged in."""
    current = ItemEditor(table, form_class, item=theirs).form
    frozen = ({name for name, field in current.fields.items() if field.disabled}
              - carried_conversions(current, base, yours))
    pending, rows = three_way(base, yours, theirs, maintained, frozen)
    clashing = [row.name for row in rows if row.outcome == CLASH]
    return editor_showing(table, form_class, theirs, pending, clashing), rows, clashing


def carried_conversions(current, base, yours):
    """Return the names of read-only fields of `current` (the form of the item as it is now)
    that can still show your change: a conversion its box offers again, to the same value,
    of the very value you saw (nobody else changed it). Shown ticked, saving converts.

    A conversion of a value someone else changed (even to one that converts alike)
    stays frozen: their value is kept and the box offers converting it, unticked.
    """
    return {name for name, found in current.conversions.items()
            if name in yours and name in base and equivalent(base[name], found.stored)
            and type_fix.is_value(yours[name], found.value)}


def clashes_token(rows, table):
    """Return the hidden value that tells the next save which choice is which attribute."""
    names = [row.name for row in rows if row.outcome == CLASH]
    return signing.dumps(names, salt=f"{_CLASHES_SALT}:{table.name}") if names else None


def without_theirs(changes, data, table):
    """Return the changes without those whose clash the user settled with "take theirs".

    A bad or missing token settles nothing: the form's values are saved as
    shown, and the save is conditional anyway.
    """
    try:
        names = signing.loads(data.get(CLASHES_VAR) or "", salt=f"{_CLASHES_SALT}:{table.name}")
    except signing.BadSignature:
        return changes
    if not isinstance(names, list):
        return changes
    dropped = {name for index, name in enumerate(names)
               if data.get(CHOICE_VAR.format(index)) == THEIRS}
    return {name: value for name, value in changes.items() if name not in dropped}


def editor_showing(table, form_class, item, changes, clashing=()):
    """Return an unbound editor of `item` whose fields and rows show `changes` applied.

    Nothing is saved: a save of this form writes them (relative to `item`).
    Fields and rows are written as the editor writes any item (an editor
    of the changed item gives their text). A row the editor cannot carry
    (a locked value) is deleted and your value given in a new row.
    """
    plain = ItemEditor(table, form_class, item=item)
    declared = plain.form.field_names
    changed = ItemEditor(table, form_class, item=apply_changes(item, changes))
    changed_rows = {row["name"]: row for row in changed.rows.initial}
    form_initial = {name: "" if value is REMOVE else value
                    for name, value in changes.items() if name in declared}
    rows, added = [], []
    for index, row in enumerate(plain.rows.initial):
        name = row["name"]
        if name not in changes:
            rows.append(row)
        elif changes[name] is REMOVE:
            rows.append({**row, "DELETE": True})
        elif plain.rows.forms[index].locked:
            rows.append({**row, "DELETE": True})
            added.append(changed_rows[name])
        else:
            rows.append(changed_rows[name])
    stored = {row["name"] for row in plain.rows.initial}
    added += [changed_rows[name] for name, value in changes.items()
              if value is not REMOVE and name not in stored and name not in declared]
    editor = ItemEditor(table, form_class, item=item, form_initial=form_initial,
                        rows=rows + added)
    mark_clashes(editor, clashing)
    return editor


def mark_clashes(editor, names):
    """Mark the fields and rows of clashing attributes, so the form shows which they are."""
    for name in names:
        if name in editor.form.fields and not editor.form.fields[name].disabled:
            field = editor.form.fields[name]
            note = "Someone else changed this too: this is your value. Choose above."
            field.help_text = f"{note} {field.help_text}".strip()
    for form in editor.rows.forms:
        form.clash = form.initial.get("name") in names

