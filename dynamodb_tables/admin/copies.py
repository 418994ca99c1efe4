"""Items made from a change form: "Save as new" (a copy under another key) and "Create it
again" (an item deleted while the user edited it, with their values).

Both store the item as the form shows it, every attribute included (the
rows', the read-only ones', the undeclared ones'), with one conditional
PutItem that never overwrites (`ItemManager.create`).
"""

from ..exceptions import InvalidItem, ItemAlreadyExists, ItemChanged, WriteUnconfirmed
from ..store.changes import same_item
from .errors import unconfirmed_page
from .forms import ItemForm

SAVE_AS_NEW_VAR = "_saveasnew"  # the admin's own submit name (its submit_line)
RECREATE_VAR = "_recreate"
COPY_PREFIX = "copy"


class NewKeyForm(ItemForm):
    """The key of the copy "Save as new" makes: the add form's key fields, alone.

    Checked only when "Save as new" is pressed, so the browser is never
    told they are required (a plain Save ignores them).
    """

    use_required_attribute = False

    def __init__(self, data=None, *, table):
        super().__init__(data, table=table, prefix=COPY_PREFIX)
        for name, field in self.fields.items():
            field.label = f"{name} of the copy"
            field.help_text = field.help_text.replace(" It cannot be changed later.", "")

    def key(self):
        """Return the key typed (a blank generated key left out)."""
        return self.new_item()


def copy_form(model_admin, request, data=None):
    """Return the NewKeyForm a change page shows, or None without "Save as new"."""
    if model_admin.save_as and model_admin.has_add_permission(request):
        return NewKeyForm(data, table=model_admin.table)
    return None


def save_as_new(model_admin, request, editor, original):
    """Store the item the change form shows under the key typed for the copy."""
    table = model_admin.table
    key_form = NewKeyForm(request.POST, table=table)
    if editor.is_valid() & key_form.is_valid():
        shown = editor.resulting_item()
        copy = {name: value for name, value in shown.items() if name not in table.key_names}
        copy = table.with_new_key({**copy, **key_form.key()})
        try:
            created = _create(model_admin, copy)
        except WriteUnconfirmed as error:
            return unconfirmed_page(model_admin, request, error, "save", copy)
        except ItemAlreadyExists as error:
            key_form.add_error(table.partition_key.name, str(error))
        except InvalidItem as error:
            editor.form.add_error(None, str(error))
        else:
            obj = model_admin.to_object(created)
            model_admin.log_addition(request, obj, [{"added": {}}])
            return model_admin.response_add(request, obj)
    return model_admin._render_form(request, editor, obj=model_admin.to_object(original),
                                    extra_context={"copy_form": key_form})


def recreate(model_admin, request, editor, original, changes):
    """Create again, with the user's values, an item deleted while they edited it.

    If someone created it again meanwhile, that is a conflict like any other:
    the form shows it with the user's changes merged in.
    """
    item = editor.resulting_item()
    try:
        created = _create(model_admin, item)
    except WriteUnconfirmed as error:
        return unconfirmed_page(model_admin, request, error, "save", item)
    except ItemAlreadyExists as error:
        table = model_admin.table
        current = error.existing or model_admin.items.get(table.key_of(item))
        conflict = ItemChanged(table.object_id(table.key_of(item)), current, table.verbose_name)
        return model_admin._render_conflict(request, conflict, changes, original)
    obj = model_admin.to_object(created)
    model_admin.log_addition(request, obj, [{"added": {}}])
    return model_admin.response_add(request, obj)


def _create(model_admin, item):
    """Create the item; one already stored exactly so (a lost answer) is a success."""
    try:
        return model_admin.items.create(item)
    except ItemAlreadyExists as error:
        written = model_admin.table.with_derived(item)  # as create() wrote it
        if error.existing is not None and same_item(error.existing, written):
            return error.existing
        raise

