"""A slow preview does not block readers: the site under gunicorn (production settings, two
workers), an editor typing the worst text a review found while a reader loads pages."""

import sqlite3
import time

import pytest
from playwright.sync_api import expect

from tests.sites import AppServer
from tests.test_editors import GOOD_PASSWORD

pytestmark = pytest.mark.browser
READER_PAGES = ["/", "/articles/exercise-and-metabolic-health/fundamentals/", "/explorer/"]


@pytest.fixture(scope="module")
def served_site(served_settings, tmp_path_factory):
    folder = tmp_path_factory.mktemp("slow-preview")
    database = folder / "db.sqlite3"
    env = served_settings.env(f"sqlite:///{database}")
    served_settings.manage(env, "migrate", "--noinput")
    served_settings.manage(env, "load_content")
    served_settings.manage(
        env, "create_editor", "alice", "--no-input", DJANGO_EDITOR_PASSWORD=GOOD_PASSWORD
    )
    server = AppServer(env, folder / "gunicorn.log", workers=2).start()
    with sqlite3.connect(f"file:{database}?mode=ro", uri=True) as db:
        [(article_id,)] = db.execute(
            "SELECT id FROM articles_article WHERE slug = 'exercise-and-metabolic-health'"
        ).fetchall()
    try:
        yield server, f"/admin/articles/article/{article_id}/change/"
    finally:
        server.stop()


def test_a_slow_preview_is_refused_within_a_second_and_readers_are_served_meanwhile(
    browser, served_site
):
    server, change_url = served_site
    editor, reader = browser.new_page(), browser.new_page()
    editor.goto(server.url + "/admin/login/")
    editor.get_by_label("Username").fill("alice")
    editor.get_by_label("Password").fill(GOOD_PASSWORD)
    editor.get_by_role("button", name="Log in").click()
    editor.goto(server.url + change_url)
    body = editor.locator("#id_tiers-0-body_markdown")
    preview = editor.locator("#id_tiers-0-body_markdown-preview")

    body.fill("[" * 8_000)  # the preview is asked for 400 ms later
    time.sleep(0.45)
    waits = []
    for _ in range(3):
        for path in READER_PAGES:
            started = time.monotonic()
            response = reader.goto(server.url + path)
            waits.append(time.monotonic() - started)
            assert response.status == 200

    expect(preview).to_contain_text("takes more than 1 s to render", timeout=10_000)
    assert max(waits) < 2, waits
    print(f"\nreader pages while the preview ran: slowest {max(waits):.2f} s")

    # The worker that rendered it is free again: the next preview is the text.
    body.fill("Back to a *normal* sentence.")
    # (A generous wait: on a shared, busy machine the debounced request can take seconds.)
    expect(preview.locator("em")).to_have_text("normal", timeout=15_000)
