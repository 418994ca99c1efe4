"""The item editor's attribute rows in templates: controls named for assistive technology.

A row's controls sit under the table's column headers, which name no control,
so each control carries its own accessible name (`aria-label`), naming the
attribute it edits, as the admin's row checkboxes name their object.
"""

from django import template
from django.utils.text import Truncator

from ..admin.editor import MAX_NEW_ROWS

register = template.Library()

# Per control: its name in a row of a stored attribute, and in a row for a new one.
_CONTROL_NAMES = {
    "name": ("Name of attribute “{}”", "Name of the new attribute"),
    "type": ("Type of attribute “{}”", "Type of the new attribute"),
    "value": ("Value of attribute “{}”", "Value of the new attribute"),
    "DELETE": ("Delete attribute “{}”", "Delete the new attribute"),
}


@register.simple_tag
def attribute_control(row, field_name):
    """Render the control `field_name` of an attribute row with its accessible name."""
    stored, new = _CONTROL_NAMES[field_name]
    attribute = row.initial.get("name")
    # A name may be 64 KB long: the label names it as a list's summary would.
    label = stored.format(Truncator(attribute).chars(60)) if attribute else new
    return row[field_name].as_widget(attrs={"aria-label": label})


@register.simple_tag
def most_attribute_rows(formset):
    """Return how many rows one save takes: the stored ones and up to MAX_NEW_ROWS new ones
    (a script adding rows stops there, where the server would drop them)."""
    return min(formset.initial_form_count() + MAX_NEW_ROWS, formset.max_num)
