"""The store's errors as pages in the admin's look, each with the status it deserves."""

from functools import wraps

from django.template.response import TemplateResponse
from django.utils.text import capfirst

from ..exceptions import (
    InvalidRequest,
    ItemChanged,
    ItemNotFound,
    StoreError,
    StoreMisconfigured,
    TableMissing,
)


def store_errors(view):
    """Decorate a DynamoModelAdmin view: the store's errors become the error page.

    A missing item is a 404, a refused save a 409, bad input a 400,
    misconfiguration (credentials, region, permissions) a 500 and anything
    else DynamoDB could not do a 503.
    """

    @wraps(view)
    def wrapper(model_admin, request, *args, **kwargs):
        name = capfirst(model_admin.opts.verbose_name)
        try:
            return view(model_admin, request, *args, **kwargs)
        except ItemNotFound as error:
            return error_page(model_admin, request, 404, f"{name} not found", error)
        except ItemChanged as error:
            return error_page(model_admin, request, 409, f"{name} changed meanwhile", error)
        except InvalidRequest as error:
            return error_page(model_admin, request, 400, "Bad request", error)
        except StoreMisconfigured as error:
            return error_page(model_admin, request, 500, "DynamoDB is misconfigured", error)
        except TableMissing as error:
            if model_admin.table_is_browsed:  # a name in the URL, not a table to create
                gone = f'Table "{error.table}" does not exist.'
                return error_page(model_admin, request, 404, "Table not found", gone)
            return error_page(model_admin, request, 503, "DynamoDB is unavailable", error)
        except StoreError as error:
            return error_page(model_admin, request, 503, "DynamoDB is unavailable", error)

    return wrapper


def error_page(model_admin, request, status, title, error):
    """Return the admin-look page saying what went wrong, with `status`."""
    context = {
        **model_admin.admin_site.each_context(request),
        **model_admin.page_context(request),
        "title": title,
        "message": str(error),
        "status": status,
    }
    request.current_app = model_admin.admin_site.name
    return TemplateResponse(request, "admin/dynamodb_tables/error.html", context, status=status)
