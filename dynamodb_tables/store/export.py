"""Export formats: JSON Lines (lossless DynamoDB JSON) and a flat CSV.

- JSON Lines (`jsonl`), lossless: one item per line in DynamoDB JSON, as the
  AWS CLI prints items (`{"id": {"S": "01"}, "total": {"N": "30"}}`). Every
  type is kept; numbers stay strings so all 38 digits survive; binary is
  base64. Importing an export reproduces the table exactly.
- CSV, flat, for spreadsheets and one-way: one column per chosen attribute
  (the key and the declared fields, or the caller's choice) and one
  `other_attributes` column holding every other attribute as a JSON object.
  A single pass in constant memory cannot know the union of all attribute
  names before the header is written, hence the one JSON column.
"""

import base64
import csv
import json
from decimal import Decimal

from ..exceptions import InvalidRequest
from ..values.display import to_json
from ..values.rules import NUMBER

JSONL = "jsonl"
CSV = "csv"
FORMATS = (JSONL, CSV)
OTHER_COLUMN = "other_attributes"
# Excel reads a CSV as UTF-8 only when it starts with a byte-order mark.
CSV_BOM = "\ufeff"
# A spreadsheet runs a cell starting with one of these as a formula.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _base64(value):
    if isinstance(value, bytes | bytearray):
        return base64.b64encode(value).decode("ascii")
    raise TypeError(f"{type(value).__name__} is not a DynamoDB value")


def jsonl_line(item):
    """Return one export line for an item given as DynamoDB JSON (binary as bytes)."""
    return json.dumps(item, ensure_ascii=False, separators=(",", ":"), default=_base64) + "\n"


def csv_header(columns):
    return [*columns, OTHER_COLUMN]


def csv_row(document, columns):
    """Return the CSV cells of an item given as a Python document."""
    rest = dict(document)
    cells = [_csv_cell(rest.pop(column)) if column in rest else "" for column in columns]
    cells.append(to_json(rest) if rest else "")
    return cells


def _csv_cell(value):
    if isinstance(value, str):
        # Text such as "=HYPERLINK(...)" would run as a formula when the file
        # is opened; a leading apostrophe makes the spreadsheet show it as text.
        if value.startswith(_FORMULA_STARTS) and not NUMBER.fullmatch(value):
            return "'" + value
        return value
    if isinstance(value, Decimal):
        return str(value)
    return to_json(value)


class _Line:
    """A file-like target for csv.writer that hands back what it was given."""

    def write(self, text):
        return text


def csv_lines(documents, columns, header=True):
    """Yield CSV text (a BOM and the header first) for an iterable of Python documents."""
    writer = csv.writer(_Line())
    if header:
        yield CSV_BOM + writer.writerow(csv_header(columns))
    for document in documents:
        yield writer.writerow(csv_row(document, columns))


def parse_columns(text, key_names):
    """Return the CSV columns named in a comma-separated list (the key's names first)."""
    columns = [name.strip() for name in text.split(",") if name.strip()]
    if OTHER_COLUMN in columns:
        raise InvalidRequest(f"“{OTHER_COLUMN}” is the name of the CSV's last column.")
    if len(set(columns)) != len(columns):
        raise InvalidRequest("A column is named twice in --columns.")
    return tuple(dict.fromkeys([*key_names, *columns]))
