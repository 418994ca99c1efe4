#!/usr/bin/env python
"""Django's command-line utility for administrative tasks."""

import os
import sys


def main():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "contactsite.settings")
    from django.conf import settings
    from django.core.exceptions import ImproperlyConfigured
    from django.core.management import execute_from_command_line

    try:
        # Read the settings (the environment and .env) before Django does, so that a
        # missing or wrong setting is one line naming it, not a 25-line traceback.
        settings.INSTALLED_APPS  # noqa: B018 - the read is the point
    except ImproperlyConfigured as error:
        sys.exit(f"Settings error: {error}")
    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
