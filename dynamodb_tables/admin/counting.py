"""The admin's adds and deletes move the change list's approximate count (store.counts).

Every item the admin adds or deletes is logged through log_addition or
log_deletions (the add and change pages, save as new, the delete page and
the delete action alike), so counting there misses none and counts none twice.
"""

from ..store import counts


class CountedWrites:
    """Log additions and deletions, and count them in the table's approximate count."""

    def log_addition(self, request, obj, message):
        entry = super().log_addition(request, obj, message)
        counts.record(self.table_name, added=1)
        return entry

    def log_deletions(self, request, queryset):
        entries = super().log_deletions(request, queryset)
        counts.record(self.table_name, deleted=len(queryset))
        return entries
