"""The whole item as DynamoDB JSON, as the DynamoDB console's JSON view shows it: <id>/json/.

Anyone who may view the item reads it there; who may change it can edit
the text and save. The save is as safe as the change form's: the page
carries the signed item it showed, writes only the attributes whose value
the text changes (one conditional UpdateItem), and a save refused because
someone changed the item meanwhile shows what changed and the text typed,
never overwriting anybody's write.
"""

import json

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _

from ..exceptions import InvalidItem, ItemChanged, ItemNotFound, WriteUnconfirmed
from ..store import REMOVE
from ..values import typed
from ..values.text import parse_json
from ..values.types import equivalent
from . import conflicts, history
from .editor import ORIGINAL_VAR, read_original, sign_original
from .errors import store_errors, unconfirmed_page

JSON_VAR = "item_json"


def item_json(item):
    """Return the item's DynamoDB JSON text, an attribute per line (numbers stay strings)."""
    def compact(data):
        return json.dumps(data, ensure_ascii=False, separators=(", ", ": "))

    lines = [f"  {compact(name)}: {compact(value)}"
             for name, value in typed.write_item(item).items()]
    return "{\n" + ",\n".join(lines) + "\n}"


def read_item_json(text, table, key):
    """Return the item that DynamoDB JSON text stands for, checked; its key must be `key`."""
    data = parse_json(text, "The item's JSON")
    if not isinstance(data, dict):
        raise InvalidItem(
            'The item\'s JSON is one object of attributes, each naming its type, e.g. '
            f'{{"{table.partition_key.name}": {{"S": "…"}}, "city": {{"S": "Paris"}}}}.')
    item = typed.read_item(data)
    if table.key_of(item) != key:
        raise InvalidItem(
            f"The key ({', '.join(table.key_names)}) cannot be changed; it is "
            f"{table.key_label(key)}.")
    return table.validate_item(item)


def item_changes(shown, new):
    """Return {name: value or REMOVE} turning the item as shown into the new one."""
    changes = {name: REMOVE for name in shown if name not in new}
    changes.update({name: value for name, value in new.items()
                    if name not in shown or not equivalent(shown[name], value)})
    return changes


class JsonViews:
    """The JSON page of a DynamoModelAdmin's items."""

    item_json_template = "admin/dynamodb_tables/item_json.html"

    @store_errors
    def json_view(self, request, object_id):
        # Before the read, as on the change page: without the right, no item is told apart.
        if not self.has_view_or_change_permission(request):
            raise PermissionDenied
        key = self.key_from_url(object_id)
        if request.method != "POST":
            item = self.items.get(key)
            return self._render_json(request, item, item_json(item))
        if not self.has_change_permission(request):
            raise PermissionDenied
        shown = read_original(request.POST.get(ORIGINAL_VAR), self.table, key)
        text = request.POST.get(JSON_VAR, "")
        try:
            changes = self._json_changes(shown, text, key)
            if changes:
                item = self.items.update(key, changes, expected=shown)
            else:
                item = self.items.get(key)  # nothing to write; but say so if it is gone
        except InvalidItem as error:
            return self._render_json(request, shown, text, error=str(error))
        except ItemChanged as conflict:
            current = conflict.current
            return self._render_json(
                request, current, item_json(current), status=409, conflict=conflict,
                yours=text, differences=conflicts.differences(shown, current, changes))
        except ItemNotFound as error:
            # Keep what was typed on the page; there is no item left to update.
            return self._render_json(
                request, shown, text, status=404, gone=True,
                error=f"{error} It was deleted after you opened it; nothing was saved.")
        except WriteUnconfirmed as error:
            return unconfirmed_page(self, request, error, "save", shown)
        obj = self.to_object(item)
        if changes:
            self.log_change(request, obj, history.change_message(shown, changes))
            message = _("The {name} “{obj}” was changed successfully.")
        else:
            message = _("No attribute of the {name} “{obj}” was changed.")
        self.message_user(request, message.format(name=self.opts.verbose_name, obj=obj),
                          messages.SUCCESS)
        return HttpResponseRedirect(self.url("json", obj.object_id))

    def _json_changes(self, shown, text, key):
        """Return the changes the posted text makes to the item shown, checked.

        Attributes the app derives (store.derived) follow their source: typed
        by hand, they would be recomputed anyway, so they are left out.
        """
        derived = {attribute.name for attribute in self.table.derived}
        changes = item_changes(shown, read_item_json(text, self.table, key))
        return {name: value for name, value in changes.items() if name not in derived}

    def _render_json(self, request, item, text, status=200, error=None, gone=False, **extra):
        """Show the item's JSON page: `text` in the box, signed `item` as what it shows."""
        obj = self.to_object(item)
        editable = not gone and self.has_change_permission(request, obj)
        change_url = self.url("change", obj.object_id)
        context = {
            **self.admin_site.each_context(request),
            **self.page_context(request, (str(obj), change_url), (_("JSON"), None)),
            "title": _("%s as DynamoDB JSON") % obj,
            "subtitle": None,
            "object": obj,
            "editable": editable,
            "json_var": JSON_VAR,
            "json_text": text,
            "error": error,
            "change_url": change_url,
            "original_var": ORIGINAL_VAR,
            "original_token": sign_original(item, self.table) if editable else None,
            "rows": max(min(text.count("\n") + 2, 40), 8),
            "media": self.media,
            **extra,
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(request, self.item_json_template, context, status=status)
