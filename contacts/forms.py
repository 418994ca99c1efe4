"""The contact form: declared fields above, every other attribute below.

Items are schemaless, so a stored value may not fit its field (an `age` of
"thirty", a number with a fraction, an email with a trailing space). Such a
field is shown read-only and left untouched on save, so opening and saving
an item never rewrites a value the user did not edit. The other attributes
are rows of name, type and value (contacts.attributes has their text forms);
a save writes only the rows the user changed.
"""

from django import forms
from django.contrib.admin.helpers import ActionForm
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.utils.html import format_html

from .display import display_value, type_label
from .documents import KEY, REMOVE, validate_id
from .exceptions import InvalidContact

DECLARED_FIELDS = (KEY, "username", "age", "email", "phone")
MAX_AGE = 150


class ReadOnlyValue(forms.Widget):
    """Show a value as the admin shows read-only fields: text in a div."""

    def render(self, name, value, attrs=None, renderer=None):
        return format_html('<div class="readonly">{}</div>', "" if value is None else value)


class ContactForm(forms.Form):
    id = forms.CharField(
        label="id",
        required=False,
        strip=False,
        help_text="Leave blank to generate one. It cannot be changed later.",
    )
    username = forms.CharField(strip=False)
    age = forms.IntegerField(required=False, min_value=0, max_value=MAX_AGE)
    email = forms.EmailField(required=False)
    phone = forms.CharField(
        required=False,
        max_length=32,
        validators=[
            RegexValidator(
                # At least three digits, among spaces and ( ) . -
                r"^\+?(?=(?:\D*\d){3})[0-9 ().-]+$",
                "Enter a phone number: at least three digits, with spaces and ( ) . - "
                "allowed, optionally starting with +.",
            )
        ],
    )

    def __init__(self, *args, item=None, read_only=False, **kwargs):
        """Build the add form, or with `item` the change form for that stored item."""
        self.item = item
        if item is not None:
            kwargs["initial"] = {
                **{name: item[name] for name in DECLARED_FIELDS if name in item},
                **kwargs.get("initial", {}),
            }
        super().__init__(*args, **kwargs)
        if item is not None:
            self._freeze(KEY, help_text="")
            for name in DECLARED_FIELDS[1:]:
                if read_only:
                    self._freeze(name, help_text="")
                elif name in item and not self._fits(name, item[name]):
                    self._freeze(
                        name,
                        help_text=f"Stored as {type_label(item[name])}, which this field "
                        "cannot edit; it is kept as it is.",
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

    def _freeze(self, name, help_text):
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
        self.initial[name] = display_value(self.item[name]) if name in self.item else ""

    def clean_id(self):
        contact_id = self.cleaned_data["id"]
        if self.item is not None:
            return self.item[KEY]
        if contact_id == "":
            return None
        try:
            return validate_id(contact_id)
        except InvalidContact as error:
            raise ValidationError(str(error)) from None

    def clean_username(self):
        username = self.cleaned_data["username"]
        if not self.fields["username"].disabled and not username.strip():
            raise ValidationError(self.fields["username"].error_messages["required"])
        return username

    def new_item(self):
        """Return the item to create from a valid add form (blank fields left out)."""
        item = {name: self.cleaned_data[name] for name in DECLARED_FIELDS}
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
        return changes


class ContactActionForm(ActionForm):
    """The change list's action menu (the admin's, without "select across pages")."""

    select_across = None
