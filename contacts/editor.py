"""The contact editor: the declared-fields form plus one row per other attribute.

Rows work like the admin's tabular inlines: the stored attributes first, in
the item's order, then blank rows for new attributes, each with a "Delete"
box. A row's value is text in the form of its type (contacts.attributes).
Which stored attribute a row stands for comes from its position among the
rows built from the item, never from the posted data, and a save writes
only the rows whose name, type or value the user changed.

Adding a row without JavaScript is a submit ("Add another attribute") that
shows the same form again, as typed, with one more blank row.
"""

from django import forms
from django.core import signing
from django.forms.formsets import BaseFormSet, formset_factory

from .attributes import (
    TYPES,
    editable,
    editable_name,
    equivalent,
    from_text,
    from_typed,
    to_text,
    to_typed,
)
from .display import TYPE_LABELS, dynamodb_type
from .documents import KEY, REMOVE, apply_changes, validate_attribute_name, validate_item
from .exceptions import InvalidContact, InvalidRequest
from .forms import DECLARED_FIELDS, ContactForm

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

    def __init__(self, *args, locked=False, **kwargs):
        super().__init__(*args, **kwargs)
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
        except InvalidContact as error:
            self.add_error("name", str(error))
            return data
        if name in DECLARED_FIELDS:
            self.add_error("name", f"“{name}” is a field above; edit it there.")
            return data
        try:
            data["parsed"] = from_text(data["type"], data.get("value", ""), "Value", name)
        except InvalidContact as error:
            self.add_error("value", str(error))
        return data


class AttributeFormSet(BaseFormSet):
    """The item's other attributes as rows, then blank rows for new ones."""

    def __init__(self, *args, stored=(), rows=None, read_only=False, **kwargs):
        """`stored`: (name, value) pairs of the item; `rows`: initial text of every row."""
        self.stored = list(stored)
        self.read_only = read_only
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
        locked = self.read_only or (stored and not (
            editable(self.stored[index][1]) and editable_name(self.stored[index][0])))
        return {**super().get_form_kwargs(index), "locked": locked}

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
            if name in seen:
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
            typed = form.initial if form.locked else {
                name: form[name].value() for name in ("name", "type", "value")
            }
            rows.append({**typed, "DELETE": bool(form["DELETE"].value())})
        return rows


AttributeRows = formset_factory(
    AttributeForm, formset=AttributeFormSet, extra=BLANK_ROWS, can_delete=True,
    max_num=MAX_ROWS, absolute_max=MAX_ROWS, validate_max=True,
)


class ContactEditor:
    """The add or change form of one contact: declared fields plus attribute rows."""

    def __init__(self, data=None, item=None, read_only=False, form_initial=None, rows=None,
                 blank_rows=BLANK_ROWS):
        self.item = item
        stored = [(name, value) for name, value in (item or {}).items()
                  if name not in DECLARED_FIELDS]
        self.form = ContactForm(data, item=item, read_only=read_only,
                                initial=form_initial or {})
        self.rows = AttributeRows(data, stored=stored, rows=rows, read_only=read_only)
        self.rows.extra = blank_rows

    @classmethod
    def with_another_row(cls, data, item=None):
        """Return an unbound editor showing the posted values and one more blank row."""
        posted = cls(data, item=item)
        form_initial = {
            name: posted.form[name].value() for name in DECLARED_FIELDS
            if name in posted.form.fields and not posted.form.fields[name].disabled
        }
        return cls(item=item, form_initial=form_initial, rows=posted.rows.posted_rows())

    @property
    def media(self):
        return self.form.media + self.rows.media

    def is_valid(self):
        valid = self.form.is_valid() & self.rows.is_valid()
        if not valid:
            return False
        try:
            validate_item(self.resulting_item())
        except InvalidContact as error:
            self.form.add_error(None, str(error))
            return False
        return True

    def resulting_item(self):
        """Return the item as this valid form would store it (to check its size first)."""
        if self.item is None:
            # An id left blank becomes a 32-character one (documents.new_id).
            return self.new_item() | {KEY: self.form.cleaned_data[KEY] or "0" * 32}
        return apply_changes(self.item, self.changes())

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
_ORIGINAL_SALT = "contacts.editor.original"


def sign_original(item):
    """Return the token a change form carries for the item it was built from."""
    typed = {name: to_typed(value) for name, value in item.items()}
    return signing.dumps(typed, salt=_ORIGINAL_SALT, compress=True)


def read_original(token, contact_id):
    """Return the item a change form was built from, or InvalidRequest if the token is bad."""
    try:
        typed = signing.loads(token or "", salt=_ORIGINAL_SALT)
        item = {name: from_typed(value, name) for name, value in typed.items()}
    except (signing.BadSignature, InvalidContact, AttributeError, ValueError):
        item = None
    if item is None or item.get(KEY) != contact_id:
        raise InvalidRequest(
            "This form is out of date or incomplete (it lacks the signed copy of the contact "
            "it was opened with). Open the contact again and redo your change."
        )
    return item
