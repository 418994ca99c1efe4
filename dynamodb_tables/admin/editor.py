"""The item editor: the form of the key and declared fields, plus one row per other attribute.

Rows work like the admin's tabular inlines: the stored attributes first, in
the item's order, then blank rows for new attributes, each with a "Delete"
box. A row's value is text in the form of its type (`values.text`).
Which stored attribute a row stands for comes from its position among the
rows built from the item, never from the posted data, and a save writes
only the rows whose name, type or value the user changed.

Adding a row without JavaScript is a submit ("Add another attribute") that
shows the same form again, as typed, with one more blank row.
"""

from django import forms
from django.core import signing
from django.forms.formsets import BaseFormSet, formset_factory

from ..exceptions import InvalidItem, InvalidRequest
from ..store import REMOVE, apply_changes
from ..values import typed
from ..values.rules import validate_attribute_name
from ..values.text import editable, editable_name, from_text, to_text
from ..values.types import TYPE_LABELS, TYPES, dynamodb_type, equivalent

ROWS_PREFIX = "attributes"
ADD_ROW_VAR = "_addattribute"
# Blank rows shown for new attributes; "Add another attribute" adds more.
BLANK_ROWS = 1
MAX_ROWS = 1000
# New rows one save may bring: a forged row count cannot make a request
# build and validate a thousand rows.
MAX_NEW_ROWS = 100


def _value_widget(kind, text):
    """A widget that suits the type: a number box, a yes/no menu, else a text area."""
    if kind == "N":
        return forms.TextInput(attrs={"inputmode": "decimal", "class": "vTextField"})
    if kind == "BOOL":
        return forms.Select(choices=[("true", "true"), ("false", "false")])
    if kind == "NULL":
        return forms.TextInput(attrs={"placeholder": "(Null has no value)", "class": "vTextField"})
    lines = (text or "").count("\n") + 1
    return forms.Textarea(attrs={"rows": min(max(lines, 2), 12), "cols": 60})


class AttributeForm(forms.Form):
    """One attribute: its name, DynamoDB type and value as text."""

    name = forms.CharField(required=False, strip=False, widget=forms.TextInput(
        attrs={"class": "vTextField"}))
    type = forms.ChoiceField(choices=[(code, TYPE_LABELS[code]) for code in TYPES], initial="S")
    value = forms.CharField(required=False, strip=False)

    def __init__(self, *args, locked=False, declared=(), maintained=None, **kwargs):
        super().__init__(*args, **kwargs)
        # What a derived attribute is (store.derived): shown, never edited here.
        self.maintained = maintained
        # The names of the fields above the rows (the key's and the declared ones).
        self.declared = declared
        kind = self.initial.get("type", "S")
        self.fields["value"].widget = _value_widget(kind, self.initial.get("value"))
        self.locked = locked
        if locked:
            for field in self.fields.values():
                field.disabled = True
                # Django cleans disabled fields from their initial value: a
                # NUL there must not fail a form that will not write it.
                field.validators = []

    def has_changed(self):
        # A new row the browser did not send at all (a forged row count) is
        # an empty row, not one missing its type.
        if self.is_bound and not any(key.startswith(f"{self.prefix}-") for key in self.data):
            return False
        return super().has_changed()

    def clean(self):
        data = super().clean()
        if self.locked or data.get("DELETE") or self.errors:
            return data
        try:
            name = validate_attribute_name(data.get("name", ""), "Name")
        except InvalidItem as error:
            self.add_error("name", str(error))
            return data
        if name in self.declared:
            self.add_error("name", f"“{name}” is a field above; edit it there.")
            return data
        try:
            data["parsed"] = from_text(data["type"], data.get("value", ""), "Value", name)
        except InvalidItem as error:
            self.add_error("value", str(error))
        return data


