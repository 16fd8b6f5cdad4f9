"""Editors and content loads at the same moment, against the real server.

Every test here talks to gunicorn (several worker processes) and runs manage.py commands as
separate processes, all sharing one SQLite file, as production does. Nothing is mocked, and
pytest-django's test database is not used (no `db` fixture): the processes under test could not
see it. Each request and command is bounded in time, and only 127.0.0.1 is contacted.
"""

import fcntl
import os
import shutil
import sqlite3
import subprocess
import sys
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass
from functools import partial
from pathlib import Path

import pytest

from tests.sites import LOGIN, AppServer, Browser, open_and_edit, sign_in, sign_in_form, stop
from tests.test_editors import GOOD_PASSWORD

ROOT = Path(__file__).resolve().parent.parent
CONFLICT = "Someone else saved this article while you were editing it"
EDITORS = ("alice", "bruno")
# One article for the simultaneous saves, another for the save during a load.
RACED_ARTICLE = "exercise-and-metabolic-health"
RACED_TIERS = {"alice": "fundamentals", "bruno": "academic"}  # who edits which tier
QUIET_ARTICLE = "long-term-hormonal-adaptations"
REQUEST_TIMEOUT = 90  # longer than the SQLite busy timeout (60 s), so a wait is never cut short
COMMAND_TIMEOUT = 120


# The site: a database, a copy of content/ and gunicorn, in a temporary folder ----------------


@dataclass
class Site:
    url: str
    folder: Path
    database: Path
    content_dir: Path
    env: dict
    server: AppServer

    @property
    def content_lock(self):
        return Path(f"{self.database}.content-lock")

    def start(self, *args, **extra_env):
        """A manage.py command running in its own process."""
        return subprocess.Popen(
            [sys.executable, "manage.py", *map(str, args)],
            cwd=ROOT,
            env=self.env | extra_env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )

    def run(self, *args, **extra_env):
        """Run a manage.py command to the end; returns (exit code, stdout, stderr)."""
        command = self.start(*args, **extra_env)
        try:
            out, err = command.communicate(timeout=COMMAND_TIMEOUT)
        finally:
            stop(command)
        return command.returncode, out, err

    def run_ok(self, *args, **extra_env):
        code, out, err = self.run(*args, **extra_env)
        assert code == 0, f"manage.py {' '.join(map(str, args))} failed:\n{out}\n{err}"
        return out

    def query(self, sql, *params):
        """Rows read straight from the file, read-only, as the server sees them."""
        with sqlite3.connect(f"file:{self.database}?mode=ro", uri=True, timeout=30) as db:
            return db.execute(sql, params).fetchall()

    def tiers(self, slug):
        return dict(
            self.query(
                "SELECT tier.tier, tier.body_markdown FROM articles_articletier tier "
                "JOIN articles_article article ON article.id = tier.article_id "
                "WHERE article.slug = ?",
                slug,
            )
        )

    def change_url(self, slug):
        [(pk,)] = self.query("SELECT id FROM articles_article WHERE slug = ?", slug)
        return f"/admin/articles/article/{pk}/change/"

    def server_errors(self):
        return self.server.log_tail()


