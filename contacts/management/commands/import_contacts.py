from contacts.models import Contact
from dynamodb_tables.management.commands import import_items


class Command(import_items.Command):
    help = (
        "Add the contacts of a JSON Lines file written by export_contacts (DynamoDB JSON, "
        "one item per line; - reads standard input). Every line is checked before anything "
        "is written; an id that exists already is an error unless --skip-existing or "
        "--overwrite says otherwise."
    )
    default_model = Contact
