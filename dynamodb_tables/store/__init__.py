"""The table model and everything that reads or writes items through it.

- `table`: a table's name, key schema and indexes (`Table`, `KeyAttribute`,
  `Index`), declared or read from DescribeTable.
- `manager`: `ItemManager`, the ORM's place for one table (get, create,
  update, delete, batches, pages).
- `operations`: create, describe, update, delete and list tables; `Capacity`.
- `pagination`, `expressions`, `changes`, `scan`: what the manager builds on.
- `export`, `importer`: JSON Lines and CSV out, JSON Lines in.
"""

from .changes import REMOVE, apply_changes
from .manager import ItemManager
from .table import Index, KeyAttribute, Table

__all__ = ["REMOVE", "Index", "ItemManager", "KeyAttribute", "Table", "apply_changes"]
