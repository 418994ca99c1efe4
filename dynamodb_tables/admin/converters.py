"""URL converters: an item's object id (any string), and a DynamoDB table name."""


class ObjectIdConverter:
    """The object id segment of an item's URLs (already quoted the admin's way): any string.

    Django's <path:> converter (".+") would not match an id with a newline.
    And the admin's quote() leaves "." and ".." as they are, which browsers
    remove from a URL as dot segments; those two become "_2E" and "_2E_2E".
    No other id quotes to these, since quote() turns every "_" into "_5F".
    """

    regex = r"[\s\S]+"
    _DOTS = {".": "_2E", "..": "_2E_2E"}

    def to_python(self, value):
        return {quoted: dots for dots, quoted in self._DOTS.items()}.get(value, value)

    def to_url(self, value):
        return self._DOTS.get(value, value)


class TableNameConverter:
    """A DynamoDB table name: 3 to 255 letters, digits, "_", "-" and "."."""

    regex = r"[A-Za-z0-9_.\-]{3,255}"

    def to_python(self, value):
        return value

    def to_url(self, value):
        return value
