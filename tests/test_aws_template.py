"""deploy/aws.yaml, checked without AWS: cfn-lint, the table against `create_table --dry-run`,
the task role against the operations the code sends, and moto's CloudFormation creating it.
"""

import ast
import io
import json
import re
import subprocess
import sys
import warnings
from functools import cache
from pathlib import Path

import boto3
import botocore.session
from botocore import xform_name
from cfnlint.decode import cfn_yaml
from django.core.management import call_command
from moto import mock_aws

from tests.support.processes import ROOT

TEMPLATE = ROOT / "deploy" / "aws.yaml"
APP_PACKAGES = ("dynamodb_tables", "contacts", "contactsite")
# Sent by the code, but IAM cannot limit ListTables to one table (it takes only
# Resource "*"): the role leaves it out, and /admin/tables/ shows AWS's refusal.
NOT_LIMITED_TO_ONE_TABLE = {"ListTables"}
# Sent only by the table's optional recovery and backup features, which the role leaves out:
# README's "Extra permissions by feature" lists them, and the table's safety page says "not
# permitted" without them (tests/test_table_recovery.py checks both).
OPTIONAL_FEATURES = {"DescribeContinuousBackups", "UpdateContinuousBackups",
                     "RestoreTableToPointInTime", "ListBackups", "CreateBackup", "DeleteBackup",
                     "RestoreTableFromBackup"}
TABLE_RESOURCES = [{"Fn::GetAtt": ["Table", "Arn"]}, {"Fn::Sub": "${Table.Arn}/index/*"}]
REGION = "us-east-1"


@cache
def template():
    return cfn_yaml.load(str(TEMPLATE))


def resources(kind):
    return {name: resource for name, resource in template()["Resources"].items()
            if resource["Type"] == kind}


def cfn_lint(path):
    command = [str(Path(sys.executable).parent / "cfn-lint"), "--include-checks", "I", "--",
               str(path)]
    return subprocess.run(command, capture_output=True, text=True, timeout=300)


def test_cfn_lint_reports_nothing():
    """cfn-lint, informational checks included, finds nothing to say about the template."""
    result = cfn_lint(TEMPLATE)

    assert (result.returncode, result.stdout + result.stderr) == (0, "")


def test_cfn_lint_fails_on_a_broken_copy(tmp_path):
    """The linter really reads the template: one wrong value and it fails, naming it."""
    broken = tmp_path / "aws.yaml"
    text = TEMPLATE.read_text()
    assert "PointInTimeRecoveryEnabled: true" in text
    broken.write_text(text.replace("PointInTimeRecoveryEnabled: true",
                                   "PointInTimeRecoveryEnabled: sometimes"))

    result = cfn_lint(broken)

    assert result.returncode != 0
    assert "'sometimes' is not of type 'boolean'" in result.stdout


# --- The table: what create_table sends ----------------------------------------------------


def dry_run_request():
    """Return the CreateTable request `manage.py create_table --dry-run` prints (on-demand)."""
    output = io.StringIO()
    call_command("create_table", "--dry-run", stdout=output)
    return json.loads(output.getvalue())


def table_shape(description):
    """Return what a CreateTable request or a DescribeTable answer says of keys and indexes."""
    def indexes(kind):
        return sorted(
            (index["IndexName"], index["KeySchema"], index["Projection"])
            for index in description.get(kind) or []
        )

    billing = description.get("BillingMode") or description["BillingModeSummary"]["BillingMode"]
    return {
        "TableName": description["TableName"],
        "KeySchema": description["KeySchema"],
        "AttributeDefinitions": sorted(description["AttributeDefinitions"],
                                       key=lambda attribute: attribute["AttributeName"]),
        "BillingMode": billing,
        "GlobalSecondaryIndexes": indexes("GlobalSecondaryIndexes"),
        "LocalSecondaryIndexes": indexes("LocalSecondaryIndexes"),
    }


