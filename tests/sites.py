"""The site as production runs it, for tests that talk to it over HTTP: gunicorn processes with
DEBUG off, started from the real settings, and browsers with cookie jars of their own.

Only 127.0.0.1 is contacted, every request and command is bounded in time, and nothing is
mocked: the servers under test are separate processes, so they cannot see pytest-django's test
database (these tests do not use the `db` fixture).
"""

import http.cookiejar
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from tests.services import free_port
from tests.test_editors import GOOD_PASSWORD, FormReader, inline_index

ROOT = Path(__file__).resolve().parent.parent
LOGIN = "/admin/login/"
REQUEST_TIMEOUT = 90  # longer than the SQLite busy timeout (60 s), so a wait is never cut short
COMMAND_TIMEOUT = 120
SECRET_KEY = "served-tests-only-secret-key-not-for-any-deployment"


def stop(process, grace=15):
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=grace)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=grace)


@dataclass
class Settings:
    """The real settings with the static files in a temporary folder: DEBUG off needs
    collectstatic's manifest, and this keeps it out of the checkout others work in (and out of
    another test run's way). Built once, shared by every server and command run with `env()`."""

    folder: Path

    @classmethod
    def build(cls, folder):
        settings = cls(folder)
        settings.manage({}, "collectstatic", "--noinput", "--verbosity", "0")
        return settings

    def env(self, database_url, **extra):
        """Production settings (DEBUG off) for a server or command, whatever pytest set."""
        env = {
            name: value
            for name, value in os.environ.items()
            if not name.startswith("DJANGO_") and name not in {"DATABASE_URL", "REDIS_URL"}
        }
        return env | {
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "DJANGO_STATIC_ROOT": str(self.folder / "static"),
            "DJANGO_SECRET_KEY": SECRET_KEY,
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
            "DATABASE_URL": database_url,
            **extra,
        }

    def manage(self, env, *args, **extra_env):
        """Run a manage.py command to the end and return its output; fail the test if it fails."""
        env = env or self.env("sqlite:///:memory:")
        result = subprocess.run(
            [sys.executable, "manage.py", *map(str, args)],
            cwd=ROOT,
            env=env | extra_env,
            capture_output=True,
            text=True,
            timeout=COMMAND_TIMEOUT,
            check=False,
        )
        assert result.returncode == 0, (
            f"manage.py {' '.join(map(str, args))} failed:\n{result.stdout}\n{result.stderr}"
        )
        return result.stdout


class AppServer:
    """gunicorn with config/gunicorn.py, as `make run` and the README's deployment start it."""

    def __init__(self, env, log_path, workers=2, timeout=None):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.env = env | {
            "EXERCISE_SIGNALS_BIND": f"127.0.0.1:{self.port}",
            "WEB_CONCURRENCY": str(workers),
        }
        self.log_path = log_path
        self.timeout = timeout  # seconds before gunicorn restarts a busy worker (its default: 30)
        self.process = None

    def start(self):
        """Start gunicorn; return once it answers the sign-in page."""
        command = [sys.executable, "-m", "gunicorn", "--config", "config/gunicorn.py"]
        command += ["--no-control-socket"]  # its default lives in ~/.gunicorn, shared by runs
        command += ["--timeout", str(self.timeout)] if self.timeout else []
        command.append("config.wsgi")
        with open(self.log_path, "ab") as log:
            self.process = subprocess.Popen(
                command, cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT
            )
        self.wait_until_answering()
        return self

    def wait_until_answering(self, seconds=60):
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            assert self.process.poll() is None, f"gunicorn exited:\n{self.log_tail()}"
            try:
                if Browser(self.url).get(LOGIN).status == 200:
                    return
            except OSError:
                pass  # not listening yet
            time.sleep(0.2)
        raise AssertionError(f"gunicorn did not answer within {seconds} s:\n{self.log_tail()}")

    def worker_pids(self):
        """The worker processes gunicorn's master has now."""
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        return [int(pid) for pid in children.read_text().split()]

    def kill_worker(self, pid):
        os.kill(pid, signal.SIGKILL)

    def stop(self):
        if self.process is not None:
            stop(self.process)

    def log_tail(self, lines=60):
        """The end of gunicorn's output, where Django logs a 500's traceback."""
        text = self.log_path.read_text(encoding="utf-8", errors="replace")
        return "\n".join(text.splitlines()[-lines:])


# Browsers ------------------------------------------------------------------------------------


@dataclass
class Response:
    status: int
    html: str
    seconds: float
    headers: dict


class KeepRedirects(urllib.request.HTTPRedirectHandler):
    """A save answers with a 302; the test wants to see it, not the page it points to."""

    def redirect_request(self, *args, **kwargs):
        return None


class Browser:
    """One person's browser: its own cookie jar, talking to 127.0.0.1 only (no proxies)."""

    def __init__(self, url, cookies=None):
        self.url = url
        self.cookies = cookies if cookies is not None else http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.ProxyHandler({}),
            urllib.request.HTTPCookieProcessor(self.cookies),
            KeepRedirects(),
        )

    def at(self, url):
        """The same browser (the same cookies) pointed at another server."""
        return Browser(url, self.cookies)

    def request(self, path, data=None, timeout=REQUEST_TIMEOUT):
        body = urllib.parse.urlencode(data, doseq=True).encode() if data is not None else None
        started = time.monotonic()
        try:
            with self.opener.open(self.url + path, body, timeout=timeout) as answer:
                status, raw, headers = answer.status, answer.read(), answer.headers
        except urllib.error.HTTPError as error:  # 3xx, 4xx and 5xx arrive as errors
            status, raw, headers = error.code, error.read(), error.headers
        seconds = time.monotonic() - started
        return Response(status, raw.decode(errors="replace"), seconds, dict(headers.items()))

    def get(self, path, timeout=REQUEST_TIMEOUT):
        return self.request(path, timeout=timeout)

    def post(self, path, data):
        return self.request(path, data)


def form_fields(response, form_id):
    """What a browser would post back from the form with this id (lists for repeated names)."""
    assert response.status == 200, response.status
    reader = FormReader(form_id)
    reader.feed(response.html)
    data = {}
    for name, value in reader.fields:
        if "__prefix__" not in name:  # the hidden template row for "add another"
            data.setdefault(name, []).append(value)
    assert data, f"no form with id {form_id!r}"
    return {name: values[0] if len(values) == 1 else values for name, values in data.items()}


def open_and_edit(browser, url, tier, text):
    """Open an article's change form and write `text` into one tier; returns what to post."""
    data = form_fields(browser.get(url), "article_form")
    index = inline_index(data, "tiers", "tier", tier)
    data[f"tiers-{index}-body_markdown"] = text
    data["change_summary"] = "Rewrote one tier."  # a published page's change needs one
    return data


def sign_in_form(browser, username):
    data = form_fields(browser.get(LOGIN), "login-form")
    return data | {"username": username, "password": GOOD_PASSWORD}


def sign_in(browser, username):
    response = browser.post(LOGIN, sign_in_form(browser, username))
    assert response.status == 302, f"{username} could not sign in: {response.status}"
    return browser
