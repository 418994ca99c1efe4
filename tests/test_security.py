"""Hardened defaults: production settings, security headers and CSP, the login rate limit,
permissions, CSRF, inert HTML.

Pages are read through Django's test client against moto and DynamoDB Local;
the Content-Security-Policy is checked in Debian's Chromium (Playwright), which
is what enforces it.
"""

import html
import os
import re
import subprocess
import sys
from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.conf import settings as django_settings
from django.contrib.auth.models import Permission
from django.db.models import F
from django.test import Client
from django.utils.html import escape

from contacts.models import CONTACTS
from contactsite import security
from dynamodb_tables import backend
from dynamodb_tables.store import operations

from .helpers import (
    ADD_URL,
    LIST_URL,
    change_url,
    delete_url,
    history_url,
    put,
    stored,
    stored_ids,
)
from .support.formdata import form_data
from .support.processes import ROOT

LOGIN_URL = "/admin/login/"
BREADCRUMBS = '<div class="breadcrumbs">'


# --- Users -------------------------------------------------------------------------------

CONTACT_PERMISSIONS = ("view_contact", "add_contact", "change_contact", "delete_contact")


@pytest.fixture
def client_with(db, django_user_model):
    """Return a logged-in staff user's client holding exactly the given contact permissions."""

    def make(*codenames, **client_options):
        user = django_user_model.objects.create_user(
            "staff-" + "-".join(codenames or ("none",)), is_staff=True
        )
        user.user_permissions.add(*Permission.objects.filter(
            codename__in=codenames, content_type__app_label="contacts"
        ))
        client = Client(**client_options)
        client.force_login(user)
        return client

    return make


@pytest.fixture
def contact(contacts_table, raw_client):
    put(raw_client, id={"S": "01"}, username={"S": "Raju"}, age={"N": "30"})
    return stored(raw_client, "01")


# --- check --deploy: the documented production settings -----------------------------------

def documented_production_settings():
    """Return the variables README's "Production settings (HTTPS)" block sets."""
    readme = (ROOT / "README.md").read_text()
    section = readme.split("### Production settings (HTTPS)", 1)[1]
    block = re.search(r"```sh\n(.*?)```", section, re.S).group(1)
    variables = {}
    for line in block.splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            name, value = line.split("=", 1)
            variables[name] = value.strip("'")
    # README shows a placeholder; check --deploy wants 50+ varied characters.
    variables["DJANGO_SECRET_KEY"] = "x7Gq2LmN9pRt4VwY8zBc3DfH6jKs1MnQ5rTu0WxZa2Ce4Gi6Kl8Np0Rs2Tv"
    return variables


PRODUCTION = documented_production_settings()


def manage(tmp_path, *args, **variables):
    """Run manage.py in a clean environment (DEBUG off unless given); return the result."""
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(tmp_path),
        "DJANGO_ENV_FILE": str(tmp_path / "missing.env"),
        "CONTACTSITE_DATA_DIR": str(tmp_path / "data"),
        **variables,
    }
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env,
        capture_output=True, text=True, timeout=120,
    )


def test_check_deploy_is_clean_with_the_documented_production_settings(tmp_path):
    """With DEBUG off and README's production settings, `check --deploy` has nothing to say."""
    assert PRODUCTION["DJANGO_DEBUG"] == "false"
    assert {"DJANGO_SECURE_SSL_REDIRECT", "DJANGO_SECURE_HSTS_SECONDS", "DJANGO_SECURE_COOKIES",
            "DJANGO_CSRF_TRUSTED_ORIGINS", "DJANGO_TRUST_X_FORWARDED_PROTO"} <= set(PRODUCTION)
    result = manage(tmp_path, "check", "--deploy", "--fail-level", "WARNING", **PRODUCTION)

    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


def test_check_deploy_warns_without_them(tmp_path):
    """The defaults (fit for http://127.0.0.1:3000) make `check --deploy` warn."""
    result = manage(
        tmp_path, "check", "--deploy", "--fail-level", "WARNING",
        DJANGO_SECRET_KEY=PRODUCTION["DJANGO_SECRET_KEY"],
    )

    assert result.returncode != 0
    for warning in ("security.W004", "security.W008", "security.W012", "security.W016"):
        assert warning in result.stderr, warning