def subprocess_env(folder, database):
    """Production settings (DEBUG off) for the server and commands, whatever pytest set."""
    env = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith("DJANGO_") and name != "DATABASE_URL"
    }
    return env | {
        # The real settings with the static files in the temporary folder: DEBUG off needs
        # collectstatic's manifest, and this keeps it out of the checkout others work in.
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DJANGO_STATIC_ROOT": str(folder / "static"),
        "DJANGO_SECRET_KEY": "concurrency-tests-only-secret-key-not-for-deployment",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DATABASE_URL": f"sqlite:///{database}",
    }


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    folder = tmp_path_factory.mktemp("concurrency")
    database = folder / "db.sqlite3"
    content_dir = folder / "content"
    shutil.copytree(ROOT / "content", content_dir)  # the tests change it, never the real one
    env = subprocess_env(folder, database)
    # Several processes: real concurrency. A request may wait out SQLite's busy timeout.
    server = AppServer(env, folder / "gunicorn.log", workers=3, timeout=REQUEST_TIMEOUT + 30)
    site = Site(server.url, folder, database, content_dir, env, server)
    # collectstatic does not touch the database: let it run beside the rest of the setup.
    collectstatic = site.start("collectstatic", "--noinput", "--verbosity", "0")
    try:
        site.run_ok("migrate", "--noinput")
        site.run_ok("load_content", "--content-dir", content_dir)
        for name in EDITORS:
            site.run_ok("create_editor", name, "--no-input", DJANGO_EDITOR_PASSWORD=GOOD_PASSWORD)
        out, err = collectstatic.communicate(timeout=COMMAND_TIMEOUT)
        assert collectstatic.returncode == 0, f"collectstatic failed:\n{out}\n{err}"
    finally:
        stop(collectstatic)

    server.start()
    try:
        yield site
    finally:
        server.stop()


# Editors' browsers ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def editors(site):
    """alice and bruno, each signed in in a browser of their own."""
    return {name: sign_in(Browser(site.url), name) for name in EDITORS}


def at_the_same_moment(*actions):
    """Run each action in its own thread, all released together; returns their results."""
    barrier = threading.Barrier(len(actions))
    results, errors = [None] * len(actions), []

    def run(index, action):
        try:
            barrier.wait(timeout=30)
            results[index] = action()
        except Exception as error:  # re-raised below, in the test's own thread
            errors.append(error)

    threads = [threading.Thread(target=run, args=pair) for pair in enumerate(actions)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=REQUEST_TIMEOUT + 30)
    assert not any(thread.is_alive() for thread in threads), "a request never came back"
    if errors:
        raise errors[0]
    return results


def assert_no_server_error(site, *responses):
    for response in responses:
        assert response.status != 500, f"500 from the server; its log ends:\n{site.server_errors()}"


# Content loads -------------------------------------------------------------------------------


def flock_holders(path):
    """Process ids holding a flock on `path`, from /proc/locks (None without /proc/locks).

    Reading the lock table does not take the lock: a probe with flock(LOCK_NB) holds it for an
    instant, and a load that tried at that instant would be refused because of the test.
    """
    try:
        table = Path("/proc/locks").read_text()
    except OSError:
        return None
    inode = os.stat(path).st_ino
    return {
        int(fields[4])
        for fields in map(str.split, table.splitlines())
        if fields[1:2] == ["FLOCK"] and fields[5].rsplit(":", 1)[-1] == str(inode)
    }


