"""What the table's optional features share: their bad-input error, and the endpoint's "no".

Point-in-time recovery, backups, auto scaling and replicas exist on AWS
only: DynamoDB Local answers them with an unknown operation, which the
backend raises as NotSupported. `feature()` names the feature in that
message, so pages and commands can say plainly what this endpoint lacks.
"""

import contextlib
import re

from .. import backend
from ..exceptions import InvalidRequest, NotSupported

BACKUPS = "backups"
POINT_IN_TIME_RECOVERY = "point-in-time recovery"
AUTO_SCALING = "auto scaling"
REPLICAS = "replicas"

# DynamoDB's names of tables and backups: 3 to 255 letters, digits, "_", "-" and ".".
NAME_PATTERN = re.compile(r"[A-Za-z0-9_.\-]{3,255}")


class InvalidSetting(InvalidRequest):
    """Input a feature refuses before anything is sent.

    `field` names the setting at fault (a form's field) and `reason` says why
    in words any interface can show.
    """

    def __init__(self, field, reason):
        self.field = field
        self.reason = reason
        super().__init__(reason)


@contextlib.contextmanager
def feature(name):
    """Raise a NotSupported from inside the block as "this endpoint does not support <name>"."""
    try:
        yield
    except NotSupported as error:
        raise NotSupported(
            f"This endpoint ({backend.endpoint_description()}) does not support {name}: "
            "DynamoDB Local has no backups, point-in-time recovery, auto scaling or "
            "replicas. Use DynamoDB on AWS for them.",
            feature=name,
        ) from error


def checked_name(value, field, what):
    """Return `value` if it is a valid DynamoDB name; raise InvalidSetting naming `what`."""
    value = (value or "").strip()
    if not NAME_PATTERN.fullmatch(value):
        raise InvalidSetting(
            field,
            f"The {what} must be 3 to 255 letters, digits, “_”, “-” or “.”, not “{value}”.",
        )
    return value
