"""One HTTP client for tests and the benchmark: a keep-alive connection, cookies, forms.

http.client rather than a package: a persistent connection keeps the
client's own cost out of the benchmark's latencies, and every answer, a
redirect included, comes back as it is, to be checked rather than followed
blindly.
"""

import http.client
import time
from urllib.parse import urlencode, urlsplit

from tests.support.formdata import form_fields

REDIRECTS = (301, 302, 303, 307, 308)
# The server closed an idle keep-alive connection before reading the request.
_STALE_CONNECTION = (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError)


class Response:
    """One answer: its status (None when no HTTP answer came), headers, body and duration."""

    def __init__(self, status, headers, body, seconds):
        self.status = status
        self.headers = headers  # lower-cased names
        self.body = body
        self.seconds = seconds

    @property
    def text(self):
        return self.body.decode("utf-8", "replace")

    @property
    def location(self):
        return self.header("Location", "")

    def header(self, name, default=None):
        return self.headers.get(name.lower(), default)


class Client:
    """A browser minus the browser: cookies kept, CSRF headers sent, redirects not followed.

    With `failures_as_responses`, a request that gets no HTTP answer at all
    (refused, reset, timed out) returns a Response with status None instead
    of raising, so that a load test can count it.
    """

    def __init__(self, base_url, timeout=60, failures_as_responses=False):
        self.base_url = base_url.rstrip("/")
        parts = urlsplit(base_url)
        self.host, self.port = parts.hostname, parts.port
        self.timeout = timeout
        self.failures_as_responses = failures_as_responses
        self.cookies = {}
        self.connection = None

    def request(self, method, path, data=None, headers=None, timeout=None, follow=False):
        """Send one request; return its Response, timed from send to the last byte.

        `data` is posted form-encoded (a dict or (name, value) pairs); with
        `follow`, redirects are followed with GETs and the last answer returned.
        """
        started = time.perf_counter()
        try:
            response = self._send(method, path, data, headers or {}, timeout or self.timeout)
        except (OSError, http.client.HTTPException) as error:
            self._disconnect()
            if not self.failures_as_responses:
                raise
            return Response(None, {}, repr(error).encode(), time.perf_counter() - started)
        for _ in range(10):
            if not follow or response.status not in REDIRECTS:
                break
            target = urlsplit(response.location)
            query = f"?{target.query}" if target.query else ""
            response = self.request("GET", target.path + query, headers=headers, timeout=timeout)
        return response

    def get(self, path, **options):
        return self.request("GET", path, **options)

    def post(self, path, data, **options):
        return self.request("POST", path, data, **options)

    def log_in(self, username, password, next="/admin/"):
        """Log in through the admin's login form; return the redirect it answers."""
        page = self.get("/admin/login/")
        form = page_form(page.text, "/admin/login/")
        form.update(username=username, password=password, next=next)
        response = self.post("/admin/login/", form)
        if response.status != 302:
            raise RuntimeError(f"login failed ({response.status}): {response.text[:500]}")
        return response

    def close(self):
        self._disconnect()

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.close()

    def _send(self, method, path, data, extra_headers, timeout):
        headers = {"Host": f"{self.host}:{self.port}"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if data is not None:
            body = urlencode(data, doseq=True).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Referer"] = self.base_url + path  # Django's CSRF check wants one on HTTPS
            headers["Origin"] = self.base_url
        headers.update(extra_headers)
        for attempt in (1, 2):
            if self.connection is None:
                self.connection = http.client.HTTPConnection(self.host, self.port)
            self.connection.timeout = timeout
            if self.connection.sock is not None:
                self.connection.sock.settimeout(timeout)
            started = time.perf_counter()
            try:
                self.connection.request(method, path, body=body, headers=headers)
                raw = self.connection.getresponse()
                payload = raw.read()
                break
            except _STALE_CONNECTION:
                self._disconnect()
                if attempt == 2:
                    raise
        seconds = time.perf_counter() - started
        response_headers = {}
        for name, value in raw.getheaders():
            if name.lower() == "set-cookie":
                cookie_name, _, rest = value.partition("=")
                self.cookies[cookie_name.strip()] = rest.split(";", 1)[0]
            response_headers[name.lower()] = value
        if raw.getheader("Connection", "").lower() == "close":
            self._disconnect()
        return Response(raw.status, response_headers, payload, seconds)

    def _disconnect(self):
        if self.connection is not None:
            self.connection.close()
            self.connection = None


def page_form(html, page_path):
    """Return the fields of the page's own form as a browser submits it with its Save button.

    Every form of the page but the header's log-out form is read. The
    admin's add and change forms are saved with "_save"; login and delete
    name no button.
    """
    fields = form_fields(html, form_id=None)
    if not fields:
        raise RuntimeError(f"no form to submit on {page_path}")
    if "attributes-TOTAL_FORMS" in fields:
        fields["_save"] = "Save"
    return fields
