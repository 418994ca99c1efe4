from django.contrib import admin
from django.urls import path
from django.views.generic import RedirectView

from contacts.views import healthz

admin.site.site_header = "contactsite"
admin.site.site_title = "contactsite"
admin.site.index_title = "Contacts in DynamoDB"

urlpatterns = [
    path(
        "",
        RedirectView.as_view(pattern_name="admin:contacts_contact_changelist", permanent=False),
    ),
    path("admin/", admin.site.urls),
    path("healthz", healthz, name="healthz"),
]
