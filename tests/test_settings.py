"""contactsite.settings, read from the environment (and an optional .env file).

Settings are read once, at import, so each test imports them in a fresh
Python process with a minimal, clean environment plus what the test sets.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

# Prints the settings under test as JSON on the last line of stdout.
SCRIPT = """
import json
import django
from django.conf import settings
settings.DEBUG
print(json.dumps({
    "DEBUG": settings.DEBUG,
    "SECRET_KEY": settings.SECRET_KEY,
    "ALLOWED_HOSTS": settings.ALLOWED_HOSTS,
    "DYNAMODB": settings.DYNAMODB,
    "DATABASES": {"default": {
        "ENGINE": settings.DATABASES["default"]["ENGINE"],
        "NAME": str(settings.DATABASES["default"]["NAME"]),
        "CONN_MAX_AGE": settings.DATABASES["default"]["CONN_MAX_AGE"],
        "CONN_HEALTH_CHECKS": settings.DATABASES["default"]["CONN_HEALTH_CHECKS"],
    }},
}))
"""


def load_settings(tmp_path, env_file=None, **variables):
    """Import contactsite.settings in a clean subprocess; return the CompletedProcess."""
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(tmp_path),
        "DJANGO_SETTINGS_MODULE": "contactsite.settings",
        "DJANGO_ENV_FILE": str(env_file or tmp_path / "missing.env"),
        **variables,
    }
    return subprocess.run(
        [sys.executable, "-c", SCRIPT],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def settings_of(tmp_path, env_file=None, **variables):
    """Return the settings a clean process sees, failing the test if the import fails."""
    result = load_settings(tmp_path, env_file, **variables)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.splitlines()[-1])


def failure_of(tmp_path, **variables):
    """Return the stderr of a settings import that must fail with ImproperlyConfigured."""
    result = load_settings(tmp_path, **variables)
    assert result.returncode != 0, result.stdout
    assert "ImproperlyConfigured" in result.stderr
    return result.stderr


DEV = {"DJANGO_DEBUG": "true"}
PROD = {"DJANGO_SECRET_KEY": "a-production-secret-key"}


def test_debug_is_off_by_default_and_then_a_secret_key_is_required(tmp_path):
    """Without DJANGO_DEBUG, DEBUG is off, and no DJANGO_SECRET_KEY is ImproperlyConfigured."""
    stderr = failure_of(tmp_path)

    assert "DJANGO_SECRET_KEY" in stderr


def test_debug_off_uses_the_given_secret_key(tmp_path):
    """With DJANGO_SECRET_KEY set and DJANGO_DEBUG unset, DEBUG is False and the key is used."""
    settings = settings_of(tmp_path, **PROD)

    assert settings["DEBUG"] is False
    assert settings["SECRET_KEY"] == "a-production-secret-key"


@pytest.mark.parametrize("value", ["false", "0", "off", "no"])
def test_debug_false_still_requires_a_secret_key(tmp_path, value):
    """Any explicit false DJANGO_DEBUG still demands DJANGO_SECRET_KEY."""
    stderr = failure_of(tmp_path, DJANGO_DEBUG=value)

    assert "DJANGO_SECRET_KEY" in stderr


def test_debug_true_works_without_a_secret_key(tmp_path):
    """DJANGO_DEBUG=true without DJANGO_SECRET_KEY imports, with a development-only key."""
    settings = settings_of(tmp_path, **DEV)

    assert settings["DEBUG"] is True
    assert settings["SECRET_KEY"]
    assert "insecure" in settings["SECRET_KEY"]


def test_env_file_supplies_settings_and_real_environment_wins(tmp_path):
    """A .env file named by DJANGO_ENV_FILE supplies values; the real environment overrides it."""
    env_file = tmp_path / "site.env"
    env_file.write_text(
        "DJANGO_DEBUG=true\n"
        "DYNAMODB_TABLE=FromDotEnv\n"
        "AWS_REGION=eu-west-1\n"
    )

    from_file = settings_of(tmp_path, env_file)

    assert from_file["DEBUG"] is True
    assert from_file["DYNAMODB"]["TABLE"] == "FromDotEnv"
    assert from_file["DYNAMODB"]["REGION"] == "eu-west-1"

    overridden = settings_of(tmp_path, env_file, DYNAMODB_TABLE="FromEnvironment")

    assert overridden["DYNAMODB"]["TABLE"] == "FromEnvironment"
    assert overridden["DYNAMODB"]["REGION"] == "eu-west-1"


def test_missing_env_file_is_fine(tmp_path):
    """DJANGO_ENV_FILE pointing at no file is not an error."""
    assert not (tmp_path / "missing.env").exists()

    settings = settings_of(tmp_path, **DEV)

    assert settings["DYNAMODB"]["TABLE"] == "Contacts"


def test_endpoint_url_must_be_an_http_url(tmp_path):
    """AWS_ENDPOINT_URL_DYNAMODB=not-a-url is ImproperlyConfigured naming the variable."""
    stderr = failure_of(tmp_path, AWS_ENDPOINT_URL_DYNAMODB="not-a-url", **DEV)

    assert "AWS_ENDPOINT_URL_DYNAMODB" in stderr
    assert "not-a-url" in stderr


@pytest.mark.parametrize("url", ["http://127.0.0.1:8000", "https://dynamodb.example.com"])
def test_endpoint_url_is_kept(tmp_path, url):
    """An http(s) endpoint URL is passed through as it is."""
    settings = settings_of(tmp_path, AWS_ENDPOINT_URL_DYNAMODB=url, **DEV)

    assert settings["DYNAMODB"]["ENDPOINT_URL"] == url


@pytest.mark.parametrize(
    "variables", [{}, {"AWS_ENDPOINT_URL_DYNAMODB": ""}], ids=["unset", "empty"]
)
def test_no_endpoint_url_means_real_aws(tmp_path, variables):
    """With AWS_ENDPOINT_URL_DYNAMODB unset or empty, ENDPOINT_URL is None (real AWS)."""
    settings = settings_of(tmp_path, **variables, **DEV)

    assert settings["DYNAMODB"]["ENDPOINT_URL"] is None


@pytest.mark.parametrize(
    "value",
    ["0", "abc", "-1", "2.5", "²"],
    ids=["zero", "letters", "negative", "fraction", "superscript-two"],
)
def test_max_attempts_must_be_a_positive_whole_number(tmp_path, value):
    """AWS_MAX_ATTEMPTS below 1 or not a whole number is ImproperlyConfigured naming it."""
    stderr = failure_of(tmp_path, AWS_MAX_ATTEMPTS=value, **DEV)

    assert "AWS_MAX_ATTEMPTS" in stderr


def test_max_attempts_is_read(tmp_path):
    """AWS_MAX_ATTEMPTS=5 becomes DYNAMODB["MAX_ATTEMPTS"] == 5, an int; the default is 3."""
    assert settings_of(tmp_path, AWS_MAX_ATTEMPTS="5", **DEV)["DYNAMODB"]["MAX_ATTEMPTS"] == 5
    assert settings_of(tmp_path, **DEV)["DYNAMODB"]["MAX_ATTEMPTS"] == 3


def test_dynamodb_defaults(tmp_path):
    """Without DynamoDB variables: table "Contacts", no region, short timeouts."""
    dynamodb = settings_of(tmp_path, **DEV)["DYNAMODB"]

    assert dynamodb["TABLE"] == "Contacts"
    assert dynamodb["REGION"] is None
    assert dynamodb["CONNECT_TIMEOUT"] == 3
    assert dynamodb["READ_TIMEOUT"] == 10


def test_request_budget_is_read_and_defaults_to_5_seconds(tmp_path):
    """DYNAMODB_REQUEST_BUDGET, a web request's seconds for DynamoDB, retries included."""
    assert settings_of(tmp_path, **DEV)["DYNAMODB"]["REQUEST_BUDGET"] == 5
    assert settings_of(tmp_path, DYNAMODB_REQUEST_BUDGET="3", **DEV)["DYNAMODB"][
        "REQUEST_BUDGET"] == 3