@pytest.mark.parametrize(
    ("variable", "warnings"),
    [
        ("DJANGO_SECURE_SSL_REDIRECT", ["security.W008"]),
        ("DJANGO_SECURE_HSTS_SECONDS", ["security.W004"]),
        ("DJANGO_SECURE_HSTS_INCLUDE_SUBDOMAINS", ["security.W005"]),
        ("DJANGO_SECURE_HSTS_PRELOAD", ["security.W021"]),
        ("DJANGO_SECURE_COOKIES", ["security.W012", "security.W016"]),  # session and CSRF
    ],
)
def test_each_production_setting_is_read(tmp_path, variable, warnings):
    """Leaving out one production variable brings back exactly its warnings."""
    settings = {name: value for name, value in PRODUCTION.items() if name != variable}

    result = manage(tmp_path, "check", "--deploy", "--fail-level", "WARNING", **settings)

    assert result.returncode != 0
    assert sorted(re.findall(r"security\.\w\d+", result.stderr)) == warnings


@pytest.mark.parametrize(
    ("variables", "words"),
    [
        ({"DJANGO_SECURE_SSL_REDIRECT": "ture"}, "SECURE_SSL_REDIRECT must be true or false"),
        ({"DJANGO_SECURE_COOKIES": "maybe"}, "DJANGO_SECURE_COOKIES must be true or false"),
        ({"DJANGO_SECURE_HSTS_SECONDS": "1 year"}, "DJANGO_SECURE_HSTS_SECONDS must be a whole"),
        ({"DJANGO_TRUSTED_PROXIES": "-1"}, "DJANGO_TRUSTED_PROXIES must be a whole number"),
        ({"DJANGO_LOGIN_FAILURES_PER_USERNAME": "0"}, "DJANGO_LOGIN_FAILURES_PER_USERNAME"),
        ({"DJANGO_CSRF_TRUSTED_ORIGINS": "contacts.example.com"}, "with a scheme"),
    ],
)
def test_bad_security_values_are_refused_with_a_message(tmp_path, variables, words):
    """A typo in a security variable stops start-up naming it, never silently turns it off."""
    result = manage(tmp_path, "check", DJANGO_DEBUG="true", **variables)

    assert result.returncode != 0
    # One line naming the setting (manage.py), not a traceback.
    assert result.stderr.startswith("Settings error: ")
    assert "Traceback" not in result.stderr
    assert words in result.stderr


# --- Headers on every response -------------------------------------------------------------


def assert_security_headers(response):
    where = response.request["PATH_INFO"]
    assert response["X-Frame-Options"] == "DENY", where
    assert response["X-Content-Type-Options"] == "nosniff", where
    assert response["Referrer-Policy"] == "same-origin", where
    assert response["Cross-Origin-Opener-Policy"] == "same-origin", where
    directives = response["Content-Security-Policy"].split(";")
    policy = dict(directive.strip().split(" ", 1) for directive in directives)
    assert policy["default-src"] == "'self'", where
    assert policy["script-src"] == "'self'", where  # no 'unsafe-inline', no 'unsafe-eval'
    assert policy["frame-ancestors"] == "'none'", where
    assert policy["form-action"] == "'self'", where
    assert policy["object-src"] == "'none'", where


def test_every_kind_of_response_carries_the_security_headers(client_with, contact, raw_client):
    """Pages, redirects, 403, 404, 503 and /healthz all carry the headers."""
    admin = client_with(*CONTACT_PERMISSIONS)
    responses = [
        Client().get(LOGIN_URL),
        Client().get(LIST_URL),  # redirect to the login
        Client().get("/healthz"),
        admin.get(LIST_URL),
        admin.get(change_url("01")),
        admin.get(change_url("missing")),  # 404
        client_with().get(LIST_URL),  # 403
    ]
    assert [r.status_code for r in responses] == [200, 302, 200, 200, 200, 404, 403]
    operations.delete_table(CONTACTS.name)
    responses.append(admin.get(LIST_URL))  # 503
    assert responses[-1].status_code == 503
    for response in responses:
        assert_security_headers(response)


