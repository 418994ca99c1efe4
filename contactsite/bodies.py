"""Refuse request bodies the app has no use for, before anything reads them."""

from django.conf import settings
from django.http import HttpResponse


class RequestBodyLimitMiddleware:
    """Answer 413 to a multipart body (the app takes no uploads) or to one larger than a form.

    Django caps a form's fields (DATA_UPLOAD_MAX_MEMORY_SIZE) but not the
    files of a multipart body, which it writes to a temporary file, before
    any login: so multipart is refused outright, and any other body is
    judged by its Content-Length, before a byte of it is read.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        content_type = request.META.get("CONTENT_TYPE", "").lower()
        if content_type.startswith("multipart/"):
            return _too_large("This site takes no file uploads (multipart bodies).")
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        length = request.META.get("CONTENT_LENGTH") or "0"
        if limit is not None and (not length.isdigit() or int(length) > limit):
            return _too_large(f"A request body may be at most {limit} bytes.")
        return self.get_response(request)


def _too_large(reason):
    return HttpResponse(f"413 Content Too Large: {reason}\n", status=413,
                        content_type="text/plain; charset=utf-8")
