"""Driver errors become the store's own exceptions, with a message that says what to do."""

import pytest
from botocore.stub import Stubber
from django.core.management import call_command
from django.core.management.base import CommandError

from contacts.models import contacts
from dynamodb_tables import backend
from dynamodb_tables.exceptions import (
    AccessDenied,
    StoreError,
    StoreMisconfigured,
    StoreUnavailable,
)
from tests.helpers import point_store_at


def test_missing_credentials_say_how_to_provide_them(contacts_table, monkeypatch):
    """No credentials anywhere in boto3's chain: a StoreMisconfigured naming the variables."""
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"):
        monkeypatch.delenv(name)
    backend.reset()  # credentials are looked up when a client is built
    with pytest.raises(StoreMisconfigured, match="AWS_ACCESS_KEY_ID"):
        contacts.get("01")
    with pytest.raises(CommandError, match="No usable AWS credentials"):
        call_command("describe_table")


def test_rejected_credentials_are_named_without_echoing_them(dynamodb_local, settings, monkeypatch):
    """DynamoDB Local refuses key ids with punctuation; the message explains, the key stays out."""
    point_store_at(settings, dynamodb_local, "Contacts")
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "leaky-KEY-id!")
    backend.reset()
    with pytest.raises(StoreMisconfigured, match="UnrecognizedClientException") as raised:
        contacts.get("01")
    assert "letters and digits" in str(raised.value)
    assert "leaky-KEY-id!" not in str(raised.value)


@pytest.mark.parametrize(
    ("code", "exception", "words"),
    [
        ("ProvisionedThroughputExceededException", StoreUnavailable, "throttling"),
        ("ThrottlingException", StoreUnavailable, "throttling"),
        ("InternalServerError", StoreUnavailable, "having trouble"),
        # A StoreMisconfigured that names the action, for pages that degrade per feature.
        ("AccessDeniedException", AccessDenied, "dynamodb:GetItem: boom. Grant these credentials"),
        ("ExpiredTokenException", StoreMisconfigured, "rejected the credentials"),
        ("SomethingNew", StoreError, "SomethingNew"),
    ],
)
def test_service_errors_are_translated(contacts_table, code, exception, words):
    """Each DynamoDB error code maps to the store error the web and command layers expect."""
    with Stubber(backend.client()) as stub:
        stub.add_client_error("get_item", service_error_code=code, service_message="boom")
        with pytest.raises(exception, match=words) as raised:
            contacts.get("01")
    assert type(raised.value) is exception