def test_static_files_and_the_disallowed_host_answer_carry_the_security_headers(db, settings):
    """A static file (served by WhiteNoise, ahead of most middleware) and the 400 answer to a
    Host outside DJANGO_ALLOWED_HOSTS carry every security header too."""
    settings.WHITENOISE_USE_FINDERS = True  # read when the client builds its middleware
    static = Client().get("/static/admin/css/base.css")
    wrong_host = Client().get(LOGIN_URL, HTTP_HOST="attacker.example")

    assert static.status_code == 200
    assert wrong_host.status_code == 400
    for response in (static, wrong_host):
        assert_security_headers(response)


def test_the_policy_comes_from_django_csp_unchanged(db):
    """django-csp sends the Content-Security-Policy (no hand-written middleware), and the
    policy is the one the app always had."""
    response = Client().get(LOGIN_URL)

    assert "csp.middleware.CSPMiddleware" in django_settings.MIDDLEWARE
    assert not hasattr(security, "ContentSecurityPolicyMiddleware")
    directives = sorted(part.strip() for part in response["Content-Security-Policy"].split(";"))
    assert directives == sorted([
        "default-src 'self'", "script-src 'self'", "style-src 'self'", "img-src 'self'",
        "object-src 'none'", "base-uri 'none'", "frame-ancestors 'none'", "form-action 'self'",
    ])


