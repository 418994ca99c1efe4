"""The store's errors as pages in the admin's look, each with the status it deserves."""

from functools import wraps

from django.template.response import TemplateResponse
from django.utils.html import format_html
from django.utils.text import capfirst

from ..exceptions import (
    InvalidRequest,
    ItemChanged,
    ItemNotFound,
    StoreError,
    StoreMisconfigured,
    TableMissing,
    WriteUnconfirmed,
)

UNCONFIRMED_ADVICE = (
    "Reload the list or the item to see what is stored now. Saving the same values again "
    "is safe: a save that finds them stored already succeeds."
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
        except WriteUnconfirmed as error:
            return error_page(model_admin, request, 503, "DynamoDB did not confirm the change",
                              error, advice=UNCONFIRMED_ADVICE)
        except TableMissing as error:
            if model_admin.table_is_browsed:  # a name in the URL, not a table to create
                gone = f'Table "{error.table}" does not exist.'
                return error_page(model_admin, request, 404, "Table not found", gone)
            return error_page(model_admin, request, 503, "DynamoDB is unavailable", error)
        except StoreError as error:
            return error_page(model_admin, request, 503, "DynamoDB is unavailable", error)

    return wrapper


def error_page(model_admin, request, status, title, error, advice=None):
    """Return the admin-look page saying what went wrong, with `status` (and what to do)."""
    context = {
        **model_admin.admin_site.each_context(request),
        **model_admin.page_context(request),
        "title": title,
        "message": str(error),
        "status": status,
        "advice": advice,
    }
    request.current_app = model_admin.admin_site.name
    return TemplateResponse(request, "admin/dynamodb_tables/error.html", context, status=status)


def unconfirmed_page(model_admin, request, error, what, item):
    """Return the 503 page for a save or deletion of `item` that DynamoDB never confirmed:
    it may have been applied, so the page sends the user to the item as it is now."""
    obj = model_admin.to_object(item)
    name = model_admin.opts.verbose_name
    message = (f"DynamoDB did not confirm the {what} of the {name} “{obj}”, so it may have "
               f"been applied. {error.reason}")
    link = format_html('<a href="{}">the {} “{}”</a>',
                       model_admin.url("change", obj.object_id), name, obj)
    if what == "deletion":
        advice = format_html("Open {} to see whether it is still there.", link)
    else:
        advice = format_html("Open {} to see what is stored now. Saving the same values again "
                             "is safe: a save that finds them stored already succeeds.", link)
    return error_page(model_admin, request, 503, f"DynamoDB did not confirm the {what}",
                      message, advice=advice)
