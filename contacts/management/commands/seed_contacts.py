from decimal import Decimal

from contacts.models import Contact, contacts
from dynamodb_tables.exceptions import ItemAlreadyExists
from dynamodb_tables.management.base import StoreCommand

# The two items the tutorial creates in the DynamoDB console.
TUTORIAL_CONTACTS = (
    {"id": "01", "username": "Raju"},
    {"id": "02", "username": "Sham", "age": Decimal("30")},
)


class Command(StoreCommand):
    default_model = Contact
    changes_table = True
    changes_items = True
    help = "Add the tutorial's two contacts (01 Raju; 02 Sham, age 30). Never overwrites."

    def add_arguments(self, parser):
        pass  # always the contacts table

    def handle(self, **options):
        added = 0
        for item in TUTORIAL_CONTACTS:
            try:
                contacts.create(item)
            except ItemAlreadyExists as exists:
                self.stdout.write(f"{exists} Left as it is.")
                continue
            added += 1
            self.stdout.write(f"Added contact “{item['id']}” ({item['username']}).")
        self.stdout.write(
            self.style.SUCCESS(f"Seeded {added} of {len(TUTORIAL_CONTACTS)} contacts.")
        )
