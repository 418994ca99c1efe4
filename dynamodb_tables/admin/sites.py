"""An AdminSite that also browses every DynamoDB table, for superusers."""

from django.contrib import admin
from django.contrib.contenttypes import views as contenttype_views
from django.contrib.contenttypes.models import ContentType
from django.http import Http404
from django.urls import path

from ..models import DynamoItem
from .browser import browser_urls, index_url


def view_on_site(request, content_type_id, object_id):
    """Django's "view on site" redirect (/admin/r/<type>/<id>/), a 404 for DynamoDB items.

    Django's would look the item up in the ORM, where no table holds it (500).
    """
    content_type = ContentType.objects.filter(pk=content_type_id).first()
    model = content_type.model_class() if content_type else None
    if model is not None and issubclass(model, DynamoItem):
        raise Http404("DynamoDB items have no page on the site.")
    return contenttype_views.shortcut(request, content_type_id, object_id)


class DynamoAdminSite(admin.AdminSite):
    """The admin site, plus /admin/tables/ and its entry in the index and sidebar."""

    def get_urls(self):
        urls = [
            path("r/<int:content_type_id>/<path:object_id>/", self.admin_view(view_on_site),
                 name="view_on_site") if getattr(url, "name", None) == "view_on_site" else url
            for url in super().get_urls()
        ]
        # First: the site's own catch-all would answer tables/ otherwise.
        return [*browser_urls(self), *urls]

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
