from django.apps import AppConfig


class DynamoDBTablesConfig(AppConfig):
    name = "dynamodb_tables"
    verbose_name = "DynamoDB tables"
