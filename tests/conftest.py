"""Fixtures: the contacts store on moto (in process) and on a real DynamoDB Local.

Data-layer and command tests take `contacts_table`, which runs each test
twice: once against moto's `mock_aws` and once against a DynamoDB Local
process (the same jar `make run` uses, in memory), each time with a fresh
table created through the app's own `create_table` code.
"""

import uuid
from urllib.parse import urlencode

import boto3
import pytest
from django.contrib.auth.models import Permission
from django.core.cache import cache
from django.test.client import MULTIPART_CONTENT, RequestFactory
from moto import mock_aws

from contacts.models import CONTACTS
from dynamodb_tables import backend
from dynamodb_tables.exceptions import TableMissing
from dynamodb_tables.store import operations

from .helpers import point_store_at
from .support.faultproxy import FaultProxy
from .support.processes import collect_static, dynamodb_local_in_memory, free_port


@pytest.fixture(scope="session")
def dynamodb_local(tmp_path_factory):
    """A real DynamoDB Local process for the session; yields its endpoint URL."""
    with dynamodb_local_in_memory(tmp_path_factory.mktemp("dynamodb-local")) as endpoint:
        yield endpoint


@pytest.fixture(params=["moto", "dynamodb_local"])
def store(request, settings):
    """The contacts store on moto or DynamoDB Local, with a unique table name and no table yet."""
    table = f"Contacts-{uuid.uuid4().hex[:12]}"
    if request.param == "moto":
        with mock_aws():
            point_store_at(settings, None, table)
            yield request.param
        return
    point_store_at(settings, request.getfixturevalue("dynamodb_local"), table)
    yield request.param
    try:
        operations.delete_table(CONTACTS.name, wait=False)
    except Exception:  # noqa: BLE001 - the test may have deleted it already
        pass


@pytest.fixture(scope="module")
def moto_scaling_loaded():
    """Load moto's Application Auto Scaling before any page asks it: its first request imports
    moto's backend (seconds on a busy machine), which a page's 5-second budget would count."""
    with mock_aws():
        boto3.client("application-autoscaling", region_name="us-east-1").describe_scalable_targets(
            ServiceNamespace="dynamodb")


@pytest.fixture
def contacts_table(store):
    """A fresh, empty contacts table created by the app's own code."""
    operations.create_table(CONTACTS, operations.Capacity())
    return store


def recorded(monkeypatch, dispatch):
    """Record every request sent through backend.<dispatch> (then send it): a list of
    (operation, params)."""
    requests = []
    real_call = getattr(backend, dispatch)

    def spy(operation, **params):
        requests.append((operation, params))
        return real_call(operation, **params)

    monkeypatch.setattr(backend, dispatch, spy)
    return requests


@pytest.fixture
def sent(monkeypatch):
    """Every DynamoDB request the app sends (backend.call)."""
    return recorded(monkeypatch, "call")


@pytest.fixture
def scaling_sent(monkeypatch):
    """Every Application Auto Scaling request the app sends (backend.call_scaling)."""
    return recorded(monkeypatch, "call_scaling")


@pytest.fixture
def contacts_staff(db, client, django_user_model):
    """A staff user with every contacts permission, but not a superuser."""
    user = django_user_model.objects.create_user("manager", is_staff=True)
    user.user_permissions.add(*Permission.objects.filter(content_type__app_label="contacts"))
    client.force_login(user)
    return client


@pytest.fixture
def raw_client(store):
    """The low-level client, for writing items the way other tools (console, CLI) do."""
    return backend.client()


@pytest.fixture
def unreachable_store(settings):
    """Settings pointing at a loopback port where nothing listens."""
    settings.DYNAMODB = {
        **settings.DYNAMODB,
        "ENDPOINT_URL": f"http://127.0.0.1:{free_port()}",
        "MAX_ATTEMPTS": 2,
        "CONNECT_TIMEOUT": 1,
    }


@pytest.fixture(autouse=True)
def fresh_cache():
    """Each test starts without cached values (approximate counts) from another test."""
    cache.clear()
    yield
    cache.clear()



FORM_CONTENT = "application/x-www-form-urlencoded"


@pytest.fixture(autouse=True)
def posts_as_browsers_send_them(monkeypatch):
    """The test client posts forms urlencoded, as browsers post this app's forms (they
    have no file fields): the app refuses multipart bodies (contactsite.bodies), which
    Django's test client sends by default. `client.generic` still sends anything."""
    post = RequestFactory.post

    def urlencoded_post(self, path, data=None, content_type=MULTIPART_CONTENT, *args, **kwargs):
        if content_type == MULTIPART_CONTENT:
            content_type = FORM_CONTENT
            data = urlencode(data or {}, doseq=True)
        return post(self, path, data, content_type, *args, **kwargs)

    monkeypatch.setattr(RequestFactory, "post", urlencoded_post)


@pytest.fixture(scope="session")
def collected_static():
    """Collect static files once, as the image build does: with DEBUG off, gunicorn's pages
    name their static files from the collected manifest."""
    collect_static()


@pytest.fixture
def proxy(dynamodb_local):
    """The fault-injecting proxy in front of the session's DynamoDB Local."""
    with FaultProxy(dynamodb_local) as proxy:
        yield proxy


@pytest.fixture
def raw(dynamodb_local):
    """A client straight to DynamoDB Local, past the proxy: what is really stored."""
    return boto3.client("dynamodb", endpoint_url=dynamodb_local, region_name="us-east-1")


@pytest.fixture
def proxied_table(settings, proxy):
    """A fresh contacts table reached through the proxy; released and deleted afterwards."""
    point_store_at(settings, proxy.url, f"Proxied-{uuid.uuid4().hex[:12]}")
    operations.create_table(CONTACTS, operations.Capacity())
    yield
    proxy.release()
    try:
        operations.delete_table(CONTACTS.name, wait=False)
    except TableMissing:
        pass
