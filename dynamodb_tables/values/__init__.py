"""Rules and text forms of DynamoDB values, with no request to DynamoDB.

- `types`: a value's DynamoDB type (S, N, B, BOOL, NULL, L, M, SS, NS, BS)
  and type-aware equality.
- `rules`: what DynamoDB accepts: keys, attribute names, numbers, sizes.
- `typed`: DynamoDB JSON ({"S": "x"}, {"N": "42"}), read and written.
- `text`: the attribute editor's text form of each type.
- `plain_json`: Lists and Maps as plain JSON where that is unambiguous.
- `display`: how values read on a page (JSON with exact numbers, summaries).
- `expiry`: how a time-to-live value reads ("expires in 3 days").

Python values are what `dynamodb_tables.backend` deserializes: str,
Decimal, bytes, bool, None, list, dict and sets of str, Decimal or bytes.
"""
