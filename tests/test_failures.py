"""Clear failures: when DynamoDB cannot serve, every contacts page says why and what to do.

Each cause is made real or simulated at the HTTP layer: nothing listening on
the port, the table deleted, DynamoDB's own error answers (throttling, access
denied, rejected credentials) returned to botocore, so that its retries run
as in production, or no credentials at all. The pages answer 503 (500 when an
operator must fix the configuration) in the admin's look; /healthz answers 503
with the reason; nothing is half-written; no secret shows. The last test
stops DynamoDB Local under a running gunicorn and starts it again.
"""

import html
import json
import uuid

import pytest
from botocore.awsrequest import AWSResponse
from django.test import Client

from contacts.models import CONTACTS, contacts
from dynamodb_tables import backend
from dynamodb_tables.exceptions import TableMissing
from dynamodb_tables.store import operations

from .helpers import (
    ADD_URL,
    LIST_URL,
    change_url,
    delete_url,
    history_url,
    point_store_at,
    put,
    stored,
    stored_ids,
)
from .support.formdata import form_data
from .support.http import Client as HttpClient
from .support.processes import free_port, start_dynamodb_local, stop

# Known values that must never reach a page or a log line. Letters and digits
# only, as DynamoDB Local wants.
AWS_SECRET = "KnownAwsSecretKey0123456789abcdefXYZ"
DJANGO_SECRET = "known-django-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz"


class _Body:
    def __init__(self, data):
        self.data = data

    def stream(self, **kwargs):
        yield self.data


class DynamoDBAnswers:
    """Make this thread's DynamoDB client receive an error answer instead of sending.

    Registered on `before-send`, after signing and inside botocore's retry
    loop: a retryable error (throttling) is retried with backoff exactly as a
    real one would be. `sent` counts the requests botocore tried to send.
    """

    def __init__(self, code, message, status=400, operations=None):
        self.body = json.dumps({"__type": f"com.amazonaws.dynamodb.v20120810#{code}",
                                "message": message}).encode()
        self.status = status
        self.operations = operations
        self.sent = []
        self.client = None

    def __call__(self, request, event_name, **kwargs):
        operation = event_name.rsplit(".", 1)[-1]  # before-send.dynamodb.<Operation>
        self.sent.append(operation)
        if self.operations and operation not in self.operations:
            return None
        return AWSResponse(request.url, self.status,
                           {"Content-Type": "application/x-amz-json-1.0"}, _Body(self.body))

    def install(self):
        self.client = backend.client()
        # First: moto answers at this same event and would otherwise win.
        self.client.meta.events.register_first("before-send.dynamodb", self)
        return self

    def remove(self):
        self.client.meta.events.unregister("before-send.dynamodb", self)


# --- The causes ----------------------------------------------------------------------------


def _unreachable(settings, monkeypatch):
    settings.DYNAMODB = {**settings.DYNAMODB, "ENDPOINT_URL": f"http://127.0.0.1:{free_port()}",
                         "CONNECT_TIMEOUT": 1}


def _table_missing(settings, monkeypatch):
    operations.delete_table(CONTACTS.name)


def _answers(code, message, status=400):
    def cause(settings, monkeypatch):
        return DynamoDBAnswers(code, message, status).install()

    return cause


def _no_credentials(settings, monkeypatch):
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"):
        monkeypatch.delenv(name, raising=False)
    backend.reset()  # boto3 looks for credentials when it builds a client


THROTTLED = "Rate of requests exceeds the allowed throughput."
DENIED = (
    "User: arn:aws:iam::123456789012:user/contacts is not authorized to perform: "
    "dynamodb:Scan on resource: arn:aws:dynamodb:us-east-1:123456789012:table/Contacts"
)
REJECTED = "The security token included in the request is invalid."

