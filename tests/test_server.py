"""gunicorn as the image runs it (gunicorn.conf.py): stalled clients, forwarded headers, an
upload refused before it is read (issue 18), and connections spread over the workers.

Each server is tests/support/stack.py's App on a loopback port, without DynamoDB: the pages
used here (the login form, a 404, a redirect, the bench's trivial view) never ask it.
"""

import collections
import socket
import time

import pytest

from bench.middleware import WORKER_HEADER
from tests.support.http import Client
from tests.support.processes import free_port
from tests.support.stack import App

pytestmark = pytest.mark.slow
STALLED = 100
# A normal request on loopback takes milliseconds; stuck behind stalled clients it never ends.
ANSWER_WITHIN = 5


@pytest.fixture(scope="module", autouse=True)
def static_files(collected_static):
    """The login page names its static files from the collected manifest."""


def serve(tmp_path, workers=1, **settings):
    """Start gunicorn as the image does, with these settings; return the App (`url` set)."""
    tmp_path.mkdir(exist_ok=True)
    app = App(tmp_path, f"http://127.0.0.1:{free_port()}", "Contacts")
    app.env.update(settings)
    app.serve(workers=workers)
    return app


@pytest.fixture
def server(tmp_path):
    app = serve(tmp_path, workers=2)  # as many workers as the image starts
    yield app
    app.stop()


def connect(app):
    host, port = app.url.removeprefix("http://").split(":")
    return socket.create_connection((host, int(port)), timeout=ANSWER_WITHIN)


def stall(app, kind):
    """Open a connection that stalls: silent, half a request line and headers, half a body,
    or a request for a large answer that is never read."""
    sock = connect(app)
    if kind == "headers":
        sock.sendall(b"GET /admin/login/ HTTP/1.1\r\nHost: 127.0.0.1\r\nUser-Agent: sl")
    elif kind == "body":
        sock.sendall(b"POST /admin/login/ HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                     b"Content-Type: application/x-www-form-urlencoded\r\n"
                     b"Content-Length: 1000\r\n\r\nusername=")
    elif kind == "reader":
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        sock.sendall(b"GET /static/admin/js/vendor/jquery/jquery.js HTTP/1.1\r\n"
                     b"Host: 127.0.0.1\r\n\r\n" * 20)
    return sock


def test_stalled_connections_do_not_stop_normal_clients(server):
    """With 100 connections stalled (silent, stuck in their headers or body, or not reading a
    large answer), new clients are still answered at once, each on a new connection."""
    kinds = ("silent", "headers", "body", "reader")
    stalled = [stall(server, kinds[number % len(kinds)]) for number in range(STALLED)]
    try:
        time.sleep(1)  # let the server take up every one of them
        started = time.monotonic()
        answers = []
        for _ in range(10):
            with Client(server.url, timeout=ANSWER_WITHIN, failures_as_responses=True) as client:
                answers.append(client.get("/admin/login/"))
        seconds = time.monotonic() - started
    finally:
        for sock in stalled:
            sock.close()

    assert [answer.status for answer in answers] == [200] * 10, answers[0].text[:300]
    assert seconds < ANSWER_WITHIN, seconds


def test_an_upload_is_refused_before_its_body_is_sent(server):
    """A 50 MB multipart upload to the login page gets its 413 as soon as its headers
    arrive: the server neither waits for nor stores the body."""
    with connect(server) as sock:
        sock.sendall(b"POST /admin/login/ HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                     b"Content-Type: multipart/form-data; boundary=x\r\n"
                     b"Content-Length: 52428800\r\n\r\n--x\r\n")
        status_line = sock.recv(4096).split(b"\r\n", 1)[0]

    assert status_line.startswith(b"HTTP/1.1 413 ")


PROTOCOL_HEADERS = {
    "X-Forwarded-Proto": "https",
    "X-Forwarded-Ssl": "on",
    "X-Forwarded-Protocol": "ssl",
}


