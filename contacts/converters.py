"""The URL converter for contact ids (registered by contacts.admin)."""


class ContactIdConverter:
    """The id segment of a contact's URLs (already quoted the admin's way): any string.

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