@pytest.mark.parametrize("value", ["0", "abc", "2.5", "21"])
def test_request_budget_must_be_1_to_20_seconds(tmp_path, value):
    """Not a whole number from 1 to 20 (gunicorn kills a worker silent for 30 s): refused,
    naming the variable."""
    stderr = failure_of(tmp_path, DYNAMODB_REQUEST_BUDGET=value, **DEV)

    assert "DYNAMODB_REQUEST_BUDGET must be" in stderr


def test_database_defaults_to_sqlite_under_data(tmp_path):
    """Without DATABASE_URL, the auth database is data/db.sqlite3 in the project."""
    database = settings_of(tmp_path, **DEV)["DATABASES"]["default"]

    assert database["ENGINE"] == "django.db.backends.sqlite3"
    assert Path(database["NAME"]) == ROOT / "data" / "db.sqlite3"


def test_database_url_is_read(tmp_path):
    """DATABASE_URL picks another database."""
    url = f"sqlite:///{tmp_path / 'other.sqlite3'}"

    database = settings_of(tmp_path, DATABASE_URL=url, **DEV)["DATABASES"]["default"]

    assert database["ENGINE"] == "django.db.backends.sqlite3"
    assert Path(database["NAME"]) == tmp_path / "other.sqlite3"


def test_data_dir_moves_the_default_database(tmp_path):
    """CONTACTSITE_DATA_DIR, absolute or relative to the project, holds the default SQLite file."""
    absolute = settings_of(tmp_path, CONTACTSITE_DATA_DIR=str(tmp_path / "elsewhere"), **DEV)
    relative = settings_of(tmp_path, CONTACTSITE_DATA_DIR="var/data", **DEV)

    assert Path(absolute["DATABASES"]["default"]["NAME"]) == tmp_path / "elsewhere" / "db.sqlite3"
    assert Path(relative["DATABASES"]["default"]["NAME"]) == ROOT / "var" / "data" / "db.sqlite3"


