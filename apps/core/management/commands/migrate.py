"""Django's migrate, and the one command allowed to create the SQLite database file.

The site's SQLite backend (config/sqlite) refuses a missing file, so that a moved database
shows as an outage rather than as a new, empty site. Creating the file is migrate's job.
"""

from django.core.management.commands import migrate
from django.db import connections


class Command(migrate.Command):
    def execute(self, *args, **options):
        # execute, not handle: the system checks it runs first already open the database.
        connection = connections[options.get("database") or "default"]
        if hasattr(connection, "create_if_missing"):
            connection.create_if_missing = True
        try:
            return super().execute(*args, **options)
        finally:
            if hasattr(connection, "create_if_missing"):
                connection.create_if_missing = False
