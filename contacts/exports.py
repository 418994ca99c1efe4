"""CSV downloads from the change list: "Export all" and the "Export selected" action.

Both stream (StreamingHttpResponse), one Scan page or one BatchGetItem at a
time, so a large table never sits in the server's memory. The first page is
read before the response starts: a missing table or an unreachable DynamoDB
is still the admin's 503 page, not an empty file. A failure later on cuts the
download short (the browser reports it as failed) and is logged.
"""

import itertools
import logging

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import StreamingHttpResponse

from . import dynamo, transfer
from .exceptions import StoreError
from .manager import BATCH_GET_SIZE, contacts
from .tables import table_name

logger = logging.getLogger(__name__)


def export_all(model_admin, request):
    """Stream every contact of the table as CSV (needs the view permission)."""
    if not model_admin.has_view_permission(request):
        raise PermissionDenied
    pages = transfer.scan_pages()
    first = next(pages, [])  # read now: a store error is still the admin's error page
    items = itertools.chain.from_iterable(itertools.chain([first], pages))
    return _csv_response(map(dynamo.from_attributes, items))


@admin.action(description="Export selected %(verbose_name_plural)s (CSV)", permissions=["view"])
def export_selected_csv(model_admin, request, contact_ids):
    """Stream the selected contacts as CSV, in the order they were listed."""
    chunks = (
        contacts.get_many(contact_ids[start : start + BATCH_GET_SIZE])
        for start in range(0, len(contact_ids), BATCH_GET_SIZE)
    )
    first = next(chunks, [])
    return _csv_response(itertools.chain(first, itertools.chain.from_iterable(chunks)))


def _csv_response(documents):
    response = StreamingHttpResponse(
        _logged(transfer.csv_lines(documents)), content_type="text/csv; charset=utf-8"
    )
    # Table names are letters, digits, "_", "-" and ".": safe in the header as they are.
    response["Content-Disposition"] = f'attachment; filename="contacts-{table_name()}.csv"'
    return response


def _logged(lines):
    try:
        yield from lines
    except StoreError:
        logger.exception("CSV export of table %s cut short", table_name())
        raise
