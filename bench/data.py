"""The contacts the benchmark loads, and the users of the Django admin's own list."""

import json
import random
import uuid

from boto3.dynamodb.types import TypeDeserializer, TypeSerializer

FIRST_NAMES = ("Raju", "Sham", "Asha", "Priya", "Ravi", "Meera", "Arjun", "Kavya", "Dev", "Isha")


def make_contacts(count, seed=7):
    """Return `count` contacts as DynamoDB JSON, the shape import_contacts reads.

    Usernames are "<first name> <number>": each first name starts a tenth of
    them, and each full name is unique (a rare name to find).
    """
    rng = random.Random(seed)
    contacts = []
    for number in range(count):
        name = f"{rng.choice(FIRST_NAMES)} {number:06d}"
        item = {
            "id": {"S": uuid.UUID(int=rng.getrandbits(128), version=4).hex},
            "username": {"S": name},
            "age": {"N": str(rng.randint(18, 90))},
            "email": {"S": f"contact{number}@example.com"},
            "phone": {"S": f"+91 98{rng.randint(10_000_000, 99_999_999)}"},
        }
        if number % 3 == 0:
            item["city"] = {"S": rng.choice(("Pune", "Mumbai", "Chennai", "Delhi"))}
        contacts.append(item)
    return contacts


def with_derived(items, table):
    """Return the items with the attributes the app derives for its indexes, as a save writes.

    `table` is the app's declaration (contacts.models.CONTACTS): its
    with_derived() adds, e.g., the case-folded username the search index
    is keyed on. Loaded this way, the table is as if every contact had been
    saved through the app.
    """
    deserialize, serialize = TypeDeserializer().deserialize, TypeSerializer().serialize
    result = []
    for item in items:
        plain = {name: deserialize(value) for name, value in item.items()}
        derived = table.with_derived(plain)
        result.append({**item, **{name: serialize(value) for name, value in derived.items()
                                  if name not in item}})
    return result


def write_jsonl(path, items):
    with open(path, "w", encoding="utf-8") as out:
        for item in items:
            out.write(json.dumps(item, separators=(",", ":")) + "\n")
    return path


def bulk_create_users(count):
    """Return `manage.py shell -c` code that adds `count` users to the auth database.

    One bulk_create, as a fixture loader would; the password field holds an
    unusable password, since no one logs in as them.
    """
    return (
        "from django.contrib.auth.models import User\n"
        f"User.objects.bulk_create((User(username=f'user{{n:06d}}', "
        f"email=f'user{{n}}@example.com', password='!') for n in range({count})), "
        "batch_size=2000)\n"
    )


def app_table():
    """Return the app's declaration of the contacts table, read in this process.

    Only the declaration is needed (what the app derives for its indexes), so
    Django is set up with the apps that declare it and no database.
    """
    import django
    from django.conf import settings

    if not settings.configured:
        settings.configure(
            INSTALLED_APPS=["django.contrib.contenttypes", "django.contrib.auth",
                            "dynamodb_tables", "contacts"],
            DYNAMODB={"TABLE": "unused"},
        )
        django.setup()
    from contacts.models import CONTACTS

    return CONTACTS
