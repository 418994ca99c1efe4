"""Fill in a page's form as a browser would, for test-client posts.

The contact forms carry hidden state (the signed item they were built from,
the attribute rows' management form), so tests post what the page rendered
rather than hand-written dicts.
"""

import re
from html.parser import HTMLParser

_LINE_BREAK = re.compile(r"\r\n|\r|\n")


class _FormParser(HTMLParser):
    def __init__(self, form_id, include_disabled=False):
        super().__init__(convert_charrefs=True)
        self.form_id = form_id
        self.include_disabled = include_disabled
        self.inside = False
        self.fields = []  # [name, value] pairs, in document order
        self.submits = []
        self.textareas = set()
        self._textarea = None
        self._select = None
        self._templates = 0  # inside <template>: inert, never posted (a row for scripts to copy)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "template":
            self._templates += 1
        if self._templates:
            return
        if tag == "form":
            # No id asked for: the page's own form, not the header's log-out form.
            form_id = attrs.get("id")
            self.inside = form_id == self.form_id or (
                self.form_id is None and form_id != "logout-form"
            )
            return
        if not self.inside or ("disabled" in attrs and not self.include_disabled):
            return
        name = attrs.get("name")
        if tag == "input" and name:
            kind = attrs.get("type", "text")
            if kind == "submit":
                self.submits.append((name, attrs.get("value", "")))
            elif kind in ("checkbox", "radio"):
                if "checked" in attrs:
                    self.fields.append([name, attrs.get("value", "on")])
            else:
                self.fields.append([name, attrs.get("value", "")])
        elif tag == "textarea" and name:
            self._textarea = [name, ""]
            self.textareas.add(name)
            self.fields.append(self._textarea)
        elif tag == "select" and name:
            self._select = [name, None]
            self.fields.append(self._select)
        elif tag == "option" and self._select is not None:
            if self._select[1] is None or "selected" in attrs:
                self._select[1] = attrs.get("value", "")

    def handle_endtag(self, tag):
        if tag == "template":
            self._templates -= 1
        elif tag == "form":
            self.inside = False
        elif tag == "textarea":
            # The HTML parser keeps the newline right after <textarea>; browsers drop it.
            if self._textarea and self._textarea[1].startswith("\n"):
                self._textarea[1] = self._textarea[1][1:]
            self._textarea = None
        elif tag == "select":
            self._select = None

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea[1] += data


def form_fields(html, form_id="contact_form", browser_newlines=True, include_disabled=False):
    """Return {name: value} of what submitting the form would post (without a submit button).

    With browser_newlines, textarea text is posted with CRLF line breaks, as
    browsers do. With include_disabled, disabled fields are read too (they
    are shown but never posted).
    """
    parser = _FormParser(form_id, include_disabled)
    parser.feed(html if isinstance(html, str) else html.decode())
    data = {}
    for name, value in parser.fields:
        if browser_newlines and value and name in parser.textareas:
            value = _LINE_BREAK.sub("\r\n", value)
        data[name] = value or ""
    return data


def form_pairs(html, form_id="contact_form"):
    """Return [(name, value), ...] of what submitting the form would post, repeats kept.

    For forms that post one name several times, such as the bulk delete
    confirmation's `_selected_action`. Exact repeats (the CSRF token of the
    page's other forms, when form_id is None) are posted once.
    """
    parser = _FormParser(form_id)
    parser.feed(html if isinstance(html, str) else html.decode())
    return list(dict.fromkeys((name, value or "") for name, value in parser.fields))


def row_index(data, name, prefix="attributes"):
    """Return the index of the attribute row named `name` in posted form data."""
    for key, value in data.items():
        match = re.fullmatch(rf"{prefix}-(\d+)-name", key)
        if match and value == name:
            return int(match.group(1))
    raise KeyError(name)


def blank_row(data, prefix="attributes"):
    """Return the index of the first blank attribute row."""
    for key, value in data.items():
        match = re.fullmatch(rf"{prefix}-(\d+)-name", key)
        if match and value == "" and not data.get(f"{prefix}-{match.group(1)}-value"):
            return int(match.group(1))
    raise KeyError("no blank row")


def submit(client, url, changes=None, form_id="contact_form", follow=False, **extra):
    """GET the page at `url`, fill its form with `changes` over what it shows, and POST it.

    `changes` maps field names to values (None leaves a field out, as an
    unchecked box would).
    """
    page = client.get(url)
    assert page.status_code == 200, (url, page.status_code)
    data = form_fields(page.content, form_id)
    for name, value in (changes or {}).items():
        if value is None:
            data.pop(name, None)
        else:
            data[name] = value
    return client.post(url, data, follow=follow, **extra)


def form_data(response, form_id="contact_form", **changes):
    """Return the data a browser would post from the response's form, with `changes` applied."""
    return {**form_fields(response.content, form_id), **changes}
