"""Settings for contactsite: the only module that reads the environment.

Every value comes from an environment variable (optionally from a `.env`
file); README.md has the table of variables. Groups below follow concerns:
core, HTTPS and security headers, request bodies, login protection, Django
auth database, static files, DynamoDB, first admin user.
"""

from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import environ
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
# A `.env` file is optional; real environment variables win over it.
# DJANGO_ENV_FILE lets tests (and unusual layouts) point elsewhere.
env.read_env(env.str("DJANGO_ENV_FILE", default=str(BASE_DIR / ".env")))

# Local data: the default SQLite auth database here, DynamoDB Local's files
# beside it (`make run`). A relative path is taken from the project folder.
DATA_DIR = BASE_DIR / env.str("CONTACTSITE_DATA_DIR", default="data")

# --- Core -------------------------------------------------------------------

DEBUG = env.bool("DJANGO_DEBUG", default=False)

SECRET_KEY = env.str("DJANGO_SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "Set DJANGO_SECRET_KEY (a long random string, e.g. from "
            "`python -c 'import secrets; print(secrets.token_urlsafe(50))'`), "
            "or set DJANGO_DEBUG=true for local development (`make run` writes both "
            "into .env when there is none)."
        )
    # Development only: DEBUG is on, so nothing here is meant to be secure.
    SECRET_KEY = "django-insecure-development-only-key"

ALLOWED_HOSTS = env.list(
    "DJANGO_ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"]
)

INSTALLED_APPS = [
    # Django's admin, whose site also browses every DynamoDB table (contactsite.admin).
    "contactsite.apps.ContactsiteAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    # DynamoDB tables in the admin (reusable), then the contacts declared on it.
    "dynamodb_tables",
    "contacts",
    # Failed logins, lockouts (listed and resettable in the admin): contactsite.security.
    "axes",
]

MIDDLEWARE = [
    # First: the app takes no uploads; a multipart or oversized body is a 413 before
    # anything reads it (contactsite.bodies).
    "contactsite.bodies.RequestBodyLimitMiddleware",
    # The security headers before WhiteNoise, so that static files carry them too, and
    # outside CommonMiddleware, so that its answer to a disallowed Host does as well.
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Before CommonMiddleware's host check: a load balancer asks /healthz by the task's IP.
    "contactsite.healthcheck.HealthCheckMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Counts each request's DynamoDB calls; staff see them in the footer and headers.
    "dynamodb_tables.backend.metering.MeteringMiddleware",
    # Bounds each request's DynamoDB calls, retries included (DYNAMODB_REQUEST_BUDGET).
    "dynamodb_tables.backend.budget.BudgetMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Last, as django-axes asks: turns a locked-out login into the 429 page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "contactsite.urls"
WSGI_APPLICATION = "contactsite.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
# The app speaks English only (no LocaleMiddleware, no catalogs of its own), so
# Django's translation machinery is off, as its docs offer "for performance":
# every {% translate %} and gettext() looked up the active language, about a
# tenth of the change list's CPU (docs/performance.md). Texts are the same.
USE_I18N = False
USE_TZ = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("DJANGO_LOG_LEVEL", default="INFO")},
    # botocore logs routine events (e.g. where it found credentials) at INFO, axes
    # every login; axes' warnings (each failure, each lockout) still show.
    "loggers": {"botocore": {"level": "WARNING"}, "axes": {"level": "WARNING"}},
}

# --- HTTPS and security headers ----------------------------------------------
# Off by default so that `make run` and `docker compose up` keep working on
# plain http://127.0.0.1:3000; README's "Production settings" lists what to
# turn on behind HTTPS (`manage.py check --deploy` is then clean).


def _flag(name, default=False):
    """Return a true/false variable; a typo must not silently turn a protection off."""
    value = env.str(name, default="").strip().lower()
    if not value:
        return default
    if value in ("true", "yes", "on", "1"):
        return True
    if value in ("false", "no", "off", "0"):
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {value!r}.")


def _whole_number(name, default, minimum=0):
    value = env.str(name, default=str(default)).strip()
    if not (value.isascii() and value.isdigit()) or int(value) < minimum:
        raise ImproperlyConfigured(
            f"{name} must be a whole number of at least {minimum}, not {value!r}."
        )
    return int(value)