def test_https_redirect_and_hsts_follow_the_settings(db, settings):
    """With SSL redirect on: plain HTTP is sent to https:// except /healthz; HTTPS gets HSTS.
    X-Forwarded-Proto counts only when trusted."""
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_HSTS_SECONDS = 31536000
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    settings.SECURE_HSTS_PRELOAD = True

    plain = Client().get(LOGIN_URL)
    health = Client().get("/healthz")
    spoofed = Client().get(LOGIN_URL, HTTP_X_FORWARDED_PROTO="https")
    secure = Client().get(LOGIN_URL, secure=True)

    assert plain.status_code == 301
    assert plain["Location"] == "https://testserver/admin/login/"
    assert health.status_code != 301  # 503 here: no table, but answered over HTTP
    assert spoofed.status_code == 301  # the header is not trusted by default
    assert secure.status_code == 200
    assert secure["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
    assert "Strict-Transport-Security" not in plain

    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    behind_proxy = Client().get(LOGIN_URL, HTTP_X_FORWARDED_PROTO="https")
    assert behind_proxy.status_code == 200
    assert "Strict-Transport-Security" in behind_proxy


@pytest.mark.auth_database
def test_secure_cookies_follow_the_settings(db, settings, django_user_model):
    """With secure cookies on, the session and CSRF cookies are Secure; the session HttpOnly."""
    settings.SESSION_COOKIE_SECURE = settings.CSRF_COOKIE_SECURE = True
    django_user_model.objects.create_superuser("ada", "ada@example.com", "pw-ada-12345")
    client = Client()

    form = client.get(LOGIN_URL, secure=True)
    logged_in = client.post(LOGIN_URL, {"username": "ada", "password": "pw-ada-12345"}, secure=True)

    assert form.cookies["csrftoken"]["secure"] is True
    assert logged_in.status_code == 302
    session = logged_in.cookies["sessionid"]
    assert session["secure"] is True
    assert session["httponly"] is True


# --- Login protection (django-axes) ----------------------------------------------------------

PASSWORD = "right-password-42"
TOO_MANY = ("Too many failed logins for this username from this address, or from this "
            "address.")
WRONG = "Please enter the correct username and password for a staff account."
HERE, ELSEWHERE = {"REMOTE_ADDR": "203.0.113.5"}, {"REMOTE_ADDR": "198.51.100.9"}


@pytest.fixture
def ada(db, django_user_model):
    return django_user_model.objects.create_superuser("ada", "ada@example.com", PASSWORD)


@pytest.fixture
def pauses(monkeypatch):
    """The seconds the login waited, recorded instead of slept."""
    waited = []
    monkeypatch.setattr(security, "pause", waited.append)
    return waited


def log_in(client, username, password, **extra):
    return client.post(LOGIN_URL, {"username": username, "password": password,
                                   "next": LIST_URL}, **extra)


def logged_in(client):
    return "_auth_user_id" in client.session


def text(response):
    return html.unescape(response.content.decode())


def age_attempts(seconds):
    """Move every recorded failure `seconds` into the past."""
    AccessAttempt.objects.update(attempt_time=F("attempt_time") - timedelta(seconds=seconds))


@pytest.mark.auth_database
def test_five_failures_lock_that_username_from_that_address_only(ada, pauses):
    """Five wrong passwords for "ada" from one address: the fifth answer is the 429 login
    page; from there even the right password is refused, while the right password from
    another address still logs in (nobody can lock the real admin out)."""
    attacker = Client(**HERE)
    for _ in range(4):
        failed = log_in(attacker, "ada", "wrong")
        assert failed.status_code == 200
        assert WRONG in text(failed)
    locked = log_in(attacker, "ada", "wrong")
    refused = log_in(attacker, "ada", PASSWORD)
    admin = Client(**ELSEWHERE)
    elsewhere = log_in(admin, "ada", PASSWORD)

    for response in (locked, refused):
        assert response.status_code == 429
        assert TOO_MANY in text(response)
        assert "Try again in 15 minutes." in text(response)
        assert 'id="login-form"' in text(response) and 'class="errornote"' in text(response)
        assert 890 <= int(response["Retry-After"]) <= 900
    assert not logged_in(attacker)
    assert elsewhere.status_code == 302
    assert logged_in(admin)


@pytest.mark.auth_database
def test_the_lockout_ends_a_window_after_the_last_failure(ada, pauses):
    """Locked out until 15 minutes have passed since the last failure; refused attempts
    meanwhile do not prolong it."""
    client = Client(**HERE)
    for _ in range(5):
        log_in(client, "ada", "wrong")
    age_attempts(600)
    assert log_in(client, "ada", PASSWORD).status_code == 429
    age_attempts(299)
    assert log_in(client, "ada", PASSWORD).status_code == 429
    age_attempts(2)

    assert log_in(client, "ada", PASSWORD).status_code == 302
    assert logged_in(client)


@pytest.mark.auth_database
def test_a_success_forgets_that_pairs_failures(ada, pauses):
    """Four failures then the right password: logged in, and the four no longer count."""
    client = Client(**HERE)
    for _ in range(4):
        log_in(client, "ada", "wrong")
    assert log_in(client, "ada", PASSWORD).status_code == 302

    other = Client(**HERE)
    for _ in range(4):
        assert log_in(other, "ada", "wrong").status_code == 200
    assert log_in(other, "ada", PASSWORD).status_code == 302


@pytest.mark.auth_database
def test_the_username_counts_whatever_its_case(ada, pauses):
    """Guessing as "ADA" and "ada" from one address is one count."""
    for number in range(5):
        log_in(Client(**HERE), "ADA" if number % 2 else "ada", "wrong")

    assert log_in(Client(**HERE), "ada", PASSWORD).status_code == 429


@pytest.mark.auth_database
def test_many_addresses_guessing_one_username_only_slow_it_down(ada, pauses, settings):
    """Failures for "ada" from many addresses never lock it: past the username-wide
    threshold each attempt for it waits first, the right password still logs in."""
    settings.LOGIN_FAILURES_PER_USERNAME = 3
    for number in range(6):
        response = log_in(Client(), "ada", "wrong", REMOTE_ADDR=f"10.0.0.{number}")
        assert response.status_code == 200
    admin = Client(**ELSEWHERE)

    assert log_in(admin, "ada", PASSWORD).status_code == 302
    assert logged_in(admin)
    assert pauses == [settings.LOGIN_SLOWDOWN_SECONDS] * 4  # the 4th to 6th failures, and this


@pytest.mark.auth_database
def test_the_right_password_of_a_non_staff_account_counts_as_a_failure(db, django_user_model,
                                                                       pauses):
    """A non-staff account's right password gets the same answer as a wrong one, and counts
    the same: five of them lock that pair out."""
    django_user_model.objects.create_user("bob", password=PASSWORD)
    client = Client(**HERE)
    answers = [log_in(client, "bob", PASSWORD) for _ in range(5)]

    assert [answer.status_code for answer in answers] == [200] * 4 + [429]
    assert WRONG in text(answers[0])
    assert AccessAttempt.objects.get().failures_since_start == 5
    assert not logged_in(client)


@pytest.mark.auth_database
def test_one_address_guessing_many_usernames_is_stopped(ada, pauses, settings):
    """Failures from one address count across usernames; other addresses are not affected,
    and a made-up X-Forwarded-For does not help when no proxy is trusted."""
    settings.LOGIN_FAILURES_PER_ADDRESS = 3
    for name in ("a1", "a2", "a3"):
        log_in(Client(), name, "wrong", **HERE)

    refused = log_in(Client(), "ada", PASSWORD, **HERE, HTTP_X_FORWARDED_FOR="198.51.100.1")
    elsewhere = log_in(Client(), "ada", PASSWORD, **ELSEWHERE)

    assert refused.status_code == 429
    assert TOO_MANY in text(refused)
    assert elsewhere.status_code == 302


@pytest.mark.auth_database
def test_behind_a_trusted_proxy_the_forwarded_client_address_counts(ada, pauses, settings):
    """With one trusted proxy, the address it appended is the client's; what the client
    itself put in X-Forwarded-For is ignored."""
    settings.LOGIN_FAILURES_PER_ADDRESS = 3
    settings.TRUSTED_PROXY_COUNT = 1
    proxy = {"REMOTE_ADDR": "10.0.0.2"}
    for number in range(3):
        log_in(Client(), f"u{number}", "wrong", **proxy,
               HTTP_X_FORWARDED_FOR=f"192.0.2.{number}, 198.51.100.7")

    assert log_in(Client(), "ada", PASSWORD, **proxy,
                  HTTP_X_FORWARDED_FOR="198.51.100.7").status_code == 429
    assert log_in(Client(), "ada", PASSWORD, **proxy,
                  HTTP_X_FORWARDED_FOR="198.51.100.8").status_code == 302
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"198.51.100.7"}