def test_database_url_wins_over_the_data_dir(tmp_path):
    url = f"sqlite:///{tmp_path / 'chosen.sqlite3'}"
    settings = settings_of(tmp_path, DATABASE_URL=url, CONTACTSITE_DATA_DIR="var", **DEV)

    assert Path(settings["DATABASES"]["default"]["NAME"]) == tmp_path / "chosen.sqlite3"


def test_allowed_hosts_is_a_comma_separated_list(tmp_path):
    """DJANGO_ALLOWED_HOSTS=a.example,b.example becomes a list of both hosts."""
    settings = settings_of(tmp_path, DJANGO_ALLOWED_HOSTS="a.example,b.example", **PROD)

    assert settings["ALLOWED_HOSTS"] == ["a.example", "b.example"]


def test_allowed_hosts_default_to_loopback(tmp_path):
    """Without DJANGO_ALLOWED_HOSTS, only loopback names are allowed."""
    settings = settings_of(tmp_path, **PROD)

    assert settings["ALLOWED_HOSTS"] == ["localhost", "127.0.0.1", "[::1]"]


def test_database_connections_are_kept_between_requests_unless_the_url_says_otherwise(tmp_path):
    """Persistent, health-checked connections by default; "?conn_max_age=0" opts out."""
    default = settings_of(tmp_path, **DEV)["DATABASES"]["default"]
    url = f"sqlite:///{tmp_path / 'other.sqlite3'}?conn_max_age=0"
    chosen = settings_of(tmp_path, DATABASE_URL=url, **DEV)["DATABASES"]["default"]

    assert (default["CONN_MAX_AGE"], default["CONN_HEALTH_CHECKS"]) == (600, True)
    assert chosen["CONN_MAX_AGE"] == 0