SECURE_SSL_REDIRECT = _flag("DJANGO_SECURE_SSL_REDIRECT")
# Health checks (Docker's HEALTHCHECK, a load balancer's target check) ask
# over plain HTTP from inside; a redirect to https:// would fail them.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_HSTS_SECONDS = _whole_number("DJANGO_SECURE_HSTS_SECONDS", 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = _flag("DJANGO_SECURE_HSTS_INCLUDE_SUBDOMAINS")
SECURE_HSTS_PRELOAD = _flag("DJANGO_SECURE_HSTS_PRELOAD")
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = _flag("DJANGO_SECURE_COOKIES")
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])
for _origin in CSRF_TRUSTED_ORIGINS:
    if urlsplit(_origin).scheme not in ("http", "https") or not urlsplit(_origin).netloc:
        raise ImproperlyConfigured(
            "DJANGO_CSRF_TRUSTED_ORIGINS must list origins with a scheme, such as "
            f"https://contacts.example.com, not {_origin!r}."
        )
# Only behind a proxy that sets X-Forwarded-Proto itself (and drops a
# client's own): anyone could otherwise claim that plain HTTP was HTTPS.
SECURE_PROXY_SSL_HEADER = (
    ("HTTP_X_FORWARDED_PROTO", "https") if _flag("DJANGO_TRUST_X_FORWARDED_PROTO") else None
)
# Proxies in front of the app that append to X-Forwarded-For (an ALB: 1).
# 0 means clients connect directly, and the login protection counts
# REMOTE_ADDR; behind a proxy that would count the proxy's address.
TRUSTED_PROXY_COUNT = _whole_number("DJANGO_TRUSTED_PROXIES", 0)

# Always on (Django's defaults, spelled out because tests and README rely on them).
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True
# Sent on every response by django-csp, static files and error pages included.
# The admin's pages need no inline script or style, so none is allowed.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
    },
}

# --- Request bodies (contactsite.bodies) -------------------------------------------
# The app takes no uploads: a multipart body, or any body larger than a form
# may be (Django's DATA_UPLOAD_MAX_MEMORY_SIZE, 2.5 MB), is refused with 413
# before anything reads it.

# --- Login protection (django-axes, contactsite.security) ---------------------------
# Failed logins are rows in the auth database (made by `migrate`, shared by
# every gunicorn worker and server), listed in the admin under "Axes".

# Failures per (username, client address), and per address, that lock that
# pair or address out until the window has passed since its last failure.
LOGIN_FAILURES_PER_USERNAME_AND_ADDRESS = _whole_number(
    "DJANGO_LOGIN_FAILURES_PER_USERNAME_AND_ADDRESS", 5, minimum=1
)
# Higher: one office or NAT address may be shared by many people.
LOGIN_FAILURES_PER_ADDRESS = _whole_number("DJANGO_LOGIN_FAILURES_PER_ADDRESS", 20, minimum=1)
# Failures per username from all addresses that slow each further attempt for it
# down, never lock it: a lock would let anyone lock the real admin out.
LOGIN_FAILURES_PER_USERNAME = _whole_number("DJANGO_LOGIN_FAILURES_PER_USERNAME", 10, minimum=1)
LOGIN_SLOWDOWN_SECONDS = 2
LOGIN_FAILURE_WINDOW = _whole_number("DJANGO_LOGIN_FAILURE_WINDOW", 900, minimum=1)

AUTHENTICATION_BACKENDS = [
    "contactsite.security.LoginAttemptsBackend",  # refuses a locked-out client first
    "django.contrib.auth.backends.ModelBackend",
]
AXES_HANDLER = "contactsite.security.LoginAttemptsHandler"
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]  # the address: LoginAttemptsHandler
AXES_FAILURE_LIMIT = LOGIN_FAILURES_PER_USERNAME_AND_ADDRESS
AXES_COOLOFF_TIME = timedelta(seconds=LOGIN_FAILURE_WINDOW)
# Refused attempts while locked out do not prolong the lockout.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
# A successful login forgets its (username, address) failures.
AXES_RESET_ON_SUCCESS = True
AXES_CLIENT_IP_CALLABLE = "contactsite.security.client_address"
AXES_USERNAME_CALLABLE = "contactsite.security.login_username"
AXES_LOCKOUT_CALLABLE = "contactsite.security.lockout_response"
AXES_VERBOSE = False

CACHES = {
    # Per process: table descriptions and other values any worker may read again.
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    # The approximate item counts' tally of this app's own adds, deletes and imports
    # (dynamodb_tables.store.counts), in the auth database: every worker, server and
    # command shares it. `manage.py migrate` creates its table (contacts' migrate).
    "dynamodb_tables": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "dynamodb_tables_cache",
    },
}

