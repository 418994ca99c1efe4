"""Views that are not admin pages."""

from django.db import DatabaseError, connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from .exceptions import StoreError
from .tables import check_table, table_name


@require_safe
@never_cache
def healthz(request):
    """Report whether DynamoDB's table and the auth database serve requests."""
    problems = {}
    try:
        check_table()
    except StoreError as error:
        problems["dynamodb"] = str(error)
    try:
        connection.ensure_connection()
    except DatabaseError as error:
        problems["database"] = f"The auth database is unreachable: {error.__class__.__name__}."
    if problems:
        return JsonResponse({"status": "unavailable", "problems": problems}, status=503)
    return JsonResponse({"status": "ok", "table": table_name()})
