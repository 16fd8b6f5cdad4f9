"""What changed: every published change gets a numbered version whose address keeps showing
that text, a line on /changes/ and in its Atom feed, and a note under the page's title; the
summary comes from the admin's save or from content/ front matter."""

import datetime
from io import StringIO

import feedparser
import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone
from reversion.models import Version

from apps.articles.models import Article
from apps.changes.models import FIRST_PUBLISHED, UPDATED_FROM_FILES, Change, record_change
from apps.core.models import ContentVersion, Status
from apps.explorer.models import Node
from tests.conftest import VALID_ARTICLE, make_article, make_node
from tests.test_editors import change_url, editor_client, form_data, inline_index

pytestmark = pytest.mark.django_db

ARTICLE_FILE = "articles/test-article.md"


def load(content_dir):
    out = StringIO()
    call_command("load_content", content_dir=content_dir, stdout=out)
    return out.getvalue()


def export(content_dir):
    call_command("export_content", content_dir=content_dir, stdout=StringIO())


def admin_edit(client, article, academic=None, summary="", correction=False, **fields):
    """Save `article`'s change form as an editor would, with the academic text replaced."""
    data = form_data(client.get(change_url(article)), "article_form")
    if academic is not None:
        index = inline_index(data, "tiers", "tier", "academic")
        data[f"tiers-{index}-body_markdown"] = academic
    data["change_summary"] = summary
    if correction:
        data["corrects_error"] = "on"
    data.update(fields)
    return client.post(change_url(article), data)


def published_article():
    """An article published through load_content's path: version 1 recorded."""
    article = make_article("cortisol", bodies={"academic": "## Deep\n\nThe first text.\n"})
    record_change(article)
    return article


# Versions ------------------------------------------------------------------------------------


