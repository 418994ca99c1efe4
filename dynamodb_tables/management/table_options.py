"""update_table's table settings besides capacity: indexes, time to live, deletion protection.

Each setting is checked by the same store functions the table page calls
(`store.indexes`, `store.ttl`, `operations.set_deletion_protection`), whose
InvalidRequest becomes a CommandError naming the problem, nothing sent.
"""

from django.core.management.base import CommandError

from ..store import indexes, operations, ttl
from ..store.operations import PROVISIONED, Capacity
from ..store.table import PROJECTIONS, KeyAttribute
from ..values.types import KEY_TYPES

SETTINGS = ("add_index", "remove_index", "add_indexes", "ttl", "no_ttl", "deletion_protection")


def add_table_setting_arguments(parser):
    """Add the index, time-to-live and deletion-protection options."""
    parser.add_argument(
        "--index-capacity", action="append", default=[], metavar="INDEX=READ:WRITE",
        help="Read and write units of a global secondary index of a provisioned table (a "
             "switch to PROVISIONED gives each index the table's units unless told; "
             "--add-index on a provisioned table needs it). Repeat for several indexes.")
    parser.add_argument("--add-index", metavar="NAME",
                        help="Add a global secondary index (with --index-key, --projection).")
    parser.add_argument(
        "--index-key", action="append", default=[], metavar="ATTRIBUTE:TYPE",
        help="A key attribute of the new index and its type (S, N or B): once for the "
             "partition key, again for a sort key.")
    parser.add_argument("--projection", choices=PROJECTIONS, default="ALL",
                        help="What the new index holds besides its keys (default ALL).")
    parser.add_argument(
        "--project", action="append", default=[], metavar="ATTRIBUTE",
        help="An attribute an INCLUDE index holds; repeat or separate with commas.")
    parser.add_argument("--remove-index", metavar="NAME",
                        help="Remove a global secondary index.")
    parser.add_argument(
        "--add-indexes", action="store_true",
        help="Add every index the declared table has and the live table lacks, one after "
             "another, each waited for until ACTIVE.")
    parser.add_argument("--ttl", metavar="ATTRIBUTE",
                        help="Turn time to live on: expire items by this Number attribute "
                             "(epoch seconds).")
    parser.add_argument("--no-ttl", action="store_true", help="Turn time to live off.")
    parser.add_argument("--deletion-protection", action="store_const", const=True,
                        dest="deletion_protection", help="Turn deletion protection on.")
    parser.add_argument("--no-deletion-protection", action="store_const", const=False,
                        dest="deletion_protection", help="Turn deletion protection off.")


def setting_options(options):
    """Return the names of the settings the options ask to change."""
    return [name for name in SETTINGS if options.get(name) not in (None, False)
            or (name == "deletion_protection" and options.get(name) is False)]


def change_setting(command, setting, options):
    """Make the one change `setting` names; write what happened."""
    name = command.table_name(options)
    label = command.table_label(name)
    say = command.stdout.write
    if setting == "add_index":
        partition, sort = _index_keys(options["index_key"])
        index = indexes.new_index(options["add_index"], partition, sort,
                                  options["projection"], _projected(options["project"]))
        units = _parse_capacities(options["index_capacity"]).get(index.name)
        indexes.add_index(name, index, units and (units.read_capacity, units.write_capacity),
                          wait=options["wait"])
        state = "ACTIVE" if options["wait"] else "CREATING (it is built in the background)"
        say(command.style.SUCCESS(f"Index “{index.name}” added to table {label}: {state}."))
    elif setting == "remove_index":
        indexes.remove_index(name, options["remove_index"], wait=options["wait"])
        say(command.style.SUCCESS(
            f"Index “{options['remove_index']}” removed from table {label}."))
    elif setting == "add_indexes":
        added = indexes.add_declared_indexes(
            command.table(options, declared=True),
            report=lambda index: say(f"Adding index “{index.name}” to table {label}; "
                                     "waiting until it is ACTIVE..."))
        say(command.style.SUCCESS(
            f"Added {', '.join(f'“{i.name}”' for i in added)}: ACTIVE." if added else
            f"Table {label} already has every declared index."))
    elif setting == "ttl":
        changed = ttl.enable(command.table(options), options["ttl"])
        say(command.style.SUCCESS(f"Time to live of table {label} is on: items expire by "
                                  f"“{options['ttl']}”.") if changed else
            f"Time to live of table {label} is already on with “{options['ttl']}”.")
    elif setting == "no_ttl":
        say(command.style.SUCCESS(f"Time to live of table {label} is off.")
            if ttl.disable(name) else f"Time to live of table {label} is already off.")
    else:
        enabled = options["deletion_protection"]
        word = "on" if enabled else "off"
        say(command.style.SUCCESS(f"Deletion protection of table {label} is {word}.")
            if operations.set_deletion_protection(name, enabled) else
            f"Deletion protection of table {label} is already {word}.")


def index_capacities(command, name, capacity, options):
    """Return {index name: Capacity} for a provisioned `capacity`: the --index-capacity
    ones, and on a switch to PROVISIONED the table's units for each GSI not named."""
    given = _parse_capacities(options["index_capacity"])
    if capacity.billing_mode != PROVISIONED:
        if given:
            raise CommandError("--index-capacity applies only to provisioned capacity.")
        return None
    table = operations.describe_table(name)
    gsis = [index["name"] for index in table["indexes"] if index["kind"] == "GSI"]
    unknown = sorted(set(given) - set(gsis))
    if unknown:
        raise CommandError(f"Table \"{name}\" has no global secondary index named "
                           f"“{unknown[0]}” (it has: {', '.join(gsis) or 'none'}).")
    if table["billing_mode"] != PROVISIONED:
        for index in gsis:
            if index not in given:
                given[index] = Capacity(PROVISIONED, capacity.read_capacity,
                                        capacity.write_capacity)
                command.stdout.write(
                    f"Index “{index}” gets the table's units too ({capacity.read_capacity} "
                    f"RCU, {capacity.write_capacity} WCU); --index-capacity {index}=READ:WRITE "
                    "sets others.")
    return given


def _index_keys(texts):
    if not 1 <= len(texts) <= 2:
        raise CommandError("--add-index needs --index-key ATTRIBUTE:TYPE once (partition key) "
                           "or twice (partition and sort key).")
    keys = []
    for text in texts:
        attribute, _, kind = text.rpartition(":")
        if not attribute or kind not in KEY_TYPES:
            raise CommandError(f"--index-key {text!r}: give ATTRIBUTE:TYPE, the type "
                               f"{', '.join(KEY_TYPES)} (e.g. email:S).")
        keys.append(KeyAttribute(attribute, kind))
    return keys[0], (keys[1] if len(keys) == 2 else None)


def _projected(values):
    return tuple(name.strip() for value in values for name in value.split(",") if name.strip())


def _parse_capacities(texts):
    found = {}
    for text in texts:
        index, _, units = text.partition("=")
        read, _, write = units.partition(":")
        if not (index and read.isdigit() and write.isdigit()):
            raise CommandError(f"--index-capacity {text!r}: give INDEX=READ:WRITE, e.g. "
                               "by-email=5:5.")
        found[index] = Capacity(PROVISIONED, int(read), int(write))
    return found
