"""Views that are not admin pages: /healthz, /favicon.ico and the 403 page."""

from axes.models import AccessAttempt
from django.contrib import admin
from django.db import DatabaseError, connection
from django.http import HttpResponseRedirect, JsonResponse
from django.template.response import TemplateResponse
from django.templatetags.static import static
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from contacts.models import CONTACTS
from dynamodb_tables.backend import budget
from dynamodb_tables.exceptions import StoreError
from dynamodb_tables.store.operations import check_table

# A health check (Docker's, a load balancer's) gives up after a few seconds:
# a hung DynamoDB must still get its answer, a 503, within about 2.
HEALTH_CHECK_SECONDS = 1.5


@require_safe
@never_cache
def healthz(request):
    """Report whether DynamoDB's table, the auth database and the login-attempts table serve."""
    problems = {}
    try:
        with budget.limited(HEALTH_CHECK_SECONDS, "the health check's limit"):
            check_table(CONTACTS.name)
    except StoreError as error:
        problems["dynamodb"] = str(error)
    try:
        connection.ensure_connection()
    except DatabaseError as error:
        problems["database"] = f"The auth database is unreachable: {error.__class__.__name__}."
    else:
        try:
            AccessAttempt.objects.exists()
        except DatabaseError as error:
            problems["login_attempts"] = (
                f"The login-attempts table cannot be used ({error.__class__.__name__}), so "
                "nobody can log in: run `python manage.py migrate`."
            )
    if problems:
        return JsonResponse({"status": "unavailable", "problems": problems}, status=503)
    return JsonResponse({"status": "ok", "table": CONTACTS.name})


def permission_denied(request, exception=None):
    """Answer 403 in the admin's look: header, user links and sidebar as on any admin page."""
    context = admin.site.each_context(request) if hasattr(request, "user") else {}
    context["title"] = "Permission denied"
    return TemplateResponse(request, "403.html", context, status=403)


@require_safe
def favicon(request):
    """Send /favicon.ico to the site's icon among the static files (WhiteNoise serves it).

    Not a permanent redirect: the icon's static name changes with its content.
    """
    return HttpResponseRedirect(static("contacts/favicon.svg"))
