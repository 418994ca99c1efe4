"""The project's admin site: the admin, plus every DynamoDB table for superusers, and a
rate-limited login."""

from urllib.parse import quote

from django.core.signals import setting_changed
from django.dispatch import receiver
from django.urls import get_script_prefix, get_urlconf
from django.utils.translation import get_language

from dynamodb_tables.admin import DynamoAdminSite

from .security import RateLimitedLoginForm

# Distinct app lists kept per process; far more than the kinds of user there are.
APP_LISTS_KEPT = 256


class ContactsiteAdminSite(DynamoAdminSite):
    site_header = "contactsite"
    site_title = "contactsite"
    index_title = "Contacts in DynamoDB"
    login_form = RateLimitedLoginForm
    # Per process, for every site: {key: app list}.
    app_lists = {}

    def get_app_list(self, request, app_label=None):
        """Return the admin's app list, built once per kind of user rather than per page.

        Every admin page's sidebar shows it, and building it (a permission
        check and a reverse() for each model) cost about 1 ms of the 4 ms an
        empty admin page takes (docs/performance.md). It depends only on what
        the key holds, so a change of permissions shows on the next page. A
        ModelAdmin whose has_*_permission() looked at anything else would need
        its own key.
        """
        key = (self.name, *_app_list_key(request, app_label))
        if key not in self.app_lists:
            if len(self.app_lists) >= APP_LISTS_KEPT:
                self.app_lists.clear()
            self.app_lists[key] = super().get_app_list(request, app_label)
        return list(self.app_lists[key])

    def each_context(self, request):
        context = super().each_context(request)
        context["nav_sidebar_key"] = _nav_sidebar_key(
            self.name, request, context["available_apps"])
        return context


def _nav_sidebar_key(site_name, request, available_apps):
    """Return what the sidebar's HTML depends on, for base_site.html's fragment cache.

    Rendering the sidebar (admin/app_list.html: a row and three links per
    model) cost about 0.8 ms of every admin page, a quarter of the empty
    admin page (docs/performance.md). Its HTML depends only on the app list (built from
    what _app_list_key holds) and on which of its links the current path
    contains: app_list.html marks those "current" with `url in
    request.path|urlencode`, tested here the same way.
    """
    path = quote(request.path, safe="/")
    current = tuple(
        url
        for app in available_apps
        for url in (app["app_url"], *(model.get("admin_url") for model in app["models"]))
        if url and url in path
    )
    return repr((site_name, *_app_list_key(request, None), current))


def _app_list_key(request, app_label):
    user = request.user
    # A superuser has every permission, so theirs need not be read.
    permissions = None if user.is_superuser else frozenset(user.get_all_permissions())
    return (user.is_active, user.is_staff, user.is_superuser, permissions, get_language(),
            get_script_prefix(), get_urlconf(), app_label)


@receiver(setting_changed)
def _forget_app_lists(**kwargs):
    # Tests change settings (URLs, languages, installed apps) that the lists are built from.
    ContactsiteAdminSite.app_lists.clear()
