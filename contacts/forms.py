"""The contact form: the fields a contact is known to have (the key, id, comes from the table)."""

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator

from dynamodb_tables.admin import ItemForm

MAX_AGE = 150


class ContactForm(ItemForm):
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

    def clean_username(self):
        username = self.cleaned_data["username"]
        field = self.fields["username"]
        if field.disabled or username.strip():
            return username
        if field.required:
            raise ValidationError(field.error_messages["required"])
        if username:
            raise ValidationError("Enter a username, or leave the field empty.")
        return username