# cause -> (how to bring it about, page status, words the page and /healthz must say)
CAUSES = {
    "unreachable": (
        _unreachable, 503, ["Cannot reach DynamoDB at http://127.0.0.1:", "Is DynamoDB running"]
    ),
    "table missing": (
        _table_missing, 503, ["does not exist: run `python manage.py create_table`"]
    ),
    "throttled": (
        _answers("ThrottlingException", THROTTLED), 503,
        ["DynamoDB is throttling requests (ThrottlingException) even after retries "
         "(AWS_MAX_ATTEMPTS=2)",
         "raise the table's capacity"],
    ),
    "server trouble": (
        _answers("InternalServerError", "Internal server error", 500), 503,
        ["DynamoDB is having trouble (InternalServerError)"],
    ),
    "access denied": (
        _answers("AccessDeniedException", DENIED), 500,
        ["Access denied by AWS", "Grant these credentials"],
    ),
    "credentials rejected": (
        _answers("UnrecognizedClientException", REJECTED), 500,
        ["AWS rejected the credentials (UnrecognizedClientException)", "Check AWS_ACCESS_KEY_ID"],
    ),
    "no credentials": (
        _no_credentials, 500,
        ["No usable AWS credentials", "Set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY"],
    ),
}


@pytest.fixture
def secrets_set(settings, monkeypatch):
    """Known AWS and Django secret keys, so a test can look for them in pages and logs."""
    settings.SECRET_KEY = DJANGO_SECRET
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", AWS_SECRET)
    backend.reset()


@pytest.fixture
def local_table(settings, dynamodb_local):
    """A fresh table on DynamoDB Local. Not moto: moto handles every request at the same
    botocore event as DynamoDBAnswers, and would store what the answer says failed."""
    point_store_at(settings, dynamodb_local, f"Failures-{uuid.uuid4().hex[:12]}")
    settings.DYNAMODB = {**settings.DYNAMODB, "MAX_ATTEMPTS": 2}
    operations.create_table(CONTACTS, operations.Capacity())
    serving = settings.DYNAMODB
    yield serving
    settings.DYNAMODB = serving
    try:
        operations.delete_table(CONTACTS.name, wait=False)
    except TableMissing:
        pass


@pytest.fixture
def prepared(secrets_set, local_table, admin_user):
    """A contact, and the forms a user opened while DynamoDB still served (POSTed later)."""
    raw_client = backend.client()
    put(raw_client, id={"S": "01"}, username={"S": "Raju"}, age={"N": "30"})
    client = Client(raise_request_exception=False)
    client.force_login(admin_user)
    forms = {
        "add": form_data(client.get(ADD_URL), id="02", username="Sham", _save="Save"),
        "change": form_data(client.get(change_url("01")), username="Changed", _save="Save"),
        "delete": form_data(client.get(delete_url("01")), form_id=None),
        "bulk delete": {"action": "delete_selected", "_selected_action": ["01"], "post": "yes",
                        "index": "0"},
    }
    return client, forms, stored(raw_client, "01")


def visit_every_page(client, forms):
    """Return {page: response} for every contacts page and form post."""
    return {
        "list": client.get(LIST_URL),
        "add POST": client.post(ADD_URL, forms["add"]),
        "change GET": client.get(change_url("01")),
        "change POST": client.post(change_url("01"), forms["change"]),
        "delete GET": client.get(delete_url("01")),
        "delete POST": client.post(delete_url("01"), forms["delete"]),
        "bulk delete POST": client.post(LIST_URL, forms["bulk delete"]),
        "history": client.get(history_url("01")),
    }


# The form posts whose page, after a 5xx answer, says the write may have been applied (bulk
# delete reads first, and that read fails).
UNCONFIRMED_WRITES = {"add POST": "save", "change POST": "save", "delete POST": "deletion"}


def page_text(response):
    return html.unescape(response.content.decode())


