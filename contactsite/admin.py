"""The project's admin site: the admin, plus every DynamoDB table for superusers, and a
rate-limited login."""

from dynamodb_tables.admin import DynamoAdminSite

from .security import RateLimitedLoginForm


class ContactsiteAdminSite(DynamoAdminSite):
    site_header = "contactsite"
    site_title = "contactsite"
    index_title = "Contacts in DynamoDB"
    login_form = RateLimitedLoginForm
