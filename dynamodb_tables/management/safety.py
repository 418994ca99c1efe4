"""What the table commands share for data safety: `--backup-first`, and update_table's
auto scaling options (`--autoscale-read 5:100:70`, `--autoscale-write off`)."""

from django.core.management.base import CommandError

from ..exceptions import InvalidRequest, StoreError
from ..store import recovery, scaling
from ..store.features import InvalidSetting

OFF = "off"
AUTOSCALE_OPTIONS = {"autoscale_read": scaling.READ, "autoscale_write": scaling.WRITE}


def add_backup_first_argument(parser, before):
    """Add --backup-first: an on-demand backup of the table before `before` (e.g. "deleting")."""
    parser.add_argument(
        "--backup-first", action="store_true",
        help=f"Make an on-demand backup of the table before {before}; if the endpoint cannot "
             "(DynamoDB Local has no backups) or it fails, nothing is changed.",
    )


def backup_first(command, table, unchanged):
    """Back the table up now, or raise a CommandError saying so and that `unchanged` (e.g.
    "the table was not deleted")."""
    try:
        backup = recovery.create_backup(table)
    except (StoreError, InvalidRequest) as error:
        raise CommandError(f"No backup was made, so {unchanged}: {error}") from error
    command.stdout.write(f"Backup “{backup.name}” made ({backup.arn}).")
    return backup


def add_autoscale_arguments(parser):
    """Add --autoscale-read / --autoscale-write MIN:MAX:TARGET or off, and --autoscale-index."""
    for option, kind in AUTOSCALE_OPTIONS.items():
        parser.add_argument(
            f"--{option.replace('_', '-')}", metavar="MIN:MAX:TARGET",
            help=f"Auto scaling of provisioned {kind} capacity: minimum and maximum units and "
                 "the target utilisation in percent, e.g. 5:100:70; or off.",
        )
    parser.add_argument(
        "--autoscale-index", metavar="INDEX",
        help="Apply --autoscale-read / --autoscale-write to this global secondary index "
             "instead of the table.",
    )


def autoscale_requested(options):
    """Return whether the options ask for an auto scaling change."""
    return any(options.get(option) for option in AUTOSCALE_OPTIONS)


def change_autoscaling(command, options):
    """Apply the auto scaling options; every value is checked before anything is sent."""
    if options.get("autoscale_index") and not autoscale_requested(options):
        raise CommandError("--autoscale-index goes with --autoscale-read or --autoscale-write.")
    name = command.table_name(options)
    index = options.get("autoscale_index")
    changes = []
    for option, kind in AUTOSCALE_OPTIONS.items():
        text = options.get(option)
        if not text:
            continue
        flag = f"--{option.replace('_', '-')}"
        try:
            changes.append((kind, None if text == OFF else scaling.AutoScaling.parse(text)))
        except InvalidSetting as error:
            raise CommandError(f"{flag}: {error.reason}") from error
    where = f"index “{index}” of table “{name}”" if index else f"table “{name}”"
    for kind, setting in changes:
        if setting is None:
            turned_off = scaling.disable(name, kind, index)
            command.stdout.write(f"Auto scaling of the {kind}s of {where} "
                                 f"{'is now off' if turned_off else 'was off already'}.")
        else:
            scaling.enable(name, kind, setting, index)
            command.stdout.write(command.style.SUCCESS(
                f"Auto scaling of the {kind}s of {where}: {setting}."))


# The command-line spelling of each setting a store function may refuse.
OPTIONS_OF_SETTINGS = {"restore_time": "--time", "target": "--to", "backup": "BACKUP",
                       "backup_name": "--name", "region": "REGION", "index": "--autoscale-index"}


def refused(error):
    """Return the CommandError for an InvalidSetting, naming the option at fault."""
    option = OPTIONS_OF_SETTINGS.get(error.field)
    return CommandError(f"{option}: {error.reason}" if option else error.reason)