# --- Django's own database: users, sessions, admin log (never contacts) -----

DATABASES = {
    "default": env.db_url(
        "DATABASE_URL", default=f"sqlite:///{DATA_DIR / 'db.sqlite3'}"
    )
}
# Keep each thread's connection between requests (checked before reuse)
# instead of opening one per request, which cost an admin page about a
# millisecond in the benchmark. "?conn_max_age=0" in DATABASE_URL opts out.
DATABASES["default"].setdefault("CONN_MAX_AGE", 600)
DATABASES["default"].setdefault("CONN_HEALTH_CHECKS", True)

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": f"django.contrib.auth.password_validation.{name}"}
    for name in (
        "UserAttributeSimilarityValidator",
        "MinimumLengthValidator",
        "CommonPasswordValidator",
        "NumericPasswordValidator",
    )
]

# --- Static files: WhiteNoise serves them, with or without DEBUG ------------

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # WhiteNoise's CompressedManifestStaticFilesStorage, each URL worked out once.
    "staticfiles": {"BACKEND": "contactsite.storage.StaticFilesStorage"},
}

# --- DynamoDB (contacts) ------------------------------------------------------
# Credentials are deliberately absent: boto3's default chain finds them
# (environment keys, profile, instance or task role).


def _endpoint_url(value):
    """Return the endpoint URL, or None for real AWS; reject anything else."""
    if not value:
        return None
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ImproperlyConfigured(
            f"AWS_ENDPOINT_URL_DYNAMODB must be an http(s) URL such as "
            f"http://127.0.0.1:8000, not {value!r}. Unset it to use real AWS."
        )
    return value


def _dax_endpoint(value):
    """Return a DAX cluster's discovery endpoint, or None for no DAX; reject anything else."""
    if not value:
        return None
    parts = urlsplit(value)
    if parts.scheme not in ("dax", "daxs") or not parts.hostname:
        raise ImproperlyConfigured(
            "DYNAMODB_DAX_ENDPOINT must be a DAX cluster endpoint such as "
            f"daxs://my-cluster.abc123.dax-clusters.us-east-1.amazonaws.com, not {value!r}. "
            "Unset it to read from DynamoDB directly."
        )
    return value


DYNAMODB = {
    "TABLE": env.str("DYNAMODB_TABLE", default="Contacts"),
    "REGION": env.str("AWS_REGION", default="") or None,
    "ENDPOINT_URL": _endpoint_url(env.str("AWS_ENDPOINT_URL_DYNAMODB", default="")),
    # Optional: eventually consistent Scan and Query through DAX (dynamodb_tables.backend.dax).
    "DAX_ENDPOINT": _dax_endpoint(env.str("DYNAMODB_DAX_ENDPOINT", default="")),
    # Standard retry mode backs off on throttling and transient errors.
    "MAX_ATTEMPTS": _whole_number("AWS_MAX_ATTEMPTS", 3, minimum=1),
    # Short timeouts: an unreachable DynamoDB must become a clear error page
    # within seconds, not hang a worker for a minute.
    "CONNECT_TIMEOUT": _whole_number("DYNAMODB_CONNECT_TIMEOUT", 3, minimum=1),
    "READ_TIMEOUT": _whole_number("DYNAMODB_READ_TIMEOUT", 10, minimum=1),
    # What one web request may spend waiting for DynamoDB, retries included;
    # commands keep the timeouts above. A page answers 503 once it is spent.
    "REQUEST_BUDGET": _whole_number("DYNAMODB_REQUEST_BUDGET", 5, minimum=1),
}
# gunicorn kills a worker that stays silent for its --timeout (30 s by default,
# and scripts/docker-start keeps that): a page must answer well before.
if DYNAMODB["REQUEST_BUDGET"] > 20:
    raise ImproperlyConfigured(
        "DYNAMODB_REQUEST_BUDGET must be at most 20 seconds, so that a page answers "
        f"before gunicorn's 30-second worker timeout, not {DYNAMODB['REQUEST_BUDGET']}."
    )

# --- First admin user (manage.py ensure_superuser) --------------------------

SUPERUSER = {
    "USERNAME": env.str("DJANGO_SUPERUSER_USERNAME", default=""),
    "PASSWORD": env.str("DJANGO_SUPERUSER_PASSWORD", default=""),
    "EMAIL": env.str("DJANGO_SUPERUSER_EMAIL", default=""),
}