@pytest.mark.parametrize("cause", list(CAUSES))
def test_every_contacts_page_names_the_cause_and_what_to_do(
    cause, prepared, settings, monkeypatch, caplog, capsys
):
    """Every page and form post answers 503 (500 for configuration) in the admin's look, with
    the reason and what to do; /healthz says the same as JSON; nothing is written; no secret
    key shows in a page or a log line."""
    client, forms, before = prepared
    bring_about, status, words = CAUSES[cause]
    serving = settings.DYNAMODB
    answers = bring_about(settings, monkeypatch)

    pages = visit_every_page(client, forms)
    health = client.get("/healthz")

    assert {name: response.status_code for name, response in pages.items()} == dict.fromkeys(
        pages, status
    )
    title = "DynamoDB is unavailable" if status == 503 else "DynamoDB is misconfigured"
    what_to_do = ("Try again in a moment" if status == 503
                  else "An operator needs to fix the configuration")
    for name, response in pages.items():
        text = page_text(response)
        assert '<div class="breadcrumbs">' in text, name
        assert '<div id="site-name"><a href="/admin/">contactsite</a></div>' in text, name
        if cause == "server trouble" and name in UNCONFIRMED_WRITES:
            # A 5xx answer to a write does not say whether DynamoDB applied it.
            what = UNCONFIRMED_WRITES[name]
            assert f"<h1>DynamoDB did not confirm the {what}</h1>" in text, name
            assert "may have been" in text, name
        else:
            assert f"<h1>{title}</h1>" in text, name
            assert what_to_do in text, name
        for phrase in words:
            assert phrase in text, (name, phrase)
        assert "Traceback" not in text and "botocore" not in text, name
    assert health.status_code == 503
    assert health.json()["status"] == "unavailable"
    for phrase in words:
        assert phrase in health.json()["problems"]["dynamodb"]

    if cause in ("throttled", "server trouble"):
        # The list's first request (the DescribeTable that its count and its index list
        # share) was retried, with backoff, before the page gave up.
        sent_so_far = len(answers.sent)
        assert client.get(LIST_URL).status_code == status
        assert answers.sent[sent_so_far:].count("DescribeTable") >= 2
    if answers is not None:
        answers.remove()
    settings.DYNAMODB = serving
    monkeypatch.undo()  # the credentials, for a look at what is stored
    backend.reset()
    if cause != "table missing":
        raw = backend.client()
        assert stored_ids(raw) == {"01"}  # not added, not deleted
        assert stored(raw, "01") == before  # not changed

    logged = caplog.text + "".join(capsys.readouterr())
    for response in (*pages.values(), health):
        for secret in (AWS_SECRET, DJANGO_SECRET):
            assert secret not in response.content.decode()
            assert secret not in str(response.headers)
    for secret in (AWS_SECRET, DJANGO_SECRET):
        assert secret not in logged


def test_the_add_form_says_so_too(prepared, settings, monkeypatch):
    """The add form is a contacts page too: with the table gone, it is a 503, not a form
    whose save is bound to fail."""
    client, _forms, _before = prepared
    operations.delete_table(CONTACTS.name)

    response = client.get(ADD_URL)

    assert response.status_code == 503
    assert "create_table" in page_text(response)


def test_a_failed_write_leaves_the_item_as_it_was(prepared):
    """Only the write fails (the reads work): the change, the delete and the add are refused
    with a 503, and the stored items are exactly as before."""
    client, forms, before = prepared
    answers = DynamoDBAnswers(
        "ThrottlingException", "Throughput exceeded",
        operations={"UpdateItem", "DeleteItem", "PutItem", "BatchWriteItem"},
    ).install()

    changed = client.post(change_url("01"), forms["change"])
    deleted = client.post(delete_url("01"), forms["delete"])
    added = client.post(ADD_URL, forms["add"])
    answers.remove()

    assert (changed.status_code, deleted.status_code, added.status_code) == (503, 503, 503)
    assert {"UpdateItem", "DeleteItem", "PutItem"} <= set(answers.sent)
    assert stored_ids(backend.client()) == {"01"}
    assert stored(backend.client(), "01") == before


def test_pages_work_again_once_dynamodb_answers(prepared):
    """The failure is not remembered: the next request after the cause is gone succeeds."""
    client, forms, _before = prepared
    answers = DynamoDBAnswers("ThrottlingException", "Throughput exceeded").install()
    assert client.get(LIST_URL).status_code == 503
    answers.remove()

    assert client.get(LIST_URL).status_code == 200
    assert client.post(change_url("01"), forms["change"]).status_code == 302
    assert stored(backend.client(), "01")["username"] == {"S": "Changed"}


# --- Recovery under a running server --------------------------------------------------------