def lock_is_taken(path):
    if not path.exists():
        return False
    holders = flock_holders(path)
    if holders is not None:
        return bool(holders)
    with open(path, "a+") as lock_file:  # no /proc: probe, and let go at once
        try:
            fcntl.flock(lock_file, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return True
        fcntl.flock(lock_file, fcntl.LOCK_UN)
        return False


def wait_until_seen(command, seen, doing, seconds=30, hint=""):
    """Return once `seen()` is true while `command` (a load) runs; fail if it ends first."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if seen():
            return
        if command.poll() is not None:
            out, err = command.communicate()
            raise AssertionError(f"the load ended before it was seen {doing}:\n{out}{err}")
        time.sleep(0.02)
    raise AssertionError(f"the load was not seen {doing} within {seconds} s {hint}".strip())


def wait_until_holding_lock(site, command, seconds=30, hint=""):
    wait_until_seen(
        command,
        lambda: lock_is_taken(site.content_lock),
        f"holding {site.content_lock}",
        seconds,
        hint,
    )


def database_is_being_written(database):
    """Whether another connection holds SQLite's write lock (a probe that finds it free holds
    it for an instant, which a writer starting then simply waits out)."""
    probe = sqlite3.connect(database, isolation_level=None, timeout=0)
    try:
        probe.execute("BEGIN IMMEDIATE")
    except sqlite3.OperationalError as error:
        if "locked" not in str(error):
            raise
        return True
    finally:
        probe.close()  # rolls back the probe's own transaction, if it got one
    return False


def wait_until_writing(site, command, seconds=30):
    """Return once `command` (a load) is inside its write transaction.

    The load takes the content lock first, then checks the database, then writes: a save sent
    before the write starts is simply saved first, and the load then refuses to overwrite it.
    """
    wait_until_seen(command, lambda: database_is_being_written(site.database), "writing", seconds)


def change_every_node(content_dir, sentence):
    """Give a load several seconds of real work: every tier of every node gains a sentence."""
    marker = "<!-- tier: "
    for path in sorted((content_dir / "explorer" / "nodes").glob("*.md")):
        head, *tiers = path.read_text(encoding="utf-8").split(marker)
        tiers = [tier.rstrip("\n") + f" {sentence}\n" for tier in tiers]
        path.write_text(head + marker + f"\n{marker}".join(tiers), encoding="utf-8")


def finish(commands, seconds=COMMAND_TIMEOUT):
    """Wait for every command to end; returns when each did (time.monotonic())."""
    ended = {}
    deadline = time.monotonic() + seconds
    while len(ended) < len(commands) and time.monotonic() < deadline:
        for name, command in commands.items():
            if name not in ended and command.poll() is not None:
                ended[name] = time.monotonic()
        time.sleep(0.05)
    assert len(ended) == len(commands), (
        f"still running after {seconds} s: {set(commands) - set(ended)}"
    )
    return ended


def sync_content(site):
    """Export, so a load finds no admin edit it would overwrite (earlier tests saved some)."""
    site.run_ok("export_content", "--content-dir", site.content_dir)


@contextmanager
def holding_write_lock(database):
    """Hold SQLite's write lock until the block ends (closing the connection rolls back)."""
    writer = sqlite3.connect(database, isolation_level=None, timeout=30)
    try:
        writer.execute("BEGIN IMMEDIATE")
        yield
    finally:
        writer.close()


def files_in(folder):
    return {path: path.read_bytes() for path in sorted(folder.rglob("*")) if path.is_file()}


# 1. Two editors save the same page at the same moment ----------------------------------------


def test_two_simultaneous_saves_give_one_success_and_one_conflict(site, editors):
    url = site.change_url(RACED_ARTICLE)
    winners = []
    for round_number in range(6):
        # Each loads the current page and edits a different tier, as two people would.
        texts = {name: f"{name} wrote this in round {round_number}." for name in RACED_TIERS}
        forms = {
            name: open_and_edit(editors[name], url, tier, texts[name])
            for name, tier in RACED_TIERS.items()
        }
        saves = [partial(editors[name].post, url, forms[name]) for name in RACED_TIERS]
        answers = dict(zip(RACED_TIERS, at_the_same_moment(*saves), strict=True))

        assert_no_server_error(site, *answers.values())
        statuses = sorted(answer.status for answer in answers.values())
        assert statuses == [200, 302], f"round {round_number}: {statuses}"
        [winner] = [name for name, answer in answers.items() if answer.status == 302]
        [loser] = [name for name in answers if name != winner]
        assert CONFLICT in answers[loser].html, f"round {round_number}: no conflict message"
        tiers = site.tiers(RACED_ARTICLE)
        assert tiers[RACED_TIERS[winner]].strip() == texts[winner]
        assert texts[loser] not in tiers[RACED_TIERS[loser]]
        winners.append(winner)
    print(f"\nwinners of the simultaneous saves, round by round: {winners}")


# 2. An editor saves (and another signs in) while load_content runs ----------------------------


