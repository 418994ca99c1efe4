from django.contrib.admin.apps import AdminConfig


class ContactsiteAdminConfig(AdminConfig):
    """Django's admin, with contactsite's site as `admin.site`."""

    default_site = "contactsite.admin.ContactsiteAdminSite"
