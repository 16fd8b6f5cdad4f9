"""The shared cache (REDIS_URL) against a real redis-server: shared between processes, and
only ever slower, never broken, when Redis goes away. The page cache's own tests run against it
too (tests/test_page_cache.py)."""

import json
import logging
import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

from config import cache as shared_cache
from config.cache import ResilientRedisCache

ROOT = Path(__file__).resolve().parent.parent


def make_cache(redis_server, prefix=None):
    """A cache client as one app server process would build it from REDIS_URL."""
    return ResilientRedisCache(
        redis_server.url,
        {
            "KEY_PREFIX": prefix or f"test-{uuid.uuid4().hex}",
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        },
    )


def warnings_from_the_cache(caplog):
    return [record for record in caplog.records if record.name == "exercise_signals.cache"]


def test_what_one_process_stores_another_reads(redis_server):
    prefix = f"test-{uuid.uuid4().hex}"
    writer, reader = make_cache(redis_server, prefix), make_cache(redis_server, prefix)

    writer.set("page", b"<html>drawn once</html>", 60)

    assert reader.get("page") == b"<html>drawn once</html>"
    assert reader.get_many(["page", "other"]) == {"page": b"<html>drawn once</html>"}
    reader.delete("page")
    assert writer.get("page") is None


def test_while_redis_is_down_reads_miss_writes_are_dropped_and_one_warning_is_logged(
    redis_server, caplog, monkeypatch
):
    monkeypatch.setattr(shared_cache, "RETRY_SECONDS", 0.2)
    cache = make_cache(redis_server)
    cache.set("kept", "before", 60)
    caplog.set_level(logging.WARNING, logger="exercise_signals.cache")

    redis_server.stop()
    try:
        started = time.monotonic()
        for attempt in range(200):
            assert cache.get("kept", "missing") == "missing"
            assert cache.set("new", attempt, 60) is None
            assert cache.get_many(["kept", "new"]) == {}
            assert cache.add("added", 1) is False
        took = time.monotonic() - started
        assert not cache.available
        # 800 operations on a stopped server: refused or skipped, never waited on.
        assert took < 10, took
        [warning] = warnings_from_the_cache(caplog)
        assert "Redis cache unavailable" in warning.getMessage()
        assert warning.levelno == logging.WARNING
    finally:
        redis_server.start()

    # Back by itself: within a retry interval, the next operations reach Redis again.
    deadline = time.monotonic() + 5
    while cache.get("kept") != "before":  # redis-server keeps nothing across a restart...
        cache.set("kept", "before", 60)  # ...so the first write that gets through is kept
        assert time.monotonic() < deadline, "the cache did not use Redis again within 5 s"
        time.sleep(0.05)
    assert cache.available
    assert "answering again" in warnings_from_the_cache(caplog)[-1].getMessage()


def test_a_long_outage_warns_again_once_per_interval(redis_server, caplog, monkeypatch):
    monkeypatch.setattr(shared_cache, "RETRY_SECONDS", 0)
    monkeypatch.setattr(shared_cache, "WARNING_INTERVAL", 0.3)
    cache = make_cache(redis_server)
    caplog.set_level(logging.WARNING, logger="exercise_signals.cache")

    redis_server.stop()
    try:
        started = time.monotonic()
        while time.monotonic() - started < 1.0:
            cache.get("anything")
            time.sleep(0.01)
    finally:
        redis_server.start()

    warned = len(warnings_from_the_cache(caplog))
    assert 2 <= warned <= 5, warned  # about one per 0.3 s over 1 s, not one per call (~90)


def settings_under(env):
    """CACHES and DATABASES as the real settings build them from this environment."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    clean.pop("REDIS_URL", None)
    clean.pop("DATABASE_URL", None)
    script = (
        "import json, config.settings as s; "
        "print(json.dumps({'CACHES': s.CACHES, 'DATABASES': s.DATABASES}, default=str))"
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env=clean | {"DJANGO_DEBUG": "true"} | env,
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(result.stdout)


def test_redis_url_switches_the_shared_cache_on():
    shared = settings_under({"REDIS_URL": "redis://127.0.0.1:6399/2"})["CACHES"]["default"]
    assert shared["BACKEND"] == "config.cache.ResilientRedisCache"
    assert shared["LOCATION"] == "redis://127.0.0.1:6399/2"
    assert shared["OPTIONS"]["socket_connect_timeout"] <= 0.5

    unset = settings_under({})["CACHES"]["default"]
    assert unset["BACKEND"] == "django.core.cache.backends.locmem.LocMemCache"


def test_database_url_picks_the_engine_and_connections_are_checked_before_reuse():
    default = settings_under({})["DATABASES"]["default"]
    assert default["ENGINE"] == "config.sqlite"  # the SQLite that never creates its file
    assert default["NAME"].endswith("db.sqlite3")

    postgres = settings_under({"DATABASE_URL": "postgres://site:secret@db.internal:5432/signals"})
    postgres = postgres["DATABASES"]["default"]
    assert postgres["ENGINE"] == "django.db.backends.postgresql"
    assert (postgres["HOST"], postgres["PORT"], postgres["NAME"]) == (
        "db.internal",
        5432,
        "signals",
    )
    assert postgres["OPTIONS"]["connect_timeout"] == 2
    for database in (default, postgres):
        assert database["CONN_HEALTH_CHECKS"] is True
        assert database["CONN_MAX_AGE"] == 600