@pytest.mark.auth_database
def test_lockouts_are_listed_and_lifted_in_the_admin(ada, pauses):
    """The admin lists each locked-out pair under Axes; deleting its row lifts the lockout."""
    attacker = Client(**HERE)
    for _ in range(5):
        log_in(attacker, "ada", "wrong")
    superuser = Client(**ELSEWHERE)
    superuser.force_login(ada)

    listed = superuser.get("/admin/axes/accessattempt/")
    attempt = AccessAttempt.objects.get()
    deleted = superuser.post("/admin/axes/accessattempt/", {
        "action": "delete_selected", "_selected_action": [attempt.pk], "post": "yes"})

    assert listed.status_code == 200
    assert "203.0.113.5" in text(listed)
    assert deleted.status_code == 302
    assert not AccessAttempt.objects.exists()
    assert log_in(attacker, "ada", PASSWORD).status_code == 302


# Not in the PostgreSQL run: there, the failed query aborts the test's transaction
# (in production, autocommit, the page answers the same 503; checked by hand).
def test_without_the_attempts_table_login_is_a_clear_503(ada, monkeypatch, client):
    """If `migrate` never made the login-attempts table, the login page says so (503);
    /healthz too."""
    monkeypatch.setattr(AccessAttempt._meta, "db_table", "no_such_table")

    response = log_in(client, "ada", PASSWORD)

    assert response.status_code == 503
    assert "python manage.py migrate" in text(response)
    assert not logged_in(client)
    health = client.get("/healthz")
    assert health.status_code == 503
    assert "python manage.py migrate" in health.json()["problems"]["login_attempts"]


