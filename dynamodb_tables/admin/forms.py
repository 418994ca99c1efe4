"""The form of an item's declared fields, with its key fields first.

A declaration subclasses `ItemForm` with ordinary Django fields, one per
attribute it knows (an order's total, status, notes). The key's
fields are added from the table: text for a String key, digits for a Number,
base64 for Binary. On the change form they are read-only: a key cannot
change.

Items are schemaless, so a stored value may not fit its field (a `total` of
"thirty", a number with a fraction, an email with a trailing space). Such a
field is shown read-only and left untouched on save, so opening and saving
an item never rewrites a value the user did not edit. A value stored with
another type than the field's (a `total` of "30", a String) that the field
accepts gets a "Convert to Number: 30" box (`type_fix`): converted only if
ticked.
"""

from django import forms
from django.contrib.admin.helpers import ActionForm
from django.core.exceptions import ValidationError
from django.utils.html import format_html

from ..exceptions import InvalidItem, InvalidRequest
from ..store import REMOVE
from ..store.table import key_text, parse_key_text
from ..values.display import display_value
from ..values.rules import validate_key_value
from ..values.types import type_label
from . import type_fix

_KEY_HELP = {
    "S": "",
    "N": "A number (up to 38 significant digits).",
    "B": "Binary, as base64 text.",
}


class ReadOnlyValue(forms.Widget):
    """Show a value as the admin shows read-only fields: text in a div."""

    def render(self, name, value, attrs=None, renderer=None):
        return format_html('<div class="readonly">{}</div>', "" if value is None else value)

    def id_for_label(self, id_):
        # No control to point at: the label gets no `for`, as the admin's read-only fields.
        return None


class ItemForm(forms.Form):
    """The add or change form of an item's key and declared fields.

    `table` is the item's Table; `item` the stored item (None on add);
    `read_only` shows every field as text (a user who may only view).
    """

    def __init__(self, *args, table, item=None, read_only=False, **kwargs):
        self.table = table
        self.item = item
        self.declared_fields = tuple(self.base_fields)
        # Stored values of another type that the user may convert: {name: Conversion}.
        self.conversions = {}
        if item is not None:
            kwargs["initial"] = {
                **{name: item[name] for name in self.declared_fields if name in item},
                **kwargs.get("initial", {}),
            }
        super().__init__(*args, **kwargs)
        key_fields = {attribute.name: self._key_field(attribute)
                      for attribute in table.key_attributes}
        self.fields = {**key_fields, **{
            name: field for name, field in self.fields.items() if name not in key_fields}}
        if item is None:
            return
        for attribute in table.key_attributes:
            self._freeze(attribute.name, help_text="",
                         shown=key_text(item[attribute.name], attribute.type))
        for name in self.declared_fields:
            if name in key_fields:
                continue
            if read_only:
                self._freeze(name, help_text="")
            elif name in item and not self._fits(name, item[name]):
                self._freeze_mistyped(name)
            elif name not in item:
                # Items are schemaless: one stored without this attribute (written
                # by another tool) saves as it is, left blank and not written.
                self.fields[name].required = False

    @property
    def field_names(self):
        """The names of the key's and the declared fields, in the form's order."""
        return tuple(self.fields)

    def _key_field(self, attribute):
        generated = attribute is self.table.partition_key and self.table.new_partition_key
        help_text = _KEY_HELP[attribute.type]
        if generated:
            help_text = f"{help_text} Leave blank to generate one.".strip()
        return forms.CharField(
            label=attribute.name,
            required=not generated,
            strip=False,
            help_text=f"{help_text} It cannot be changed later.".strip(),
        )

    def _fits(self, name, value):
        """Whether the field would store a stored value back exactly as it is.

        A one-line text input cannot hold a line break: browsers drop it.
        """
        if isinstance(value, str) and ("\n" in value or "\r" in value):
            return False
        try:
            return self.fields[name].clean(value) == value
        except ValidationError:
            return False

    def _freeze_mistyped(self, name):
        """Show a stored value the field cannot edit read-only; offer converting it when it
        has another type than the field's and the field accepts it (type_fix)."""
        found = type_fix.conversion(self.fields[name], self.item[name])
        help_text = (found.help_text if found is not None else
                     f"Stored as {type_label(self.item[name])}, which this field cannot "
                     "edit; it is kept as it is.")
        # A form shown again with the conversion as its initial value (a refused save's
        # changes re-applied) shows the box ticked.
        shown_converted = found is not None and type_fix.is_value(self.initial.get(name),
                                                                   found.value)
        self._freeze(name, help_text=help_text)
        if found is not None and found.possible:
            self.conversions[name] = found
            asked = shown_converted or bool(type_fix.requested({name: found}, self.data))
            self.fields[name].widget = type_fix.ConvertibleValue(found, checked=asked)

    def _freeze(self, name, help_text, shown=None):
        """Show the field's stored value as read-only text; it is never cleaned nor saved.

        A plain CharField replaces the field: Django cleans disabled fields
        too (from their initial value), and an IntegerField would refuse the
        "30.5" it is there to show.
        """
        field = self.fields[name]
        self.fields[name] = forms.CharField(
            label=field.label, required=False, disabled=True, widget=ReadOnlyValue(),
            help_text=help_text,
        )
        self.fields[name].validators = []  # not even the no-NUL rule: it is never saved
        if shown is None:
            shown = display_value(self.item[name]) if name in self.item else ""
        self.initial[name] = shown

    def clean(self):
        data = super().clean()
        if self.item is not None:
            return data
        for attribute, role in zip(self.table.key_attributes, ("partition", "sort"), strict=False):
            text = data.get(attribute.name)
            if text is None:
                continue
            if text == "":
                data[attribute.name] = None  # left blank: generated (or required, as said)
                continue
            try:
                value = parse_key_text(text, attribute)
                data[attribute.name] = validate_key_value(
                    attribute.name, attribute.type, value, role)
            except (InvalidItem, InvalidRequest) as error:
                self.add_error(attribute.name, str(error))
        return data

    def new_item(self):
        """Return the item to create from a valid add form (blank fields left out)."""
        item = {name: self.cleaned_data.get(name) for name in self.fields}
        return {name: value for name, value in item.items() if value not in (None, "")}

    def changes(self):
        """Return {attribute: new value or REMOVE} for the fields the user changed."""
        changes = {}
        for name in self.changed_data:
            value = self.cleaned_data[name]
            if value not in (None, ""):
                changes[name] = value
            elif name in self.item:
                changes[name] = REMOVE
        # Only the conversions the user ticked, each to the value its box showed.
        changes.update(type_fix.requested(self.conversions, self.data))
        return changes


class ItemActionForm(ActionForm):
    """The change list's action menu (the admin's, without "select across pages")."""

    select_across = None
