"""Commands beside `make run`: a missing setting is one line, and every command that
writes says first which table it will change and where (an endpoint, or real AWS).

scripts/run-local's `.env` (what lets a second terminal reach the same DynamoDB
Local with no variable to copy) is covered end to end in tests/test_run_local.py.
"""

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from moto import mock_aws

from contacts.models import CONTACTS

from .helpers import point_store_at

ROOT = Path(__file__).resolve().parent.parent


def manage(tmp_path, *args, **variables):
    """Run manage.py in a clean environment (no .env); return the CompletedProcess."""
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(tmp_path),
        "DJANGO_ENV_FILE": str(tmp_path / "missing.env"),
        "AWS_CONFIG_FILE": str(tmp_path / "missing-aws-config"),
        "AWS_SHARED_CREDENTIALS_FILE": str(tmp_path / "missing-aws-credentials"),
        "AWS_EC2_METADATA_DISABLED": "true",
        **variables,
    }
    return subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=60)


def test_a_missing_secret_key_is_one_line_naming_it(tmp_path):
    """Without DJANGO_SECRET_KEY (and DEBUG off), manage.py prints one line naming the
    variable and exits 1, instead of Django's 25-line traceback."""
    result = manage(tmp_path, "describe_table")

    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert "DJANGO_SECRET_KEY" in result.stderr and "make run" in result.stderr


def test_a_wrong_setting_is_one_line_naming_it(tmp_path):
    """Any setting the settings module refuses (here a bad endpoint URL) is one line too."""
    result = manage(tmp_path, "import_contacts", "-", DJANGO_SECRET_KEY="k",
                    AWS_ENDPOINT_URL_DYNAMODB="localhost:8000")

    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert result.stderr.strip().splitlines() == [
        line for line in result.stderr.strip().splitlines()
        if "AWS_ENDPOINT_URL_DYNAMODB" in line
    ]


def test_a_missing_region_is_one_line_naming_it(tmp_path):
    """With no region anywhere, a command says to set AWS_REGION, in one line."""
    result = manage(tmp_path, "describe_table", DJANGO_SECRET_KEY="k")

    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert result.stderr.strip() == (
        "CommandError: No AWS region is configured: set AWS_REGION (e.g. us-east-1).")


# --- Writing commands name their target first -----------------------------------------


def output_of(*args):
    """Run a command; return (stdout, the CommandError or None)."""
    out = io.StringIO()
    try:
        call_command(*args, stdout=out)
    except CommandError as error:
        return out.getvalue(), error
    return out.getvalue(), None


def jsonl(tmp_path, *ids):
    path = tmp_path / "in.jsonl"
    path.write_text("".join(json.dumps({"id": {"S": i}}) + "\n" for i in ids))
    return str(path)


WRITING = {
    "import_contacts": lambda tmp_path: ["import_contacts", jsonl(tmp_path, "t1")],
    "import_items": lambda tmp_path: ["import_items", jsonl(tmp_path, "t2")],
    "seed_contacts": lambda tmp_path: ["seed_contacts"],
    "create_table": lambda tmp_path: ["create_table"],
    "update_table": lambda tmp_path: ["update_table", "--billing-mode", "PROVISIONED",
                                      "--read-capacity", "1", "--write-capacity", "1"],
    "delete_table": lambda tmp_path: ["delete_table", "--noinput"],
}


@pytest.mark.parametrize("command", list(WRITING))
def test_writing_commands_first_print_the_endpoint_and_table(
    command, contacts_table, settings, tmp_path
):
    """On DynamoDB Local (or moto's stand-in endpoint), every writing command's first line
    names the table and the endpoint; then it does its work."""
    endpoint = settings.DYNAMODB["ENDPOINT_URL"]

    out, error = output_of(*WRITING[command](tmp_path))

    assert error is None, error
    first, *rest = out.splitlines()
    if endpoint:
        assert first == f'Target: table "{CONTACTS.name}" at {endpoint}'
    else:  # moto stands in for real AWS
        assert first.startswith(f'Target: table "{CONTACTS.name}" in AWS region us-east-1 '
                                "(real AWS")
    assert rest, "the command's own output follows"


@pytest.mark.parametrize("command", ["import_contacts", "delete_table", "create_table"])
def test_against_real_aws_the_region_is_named_before_anything_is_sent(
    command, settings, tmp_path
):
    """With no endpoint set (real AWS; moto here), the region comes first and says it is
    real AWS, even when the command then fails (no table)."""
    with mock_aws():
        point_store_at(settings, None, "Absent-table")
        settings.DYNAMODB = {**settings.DYNAMODB, "REGION": "eu-west-3"}

        out, _error = output_of(*WRITING[command](tmp_path))

    assert out.splitlines()[0] == (
        'Target: table "Absent-table" in AWS region eu-west-3 '
        "(real AWS: AWS_ENDPOINT_URL_DYNAMODB is not set)")


def test_reading_commands_and_dry_runs_print_no_target(contacts_table):
    """describe_table, export_contacts and create_table --dry-run change nothing: their
    output stays as it was (export's is data for scripts)."""
    for args in (["describe_table"], ["export_contacts"], ["create_table", "--dry-run"]):
        out, error = output_of(*args)
        assert error is None, error
        assert "Target:" not in out, args
