from django.contrib import admin
from django.urls import path
from django.views.generic import RedirectView

from contacts.views import healthz

admin.site.site_header = "contactsite"
admin.site.site_title = "contactsite"
admin.site.index_title = "Contacts in DynamoDB"

urlpatterns = [
    # The contacts change list is not built yet; until it is, "/" opens the admin.
    path("", RedirectView.as_view(pattern_name="admin:index", permanent=False)),
    path("admin/", admin.site.urls),
    path("healthz", healthz, name="healthz"),
]
