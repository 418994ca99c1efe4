"""A small HTTP client for the benchmark: one keep-alive connection, cookies, forms.

http.client rather than a package: a persistent connection keeps the
client's own cost out of the latencies, and a browser's form submission
(every input, select and textarea the page has) is a few lines of html.parser.
"""

import http.client
import time
from html.parser import HTMLParser
from urllib.parse import urlencode, urljoin, urlsplit


class Response:
    def __init__(self, status, headers, body, seconds):
        self.status = status
        self.headers = headers
        self.body = body
        self.seconds = seconds

    @property
    def text(self):
        return self.body.decode("utf-8", "replace")

    def header(self, name, default=None):
        return self.headers.get(name.lower(), default)


class Client:
    """A logged-in browser, minus the browser: cookies kept, CSRF token sent, no redirects."""

    def __init__(self, base_url):
        self.base_url = base_url
        parts = urlsplit(base_url)
        self.host, self.port = parts.hostname, parts.port
        self.cookies = {}
        self.connection = None

    def request(self, method, path, data=None):
        """Send one request; return a Response timed from send to the last byte."""
        headers = {"Host": f"{self.host}:{self.port}"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if data is not None:
            body = urlencode(data, doseq=True).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Referer"] = self.base_url + path  # Django's CSRF check wants one
            headers["Origin"] = self.base_url
        for attempt in (1, 2):
            if self.connection is None:
                self.connection = http.client.HTTPConnection(self.host, self.port, timeout=60)
            started = time.perf_counter()
            try:
                self.connection.request(method, path, body=body, headers=headers)
                raw = self.connection.getresponse()
                payload = raw.read()
            except (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError):
                # The server closed an idle keep-alive connection: reconnect once.
                self.connection.close()
                self.connection = None
                if attempt == 2:
                    raise
                continue
            seconds = time.perf_counter() - started
            break
        response_headers = {}
        for name, value in raw.getheaders():
            if name.lower() == "set-cookie":
                cookie_name, _, rest = value.partition("=")
                self.cookies[cookie_name.strip()] = rest.split(";", 1)[0]
            response_headers[name.lower()] = value
        if raw.getheader("Connection", "").lower() == "close":
            self.connection.close()
            self.connection = None
        return Response(raw.status, response_headers, payload, seconds)

    def get(self, path):
        return self.request("GET", path)

    def post(self, path, data):
        return self.request("POST", path, data)

    def log_in(self, username, password):
        page = self.get("/admin/login/")
        form = page_form(page.text, "/admin/login/")
        form.update(username=username, password=password, next="/admin/")
        response = self.post("/admin/login/", form)
        if response.status != 302:
            raise RuntimeError(f"login failed ({response.status}): {response.text[:500]}")

    def close(self):
        if self.connection is not None:
            self.connection.close()


class _Forms(HTMLParser):
    """Every <form> of a page: method, action and the fields a browser would submit."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms = []
        self._form = None
        self._select = None
        self._textarea = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self._form = {
                "method": (attrs.get("method") or "get").lower(),
                "action": attrs.get("action") or "",
                "fields": [],
                "submits": [],
            }
            self.forms.append(self._form)
        if self._form is None:
            return
        fields = self._form["fields"]
        if tag == "input":
            kind = (attrs.get("type") or "text").lower()
            name = attrs.get("name")
            if kind in ("submit", "image", "button", "reset"):
                if kind == "submit":
                    self._form["submits"].append(attrs)
            elif name and (kind not in ("checkbox", "radio") or "checked" in attrs):
                fields.append((name, attrs.get("value") or ("on" if kind == "checkbox" else "")))
        elif tag == "button" and (attrs.get("type") or "submit").lower() == "submit":
            self._form["submits"].append(attrs)
        elif tag == "select" and attrs.get("name"):
            self._select = {"name": attrs["name"], "first": None, "chosen": None}
        elif tag == "option" and self._select is not None:
            value = attrs.get("value", "")
            if self._select["first"] is None:
                self._select["first"] = value
            if "selected" in attrs:
                self._select["chosen"] = value
        elif tag == "textarea" and attrs.get("name"):
            self._textarea = [attrs["name"], ""]

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea[1] += data

    def handle_endtag(self, tag):
        if tag == "select" and self._select is not None and self._form is not None:
            chosen = self._select["chosen"]
            value = chosen if chosen is not None else self._select["first"]
            if value is not None:
                self._form["fields"].append((self._select["name"], value))
            self._select = None
        elif tag == "textarea" and self._textarea is not None and self._form is not None:
            # A browser drops the newline right after <textarea>.
            name, value = self._textarea
            self._form["fields"].append((name, value.removeprefix("\n")))
            self._textarea = None
        elif tag == "form":
            self._form = None


def page_form(html, page_path):
    """Return the fields of the page's own POST form as a browser submits it, clicking the
    default submit button (the admin marks "Save" with class "default").

    The page's own form posts back to the page; the header's logout form does not.
    """
    parser = _Forms()
    parser.feed(html)
    own = [
        form for form in parser.forms
        if form["method"] == "post" and urljoin(page_path, form["action"]) == page_path
    ]
    if not own:
        raise RuntimeError(f"no POST form posting back to {page_path}")
    form = max(own, key=lambda candidate: len(candidate["fields"]))
    fields = {}
    for name, value in form["fields"]:
        fields.setdefault(name, []).append(value)
    submits = [s for s in form["submits"] if "default" in (s.get("class") or "").split()]
    submit = (submits or form["submits"] or [{}])[0]
    if submit.get("name"):
        fields[submit["name"]] = [submit.get("value", "")]
    return {name: values if len(values) > 1 else values[0] for name, values in fields.items()}
