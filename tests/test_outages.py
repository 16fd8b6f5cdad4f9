"""What readers and load balancers get when something under the site fails, and how soon the
site is back: the database file gone, PostgreSQL stopped, Redis stopped, a worker killed.

Each test runs gunicorn (production settings, tests/sites.py) against real servers that it then
takes away (tests/services.py). Nothing is mocked.
"""

import http.client
import re
import stat
import subprocess
import sys
import threading
import time
import uuid

import pytest
import redis
from django.db import OperationalError

from config.views import server_error
from tests.services import PostgresServer, RedisServer
from tests.sites import ROOT, AppServer, Browser

PAGES = ["/", "/articles/exercise-and-metabolic-health/fundamentals/", "/explorer/"]
OUTAGE_PAGE = "Back in a moment"
RECOVERY_SECONDS = 5


def make_site(served_settings, folder, database_url, workers=2, **env):
    env = served_settings.env(database_url, **env)
    served_settings.manage(env, "migrate", "--noinput")
    served_settings.manage(env, "load_content")
    return AppServer(env, folder / "gunicorn.log", workers=workers).start()


def assert_outage(site):
    """Every page answers the 503 page at once, from every worker; /healthz says 503."""
    reader = Browser(site.url)
    for _ in range(3):  # more requests than workers: each worker answers at least once
        for page in PAGES:
            response = reader.get(page, timeout=10)
            assert response.status == 503, (page, response.status, site.log_tail())
            assert OUTAGE_PAGE in response.html
            assert response.headers["Retry-After"].isdigit()
            assert "no-store" in response.headers["Cache-Control"]
            assert response.seconds < 1, (page, response.seconds)
    health = reader.get("/healthz?format=json", timeout=10)
    assert health.status == 503
    assert '"Database(alias=\'default\')": "Unavailable' in health.html


def assert_serving(site):
    reader = Browser(site.url)
    for page in PAGES:
        assert reader.get(page).status == 200, (page, site.log_tail())
    assert reader.get("/healthz?format=json").status == 200


def seconds_until_serving(site, limit=30):
    """How long until every page (and /healthz) answers 200 again."""
    started = time.monotonic()
    reader = Browser(site.url)
    while True:
        statuses = [reader.get(page, timeout=10).status for page in [*PAGES, "/healthz"]]
        if set(statuses) == {200}:
            return time.monotonic() - started
        assert time.monotonic() - started < limit, f"still {statuses} after {limit} s"
        time.sleep(0.1)


def test_a_missing_database_file_is_an_outage_page_and_never_a_new_empty_file(
    served_settings, tmp_path
):
    database = tmp_path / "db.sqlite3"
    site = make_site(served_settings, tmp_path, f"sqlite:///{database}")
    try:
        assert_serving(site)
        moved = tmp_path / "moved-away.sqlite3"
        database.rename(moved)

        assert_outage(site)
        assert not database.exists(), "the site created a new database file"

        moved.rename(database)
        back_after = seconds_until_serving(site)
        assert back_after < RECOVERY_SECONDS, back_after
        print(f"\nserving again {back_after:.2f} s after the file came back")
    finally:
        site.stop()
    # 18 requests met the outage; each worker that answered one logged it (with its traceback)
    # once, not once per request.
    logged = re.findall(r"^Service Unavailable: (\S+)\nTraceback", site.log_tail(400), re.M)
    assert 1 <= len(logged) <= 2, logged


def test_a_site_started_without_its_database_file_answers_503_and_creates_nothing(
    served_settings, tmp_path
):
    database = tmp_path / "never-migrated.sqlite3"
    env = served_settings.env(f"sqlite:///{database}")
    site = AppServer(env, tmp_path / "gunicorn.log").start()  # the sign-in page needs no data
    try:
        assert_outage(site)
        assert not database.exists()
    finally:
        site.stop()


def test_postgresql_stopped_is_an_outage_page_and_started_is_the_site_again(
    served_settings, tmp_path
):
    postgres = PostgresServer().start()
    try:
        site = make_site(served_settings, tmp_path, postgres.create_database())
        try:
            assert_serving(site)
            postgres.stop()
            assert_outage(site)

            postgres.start()
            back_after = seconds_until_serving(site)
            assert back_after < RECOVERY_SECONDS, back_after
            print(f"\nserving again {back_after:.2f} s after PostgreSQL started")
        finally:
            site.stop()
    finally:
        postgres.remove()


