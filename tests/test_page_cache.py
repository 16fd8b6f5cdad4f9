"""Reader pages come from the cache until content changes; editors always get the live page."""

import re
import uuid

import pytest
import reversion
from django.core.management import call_command
from reversion.models import Version

from apps.core.models import ContentVersion
from apps.explorer.models import Node
from tests.conftest import make_article, make_graph
from tests.test_editors import make_editor

pytestmark = pytest.mark.django_db
HX = {"HX-Request": "true"}
# Each reader page, and what it varies on: Accept-Encoding wherever it is long enough to be
# compressed, HX-Request where htmx gets a partial, Cookie where the reader's depth matters.
COMPRESSED = "Accept-Encoding"
READER_PAGES = [
    ("/", None, {COMPRESSED}),
    ("/articles/fuel/academic/", None, {COMPRESSED, "HX-Request"}),
    ("/articles/fuel/academic/", HX, {COMPRESSED, "HX-Request"}),
    ("/explorer/", None, {COMPRESSED, "HX-Request"}),
    ("/explorer/", HX, {COMPRESSED, "HX-Request"}),
    ("/explorer/sensor-0/", None, {COMPRESSED, "HX-Request", "Cookie"}),
    ("/explorer/sensor-0/academic/", HX, {COMPRESSED, "HX-Request", "Cookie"}),
    ("/explorer/sensor-0/preview/", HX, {"HX-Request"}),  # a short card: not worth compressing
    ("/explorer/paths/?from=exercise-0&to=result-0", None, {COMPRESSED, "HX-Request"}),
    ("/explorer/compare/", None, {COMPRESSED}),
    ("/explorer/walks/", None, {COMPRESSED}),
]


@pytest.fixture(autouse=True, params=["memory", "redis"])
def page_cache(request, settings):
    """Every test here runs twice: with each process's own memory (the default) and with the
    shared Redis that REDIS_URL switches on, a real redis-server (tests/services.py)."""
    if request.param == "redis":
        redis_server = request.getfixturevalue("redis_server")
        settings.CACHES = {
            "default": {
                "BACKEND": "config.cache.ResilientRedisCache",
                "LOCATION": redis_server.url,
                "KEY_PREFIX": f"test-{uuid.uuid4().hex}",  # a cache of this test's own
            }
        }
    return request.param


@pytest.fixture
def site():
    make_graph()
    make_article("fuel", title="Fuel for work")


@pytest.mark.parametrize(("url", "headers", "_"), READER_PAGES)
def test_a_second_reader_gets_the_cached_page_for_one_query(
    client, site, url, headers, _, django_assert_num_queries
):
    first = client.get(url, headers=headers)
    with django_assert_num_queries(1):  # the content version
        second = client.get(url, headers=headers)
    assert second.status_code == first.status_code == 200
    assert second.content == first.content
    assert second["ETag"] == first["ETag"]
    assert second["Cache-Control"] == ("public, max-age=0, s-maxage=60, stale-while-revalidate=300")


@pytest.mark.parametrize(("url", "headers", "varies_on"), READER_PAGES)
def test_every_cached_page_says_what_it_varies_on(client, site, url, headers, varies_on):
    for _ in range(2):  # as rendered, and as the cache serves it
        response = client.get(url, headers=headers, HTTP_ACCEPT_ENCODING="gzip")
        vary = {name.strip() for name in response.get("Vary", "").split(",") if name.strip()}
        assert vary == varies_on


def test_the_depth_a_reader_chose_is_part_of_the_key(client, site):
    def current_tab(tier):
        client.cookies["tier"] = tier
        html = client.get("/explorer/sensor-0/").content.decode()
        return re.search(r'id="tab-(\w+)"[^>]*aria-selected="true"', html).group(1)

    assert current_tab("fundamentals") == "fundamentals"
    assert current_tab("academic") == "academic"
    assert current_tab("fundamentals") == "fundamentals"  # from the cache, still its own


def test_a_matching_etag_is_answered_304(client, site):
    first = client.get("/explorer/")
    again = client.get("/explorer/", headers={"If-None-Match": first["ETag"]})
    assert again.status_code == 304
    assert again.content == b""
    changed_since = client.get("/explorer/", headers={"If-Modified-Since": first["Last-Modified"]})
    assert changed_since.status_code == 304


def test_a_saved_change_is_seen_at_once(client, site):
    assert ">Sensor 0</tspan>" in client.get("/explorer/").content.decode()
    etag = client.get("/explorer/")["ETag"]
    node = Node.objects.get(slug="sensor-0")
    node.name = "Fuel gauge"
    node.save()
    page = client.get("/explorer/", headers={"If-None-Match": etag})
    assert page.status_code == 200
    assert ">Fuel gauge</tspan>" in page.content.decode()


