"""Two app servers in front of one PostgreSQL and one Redis, as a site with more readers runs.

Both are gunicorn with the production settings, started the way the README's deployment section
says, sharing nothing but the database, Redis and the secret key. What an editor does on one is
what readers get from the other on their next request.
"""

import re
import subprocess
import sys
import uuid

import psycopg
import pytest

from tests.sites import ROOT, AppServer, Browser, form_fields, open_and_edit, sign_in
from tests.test_editors import GOOD_PASSWORD

ARTICLE = "long-term-hormonal-adaptations"
ARTICLE_PAGE = f"/articles/{ARTICLE}/intermediate/"


class Deployment:
    def __init__(self, database_url, servers):
        self.database_url = database_url
        self.a, self.b = servers

    def article_id(self):
        with psycopg.connect(self.database_url) as connection:
            row = connection.execute(
                "SELECT id FROM articles_article WHERE slug = %s", [ARTICLE]
            ).fetchone()
        return row[0]

    def change_url(self):
        return f"/admin/articles/article/{self.article_id()}/change/"


@pytest.fixture(scope="module")
def deployment(postgres_server, redis_server, served_settings, tmp_path_factory):
    folder = tmp_path_factory.mktemp("instances")
    database_url = postgres_server.create_database(f"instances_{uuid.uuid4().hex[:8]}")
    env = served_settings.env(
        database_url,
        REDIS_URL=redis_server.url,
        DJANGO_CACHE_PREFIX=f"instances-{uuid.uuid4().hex}",
    )
    # One command per job, run once for the whole site (README, "Deployment").
    served_settings.manage(env, "migrate", "--noinput")
    served_settings.manage(env, "load_content")
    served_settings.manage(env, "create_editor", "alice", "--no-input", **{
        "DJANGO_EDITOR_PASSWORD": GOOD_PASSWORD
    })  # fmt: skip
    servers = [AppServer(env, folder / f"{name}.log").start() for name in ("a", "b")]
    try:
        yield Deployment(database_url, servers)
    finally:
        for server in servers:
            server.stop()


def text_of(response):
    assert response.status == 200, response.status
    return response.html


def test_an_editors_save_on_one_server_is_what_readers_get_from_the_other(deployment):
    a, b = deployment.a, deployment.b
    reader = Browser(b.url)
    before = text_of(reader.get(ARTICLE_PAGE))
    assert text_of(reader.get(ARTICLE_PAGE)) == before  # now in the shared cache
    alice = sign_in(Browser(a.url), "alice")

    sentence = f"Saved on server A, read on server B ({uuid.uuid4().hex[:6]})."
    saved = alice.post(
        deployment.change_url(),
        open_and_edit(alice, deployment.change_url(), "intermediate", sentence),
    )

    assert saved.status == 302, a.log_tail()
    assert sentence in text_of(reader.get(ARTICLE_PAGE))
    assert sentence in text_of(Browser(a.url).get(ARTICLE_PAGE))


def test_a_signed_in_editor_is_signed_in_on_both_servers(deployment):
    alice_on_a = sign_in(Browser(deployment.a.url), "alice")
    alice_on_b = alice_on_a.at(deployment.b.url)

    assert alice_on_b.get("/admin/").status == 200
    sign_out = form_fields(alice_on_b.get("/admin/"), "logout-form")
    assert alice_on_b.post("/admin/logout/", sign_out).status == 200
    assert alice_on_a.get("/admin/").status == 302  # signed out everywhere


def test_a_draft_published_on_one_server_appears_on_the_other(deployment):
    a, b = deployment.a, deployment.b
    alice = sign_in(Browser(a.url), "alice")
    reader = Browser(b.url)
    assert reader.get(ARTICLE_PAGE).status == 200

    form = form_fields(alice.get(deployment.change_url()), "article_form")
    assert alice.post(deployment.change_url(), form | {"status": "draft"}).status == 302
    assert reader.get(ARTICLE_PAGE).status == 404
    assert ARTICLE not in text_of(reader.get("/"))

    form = form_fields(alice.get(deployment.change_url()), "article_form")
    assert alice.post(deployment.change_url(), form | {"status": "published"}).status == 302
    assert reader.get(ARTICLE_PAGE).status == 200
    assert ARTICLE in text_of(reader.get("/"))


def test_a_restore_on_one_server_is_what_readers_get_from_the_other(deployment):
    a, b = deployment.a, deployment.b
    alice_on_a = sign_in(Browser(a.url), "alice")
    sentence = f"A sentence to be undone ({uuid.uuid4().hex[:6]})."
    url = deployment.change_url()
    assert (
        alice_on_a.post(url, open_and_edit(alice_on_a, url, "intermediate", sentence)).status == 302
    )
    reader = Browser(a.url)
    assert sentence in text_of(reader.get(ARTICLE_PAGE))

    # On server B, the editor restores the version `load_content` saved.
    alice_on_b = alice_on_a.at(b.url)
    history = text_of(alice_on_b.get(f"{url.removesuffix('change/')}history/"))
    versions = re.findall(
        rf'href="({re.escape(url.removesuffix("change/"))}history/\d+/)"', history
    )
    assert versions, "no versions listed on the history page"
    oldest = versions[-1]  # the list is newest first; the oldest is the load's
    restored = alice_on_b.post(oldest, form_fields(alice_on_b.get(oldest), "restore_form"))
    assert restored.status == 302, b.log_tail()

    page = text_of(reader.get(ARTICLE_PAGE))
    assert sentence not in page
    assert "intermediate" in page


def load_content(env):
    return subprocess.run(
        [sys.executable, "manage.py", "load_content"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_a_load_is_refused_while_a_load_from_another_machine_holds_the_database(deployment):
    """On PostgreSQL the content lock is the database's own, not a file on one machine."""
    from apps.content_sync.sync import CONTENT_SYNC_LOCK_KEY

    busy = "Another load or export of this database is running"
    with psycopg.connect(deployment.database_url, autocommit=True) as other_machine:
        other_machine.execute("SELECT pg_advisory_lock(%s)", [CONTENT_SYNC_LOCK_KEY])
        refused = load_content(deployment.a.env)
        assert refused.returncode != 0
        assert busy in refused.stderr
    # The other machine's session has ended, and its lock with it: this load gets past the
    # lock (whatever it then finds: the earlier tests' edits, which it will not overwrite).
    assert busy not in load_content(deployment.a.env).stderr