def test_redis_stopped_slows_nothing_down_to_an_error_and_is_used_again_when_back(
    served_settings, tmp_path
):
    redis_server = RedisServer().start()
    try:
        site = make_site(
            served_settings,
            tmp_path,
            f"sqlite:///{tmp_path / 'db.sqlite3'}",
            REDIS_URL=redis_server.url,
            DJANGO_CACHE_PREFIX=f"outage-{uuid.uuid4().hex}",
        )
        client = redis.Redis.from_url(redis_server.url)
        try:
            assert_serving(site)
            assert client.dbsize() > 0  # the pages went into the shared cache
            redis_server.stop()

            reader = Browser(site.url)
            for _ in range(5):
                for page in PAGES:
                    assert reader.get(page, timeout=10).status == 200, site.log_tail()
            health = reader.get("/healthz?format=json")
            assert health.status == 503
            assert '"Cache(alias=\'default\')": "Unavailable' in health.html
            # One warning per worker for the whole outage, not one per request.
            warnings = site.log_tail(400).count("Redis cache unavailable")
            assert 1 <= warnings <= 2, warnings

            redis_server.start()
            back_after = seconds_until_serving(site)
            deadline = time.monotonic() + RECOVERY_SECONDS
            while client.dbsize() == 0:  # redis-server starts empty: pages are stored again
                reader.get(PAGES[0])
                assert time.monotonic() < deadline, "pages were not cached in Redis again"
                time.sleep(0.1)
            print(f"\n/healthz 200 again {back_after:.2f} s after Redis started")
        finally:
            site.stop()
    finally:
        redis_server.remove()


def test_a_worker_killed_mid_request_under_load_fails_no_other_request(served_settings, tmp_path):
    site = make_site(served_settings, tmp_path, f"sqlite:///{tmp_path / 'db.sqlite3'}", workers=3)
    outcomes, stop = [], threading.Event()

    def load(page):
        reader = Browser(site.url)
        while not stop.is_set():
            try:
                outcomes.append(reader.get(page, timeout=10).status)
            except (OSError, http.client.HTTPException) as error:  # the killed worker's request
                outcomes.append(type(error).__name__)

    threads = [threading.Thread(target=load, args=(PAGES[i % 3],)) for i in range(8)]
    try:
        for thread in threads:
            thread.start()
        time.sleep(2)
        victim = site.worker_pids()[0]
        site.kill_worker(victim)
        time.sleep(3)
    finally:
        stop.set()
        for thread in threads:
            thread.join(timeout=15)
        workers = site.worker_pids()
        site.stop()

    failed = [outcome for outcome in outcomes if outcome != 200]
    print(f"\n{len(outcomes)} requests under load, one worker killed: failed {failed}")
    assert len(outcomes) > 50
    assert len(failed) <= 1, failed  # at most the one request the killed worker was serving
    assert victim not in workers  # gunicorn replaced it
    assert len(workers) == 3


# The pieces, in this process ------------------------------------------------------------------


def test_the_outage_page_is_a_503_with_retry_after_and_one_heading(rf):
    request = rf.get("/")
    try:
        raise OperationalError("connection refused")
    except OperationalError:
        response = server_error(request)

    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert "no-store" in response["Cache-Control"]
    html = response.content.decode()
    assert html.count("<h1") == 1
    assert OUTAGE_PAGE in html
    assert "not medical advice" in html  # base.html's footer: the page is a normal page


def test_any_other_error_is_still_the_500_page(rf):
    try:
        raise ValueError("a bug")
    except ValueError:
        response = server_error(rf.get("/"))
    assert response.status_code == 500
    assert "Retry-After" not in response


@pytest.mark.django_db
def test_healthz_reports_the_database_and_the_cache_and_is_never_cached(client):
    response = client.get("/healthz", headers={"Accept": "application/json"})

    assert response.status_code == 200
    assert response.json() == {
        "Database(alias='default')": "OK",
        "Cache(alias='default')": "OK",
    }
    assert "no-cache" in response["Cache-Control"]
    page = client.get("/healthz").content.decode()
    assert "<h1>System status</h1>" in page
    assert "Everything the site needs is answering" in page


def test_only_migrate_creates_the_database_file_and_only_its_owner_can_read_it(
    served_settings, tmp_path
):
    database = tmp_path / "fresh.sqlite3"
    env = served_settings.env(f"sqlite:///{database}")
    command = [sys.executable, "manage.py", "load_content"]
    refused = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True)

    assert refused.returncode != 0
    assert f"The database file does not exist: {database}" in refused.stderr
    assert "`manage.py migrate` creates it" in refused.stderr
    assert not database.exists()

    served_settings.manage(env, "migrate", "--noinput")
    assert stat.S_IMODE(database.stat().st_mode) == 0o600
