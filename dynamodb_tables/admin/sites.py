"""An AdminSite that also browses every DynamoDB table, for superusers."""

from django.contrib import admin

from .browser import browser_urls, index_url


class DynamoAdminSite(admin.AdminSite):
    """The admin site, plus /admin/tables/ and its entry in the index and sidebar."""

    def get_urls(self):
        # First: the site's own catch-all would answer tables/ otherwise.
        return [*browser_urls(self), *super().get_urls()]

    def get_app_list(self, request, app_label=None):
        apps = super().get_app_list(request, app_label)
        if request.user.is_superuser and app_label in (None, "dynamodb_tables"):
            url = index_url(self)
            apps.append({
                "name": "DynamoDB tables",
                "app_label": "dynamodb_tables",
                "app_url": url,
                "has_module_perms": True,
                "models": [{
                    "name": "Tables",
                    "object_name": "Table",
                    "perms": {"view": True},
                    "admin_url": url,
                    "add_url": None,
                    "view_only": True,
                }],
            })
        return apps