# --- Permissions -----------------------------------------------------------------------------


@pytest.mark.auth_database
def test_anonymous_visitors_are_sent_to_log_in_for_every_page_and_action(contact, raw_client):
    """GET or POST, every contacts URL redirects an anonymous visitor to the login page."""
    client = Client()
    for url in (LIST_URL, ADD_URL, change_url("01"), delete_url("01"), history_url("01")):
        for method in ("get", "post"):
            response = getattr(client, method)(url, {"post": "yes", "username": "x"})
            assert response.status_code == 302, (method, url)
            assert response["Location"].startswith(f"{LOGIN_URL}?next={url}")
    assert stored(raw_client, "01") == contact


def assert_403_in_admin_look(response):
    content = html.unescape(response.content.decode())
    assert response.status_code == 403
    assert BREADCRUMBS in content
    assert '<div id="site-name"><a href="/admin/">contactsite</a></div>' in content
    assert "You do not have permission to open this page or to do this." in content
    assert "Log out" in content  # the admin's user links: the page knows who is asking


@pytest.mark.auth_database
def test_staff_without_contact_permissions_get_the_admin_403_everywhere(client_with, contact,
                                                                      raw_client):
    """Staff with no contact permission: a 403 page in the admin look on every page and POST."""
    client = client_with()
    for url in (LIST_URL, ADD_URL, change_url("01"), delete_url("01"), history_url("01")):
        assert_403_in_admin_look(client.get(url))
    assert_403_in_admin_look(client.post(ADD_URL, {"username": "x", "_save": "1"}))
    assert_403_in_admin_look(client.post(change_url("01"), {"username": "x", "_save": "1"}))
    assert_403_in_admin_look(client.post(delete_url("01"), {"post": "yes"}))
    assert_403_in_admin_look(client.post(LIST_URL, {
        "action": "delete_selected", "_selected_action": ["01"], "post": "yes", "index": "0"}))
    assert stored_ids(raw_client) == {"01"}
    assert stored(raw_client, "01") == contact


@pytest.mark.auth_database
def test_view_only_staff_can_look_but_every_change_is_403(client_with, contact, raw_client):
    """view_contact only: list, read-only change form and history; add, change, delete and
    the bulk delete are refused, and nothing changes."""
    client = client_with("view_contact")
    admin = client_with(*CONTACT_PERMISSIONS)
    edit_form = form_data(admin.get(change_url("01")), username="Changed", _save="Save")

    listed = client.get(LIST_URL)
    viewed = client.get(change_url("01"))

    assert listed.status_code == 200
    assert viewed.status_code == 200
    assert "View contact" in viewed.content.decode()
    assert 'name="_save"' not in viewed.content.decode()
    assert client.get(history_url("01")).status_code == 200
    for response in (
        client.get(ADD_URL),
        client.post(ADD_URL, {"id": "new", "username": "New", "_save": "1"}),
        client.post(change_url("01"), edit_form),
        client.get(delete_url("01")),
        client.post(delete_url("01"), {"post": "yes"}),
        client.post(LIST_URL, {"action": "delete_selected", "_selected_action": ["01"],
                               "post": "yes", "index": "0"}),
    ):
        assert_403_in_admin_look(response)
    assert stored_ids(raw_client) == {"01"}
    assert stored(raw_client, "01") == contact


@pytest.mark.auth_database
def test_staff_with_all_contact_permissions_may_do_everything(client_with, contact, raw_client):
    """view, add, change and delete (no superuser): every page and action works."""
    client = client_with(*CONTACT_PERMISSIONS)

    assert client.get(LIST_URL).status_code == 200
    assert client.get(history_url("01")).status_code == 200
    added = client.post(ADD_URL, form_data(client.get(ADD_URL), id="02", username="Sham",
                                           _save="Save"))
    changed = client.post(change_url("01"), form_data(client.get(change_url("01")),
                                                      username="Raju R", _save="Save"))
    confirm = client.get(delete_url("02"))
    deleted = client.post(delete_url("02"), form_data(confirm, form_id=None))

    assert (added.status_code, changed.status_code) == (302, 302)
    assert confirm.status_code == 200
    assert deleted.status_code == 302
    assert stored_ids(raw_client) == {"01"}
    assert stored(raw_client, "01")["username"] == {"S": "Raju R"}


