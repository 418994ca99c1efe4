"""The app's URLs plus two bench-only views that measure the stack itself.

- /bench/trivial: the smallest Django view, through the same middleware
  (sessions, auth, metering) and gunicorn: the ceiling for any page.
- /bench/chrome: an empty admin page (login required, the admin's base
  template and context), so the admin's own cost can be told from ours.
- /bench/floor: the trivial view plus the change list's one Scan, sent
  straight from boto3: the most requests per second any page that makes
  that call can reach on this server and machine.
"""

import threading

import boto3
from botocore.config import Config
from django.conf import settings
from django.contrib import admin
from django.http import HttpResponse
from django.template.response import TemplateResponse
from django.urls import path

from contactsite.urls import handler403  # noqa: F401
from contactsite.urls import urlpatterns as app_urlpatterns


def trivial(request):
    return HttpResponse(b"ok", content_type="text/plain")


def _os_thread_local():
    # As dynamodb_tables.backend.dispatch keeps its clients: under gevent,
    # threading.local is one per greenlet (per connection), and building a
    # client costs about 50 ms of CPU; the greenlets of one OS thread share one.
    try:
        from gevent import monkey
    except ImportError:
        return threading.local()
    return monkey.get_original("threading", "local")()


_local = _os_thread_local()


def _boto3_client():
    # One client per OS thread, built on first use.
    if not hasattr(_local, "client"):
        options = settings.DYNAMODB
        _local.client = boto3.session.Session().client(
            "dynamodb", region_name=options["REGION"], endpoint_url=options["ENDPOINT_URL"],
            config=Config(retries={"mode": "standard", "total_max_attempts": 3}),
        )
    return _local.client


def floor(request):
    _boto3_client().scan(
        TableName=settings.DYNAMODB["TABLE"], Limit=26, ReturnConsumedCapacity="TOTAL"
    )
    return HttpResponse(b"ok", content_type="text/plain")


def chrome(request):
    context = {**admin.site.each_context(request), "title": "Benchmark"}
    return TemplateResponse(request, "admin/base_site.html", context)


urlpatterns = [
    path("bench/trivial", trivial),
    path("bench/chrome", admin.site.admin_view(chrome)),
    path("bench/floor", floor),
    *app_urlpatterns,
]
