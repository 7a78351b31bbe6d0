#!/usr/bin/env python
"""Django's command-line utility for administrative tasks."""

import os
import sys


def main():
    if "DJANGO_SETTINGS_MODULE" not in os.environ:
        # On a checkout, manage.py is a development tool: with no settings module and no
        # secret key it runs in development mode (as ./dev does) instead of refusing to
        # start. Served processes (wsgi, asgi, the Celery worker) and
        # crm.production_settings still refuse to start without a key.
        if not os.environ.get("DJANGO_SECRET_KEY"):
            os.environ.setdefault("DJANGO_DEBUG", "1")
        os.environ["DJANGO_SETTINGS_MODULE"] = "crm.settings"
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
