"""Abuse the app shrugs off: upload and oversized bodies, the admin's "view on site" link for
DynamoDB items, and a failed export's log line (issue 18).

Through Django's test client; tests/test_server.py sends the same abuse to gunicorn.
"""

import logging
import traceback

import pytest
from botocore.exceptions import ClientError
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.test import Client

from contacts.models import Contact
from dynamodb_tables.backend.errors import translated
from dynamodb_tables.exceptions import StoreError
from dynamodb_tables.store.manager import ItemManager

from .helpers import LIST_URL, put

LOGIN_URL = "/admin/login/"
FORM = "application/x-www-form-urlencoded"
BOUNDARY = "----upload"
UPLOAD = (
    f"--{BOUNDARY}\r\n"
    'Content-Disposition: form-data; name="file"; filename="big.bin"\r\n'
    "Content-Type: application/octet-stream\r\n\r\n"
    f"{'x' * 1000}\r\n--{BOUNDARY}--\r\n"
).encode()


@pytest.fixture
def superuser_client(db, django_user_model):
    client = Client()
    client.force_login(django_user_model.objects.create_superuser("root", "", "pw-root-12345"))
    return client


# --- Request bodies ---------------------------------------------------------------------------


@pytest.mark.parametrize("url", [LOGIN_URL, LIST_URL, "/healthz"])
def test_a_multipart_body_is_refused_with_413_before_login(db, url):
    """The app takes no uploads: a multipart body is a 413, logged in or not, on any URL."""
    response = Client().generic("POST", url, UPLOAD,
                                content_type=f"multipart/form-data; boundary={BOUNDARY}")

    assert response.status_code == 413
    assert "takes no file uploads" in response.content.decode()


def test_a_body_over_the_form_limit_is_refused_with_413_before_login(db):
    """Any body longer than a form may be (DATA_UPLOAD_MAX_MEMORY_SIZE) is a 413; one at the
    limit goes on to the login form as usual."""
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    body = b"username=ada&password=x&pad=" + b"x" * limit

    too_long = Client().generic("POST", LOGIN_URL, body[: limit + 1], content_type=FORM)
    at_limit = Client().generic("POST", LOGIN_URL, body[:limit], content_type=FORM)

    assert too_long.status_code == 413
    assert f"at most {limit} bytes" in too_long.content.decode()
    assert at_limit.status_code == 200  # the login form, saying the password is wrong


# --- "View on site" ---------------------------------------------------------------------------


def test_view_on_site_is_a_404_for_a_contact(superuser_client, contacts_table, raw_client):
    """/admin/r/<content type>/<id>/ for a contact is a 404: contacts have no page on the
    site, and the ORM has no table to look them up in."""
    put(raw_client, id={"S": "01"}, username={"S": "Raju"})
    content_type = ContentType.objects.get_for_model(Contact)

    response = superuser_client.get(f"/admin/r/{content_type.pk}/01/")

    assert response.status_code == 404


# --- Logs -------------------------------------------------------------------------------------

SESSION_TOKEN = "FwoGZXIvYXdzSessionTokenThatMustNeverBeLogged42"


def failing_scan_pages(self, segments=1):
    """One page of nothing, then AWS refusing the signature, quoting the session token."""
    yield []

    def refused():
        raise ClientError({"Error": {
            "Code": "InvalidSignatureException",
            "Message": "The request signature we calculated does not match the signature "
                       "you provided. The canonical string for this request should have "
                       f"been 'POST / x-amz-security-token:{SESSION_TOKEN}'",
        }}, "Scan")

    translated(refused, "Contacts")


def test_a_failed_export_logs_the_translated_message_only(superuser_client, contacts_table,
                                                           monkeypatch, caplog):
    """An export cut short by AWS refusing the credentials logs what the app says about it,
    never botocore's error, which quotes the session token; nor does the error the server
    sees and logs carry it."""
    monkeypatch.setattr(ItemManager, "scan_pages", failing_scan_pages)
    response = superuser_client.get(f"{LIST_URL}export/")
    assert response.status_code == 200

    with caplog.at_level(logging.INFO), pytest.raises(StoreError) as raised:
        b"".join(response.streaming_content)

    assert "AWS rejected the credentials (InvalidSignatureException)" in caplog.text
    assert "cut short" in caplog.text
    assert SESSION_TOKEN not in caplog.text
    assert SESSION_TOKEN not in "".join(traceback.format_exception(raised.value))
