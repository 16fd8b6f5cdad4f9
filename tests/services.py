"""Real PostgreSQL and Redis servers for the tests, from Debian's packages, on free local ports.

Each server lives in a temporary folder of its own and is stopped (and the folder removed) when
the test session ends; nothing is mocked. `make test` installs the packages.

As a command, it runs another command against a throwaway PostgreSQL server, with DATABASE_URL
pointing at it (how `make test-postgres` runs the whole suite):

    python -m tests.services postgres -- python -m pytest
"""

import atexit
import contextlib
import os
import pwd
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

START_SECONDS = 30


class MissingServer(RuntimeError):
    pass


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def port_is_open(port):
    with socket.socket() as probe:
        probe.settimeout(0.2)
        return probe.connect_ex(("127.0.0.1", port)) == 0


def postgres_bin_dir():
    """The newest of Debian's PostgreSQL versions (/usr/lib/postgresql/<n>/bin), else the PATH."""
    versions = sorted(
        Path("/usr/lib/postgresql").glob("*/bin/postgres"),
        key=lambda path: int(path.parent.parent.name) if path.parent.parent.name.isdigit() else 0,
    )
    if versions:
        return versions[-1].parent
    found = shutil.which("postgres")
    if found:
        return Path(found).resolve().parent
    raise MissingServer(
        "PostgreSQL is not installed. `make test` installs it (Debian's postgresql), or run: "
        "apt-get install -y postgresql"
    )


class Server:
    """A server process in its own folder; `stop()` and `start()` again keep port and data."""

    name = "server"

    def __init__(self):
        self.port = free_port()
        self.folder = Path(tempfile.mkdtemp(prefix=f"exercise-signals-{self.name}-"))
        self.log_path = self.folder / "server.log"
        self.process = None
        atexit.register(self.remove)

    def command(self):
        raise NotImplementedError

    def run_as(self):
        """Extra keyword arguments for subprocess: who the server runs as."""
        return {}

    def start(self):
        with open(self.log_path, "ab") as log:
            self.process = subprocess.Popen(
                self.command(),
                stdout=log,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                start_new_session=True,  # Ctrl-C in the terminal reaches pytest, not the server
                **self.run_as(),
            )
        deadline = time.monotonic() + START_SECONDS
        while not self.ready():
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"{self.name} did not start. Its log ends:\n{self.log_tail()}")
            time.sleep(0.05)
        return self

    def ready(self):
        return port_is_open(self.port)

    def stop(self):
        """Stop the server; returns once its port is closed."""
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(self.stop_signal)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=30)
        self.process = None

    stop_signal = signal.SIGTERM

    @property
    def running(self):
        return self.process is not None and self.process.poll() is None

    def log_tail(self, lines=30):
        try:
            text = self.log_path.read_text(errors="replace")
        except OSError:
            return ""
        return "\n".join(text.splitlines()[-lines:])

    def remove(self):
        self.stop()
        shutil.rmtree(self.folder, ignore_errors=True)


class PostgresServer(Server):
    """A throwaway cluster: trust authentication on 127.0.0.1 only, durability off (it is
    thrown away), and ICU collation, so text sorts as on a real server, not byte by byte."""

    name = "postgres"
    stop_signal = signal.SIGINT  # PostgreSQL's "fast" shutdown: roll back, close, exit
    database = "exercise_signals"

    def __init__(self):
        self.bin_dir = postgres_bin_dir()
        super().__init__()
        self.data_dir = self.folder / "data"
        self.data_dir.mkdir()
        if os.geteuid() == 0:  # PostgreSQL refuses to run as root: the package's own user
            owner = pwd.getpwnam("postgres")
            for path in (self.folder, self.data_dir):
                os.chown(path, owner.pw_uid, owner.pw_gid)
        subprocess.run(
            [
                self.bin_dir / "initdb",
                *("-D", self.data_dir, "-U", "postgres", "--auth=trust", "--no-sync"),
                *("--encoding=UTF8", "--locale=C.UTF-8"),
                *("--locale-provider=icu", "--icu-locale=en"),
            ],
            check=True,
            capture_output=True,
            **self.run_as(),
        )

    def run_as(self):
        if os.geteuid() != 0:
            return {}
        return {"user": "postgres", "group": "postgres", "extra_groups": []}

    def command(self):
        settings = {
            "listen_addresses": "127.0.0.1",
            "port": self.port,
            "unix_socket_directories": self.folder,
            "fsync": "off",
            "synchronous_commit": "off",
            "full_page_writes": "off",
            "max_connections": 200,
        }
        return [self.bin_dir / "postgres", "-D", self.data_dir] + [
            argument for name, value in settings.items() for argument in ("-c", f"{name}={value}")
        ]

    def ready(self):
        answer = subprocess.run(
            [self.bin_dir / "pg_isready", "-q", "-h", "127.0.0.1", "-p", str(self.port)],
            check=False,
        )
        return answer.returncode == 0

    def url(self, database=None):
        return f"postgres://postgres@127.0.0.1:{self.port}/{database or self.database}"

    def create_database(self, database=None):
        """An empty database (the default one unless named); returns its URL."""
        database = database or self.database
        subprocess.run(
            [
                self.bin_dir / "createdb",
                *("-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", database),
            ],
            check=True,
            capture_output=True,
        )
        return self.url(database)


class RedisServer(Server):
    """redis-server with nothing saved to disk, on 127.0.0.1 only."""

    name = "redis"

    def command(self):
        binary = shutil.which("redis-server")
        if binary is None:
            raise MissingServer(
                "redis-server is not installed. `make test` installs it (Debian's "
                "redis-server), or run: apt-get install -y redis-server"
            )
        return [
            binary,
            *("--port", str(self.port), "--bind", "127.0.0.1", "--dir", str(self.folder)),
            *("--save", "", "--appendonly", "no"),
        ]

    @property
    def url(self):
        return f"redis://127.0.0.1:{self.port}/0"


@contextlib.contextmanager
def running(server_class):
    server = server_class().start()
    try:
        yield server
    finally:
        server.remove()


def main(argv):
    """`python -m tests.services postgres -- COMMAND...`: COMMAND with DATABASE_URL set."""
    if len(argv) < 3 or argv[0] != "postgres" or argv[1] != "--":
        print(__doc__, file=sys.stderr)
        return 2
    with running(PostgresServer) as server:
        url = server.create_database()
        print(f"PostgreSQL {server.bin_dir.parent.name} on port {server.port}", flush=True)
        # The tests build their own database next to this one; DATABASE_URL names the server.
        return subprocess.run(
            argv[2:], env=os.environ | {"DATABASE_URL": url}, check=False
        ).returncode


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
