"""Expression placeholders: every attribute name aliased, every value bound.

Hand-written expressions must alias every name (`#n0`), because words such
as NAME, STATUS, DATA, DATE, KEY, USER, COMMENT and TTL are reserved.
"""

from .. import backend


class Expression:
    """Placeholders for one request: every name aliased (#n0), every value bound (:v0)."""

    def __init__(self):
        self.names = {}
        self.values = {}

    def name(self, attribute):
        """Return the placeholder of an attribute name (the same one each time)."""
        for placeholder, known in self.names.items():
            if known == attribute:
                return placeholder
        placeholder = f"#n{len(self.names)}"
        self.names[placeholder] = attribute
        return placeholder

    def value(self, python_value, attribute="value"):
        """Return a new placeholder bound to a value (named `attribute` in errors)."""
        placeholder = f":v{len(self.values)}"
        self.values[placeholder] = backend.serialize(python_value, attribute)
        return placeholder

    def params(self):
        """Return the ExpressionAttribute* request parameters (empty maps are invalid)."""
        params = {}
        if self.names:
            params["ExpressionAttributeNames"] = self.names
        if self.values:
            params["ExpressionAttributeValues"] = self.values
        return params

    def projection(self, attributes):
        """Return a ProjectionExpression reading only these attributes."""
        return ", ".join(self.name(attribute) for attribute in attributes)