@pytest.mark.slow
def test_the_app_recovers_by_itself_when_dynamodb_comes_back(tmp_path, settings, collected_static):
    """gunicorn (as the container starts it) keeps running while DynamoDB Local stops: the list
    and /healthz answer 503 naming the endpoint; once DynamoDB Local is back on the same port
    with the same data, both answer 200 again, with no restart of the app. Neither secret key
    shows in any answer or in the log."""
    from .test_container import StartScript

    port = free_port()
    endpoint = f"http://127.0.0.1:{port}"
    data = tmp_path / "dynamodb-data"
    data.mkdir()

    def start_dynamodb():
        return start_dynamodb_local(port, "-dbPath", str(data), log_path=tmp_path / "ddb.log")

    dynamodb_process = start_dynamodb()
    app = StartScript(
        tmp_path, "app", endpoint,
        WEB_CONCURRENCY="2", AWS_MAX_ATTEMPTS="2", DYNAMODB_CONNECT_TIMEOUT="1",
        AWS_SECRET_ACCESS_KEY=AWS_SECRET, DJANGO_SECRET_KEY=DJANGO_SECRET,
        DJANGO_SUPERUSER_USERNAME="ops", DJANGO_SUPERUSER_PASSWORD="Ops-Passw0rd-42",
    )
    browser = HttpClient(app.url(""))
    try:
        app.wait_until_listening()
        settings.DYNAMODB = {**settings.DYNAMODB, "ENDPOINT_URL": endpoint, "TABLE": "Contacts"}
        contacts.create({"id": "survivor", "username": "Still here"})
        browser.log_in("ops", "Ops-Passw0rd-42", next=LIST_URL)
        answers = []

        def ask_both():
            listed = browser.get(LIST_URL)
            health = browser.get("/healthz")
            answers.extend([listed, health])
            return listed, health

        listed, health = ask_both()
        assert (listed.status, health.status) == (200, 200)
        assert "survivor" in listed.text

        stop(dynamodb_process)
        for _ in range(3):  # both workers, several threads: every one must notice
            listed, health = ask_both()
            assert listed.status == 503, listed.text
            assert f"Cannot reach DynamoDB at {endpoint}" in html.unescape(listed.text)
            assert "<h1>DynamoDB is unavailable</h1>" in listed.text
            assert health.status == 503
            assert f"Cannot reach DynamoDB at {endpoint}" in json.loads(health.text)["problems"][
                "dynamodb"]
        # A static file and an error page carry the security headers from gunicorn too.
        policy = {d.strip() for d in listed.header("Content-Security-Policy").split(";")}
        assert {"default-src 'self'", "script-src 'self'", "frame-ancestors 'none'"} <= policy
        assert listed.header("X-Frame-Options") == "DENY"

        dynamodb_process = start_dynamodb()
        for _ in range(3):
            listed, health = ask_both()
            assert listed.status == 200, listed.text
            assert "survivor" in listed.text
            assert health.status == 200
            assert json.loads(health.text) == {"status": "ok", "table": "Contacts"}
        assert app.process.poll() is None  # the same gunicorn all along
    finally:
        browser.close()
        app.terminate()
        stop(dynamodb_process)
    for secret in (AWS_SECRET, DJANGO_SECRET):
        assert secret not in app.output
        for answer in answers:
            assert secret not in answer.text and secret not in str(answer.headers)


def test_a_signature_error_does_not_echo_what_aws_quotes(prepared):
    """AWS's signature error quotes the canonical request, session token included: the page
    keeps only its first sentence."""
    client, _forms, _before = prepared
    token = "IQoJb3JpZ2luX2VjEXAMPLESESSIONTOKEN0123456789"
    answers = DynamoDBAnswers("InvalidSignatureException", (
        "The request signature we calculated does not match the signature you provided. "
        "Check your AWS Secret Access Key and signing method. The Canonical String for this "
        f"request should have been 'POST\n/\n\nhost:dynamodb\nx-amz-security-token:{token}'"
    )).install()

    response = client.get(LIST_URL)
    health = client.get("/healthz")
    answers.remove()

    assert response.status_code == 500
    assert ("AWS rejected the credentials (InvalidSignatureException): The request signature "
            "we calculated does not match the signature you provided.") in page_text(response)
    assert token not in response.content.decode()
    assert token not in health.content.decode()
