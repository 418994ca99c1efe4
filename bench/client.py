"""A small HTTP client for the benchmark: one keep-alive connection, cookies, forms.

http.client rather than a package: a persistent connection keeps the
client's own cost out of the latencies, and a browser's form submission
(every input, select and textarea the page has) is a few lines of html.parser.
"""

import http.client
import time
from urllib.parse import urlencode, urlsplit

from tests.formdata import form_fields


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


def page_form(html, page_path):
    """Return the fields of the page's own form as a browser submits it with its Save button.

    The fields are read by the tests' own form reader (tests/formdata.py):
    every form of the page but the header's log-out form. The admin's add and
    change forms are saved with "_save"; login and delete name no button.
    """
    fields = form_fields(html, form_id=None)
    if not fields:
        raise RuntimeError(f"no form to submit on {page_path}")
    if "attributes-TOTAL_FORMS" in fields:
        fields["_save"] = "Save"
    return fields