# --- CSRF and safe methods -------------------------------------------------------------------


@pytest.mark.auth_database
def test_every_post_needs_the_csrf_token(client_with, contact, raw_client):
    """Without the token, add, change, delete, the change list action and login are 403 and
    change nothing; with it, the same add goes through."""
    client = client_with(*CONTACT_PERMISSIONS, enforce_csrf_checks=True)
    add_form = form_data(client.get(ADD_URL), id="02", username="Sham", _save="Save")
    change_form = form_data(client.get(change_url("01")), username="Changed", _save="Save")
    without_token = {
        ADD_URL: {**add_form, "csrfmiddlewaretoken": []},
        change_url("01"): {**change_form, "csrfmiddlewaretoken": []},
        delete_url("01"): {"post": "yes"},
        LIST_URL: {"action": "delete_selected", "_selected_action": ["01"], "post": "yes",
                   "index": "0"},
    }
    for url, data in without_token.items():
        response = client.post(url, data)
        assert response.status_code == 403, url
        assert "CSRF verification failed" in response.content.decode(), url
    anonymous = Client(enforce_csrf_checks=True)
    assert log_in(anonymous, "staff-view_contact", "x").status_code == 403
    assert stored_ids(raw_client) == {"01"}
    assert stored(raw_client, "01") == contact

    assert client.post(ADD_URL, add_form).status_code == 302  # the token was all that was missing
    assert stored_ids(raw_client) == {"01", "02"}


@pytest.mark.auth_database
def test_get_never_changes_anything(client_with, contact, raw_client):
    """GET on delete/, on the change list with action parameters, on add/ and change/ with
    form parameters, and on logout: nothing is deleted, added, changed or logged out."""
    client = client_with(*CONTACT_PERMISSIONS)

    confirm = client.get(delete_url("01"), {"post": "yes"})
    listed = client.get(LIST_URL, {"action": "delete_selected", "_selected_action": "01",
                                   "post": "yes", "index": "0"})
    client.get(ADD_URL, {"id": "02", "username": "Sham", "_save": "1"})
    client.get(change_url("01"), {"username": "Changed", "_save": "1"})
    logout = client.get("/admin/logout/")

    assert confirm.status_code == 200
    assert "Are you sure?" in confirm.content.decode()
    assert listed.status_code == 200  # the list, with the parameters ignored
    assert stored_ids(raw_client) == {"01"}
    assert stored(raw_client, "01") == contact
    assert logout.status_code == 405
    assert client.get(LIST_URL).status_code == 200  # still logged in


# --- Inert HTML --------------------------------------------------------------------------

SCRIPT = "<script>alert(1)</script>"
IMAGE = '"><img src=x onerror=alert(1)>'
RAW_MARKUP = ("<script>alert(1)", "<img src=x")


@pytest.fixture
def hostile_items(contacts_table, raw_client):
    """Items written straight to DynamoDB whose values and attribute names are markup."""
    put(raw_client, id={"S": "xss-1"}, username={"S": SCRIPT},
        **{SCRIPT: {"S": IMAGE}, IMAGE: {"S": SCRIPT}, "note": {"L": [{"S": IMAGE}]}})
    put(raw_client, id={"S": "xss" + IMAGE}, username={"S": IMAGE}, email={"S": SCRIPT})
    return ["xss-1", "xss" + IMAGE]