def test_a_save_and_a_sign_in_during_a_load_wait_for_it(site, editors):
    sync_content(site)
    # Alice opens a page the load will not change, before the load starts.
    url = site.change_url(QUIET_ARTICLE)
    alice = editors["alice"]
    data = open_and_edit(alice, url, "intermediate", "Alice saved this while a load ran.")
    newcomer = Browser(site.url)  # bruno, signing in from a second browser
    credentials = sign_in_form(newcomer, "bruno")
    change_every_node(site.content_dir, "Added while an editor was saving.")

    load = site.start("load_content", "--content-dir", site.content_dir)
    try:
        wait_until_holding_lock(site, load)
        wait_until_writing(site, load)
        sent = time.monotonic()
        save, sign_in = at_the_same_moment(
            lambda: alice.post(url, data), lambda: newcomer.post(LOGIN, credentials)
        )
        out, err = load.communicate(timeout=COMMAND_TIMEOUT)
        load_left = time.monotonic() - sent
    finally:
        stop(load)

    print(
        f"\nduring the load: save answered after {save.seconds:.2f} s, sign-in after "
        f"{sign_in.seconds:.2f} s; the load ended {load_left:.2f} s after they were sent"
    )
    assert_no_server_error(site, save, sign_in)
    assert load.returncode == 0, f"the load failed:\n{out}\n{err}"
    node_texts = 3 * len(list((site.content_dir / "explorer" / "nodes").glob("*.md")))
    assert f"Node texts: 0 created, {node_texts} updated" in out  # it did its work meanwhile
    # A 200 with the conflict message would also be correct had the load changed this page;
    # it does not, so the save must go through once the load commits.
    assert save.status == 302, f"the save answered {save.status}"
    assert site.tiers(QUIET_ARTICLE)["intermediate"].strip() == "Alice saved this while a load ran."
    assert sign_in.status == 302, f"bruno's sign-in answered {sign_in.status}"
    assert newcomer.get("/admin/").status == 200


# 3. A second load, or an export, while a load runs -------------------------------------------


def test_a_second_load_or_an_export_during_a_load_is_refused_in_one_line(site):
    sync_content(site)
    before = files_in(site.content_dir)
    first, others = None, {}
    try:
        # The test holds the database's write lock, as a long save would. The first load takes
        # the content lock, then waits for the database, so it still holds the content lock,
        # however slow this machine is, when the other two start.
        with holding_write_lock(site.database):
            first = site.start("load_content", "--content-dir", site.content_dir)
            wait_until_holding_lock(
                site,
                first,
                seconds=15,
                hint="while another writer held the database: a load must take the content lock "
                "before it waits for the database, or a second load started meanwhile waits "
                "instead of being refused",
            )
            sent = time.monotonic()
            others = {
                "second load": site.start("load_content", "--content-dir", site.content_dir),
                "export": site.start("export_content", "--content-dir", site.content_dir),
            }
            ended = {name: when - sent for name, when in finish(others).items()}
            first_still_waiting = first.poll() is None
        out, err = first.communicate(timeout=COMMAND_TIMEOUT)
        results = {name: command.communicate() for name, command in others.items()}
    finally:
        for command in (first, *others.values()):
            if command is not None:
                stop(command)

    print("\nrefused after: " + ", ".join(f"{name} {took:.2f} s" for name, took in ended.items()))
    refusals = {
        "second load": "CommandError: Another load or export of this database is running",
        "export": "CommandError: A load or another export of this database is running",
    }
    for name, refusal in refusals.items():
        command_out, command_err = results[name]
        assert others[name].returncode != 0, (
            f"the {name}, started while a load held the content lock, exited 0 "
            f"{ended[name]:.1f} s later.\nstdout ends: {command_out[-300:]}\nstderr: {command_err}"
        )
        lines = command_err.strip().splitlines()
        assert len(lines) == 1, f"the {name} did not answer in one line:\n{command_err}"
        assert lines[0].startswith(refusal), lines[0]
        assert "Traceback" not in command_err
        assert command_out == ""
    assert "Wait for it to finish, then run load_content again." in results["second load"][1]
    assert files_in(site.content_dir) == before  # the refused export wrote nothing
    assert first_still_waiting, "the first load ended while the database was held"
    assert first.returncode == 0, f"the first load failed:\n{out}\n{err}"
