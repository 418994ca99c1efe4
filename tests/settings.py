"""Settings for the test suite.

Before contactsite.settings reads the environment, pin everything a test
must not inherit: a developer's own AWS config, credentials, endpoint or
`.env` must never leak into a test (nor a test's traffic into real AWS).
"""

import os

for name in ("AWS_PROFILE", "AWS_SESSION_TOKEN", "AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_DYNAMODB",
             "AWS_MAX_ATTEMPTS", "DYNAMODB_TABLE", "DJANGO_ALLOWED_HOSTS", "DYNAMODB_DAX_ENDPOINT"):
    os.environ.pop(name, None)
os.environ.update(
    AWS_CONFIG_FILE=os.devnull + "/missing-aws-config",
    AWS_SHARED_CREDENTIALS_FILE=os.devnull + "/missing-aws-credentials",
    # Letters and digits only: DynamoDB Local refuses anything else.
    AWS_ACCESS_KEY_ID="testing",
    AWS_SECRET_ACCESS_KEY="testing",
    AWS_REGION="us-east-1",
    AWS_DEFAULT_REGION="us-east-1",
    # With no credentials, botocore would ask the EC2 metadata address next:
    # tests send traffic to loopback only.
    AWS_EC2_METADATA_DISABLED="true",
    DJANGO_ENV_FILE=os.devnull + "/missing-env-file",
    DJANGO_SECRET_KEY="test-secret-key-not-for-production",
    DJANGO_DEBUG="false",
    # tests/test_postgres.py runs the auth-database tests again on a PostgreSQL server.
    DATABASE_URL=os.environ.get("CONTACTSITE_TEST_DATABASE_URL", "sqlite://:memory:"),
    DJANGO_SUPERUSER_USERNAME="",
    DJANGO_SUPERUSER_PASSWORD="",
    DJANGO_SUPERUSER_EMAIL="",
)

from contactsite.settings import *  # noqa: E402,F403

# Templates render without a collectstatic run; test_static covers the
# manifest storage that production uses.
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Tests that need no auth database may still count items (dynamodb_tables.store.counts):
# the tally uses the default, in-memory cache; tests/test_item_count.py covers the
# shared one in the auth database.
CACHES = {"default": CACHES["default"]}  # noqa: F405
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # fast tests
