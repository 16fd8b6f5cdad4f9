"""Django's SQLite backend, made to refuse a database file that is not there.

SQLite creates a missing file on connect. Served that way, a moved or deleted database became
a new empty file, and every page a 500 ("no such table") until someone noticed. Here a
connection opens the file read-write only (SQLite's `mode=rw`), so a missing file is an error
the site answers with its 503 page; `manage.py migrate` is what creates the file.

With CONN_HEALTH_CHECKS (settings.py), a kept connection is checked at the start of each
request: it is dropped when its file has gone or been replaced, so the site sees the file that
is there now (a connection to a deleted file would go on reading the deleted copy).
"""

import os
import urllib.parse

from django.db.backends.sqlite3 import base


class DatabaseWrapper(base.DatabaseWrapper):
    # The migrate command sets this: the only command that may create the file.
    create_if_missing = False

    @property
    def database_file(self):
        """The file's path, or None for an in-memory database or a name given as a URI."""
        name = str(self.settings_dict["NAME"])
        if self.is_in_memory_db() or name.startswith("file:"):
            return None
        return os.path.abspath(name)

    def get_connection_params(self):
        params = super().get_connection_params()
        path = self.database_file
        if path is not None:
            mode = "rwc" if self.create_if_missing else "rw"
            params["database"] = f"file:{urllib.parse.quote(path)}?mode={mode}"
        return params

    def get_new_connection(self, conn_params):
        path = self.database_file
        if self.create_if_missing and path is not None and not os.path.exists(path):
            # Only the site's own processes should read it: editors' accounts are in it.
            previous = os.umask(0o077)
            try:
                connection = super().get_new_connection(conn_params)
            finally:
                os.umask(previous)
        else:
            try:
                connection = super().get_new_connection(conn_params)
            except base.Database.OperationalError:
                if path is not None and not os.path.exists(path):
                    raise base.Database.OperationalError(
                        # /healthz shows the part before the first colon: not the path.
                        f"The database file does not exist: {path} (`manage.py migrate` "
                        "creates it; the site never does)"
                    ) from None
                raise
        self.opened_file = self.file_identity()
        return connection

    def file_identity(self):
        path = self.database_file
        if path is None:
            return None
        try:
            status = os.stat(path)
        except OSError:
            return None
        return (status.st_dev, status.st_ino)

    def is_usable(self):
        """Still the same file at the same path (in-memory databases always are)."""
        if self.database_file is None:
            return True
        identity = self.file_identity()
        return identity is not None and identity == getattr(self, "opened_file", None)