def test_a_deleted_article_is_gone_at_once(client, site):
    assert "Fuel for work" in client.get("/").content.decode()
    assert client.get("/articles/fuel/academic/").status_code == 200
    from apps.articles.models import Article

    Article.objects.get(slug="fuel").delete()
    assert "Fuel for work" not in client.get("/").content.decode()
    assert client.get("/articles/fuel/academic/").status_code == 404


def test_a_restored_version_is_seen_at_once(client, site):
    node = Node.objects.get(slug="sensor-0")
    with reversion.create_revision():
        node.save()
    node.name = "Renamed"
    node.save()
    assert ">Renamed</tspan>" in client.get("/explorer/").content.decode()

    Version.objects.get_for_object(node).first().revision.revert()

    assert ">Sensor 0</tspan>" in client.get("/explorer/").content.decode()


def test_loading_content_is_seen_at_once(client, content_dir):
    call_command("load_content", content_dir=content_dir, stdout=None)
    before = client.get("/explorer/").content.decode()
    node_file = content_dir / "explorer" / "nodes" / "hiit.md"
    node_file.write_text(node_file.read_text().replace("name: HIIT", "name: Sprint intervals"))
    call_command("load_content", content_dir=content_dir, stdout=None)
    after = client.get("/explorer/").content.decode()
    assert "Sprint intervals" not in before
    assert "Sprint intervals" in after


def test_a_script_that_bulk_updates_rows_bumps_the_version_itself(client, site):
    """QuerySet.update() sends no signal: the README says to call ContentVersion.bump()."""
    client.get("/explorer/")
    Node.objects.filter(slug="sensor-0").update(name="Bulk renamed")
    assert ">Bulk renamed</tspan>" not in client.get("/explorer/").content.decode()
    ContentVersion.bump()
    assert ">Bulk renamed</tspan>" in client.get("/explorer/").content.decode()


def test_editors_get_the_live_page_and_readers_never_get_an_editors(client, site):
    from django.test import Client

    draft = Node.objects.get(slug="switch-0")
    draft.status = "draft"
    draft.save()
    reader = client
    editor = Client()
    editor.force_login(make_editor())

    # A reader first: the page is cached without the draft or the editor bar.
    read = reader.get("/explorer/").content.decode()
    assert "editor-bar" not in read
    assert 'id="node-switch-0"' not in read

    edited = editor.get("/explorer/")
    assert 'id="node-switch-0"' in edited.content.decode()  # the draft, for the editor
    assert "private" in edited["Cache-Control"]
    node_page = editor.get("/explorer/sensor-0/")
    assert "editor-bar" in node_page.content.decode()
    assert "private" in node_page["Cache-Control"]

    # And the editor's pages never reach a reader.
    read_again = reader.get("/explorer/sensor-0/").content.decode()
    assert "editor-bar" not in read_again
    assert 'id="node-switch-0"' not in reader.get("/explorer/").content.decode()


def test_a_cached_page_carries_the_headers_of_the_live_one(client, site):
    """The page cache answers before the middleware below it runs, so it must have kept what
    that middleware added: the Content-Security-Policy, X-Frame-Options, Vary."""
    live = client.get("/explorer/")
    cached = client.get("/explorer/")
    assert "Content-Security-Policy" in live
    assert "X-Frame-Options" in live
    assert {name: value for name, value in cached.items() if name != "Date"} == {
        name: value for name, value in live.items() if name != "Date"
    }


def test_a_page_that_names_its_depth_is_cached_once_for_every_chosen_depth(
    client, site, django_assert_num_queries
):
    client.get("/articles/fuel/academic/")  # rendered, and the tier cookie set
    for chosen in ("fundamentals", "intermediate", "academic"):
        client.cookies["tier"] = chosen
        with django_assert_num_queries(1):
            assert client.get("/articles/fuel/academic/").status_code == 200


def test_a_reader_with_a_session_cookie_gets_the_live_page_with_the_same_headers(client, site):
    """A session cookie may be an editor's, which only the authentication middleware can tell,
    so the page cache lets the request through; a signed-out reader still gets a public page."""
    plain = client.get("/explorer/")
    client.cookies["sessionid"] = "not-a-session"
    live = client.get("/explorer/")
    assert live.content == plain.content
    assert live["ETag"] == plain["ETag"]
    assert live["Cache-Control"] == plain["Cache-Control"]
    assert "private" not in live["Cache-Control"]


def test_a_load_raises_the_version_once_and_a_load_that_changes_nothing_not_at_all(content_dir):
    call_command("load_content", content_dir=content_dir, stdout=None)
    loaded = ContentVersion.current()[0]
    node_file = content_dir / "explorer" / "nodes" / "hiit.md"
    node_file.write_text(node_file.read_text().replace("name: HIIT", "name: Sprint intervals"))
    call_command("load_content", content_dir=content_dir, stdout=None)
    assert ContentVersion.current()[0] == loaded + 1  # one raise for many changed rows
    call_command("load_content", content_dir=content_dir, stdout=None)
    assert ContentVersion.current()[0] == loaded + 1