class AttributeFormSet(BaseFormSet):
    """The item's other attributes as rows, then blank rows for new ones."""

    def __init__(self, *args, stored=(), rows=None, read_only=False, declared=(), derived=(),
                 **kwargs):
        """`stored`: (name, value) pairs of the item; `rows`: initial text of every row;
        `declared`: the names of the fields above the rows; `derived`: the table's
        derived attributes, which the app maintains (locked rows)."""
        self.stored = list(stored)
        self.read_only = read_only
        self.declared = declared
        self.derived = {attribute.name: attribute.description for attribute in derived}
        if rows is None:
            rows = [
                {"name": name, "type": dynamodb_type(value), "value": to_text(value)}
                for name, value in self.stored
            ]
        kwargs.setdefault("prefix", ROWS_PREFIX)
        super().__init__(*args, initial=rows, **kwargs)

    def initial_form_count(self):
        return len(self.stored)

    def total_form_count(self):
        if self.is_bound:
            # Never fewer rows than the item has, whatever the posted count says,
            # and never more new ones than MAX_NEW_ROWS.
            posted = min(super().total_form_count(), len(self.stored) + MAX_NEW_ROWS)
            return max(posted, len(self.stored))
        return len(self.initial) + (0 if self.read_only else self.extra)

    def get_form_kwargs(self, index):
        # index is None for Django's empty_form (the template of a new row).
        stored = index is not None and index < len(self.stored)
        maintained = self.derived.get(self.stored[index][0]) if stored else None
        locked = self.read_only or (stored and (maintained is not None or not (
            editable(self.stored[index][1]) and editable_name(self.stored[index][0]))))
        return {**super().get_form_kwargs(index), "locked": locked, "declared": self.declared,
                "maintained": maintained}

    def _row_names(self):
        """Yield (form, name) for every row that will exist after the save."""
        for index, form in enumerate(self.forms):
            data = form.cleaned_data
            if index < len(self.stored) and (form.locked or data.get("DELETE")):
                if not data.get("DELETE"):
                    yield form, self.stored[index][0]
            elif data and not data.get("DELETE") and "parsed" in data:
                yield form, data["name"]

    def clean(self):
        if any(self.errors):
            return
        seen = {}
        for form, name in self._row_names():
            if name in self.derived and not form.locked:
                form.add_error("name", f"“{name}” is maintained by the app; it cannot be "
                                       "set here.")
            elif name in seen:
                form.add_error("name", f"Another attribute is already named “{name}”.")
            seen[name] = form

    def changes(self):
        """Return {name: value or REMOVE} for what the rows change in the stored item."""
        removals, assignments = {}, {}
        for index, form in enumerate(self.forms):
            data = form.cleaned_data
            if index < len(self.stored):
                stored_name, stored_value = self.stored[index]
                if data.get("DELETE"):
                    removals[stored_name] = REMOVE
                elif form.locked:
                    continue
                elif data["name"] != stored_name:
                    removals[stored_name] = REMOVE
                    assignments[data["name"]] = data["parsed"]
                elif not equivalent(data["parsed"], stored_value):
                    assignments[stored_name] = data["parsed"]
            elif data and not data.get("DELETE") and "parsed" in data:
                assignments[data["name"]] = data["parsed"]
        # A name both removed and set (two rows swapped names) is simply set.
        return {**removals, **assignments}

    def add_fields(self, form, index):
        super().add_fields(form, index)
        form.fields["DELETE"].disabled = self.read_only

    def posted_rows(self):
        """Return every row as typed, to show the form again with one more blank row."""
        rows = []
        for form in self.forms:
            shown = form.initial if form.locked else {
                name: form[name].value() for name in ("name", "type", "value")
            }
            rows.append({**shown, "DELETE": bool(form["DELETE"].value())})
        return rows


AttributeRows = formset_factory(
    AttributeForm, formset=AttributeFormSet, extra=BLANK_ROWS, can_delete=True,
    max_num=MAX_ROWS, absolute_max=MAX_ROWS, validate_max=True,
)


class ItemEditor:
    """The add or change form of one item: key and declared fields plus attribute rows."""

    def __init__(self, table, form_class, data=None, item=None, read_only=False,
                 form_initial=None, rows=None, blank_rows=BLANK_ROWS):
        self.table = table
        self.item = item
        self.form = form_class(data, table=table, item=item, read_only=read_only,
                               initial=form_initial or {})
        declared = self.form.field_names
        # The attributes the app derives come last: they are not the user's to edit.
        derived = {attribute.name for attribute in table.derived}
        stored = sorted(
            ((name, value) for name, value in (item or {}).items() if name not in declared),
            key=lambda pair: pair[0] in derived)
        self.rows = AttributeRows(data, stored=stored, rows=rows, read_only=read_only,
                                  declared=declared, derived=table.derived)
        self.rows.extra = blank_rows

    @classmethod
    def with_another_row(cls, table, form_class, data, item=None):
        """Return an unbound editor showing the posted values and one more blank row."""
        posted = cls(table, form_class, data, item=item)
        form_initial = {
            name: posted.form[name].value() for name in posted.form.fields
            if not posted.form.fields[name].disabled
        }
        return cls(table, form_class, item=item, form_initial=form_initial,
                   rows=posted.rows.posted_rows())

    @property
    def media(self):
        return self.form.media + self.rows.media

    def is_valid(self):
        valid = self.form.is_valid() & self.rows.is_valid()
        if not valid:
            return False
        try:
            self.resulting_item()
        except InvalidItem as error:
            self.form.add_error(None, str(error))
            return False
        return True

    def resulting_item(self):
        """Return the item as this valid form would store it, checked (its size first)."""
        if self.item is None:
            # A key left blank will be generated; its size is that of a fresh one.
            item = self.table.with_new_key(self.new_item())
        else:
            item = apply_changes(self.item, self.changes())
        return self.table.validate_item(item)

    def new_item(self):
        """Return the item to create from a valid add form."""
        return self.form.new_item() | self.rows.changes()

    def changes(self):
        """Return {attribute: new value or REMOVE} for everything the user changed."""
        return self.form.changes() | self.rows.changes()


# --- The item a change form was built from ------------------------------------
# The change form carries the item it shows, signed, so that its save is one
# conditional UpdateItem ("only if the item still holds these values")
# instead of a read followed by a write that could clobber a save made in
# between.

ORIGINAL_VAR = "_original"
_ORIGINAL_SALT = "dynamodb_tables.editor.original"


def sign_original(item, table):
    """Return the token a change form carries for the item it was built from."""
    return signing.dumps(typed.write_item(item), salt=f"{_ORIGINAL_SALT}:{table.name}",
                         compress=True)


def read_original(token, table, key):
    """Return the item a change form was built from, or InvalidRequest if the token is bad."""
    try:
        data = signing.loads(token or "", salt=f"{_ORIGINAL_SALT}:{table.name}")
        item = {name: typed.read(value, name) for name, value in data.items()}
        same_key = table.key_of(item) == key
    except (signing.BadSignature, InvalidItem, AttributeError, ValueError):
        same_key = False
    if not same_key:
        name = table.verbose_name
        raise InvalidRequest(
            f"This form is out of date or incomplete (it lacks the signed copy of the {name} "
            f"it was opened with). Open the {name} again and redo your change."
        )
    return item
