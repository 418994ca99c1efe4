"""Contacts in the admin: the table, its form, its columns and its search, declared once."""

from django.contrib import admin

from dynamodb_tables.admin import DynamoModelAdmin

from .forms import ContactForm
from .models import CONTACTS, Contact


@admin.register(Contact)
class ContactAdmin(DynamoModelAdmin):
    table = CONTACTS
    form = ContactForm
    list_display = ("id", "username", "age")
    search_fields = ("id", "username")
    label_field = "username"
