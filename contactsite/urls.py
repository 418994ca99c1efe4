from django.contrib import admin
from django.urls import path
from django.views.generic import RedirectView

from .security import admin_login
from .views import favicon, healthz

# A 403 in the admin's look (templates/403.html), with its header and user links.
handler403 = "contactsite.views.permission_denied"

urlpatterns = [
    path(
        "",
        RedirectView.as_view(pattern_name="admin:contacts_contact_changelist", permanent=False),
    ),
    # Before admin.site.urls, which has its own /admin/login/: the same view,
    # answering 503 when the login-attempts table is missing (axes answers a lockout 429).
    path("admin/login/", admin_login),
    path("admin/", admin.site.urls),
    path("healthz", healthz, name="healthz"),
    # Browsers ask for it on any page that names no icon (a JSON answer, an error page).
    path("favicon.ico", favicon),
]