def answers_with(app, headers):
    """Return the status of GET /no-such-page/ with these headers, from 127.0.0.1."""
    with Client(app.url, timeout=ANSWER_WITHIN) as client:
        return client.get("/no-such-page/", headers=headers).status


def test_forwarded_protocol_headers_count_only_when_the_setting_says_so(tmp_path):
    """gunicorn itself trusts none of the forwarded protocol headers, even from 127.0.0.1:
    with HTTPS redirects on, each still gets the redirect (plain HTTP). With
    DJANGO_TRUST_X_FORWARDED_PROTO=true, X-Forwarded-Proto alone says HTTPS (404 here)."""
    untrusting = serve(tmp_path / "untrusting", DJANGO_SECURE_SSL_REDIRECT="true",
                       DJANGO_TRUST_X_FORWARDED_PROTO="false")
    try:
        untrusted = {name: answers_with(untrusting, {name: value})
                     for name, value in PROTOCOL_HEADERS.items()}
    finally:
        untrusting.stop()
    trusting = serve(tmp_path / "trusting", DJANGO_SECURE_SSL_REDIRECT="true",
                     DJANGO_TRUST_X_FORWARDED_PROTO="true")
    try:
        trusted = {name: answers_with(trusting, {name: value})
                   for name, value in PROTOCOL_HEADERS.items()}
    finally:
        trusting.stop()

    assert untrusted == dict.fromkeys(PROTOCOL_HEADERS, 301)
    assert trusted == {"X-Forwarded-Proto": 404, "X-Forwarded-Ssl": 301,
                       "X-Forwarded-Protocol": 301}


def worker_of(sock):
    """Send one request on the connection; return the pid of the worker that answered it."""
    sock.sendall(b"GET /bench/trivial HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
    head = b""
    while b"\r\n\r\n" not in head:
        chunk = sock.recv(4096)
        assert chunk, f"the connection closed before its answer: {head!r}"
        head += chunk
    name = WORKER_HEADER.lower().encode() + b":"
    return next(int(line.split(b":", 1)[1]) for line in head.split(b"\r\n")
                if line.lower().startswith(name))


def split_of(app, connections):
    """Open the connections all at once (the kernel completes each handshake before a worker
    accepts it), send one request on each; return how many each worker took, most first."""
    socks = [connect(app) for _ in range(connections)]
    try:
        pids = [worker_of(sock) for sock in socks]
    finally:
        for sock in socks:
            sock.close()
    return sorted(collections.Counter(pids).values(), reverse=True)


def wait_for_workers(app, workers):
    """Return once `workers` different workers have answered: each has loaded the app."""
    deadline = time.monotonic() + 60
    seen = set()
    while len(seen) < workers:
        assert time.monotonic() < deadline, f"only workers {seen} answered within 60 s"
        socks = [connect(app) for _ in range(workers)]
        try:
            seen.update(worker_of(sock) for sock in socks)
        finally:
            for sock in socks:
                sock.close()
        time.sleep(0.1)


def test_connections_opened_at_once_spread_evenly_over_the_workers(tmp_path):
    """8 connections opened in the same instant, as a load balancer opens its own, go 4 to
    each of the 2 workers, burst after burst: a worker leaves a new connection to a sibling
    with fewer open. 5/3 is allowed now and then (a sibling too busy to take a connection
    within the worker's limit); it was not seen in 100 bursts with the 2 cores otherwise
    fully busy. gunicorn's own gevent worker split 4/4 in at most 4 of 20 such bursts, and
    7/1 or 8/0 in as many as 15 of 20."""
    app = serve(tmp_path, workers=2, DJANGO_SETTINGS_MODULE="bench.settings")
    try:
        wait_for_workers(app, 2)
        splits = []
        for _ in range(10):
            time.sleep(0.2)  # the last burst's connections closed, on the workers' side too
            splits.append(split_of(app, 8))
    finally:
        app.stop()

    assert all(split[0] <= 5 for split in splits), splits
    assert splits.count([4, 4]) >= 8, splits
