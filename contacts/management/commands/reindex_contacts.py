from contacts.models import Contact
from dynamodb_tables.management.commands import reindex_items


class Command(reindex_items.Command):
    help = (
        "Give contacts written by other tools (the AWS CLI, the Node demo, an import into "
        "DynamoDB) the lower-case username copy that the username index needs, so that "
        "search and the username sort find them. Safe to run again; --resume continues."
    )
    default_model = Contact
