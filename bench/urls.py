"""The app's URLs plus two bench-only views that measure the stack itself.

- /bench/trivial: the smallest Django view, through the same middleware
  (sessions, auth, metering) and gunicorn: the ceiling for any page.
- /bench/chrome: an empty admin page (login required, the admin's base
  template and context), so the admin's own cost can be told from ours.
"""

from django.contrib import admin
from django.http import HttpResponse
from django.template.response import TemplateResponse
from django.urls import path

from contactsite.urls import handler403  # noqa: F401
from contactsite.urls import urlpatterns as app_urlpatterns


def trivial(request):
    return HttpResponse(b"ok", content_type="text/plain")


def chrome(request):
    context = {**admin.site.each_context(request), "title": "Benchmark"}
    return TemplateResponse(request, "admin/base_site.html", context)


urlpatterns = [
    path("bench/trivial", trivial),
    path("bench/chrome", admin.site.admin_view(chrome)),
    *app_urlpatterns,
]
