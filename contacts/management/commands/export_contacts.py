from contacts.models import Contact
from dynamodb_tables.management.commands import export_items


class Command(export_items.Command):
    help = (
        "Write every contact to JSON Lines (lossless DynamoDB JSON, what import_contacts "
        "reads) or to CSV (flat, for spreadsheets). Streams: memory stays constant."
    )
    default_model = Contact
