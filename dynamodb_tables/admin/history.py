"""What the admin's history says about a save, attribute by attribute.

The message is the JSON list that Django's own LogEntry.get_change_message
renders and translates ("Added attribute “nickname”. Changed age. Deleted
attribute “score”."), the form ModelAdmin.construct_change_message writes for
inlines: so the history page, the log's admin and any other reader of
LogEntry show it without help from this app.
"""

from ..store.changes import REMOVE

# What Django's message calls one added or removed attribute ("Added {name} “{object}”.").
ATTRIBUTE = "attribute"


def change_message(item, changes):
    """Return the log message of a save of `changes` (values or REMOVE) to `item`.

    Added attributes first, then the changed ones in one sentence, then the
    removed ones, each in the order the form listed them; no changes, [].
    """
    added = [name for name, value in changes.items() if value is not REMOVE and name not in item]
    changed = [name for name, value in changes.items() if value is not REMOVE and name in item]
    removed = [name for name, value in changes.items() if value is REMOVE and name in item]
    message = [{"added": {"name": ATTRIBUTE, "object": name}} for name in added]
    if changed:
        message.append({"changed": {"fields": changed}})
    message += [{"deleted": {"name": ATTRIBUTE, "object": name}} for name in removed]
    return message
