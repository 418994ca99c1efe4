"""Pages served through Django's test client: redirects, admin login, /healthz, static files."""

import re

import pytest
from django.core.management import call_command
from django.templatetags.static import static
from django.test import Client
from whitenoise.storage import CompressedManifestStaticFilesStorage

from contacts.models import CONTACTS

# --- Redirects and the admin --------------------------------------------------


def test_root_redirects_to_the_contact_list(client):
    """GET / is a temporary (302) redirect to the contacts change list."""
    response = client.get("/")

    assert response.status_code == 302
    assert response["Location"] == "/admin/contacts/contact/"


@pytest.mark.auth_database
def test_admin_login_page_renders(db, client):
    """The admin login page renders, branded "contactsite"."""
    response = client.get("/admin/login/")

    assert response.status_code == 200
    content = response.content.decode()
    assert "contactsite" in content
    assert 'name="username"' in content and 'name="password"' in content


@pytest.mark.auth_database
def test_admin_requires_login(db, client):
    """An anonymous visitor to /admin/ is sent to the login page."""
    response = client.get("/admin/")

    assert response.status_code == 302
    assert response["Location"] == "/admin/login/?next=/admin/"


@pytest.mark.auth_database
def test_admin_index_for_a_superuser(db, client, django_user_model):
    """A logged-in superuser sees the admin index, titled for the contacts."""
    user = django_user_model.objects.create_superuser("boss", "", "pw-for-boss")
    client.force_login(user)

    response = client.get("/admin/")

    assert response.status_code == 200
    assert "Contacts in DynamoDB" in response.content.decode()


# --- /healthz -----------------------------------------------------------------


@pytest.mark.auth_database
def test_healthz_ok_with_the_table(db, client, contacts_table):
    """With the table ACTIVE and the database up: 200 {"status": "ok", "table": <name>}."""
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"status": "ok", "table": CONTACTS.name}
    # Health checks must never be served from a cache.
    assert "no-cache" in response["Cache-Control"]


def test_healthz_needs_no_login(db, client, contacts_table):
    """/healthz answers an anonymous client directly, with no redirect to the login page."""
    client.logout()

    response = client.get("/healthz", follow=False)

    assert response.status_code == 200
    assert "Location" not in response
    assert response.json()["status"] == "ok"


def test_healthz_without_the_table_is_503(db, client, store):
    """With no table: 503, and problems.dynamodb says to run create_table."""
    response = client.get("/healthz")

    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unavailable"
    assert "create_table" in body["problems"]["dynamodb"]
    assert CONTACTS.name in body["problems"]["dynamodb"]
    assert "database" not in body["problems"]


def test_healthz_with_dynamodb_unreachable_is_503(db, client, unreachable_store, settings):
    """With DynamoDB unreachable: 503 naming the endpoint, without driver internals."""
    response = client.get("/healthz")

    assert response.status_code == 503
    problem = response.json()["problems"]["dynamodb"]
    assert settings.DYNAMODB["ENDPOINT_URL"] in problem
    assert "botocore" not in problem


@pytest.mark.parametrize("method", ["post", "put", "delete"])
def test_healthz_refuses_unsafe_methods(db, client, contacts_table, method):
    """/healthz answers only GET and HEAD: other methods are 405."""
    response = getattr(client, method)("/healthz")

    assert response.status_code == 405


def test_healthz_head(db, client, contacts_table):
    """HEAD /healthz is allowed, like GET."""
    assert client.head("/healthz").status_code == 200


def test_healthz_answers_a_load_balancer_asking_by_ip_address(db, client, contacts_table,
                                                              settings):
    """An ALB's health check sends the task's IP as Host: /healthz answers it, every other
    page still refuses a host outside DJANGO_ALLOWED_HOSTS (400)."""
    settings.ALLOWED_HOSTS = ["contacts.example.com"]
    by_address = {"HTTP_HOST": "10.0.1.23:3000"}

    health = client.get("/healthz", **by_address)

    assert (health.status_code, health.json()["status"]) == (200, "ok")
    assert client.get("/admin/login/", **by_address).status_code == 400
    assert client.get("/admin/login/", HTTP_HOST="contacts.example.com").status_code == 200


# --- Static files: DEBUG off, WhiteNoise and the manifest storage -------------


@pytest.fixture
def production_static(settings, tmp_path):
    """Production static files: collected with the hashed, compressed manifest storage."""
    settings.DEBUG = False
    settings.STATIC_ROOT = tmp_path
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "contactsite.storage.StaticFilesStorage"},
    }
    call_command("collectstatic", "--noinput", verbosity=0)
    return tmp_path


def test_static_files_are_served_hashed_by_whitenoise(db, production_static):
    """With DEBUG off, WhiteNoise serves admin/css/base.css under its content-hashed name."""
    url = static("admin/css/base.css")
    assert re.fullmatch(r"/static/admin/css/base\.[0-9a-f]{12}\.css", url), url
    # A new client builds a new handler, whose WhiteNoise indexes the new STATIC_ROOT.
    response = Client().get(url)

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/css")
    body = b"".join(response.streaming_content)
    response.close()
    on_disk = (production_static / url.removeprefix("/static/")).read_bytes()
    assert body == on_disk
    # Hashed names never change content, so they may be cached for ever.
    assert "immutable" in response["Cache-Control"]


def test_static_urls_are_the_manifest_storages_worked_out_once(db, production_static,
                                                                 settings, monkeypatch):
    """contactsite.storage gives WhiteNoise's URLs, asks it once per file, and follows
    a change of STATIC_URL or DEBUG."""
    names = ["admin/css/base.css", "admin/img/search.svg", "admin/css/base.css?v=1#top"]
    expected = [CompressedManifestStaticFilesStorage().url(name) for name in names]
    assert [static(name) for name in names] == expected

    asked = []
    real_url = CompressedManifestStaticFilesStorage.url
    monkeypatch.setattr(CompressedManifestStaticFilesStorage, "url",
                        lambda self, name, force=False: asked.append(name) or real_url(
                            self, name, force))
    again = [static(name) for name in names]
    assert asked == [] and again == expected

    settings.STATIC_URL = "/assets/"
    assert re.fullmatch(r"/assets/admin/css/base\.[0-9a-f]{12}\.css", static("admin/css/base.css"))
    settings.DEBUG = True
    assert static("admin/css/base.css") == "/assets/admin/css/base.css"


def test_unknown_static_file_is_404(db, production_static):
    """A static URL that collectstatic did not produce is not served."""
    response = Client().get("/static/admin/css/no-such-file.css")

    assert response.status_code == 404


def test_login_page_links_hashed_css(db, production_static):
    """With the manifest storage, the login page links the hashed stylesheet."""
    response = Client().get("/admin/login/")

    assert response.status_code == 200
    content = response.content.decode()
    assert static("admin/css/base.css") in content
    assert 'href="/static/admin/css/base.css"' not in content
    assert re.search(r'href="/static/admin/css/login\.[0-9a-f]{12}\.css"', content)
