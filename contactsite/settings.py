"""Settings for contactsite: the only module that reads the environment.

Every value comes from an environment variable (optionally from a `.env`
file); README.md has the table of variables. Groups below follow concerns:
core, Django auth database, static files, DynamoDB, first admin user.
"""

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
            "or set DJANGO_DEBUG=true for local development."
        )
    # Development only: DEBUG is on, so nothing here is meant to be secure.
    SECRET_KEY = "django-insecure-development-only-key"

ALLOWED_HOSTS = env.list(
    "DJANGO_ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"]
)

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "contacts",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
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
USE_I18N = True
USE_TZ = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("DJANGO_LOG_LEVEL", default="INFO")},
    # botocore logs routine events (e.g. where it found credentials) at INFO.
    "loggers": {"botocore": {"level": "WARNING"}},
}

# --- Django's own database: users, sessions, admin log (never contacts) -----

DATABASES = {
    "default": env.db_url(
        "DATABASE_URL", default=f"sqlite:///{DATA_DIR / 'db.sqlite3'}"
    )
}

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
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
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


def _positive_int(name, default):
    value = env.str(name, default=str(default))
    if not (value.isascii() and value.isdigit()) or int(value) < 1:
        raise ImproperlyConfigured(f"{name} must be a whole number of at least 1, not {value!r}.")
    return int(value)


DYNAMODB = {
    "TABLE": env.str("DYNAMODB_TABLE", default="Contacts"),
    "REGION": env.str("AWS_REGION", default="") or None,
    "ENDPOINT_URL": _endpoint_url(env.str("AWS_ENDPOINT_URL_DYNAMODB", default="")),
    # Standard retry mode backs off on throttling and transient errors.
    "MAX_ATTEMPTS": _positive_int("AWS_MAX_ATTEMPTS", 3),
    # Short timeouts: an unreachable DynamoDB must become a clear error page
    # within seconds, not hang a worker for a minute.
    "CONNECT_TIMEOUT": _positive_int("DYNAMODB_CONNECT_TIMEOUT", 3),
    "READ_TIMEOUT": _positive_int("DYNAMODB_READ_TIMEOUT", 10),
}

# --- First admin user (manage.py ensure_superuser) --------------------------

SUPERUSER = {
    "USERNAME": env.str("DJANGO_SUPERUSER_USERNAME", default=""),
    "PASSWORD": env.str("DJANGO_SUPERUSER_PASSWORD", default=""),
    "EMAIL": env.str("DJANGO_SUPERUSER_EMAIL", default=""),
}