def test_the_table_is_the_one_create_table_makes_with_pitr_and_deletion_protection(settings):
    """Keys, attribute types, indexes and on-demand billing as `create_table --dry-run`
    prints them for the template's default table name; PITR and deletion protection on."""
    table = resources("AWS::DynamoDB::Table")["Table"]
    name = template()["Parameters"]["TableName"]["Default"]
    settings.DYNAMODB = {**settings.DYNAMODB, "TABLE": name}
    properties = {**table["Properties"], "TableName": name}

    assert table["Properties"]["TableName"] == {"Ref": "TableName"}
    assert table_shape(properties) == table_shape(dry_run_request())
    assert properties["PointInTimeRecoverySpecification"] == {"PointInTimeRecoveryEnabled": True}
    assert properties["DeletionProtectionEnabled"] is True
    assert table["DeletionPolicy"] == table["UpdateReplacePolicy"] == "Retain"


def test_motos_cloudformation_creates_the_table_from_the_template(settings):
    """The whole template goes through moto's CloudFormation (resources moto does not know
    are skipped); DynamoDB then describes the table create_table would have made."""
    settings.DYNAMODB = {**settings.DYNAMODB, "TABLE": "Contacts", "ENDPOINT_URL": None}
    with mock_aws(), warnings.catch_warnings():
        warnings.simplefilter("ignore")  # "not supported by moto's CloudFormation"
        certificate = boto3.client("acm", region_name=REGION).request_certificate(
            DomainName="contacts.example.com")["CertificateArn"]
        cloudformation = boto3.client("cloudformation", region_name=REGION)
        cloudformation.create_stack(
            StackName="contactsite", TemplateBody=TEMPLATE.read_text(),
            Capabilities=["CAPABILITY_IAM"],
            Parameters=[
                {"ParameterKey": "ImageUri", "ParameterValue": "registry.example.com/app:1"},
                {"ParameterKey": "DomainName", "ParameterValue": "contacts.example.com"},
                {"ParameterKey": "CertificateArn", "ParameterValue": certificate},
            ],
        )
        stack = cloudformation.describe_stacks(StackName="contactsite")["Stacks"][0]
        table = boto3.client("dynamodb", region_name=REGION).describe_table(
            TableName="Contacts")["Table"]

    assert stack["StackStatus"] == "CREATE_COMPLETE"
    assert table_shape(table) == table_shape(dry_run_request())
    assert table["DeletionProtectionEnabled"] is True


# --- The task role: exactly what the code sends -----------------------------------------------


def operations_the_code_sends():
    """Return the DynamoDB API names the app's code sends, read from its source.

    Every request goes through backend.call / call_batch with the operation's
    name as a literal (or a choice of literals), or through a waiter; a call site
    naming its operation any other way (but call_batch passing its own on)
    cannot be read, and fails.
    """
    session = botocore.session.get_session()
    api_names = {xform_name(name): name
                 for name in session.get_service_model("dynamodb").operation_names}
    waiters = session.get_waiter_model("dynamodb")
    waiter_operations = {xform_name(name): waiters.get_waiter(name).operation
                         for name in waiters.waiter_names}
    found = set()
    for package in APP_PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            for function, call in _calls(ast.parse(path.read_text())):
                name = _called_name(call.func)
                if name not in ("call", "call_batch", "get_waiter") or not call.args:
                    continue
                first = call.args[0]
                names = _literals(first)
                if names:
                    table = waiter_operations if name == "get_waiter" else api_names
                    found.update(table[literal] for literal in names)
                elif not (function == "call_batch" and isinstance(first, ast.Name)):
                    raise AssertionError(f"{path}:{call.lineno}: the operation is not a literal")
    return found