def test_version_urls_keep_their_text_after_later_edits(client):
    article = published_article()
    editor = editor_client()
    response = admin_edit(
        editor, article, "## Deep\n\nThe second text.\n", summary="Added a study."
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    response = admin_edit(editor, article, "## Deep\n\nThe third text.\n", summary="Reworded.")
    assert response.status_code == 302

    assert list(Change.objects.filter(article=article).order_by("number").values_list(
        "number", "summary"
    )) == [(1, FIRST_PUBLISHED), (2, "Added a study."), (3, "Reworded.")]  # fmt: skip

    first = client.get("/articles/cortisol/academic/v/1/").content.decode()
    assert "The first text." in first
    assert "The second text." not in first
    assert "The third text." not in first
    assert "This is an older version (version 1)" in first
    assert '<a href="/articles/cortisol/academic/">Read the current version</a>' in first
    second = client.get("/articles/cortisol/academic/v/2/").content.decode()
    assert "The second text." in second
    assert "Added a study." in second
    latest = client.get("/articles/cortisol/academic/v/3/").content.decode()
    assert "The third text." in latest
    assert "This is what the page says now" in latest
    assert "The third text." in client.get("/articles/cortisol/academic/").content.decode()
    # Every tier of a version has its address.
    fundamentals = client.get("/articles/cortisol/fundamentals/v/1/").content.decode()
    assert "Text at the fundamentals depth." in fundamentals

    for missing in (
        "/articles/cortisol/academic/v/4/",
        "/articles/cortisol/academic/v/0/",
        "/articles/nothing/academic/v/1/",
        "/articles/cortisol/expert/v/1/",
    ):
        assert client.get(missing).status_code == 404, missing


def test_a_version_is_stored_html_that_a_re_render_does_not_change(client):
    article = published_article()
    tier = article.tiers.get(tier="academic")
    # A re-render (a node renamed, a new sanitiser) rewrites body_html, not the version.
    type(tier).objects.filter(pk=tier.pk).update(body_html="<p>Rendered again.</p>")
    html = client.get("/articles/cortisol/academic/v/1/").content.decode()
    assert "The first text." in html
    assert "Rendered again." not in html


def test_the_page_cites_its_current_version(client):
    published_article()
    html = client.get("/articles/cortisol/academic/").content.decode()
    assert 'href="/articles/cortisol/academic/v/1/"' in html
    assert "http://testserver/articles/cortisol/academic/v/1/" in html


def test_numbers_are_never_reused_and_a_save_without_change_records_nothing():
    article = published_article()
    assert record_change(article) is None  # the same text again
    tier = article.tiers.get(tier="academic")
    tier.body_markdown = "## Deep\n\nNew.\n"
    tier.save()
    assert record_change(article, "Changed.").number == 2
    article.title = "Cortisol, revised"
    article.save()
    assert record_change(article, "Retitled.").number == 3


# Drafts --------------------------------------------------------------------------------------


def test_drafts_have_no_versions_changes_or_feed_entries(client):
    draft = make_article("secret-plan", status=Status.DRAFT)
    assert record_change(draft) is None
    assert not Change.objects.exists()

    article = published_article()
    article.status = Status.DRAFT  # taken back: its history is hidden with it
    article.save()
    assert client.get("/articles/cortisol/academic/v/1/").status_code == 404
    assert "Cortisol" not in client.get("/changes/").content.decode()
    feed = feedparser.parse(client.get("/changes/feed/").content)
    assert feed.entries == []


def test_publishing_a_draft_in_the_admin_records_its_first_version(client):
    draft = make_article("new-topic", status=Status.DRAFT)
    editor = editor_client()
    # Editing a draft needs no summary and records nothing.
    response = admin_edit(editor, draft, "## Deep\n\nDraft words.\n")
    assert response.status_code == 302
    assert not Change.objects.exists()
    response = admin_edit(editor, draft, status=Status.PUBLISHED)
    assert response.status_code == 302
    change = Change.objects.get()
    assert (change.number, change.summary, change.written) == (1, FIRST_PUBLISHED, False)
    assert "Draft words." in client.get("/articles/new-topic/academic/v/1/").content.decode()


# The admin's change note ---------------------------------------------------------------------


def test_a_published_text_change_needs_a_summary(client):
    article = published_article()
    editor = editor_client()
    response = admin_edit(editor, article, "## Deep\n\nQuietly changed.\n")
    assert response.status_code == 200
    assert "Say in one line what this change does" in response.content.decode()
    assert "Quietly changed." in response.content.decode()  # the editor's text is kept
    assert Change.objects.count() == 1
    assert "Quietly" not in article.tiers.get(tier="academic").body_markdown

    # A new title is a change too.
    response = admin_edit(editor, article, title="A new title")
    assert "Say in one line what this change does" in response.content.decode()


def test_a_save_that_changes_no_text_needs_no_summary_and_records_nothing(client):
    article = published_article()
    response = admin_edit(editor_client(), article, next_review="2027-06-01")
    assert response.status_code == 302
    assert Change.objects.count() == 1


@pytest.mark.parametrize(
    ("summary", "correction", "message"),
    [
        ("x" * 201, False, "Ensure this value has at most 200 characters"),
        ("", True, "Say what the correction fixes."),
    ],
)
def test_bad_change_notes_are_refused_by_name(client, summary, correction, message):
    article = published_article()
    response = admin_edit(editor_client(), article, "## Deep\n\nNew.\n", summary, correction)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert Change.objects.count() == 1


def test_a_correction_is_listed_with_its_tag_in_the_page_and_the_feed(client):
    article = published_article()
    response = admin_edit(
        editor_client(),
        article,
        "## Deep\n\nCortisol falls, not rises.\n",
        summary="Fixed the direction of the cortisol change.",
        correction=True,
    )
    assert response.status_code == 302
    change = Change.objects.get(number=2)
    assert change.correction
    assert change.written

    html = client.get("/changes/").content.decode()
    assert "Fixed the direction of the cortisol change." in html
    assert '<span class="change-tag">Correction</span>' in html
    assert 'href="/articles/cortisol/fundamentals/v/2/"' in html

    response = client.get("/changes/feed/")
    assert response["Content-Type"] == "application/atom+xml; charset=utf-8"
    feed = feedparser.parse(response.content)
    assert not feed.bozo, feed.bozo_exception
    assert feed.version == "atom10"
    newest, first = feed.entries
    assert newest.title == "Correction: Cortisol"
    assert newest.summary == "Fixed the direction of the cortisol change."
    assert [tag.term for tag in newest.tags] == ["correction"]
    assert newest.link == "http://testserver/articles/cortisol/fundamentals/v/2/"
    assert first.summary == FIRST_PUBLISHED
    assert "tags" not in first


def test_the_updated_note_shows_while_the_last_change_is_recent(client):
    article = published_article()
    html = client.get("/articles/cortisol/academic/").content.decode()
    assert "updated-note" not in html  # a first publication is not an update
    tier = article.tiers.get(tier="academic")
    tier.body_markdown = "## Deep\n\nNewer.\n"
    tier.save()
    change = record_change(article, "Added the 2025 trial.")
    html = client.get("/articles/cortisol/intermediate/").content.decode()
    assert "Added the 2025 trial." in html
    assert f'Updated <time datetime="{change.created_at.isoformat()}">' in html
    assert '<a href="/changes/">What changed</a>' in html
    Change.objects.filter(pk=change.pk).update(
        created_at=timezone.now() - datetime.timedelta(days=61)
    )
    ContentVersion.bump()  # update() sends no signal: raise the version as a script must
    assert "updated-note" not in client.get("/articles/cortisol/intermediate/").content.decode()


def test_node_changes_are_listed_too(client):
    node = make_node("ampk", name="AMPK")
    record_change(node)
    text = node.texts.get(tier="academic")
    text.body_markdown = "A corrected sentence."
    text.save()
    record_change(node, "Fixed which enzyme activates AMPK.", correction=True)
    html = client.get("/changes/").content.decode()
    assert '<a href="/explorer/ampk/">AMPK</a>' in html
    assert "Fixed which enzyme activates AMPK." in html


# The list ------------------------------------------------------------------------------------


def test_changes_are_paginated_newest_first(client, django_assert_max_num_queries):
    start = timezone.now() - datetime.timedelta(days=30)
    for number in range(120):
        article = make_article(f"topic-{number}")
        change = record_change(article)
        Change.objects.filter(pk=change.pk).update(
            created_at=start + datetime.timedelta(minutes=number)
        )
    with django_assert_max_num_queries(4):
        first = client.get("/changes/").content.decode()
    assert first.count('class="change"') == 50
    assert first.index("Topic 119") < first.index("Topic 118")
    assert 'href="?page=2" rel="next"' in first
    last = client.get("/changes/?page=3").content.decode()
    assert last.count('class="change"') == 20
    assert "Topic 0<" in last
    for junk in ("abc", "999", "-1", "1e9"):
        assert client.get(f"/changes/?page={junk}").status_code == 200


def test_the_feed_has_at_most_fifty_entries(client):
    for number in range(60):
        record_change(make_article(f"topic-{number}"))
    feed = feedparser.parse(client.get("/changes/feed/").content)
    assert len(feed.entries) == 50
    assert feed.feed.title == "Exercise Signals: what changed"


def test_an_empty_list_says_so(client):
    assert "Nothing has been published yet." in client.get("/changes/").content.decode()


# load_content --------------------------------------------------------------------------------


def test_load_content_records_one_change_per_changed_page(content_dir):
    load(content_dir)
    article = Article.objects.get(slug="test-article")
    assert Change.objects.filter(article=article).count() == 1
    assert Change.objects.filter(node__isnull=False).count() == Node.objects.count()
    load(content_dir)  # nothing changed
    assert Change.objects.count() == 1 + Node.objects.count()

    path = content_dir / ARTICLE_FILE
    path.write_text(path.read_text().replace("Mechanisms", "Mechanisms, revised"))
    load(content_dir)
    change = Change.objects.filter(article=article).latest("number")
    assert (change.number, change.summary, change.written) == (2, UPDATED_FROM_FILES, False)


def test_front_matter_gives_the_summary_and_survives_export(content_dir):
    load(content_dir)
    export(content_dir)  # the file as export writes it: the note goes last in front matter
    path = content_dir / ARTICLE_FILE
    text = path.read_text().replace(
        "last_reviewed: 2026-11-01\n---",
        "last_reviewed: 2026-11-01\n"
        "change_summary: Fixed the AMPK sentence.\ncorrection: true\n---",
    )
    path.write_text(text.replace("Mechanisms", "Mechanisms, fixed"))
    load(content_dir)
    change = Change.objects.filter(article__slug="test-article").latest("number")
    assert (change.summary, change.correction, change.written) == (
        "Fixed the AMPK sentence.", True, True,
    )  # fmt: skip

    # Export writes the note back byte for byte; loading again changes nothing.
    before = path.read_bytes()
    export(content_dir)
    assert path.read_bytes() == before
    assert "No changes." in load(content_dir)

    # A later edit of the text without a new summary does not repeat the old one.
    path.write_text(path.read_text().replace("fixed", "fixed again"))
    load(content_dir)
    latest = Change.objects.filter(article__slug="test-article").latest("number")
    assert (latest.number, latest.summary, latest.correction) == (3, UPDATED_FROM_FILES, False)
    export(content_dir)
    assert "change_summary" not in path.read_text()


def test_an_admin_summary_is_exported_and_loads_back(content_dir):
    load(content_dir)
    article = Article.objects.get(slug="test-article")
    response = admin_edit(
        editor_client(), article, "## Deep\n\nBetter words [@beta2021].\n", "Clearer wording."
    )
    assert response.status_code == 302
    export(content_dir)
    text = (content_dir / ARTICLE_FILE).read_text()
    assert "change_summary: Clearer wording.\n" in text
    assert "correction" not in text
    assert "No changes." in load(content_dir)


@pytest.mark.parametrize(
    ("lines", "message"),
    [
        ("change_summary: [a, list]\n", "change_summary must be one line of text"),
        ("change_summary: " + "x" * 201 + "\n", "change_summary is 201 characters long"),
        ("correction: sometimes\n", "correction “sometimes” must be true or false"),
        ("correction: true\n", "correction: true needs a change_summary"),
    ],
)
def test_bad_change_notes_in_front_matter_name_file_and_line(content_dir, lines, message):
    path = content_dir / ARTICLE_FILE
    path.write_text(
        VALID_ARTICLE.replace("summary: A short summary.\n", f"summary: A short summary.\n{lines}")
    )
    with pytest.raises(CommandError, match=f"{ARTICLE_FILE}:5: {message}"):
        load(content_dir)
    assert not Change.objects.exists()


def test_node_versions_keep_their_text_after_admin_edits(client):
    node = make_node("ampk", name="AMPK", texts={"academic": "The first node text."})
    record_change(node)
    editor = editor_client()
    for text, summary in (("The second node text.", "Named the enzyme."), ("Third.", "Shorter.")):
        data = form_data(editor.get(change_url(node)), "node_form")
        index = inline_index(data, "texts", "tier", "academic")
        data[f"texts-{index}-body_markdown"] = text
        data["change_summary"] = summary
        response = editor.post(change_url(node), data)
        assert response.status_code == 302, response.content.decode()[:3000]

    first = client.get("/explorer/ampk/academic/v/1/").content.decode()
    assert "The first node text." in first
    assert "This is an older version (version 1)" in first
    assert '<a href="/explorer/ampk/academic/">Read the current version</a>' in first
    assert "The second node text." in client.get("/explorer/ampk/academic/v/2/").content.decode()
    assert client.get("/explorer/ampk/academic/v/4/").status_code == 404
    page = client.get("/explorer/ampk/academic/").content.decode()
    assert "Third." in page
    assert 'href="/explorer/ampk/academic/v/3/"' in page  # cite exactly this version
    assert "Updated <time" in page
    assert "Shorter." in page

    # Without a summary the admin refuses a published node's new text.
    data = form_data(editor.get(change_url(node)), "node_form")
    index = inline_index(data, "texts", "tier", "academic")
    data[f"texts-{index}-body_markdown"] = "Fourth."
    response = editor.post(change_url(node), data)
    assert "Say in one line what this change does" in response.content.decode()

    node.status = Status.DRAFT
    node.save()
    assert client.get("/explorer/ampk/academic/v/1/").status_code == 404


def test_a_restore_in_the_admin_is_a_new_version(client):
    article = published_article()
    editor = editor_client()
    for text in ("Second.", "Third."):
        response = admin_edit(editor, article, f"## Deep\n\n{text}\n", summary=f"Now {text}")
        assert response.status_code == 302
    second = Version.objects.get_for_object(article).last()  # the first admin save's
    url = f"/admin/articles/article/{article.pk}/history/{second.pk}/"
    restore = form_data(editor.get(url), "restore_form")
    assert editor.post(url, restore).status_code == 302
    latest = Change.objects.filter(article=article).latest("number")
    assert latest.number == 4
    assert latest.summary.startswith("Restored the version saved on ")
    assert "Second." in client.get("/articles/cortisol/academic/v/4/").content.decode()


def test_a_load_records_changes_only_for_the_pages_it_changed(content_dir, monkeypatch):
    import apps.changes.models as changes

    load(content_dir)
    calls = []
    record = changes.record_change
    monkeypatch.setattr(
        changes, "record_change", lambda page, *a, **k: calls.append(page) or record(page, *a, **k)
    )
    load(content_dir)
    assert calls == []  # nothing changed: no page is read again
    path = content_dir / ARTICLE_FILE
    path.write_text(path.read_text().replace("Mechanisms", "Mechanisms, revised"))
    load(content_dir)
    assert [page.slug for page in calls] == ["test-article"]
