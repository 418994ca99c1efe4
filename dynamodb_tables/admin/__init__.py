"""DynamoDB tables in the Django admin.

- `DynamoModelAdmin` (options): a table declared the admin way.
- `ItemForm` (forms): its declared fields; the key's are added from the table.
- `DynamoAdminSite` (sites): the admin site, plus every table at /admin/tables/.
- changelist, editor, editing, actions, conflicts, table_page, browser: the pages.
"""

from .forms import ItemForm
from .options import DynamoModelAdmin
from .sites import DynamoAdminSite

__all__ = ["DynamoAdminSite", "DynamoModelAdmin", "ItemForm"]