def _literals(node):
    """Return the strings an expression can be: a literal, or `a if x else b` of literals."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, ast.IfExp):
        choices = _literals(node.body), _literals(node.orelse)
        return choices[0] + choices[1] if all(choices) else []
    return []


def _called_name(func):
    if isinstance(func, ast.Attribute):
        return func.attr
    return func.id if isinstance(func, ast.Name) else None


def _calls(tree):
    """Yield (enclosing function's name, Call node) for every call in the module."""
    def visit(node, function):
        for child in ast.iter_child_nodes(node):
            inner = child.name if isinstance(child, ast.FunctionDef) else function
            if isinstance(child, ast.Call):
                yield function, child
            yield from visit(child, inner)

    yield from visit(tree, None)


def iam_statements(role):
    return [statement
            for policy in role["Properties"].get("Policies", [])
            for statement in policy["PolicyDocument"]["Statement"]]


def test_the_task_role_allows_exactly_the_dynamodb_operations_the_code_sends():
    """The task role's actions are the operations found in the code (ListTables aside, which
    IAM cannot limit to one table), on the table and its indexes only, and nothing more."""
    sent = operations_the_code_sends()
    role = resources("AWS::IAM::Role")["TaskRole"]
    statements = iam_statements(role)

    assert {"GetItem", "PutItem", "UpdateItem", "Scan", "DescribeTable", "CreateTable"} <= sent
    assert NOT_LIMITED_TO_ONE_TABLE <= sent
    assert OPTIONAL_FEATURES <= sent
    assert "ManagedPolicyArns" not in role["Properties"]
    assert all(statement["Effect"] == "Allow" for statement in statements)
    actions = [action for statement in statements for action in statement["Action"]]
    assert sorted(actions) == sorted(f"dynamodb:{name}" for name in
                                     sent - NOT_LIMITED_TO_ONE_TABLE - OPTIONAL_FEATURES)
    assert all(statement["Resource"] == TABLE_RESOURCES for statement in statements)


def test_no_policy_grants_a_wildcard_action_or_dynamodb_elsewhere():
    """No IAM action in the template has a wildcard; only the task role touches DynamoDB."""
    for name, role in resources("AWS::IAM::Role").items():
        for statement in iam_statements(role):
            actions = statement["Action"]
            actions = [actions] if isinstance(actions, str) else actions
            assert not any("*" in action for action in actions), (name, actions)
            if name != "TaskRole":
                assert not any(action.startswith("dynamodb:") for action in actions), name


# --- What runs: the app's settings, load balancer, scaling, database, secrets, logs ----------


def container():
    task = resources("AWS::ECS::TaskDefinition")["TaskDefinition"]
    return task["Properties"]["ContainerDefinitions"][0]


def readme_production_settings():
    """Return the variables README's "Production settings (HTTPS)" block sets."""
    section = (ROOT / "README.md").read_text().split("### Production settings (HTTPS)", 1)[1]
    block = re.search(r"```sh\n(.*?)```", section, re.S).group(1)
    pairs = (line.split("#", 1)[0].strip().split("=", 1) for line in block.splitlines())
    return {pair[0]: pair[1].strip("'") for pair in pairs if len(pair) == 2}


def test_the_app_runs_with_readmes_production_settings():
    """Every variable of README's production block is set: the host and origin from
    DomainName, HSTS's age from a parameter defaulting to README's, the key as a secret."""
    environment = {item["Name"]: item["Value"] for item in container()["Environment"]}
    secrets = {item["Name"] for item in container()["Secrets"]}
    parameters = template()["Parameters"]
    derived = {
        "DJANGO_ALLOWED_HOSTS": {"Ref": "DomainName"},
        "DJANGO_CSRF_TRUSTED_ORIGINS": {"Fn::Sub": "https://${DomainName}"},
        "DJANGO_SECURE_HSTS_SECONDS": {"Ref": "HstsSeconds"},
    }

    readme = readme_production_settings()
    assert readme.pop("DJANGO_SECRET_KEY") and "DJANGO_SECRET_KEY" in secrets
    for name, value in readme.items():
        assert environment[name] == derived.get(name, value), name
    assert str(parameters["HstsSeconds"]["Default"]) == readme["DJANGO_SECURE_HSTS_SECONDS"]
    assert {"PGPASSWORD", "DJANGO_SUPERUSER_PASSWORD"} <= secrets
    assert "password" not in json.dumps(environment).lower()


def test_https_load_balancer_fargate_service_scaling_database_and_logs():
    """HTTPS with the ACM certificate, HTTP redirected; /healthz health check; two or more
    Fargate tasks scaling on CPU; RDS PostgreSQL not public, in subnets with no way out;
    logs to CloudWatch."""
    listeners = {item["Properties"]["Port"]: item["Properties"]
                 for item in resources("AWS::ElasticLoadBalancingV2::Listener").values()}
    target_group = resources("AWS::ElasticLoadBalancingV2::TargetGroup")["TargetGroup"]
    service = resources("AWS::ECS::Service")["Service"]["Properties"]
    scaling = resources("AWS::ApplicationAutoScaling::ScalingPolicy")["CpuScaling"]["Properties"]
    database = resources("AWS::RDS::DBInstance")["Database"]["Properties"]
    subnets = resources("AWS::RDS::DBSubnetGroup")["DatabaseSubnetGroup"]["Properties"]
    routes = [item["Properties"] for item in resources("AWS::EC2::Route").values()]
    associations = [item["Properties"]
                    for item in resources("AWS::EC2::SubnetRouteTableAssociation").values()]
    minimum = template()["Parameters"]["MinTasks"]

    assert listeners[443]["Certificates"] == [{"CertificateArn": {"Ref": "CertificateArn"}}]
    assert listeners[80]["DefaultActions"][0]["RedirectConfig"]["Protocol"] == "HTTPS"
    assert target_group["Properties"]["HealthCheckPath"] == "/healthz"
    assert (service["LaunchType"], service["DesiredCount"]) == ("FARGATE", {"Ref": "MinTasks"})
    assert minimum["MinValue"] >= 2 and minimum["Default"] >= 2
    assert (scaling["TargetTrackingScalingPolicyConfiguration"]["PredefinedMetricSpecification"]
            == {"PredefinedMetricType": "ECSServiceAverageCPUUtilization"})
    assert (database["Engine"], database["PubliclyAccessible"]) == ("postgres", False)
    database_tables = {item["RouteTableId"]["Ref"] for item in associations
                       if item["SubnetId"] in subnets["SubnetIds"]}
    assert database_tables == {"PrivateRouteTable"}
    assert all(route["RouteTableId"] != {"Ref": "PrivateRouteTable"} for route in routes)
    assert container()["LogConfiguration"]["LogDriver"] == "awslogs"


def test_readmes_deploy_command_sets_every_required_parameter():
    """README's one `aws cloudformation deploy` names this template, the IAM capability and
    every parameter without a default, and no parameter the template lacks."""
    section = (ROOT / "README.md").read_text().split("## Deploy on AWS", 1)[1]
    command = re.search(r"aws cloudformation deploy.*?(?<!\\)\n", section, re.S).group(0)
    given = set(re.findall(r"\b([A-Za-z]+)=", command.split("--parameter-overrides", 1)[1]))
    parameters = template()["Parameters"]

    assert "--template-file deploy/aws.yaml" in command
    assert "CAPABILITY_IAM" in command
    assert {name for name, spec in parameters.items() if "Default" not in spec} <= given
    assert given <= set(parameters)


def test_the_app_finds_the_stacks_own_database_and_table():
    """DATABASE_URL points at the stack's RDS instance, with no password in it (libpq reads
    PGPASSWORD, a secret); DYNAMODB_TABLE and AWS_REGION at the stack's table."""
    environment = {item["Name"]: item["Value"] for item in container()["Environment"]}
    url, values = environment["DATABASE_URL"]["Fn::Sub"]

    assert url == "postgres://contactsite@${Host}:${Port}/contactsite?sslmode=require"
    assert values == {"Host": {"Fn::GetAtt": ["Database", "Endpoint.Address"]},
                      "Port": {"Fn::GetAtt": ["Database", "Endpoint.Port"]}}
    assert environment["DYNAMODB_TABLE"] == {"Ref": "Table"}
    assert environment["AWS_REGION"] == {"Ref": "AWS::Region"}