def test_markup_in_values_and_attribute_names_is_escaped(client_with, hostile_items):
    """The list, change forms and delete confirmations show the markup only as text."""
    client = client_with(*CONTACT_PERMISSIONS)
    pages = [client.get(LIST_URL)]
    for contact_id in hostile_items:
        pages += [client.get(change_url(contact_id)), client.get(delete_url(contact_id))]

    for response in pages:
        assert response.status_code == 200, response.request["PATH_INFO"]
        content = response.content.decode()
        for raw in RAW_MARKUP:
            assert raw not in content, (response.request["PATH_INFO"], raw)
    listed = pages[0].content.decode()
    assert escape(SCRIPT) in listed and escape(IMAGE) in listed
    first_change = pages[1].content.decode()
    assert escape(SCRIPT) in first_change  # the attribute name
    assert escape(IMAGE) in first_change  # a value, and the other attribute name


# --- The Content-Security-Policy in a real browser -------------------------------------------

# Playwright's set-up for Debian's Chromium and the live server, shared with test_browser.
from tests import test_browser as browser  # noqa: E402

browser_type_launch_args = browser.browser_type_launch_args
orm_beside_playwright = browser.orm_beside_playwright
site = browser.site

# Runs before any page script; a policy violation is reported to the page as this event.
RECORD_VIOLATIONS = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__violations.push(`${event.violatedDirective} blocked ${event.blockedURI || "inline"}`
                           + ` at ${event.sourceFile}:${event.lineNumber}`);
});
"""


@pytest.mark.slow
def test_admin_pages_satisfy_the_content_security_policy(page, site):
    """Login, list, bulk-delete confirmation, add, change, delete confirmation, history and a 404
    page load in Chromium without one CSP violation; the admin's scripts run (selection counter,
    theme toggle); stored markup never opens a dialog."""
    ids = ["xss-1", "xss" + IMAGE]
    for item in (
        {"id": {"S": ids[0]}, "username": {"S": SCRIPT}, SCRIPT: {"S": IMAGE},
         IMAGE: {"S": SCRIPT}},
        {"id": {"S": ids[1]}, "username": {"S": IMAGE}, "email": {"S": SCRIPT}},
    ):
        backend.client().put_item(TableName=CONTACTS.name, Item=item)  # as other tools do
    console, dialogs, violations = [], [], {}
    page.on("console", lambda message: console.append(f"{message.type}: {message.text}"))
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.add_init_script(RECORD_VIOLATIONS)

    def check(name):
        page.wait_for_load_state("load")
        violations[name] = page.evaluate("window.__violations")

    page.goto(site + LOGIN_URL)
    check("login")
    browser.log_in(page, site)
    check("change list")
    page.get_by_role("checkbox", name=f"Select this object for an action - {ids[0]}").check()
    browser.expect(page.locator(".action-counter")).to_have_text("1 of 2 selected")
    theme = page.locator("html").get_attribute("data-theme")
    page.locator("button.theme-toggle").first.click()
    assert page.locator("html").get_attribute("data-theme") != theme
    page.locator("select[name=action]").select_option("delete_selected")
    page.get_by_role("button", name="Go").click()
    browser.expect(page.locator("h1")).to_have_text("Delete multiple objects")
    check("bulk delete confirmation")
    for name, path in [
        ("add form", ADD_URL),
        ("change form", change_url(ids[0])),
        ("change form 2", change_url(ids[1])),
        ("delete confirmation", delete_url(ids[0])),
        ("history", history_url(ids[0])),
        ("404 page", change_url("no-such-contact")),
    ]:
        page.goto(site + path)
        check(name)

    assert violations == dict.fromkeys(violations, []), violations
    assert not [line for line in console if "Content Security Policy" in line], console
    assert dialogs == []


def test_a_failed_csrf_check_is_a_403_page_in_the_admin_look(db):
    """Django's own CSRF failure page carries inline styles the CSP blocks; ours extends the
    admin's base, says what failed and what to do."""
    client = Client(enforce_csrf_checks=True)

    response = client.post("/admin/login/", {"username": "x", "password": "y"})

    assert response.status_code == 403
    content = response.content.decode()
    assert "Forbidden (403)" in content and "CSRF" in content
    assert 'id="header"' in content  # the admin's header
    assert "<style" not in content and " style=" not in content
