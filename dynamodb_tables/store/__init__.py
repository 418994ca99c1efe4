"""The table model and everything that reads or writes items through it.

- `table`: a table's name, key schema and indexes (`Table`, `KeyAttribute`,
  `Index`), declared or read from DescribeTable.
- `manager`: `ItemManager`, the ORM's place for one table (get, create,
  update, delete, batches, pages).
- `operations`: create, describe, update, delete and list tables; `Capacity`;
  deletion protection. `indexes`: add and remove GSIs of a live table, add the
  declared ones it lacks. `ttl`: time to live (show, on, off).
- `recovery`: point-in-time recovery and on-demand backups, restores to a
  new table; `scaling`: auto scaling (Application Auto Scaling); `replicas`:
  global table replicas; `features`: what those share (InvalidSetting, and
  "this endpoint does not support …").
- `reads`: what a list page reads (Scan or Query, index, filters).
- `derived`: attributes the app maintains so an index can order items.
- `pagination`, `expressions`, `changes`, `scan`: what the manager builds on.
- `export`, `importer`: JSON Lines and CSV out, JSON Lines in.
"""

from .changes import REMOVE, apply_changes
from .derived import ordered_by
from .manager import ItemManager
from .table import Index, KeyAttribute, Table

__all__ = ["REMOVE", "Index", "ItemManager", "KeyAttribute", "Table", "apply_changes", "ordered_by"]
