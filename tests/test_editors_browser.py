"""An editor's round trip in Debian's Chromium: sign in, edit with the live preview, publish,
and restore the earlier version from the history."""

import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.contrib.auth.models import Group, Permission, User
from playwright.sync_api import expect

from apps.articles.models import Article

pytestmark = pytest.mark.browser

PASSWORD = "tempo-lactate-harbour-42"
SLUG = "exercise-and-metabolic-health"
OLD_SENTENCE = "When you eat, sugar from food enters your blood as glucose."
NEW_SENTENCE = "After a meal, the sugar you ate reaches your blood as glucose, a simple fuel."
CONTENT_MODELS = [
    "article", "articletier", "reference", "node", "nodetext", "edge", "edgereference",
]  # fmt: skip


@pytest.fixture
def editor(site):
    # Transactional tests flush the database, including the group the data migration made.
    group, _ = Group.objects.get_or_create(name="Editors")
    group.permissions.set(Permission.objects.filter(content_type__model__in=CONTENT_MODELS))
    user = User.objects.create_user("editor", password=PASSWORD, is_staff=True)
    user.groups.add(group)
    return user


def sign_in(page, site):
    page.goto(site + "/admin/login/")
    page.get_by_label("Username").fill("editor")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="Content")).to_be_visible()


def public_text(page, site):
    page.goto(f"{site}/articles/{SLUG}/fundamentals/")
    return page.locator(".prose").inner_text()


def test_an_editor_edits_with_the_preview_publishes_and_restores(page, site, editor):
    article = Article.objects.get(slug=SLUG)
    assert OLD_SENTENCE in public_text(page, site)
    sign_in(page, site)

    page.goto(f"{site}/admin/articles/article/{article.pk}/change/")
    axe = Axe().run(page)
    assert axe.violations_count == 0, axe.generate_report()

    body = page.locator("#id_tiers-0-body_markdown")
    preview = page.locator("#id_tiers-0-body_markdown-preview")
    # The text as the editor sees it: a glossary term's hidden definition is in the markup too.
    expect(preview).to_contain_text(OLD_SENTENCE, use_inner_text=True)
    body.fill(body.input_value().replace(OLD_SENTENCE, NEW_SENTENCE))
    expect(preview).to_contain_text(NEW_SENTENCE, use_inner_text=True)
    expect(preview).not_to_contain_text(OLD_SENTENCE, use_inner_text=True)
    # The page is published: readers see a one-line summary of the change on /changes/.
    page.get_by_label("Summary of this change").fill("Said when the effect starts.")

    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".messagelist")).to_contain_text("was changed successfully")
    text = public_text(page, site)
    assert NEW_SENTENCE in text
    assert OLD_SENTENCE not in text

    page.goto(f"{site}/admin/articles/article/{article.pk}/history/")
    rows = page.locator("#change-history tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.nth(0)).to_contain_text("editor")
    rows.nth(1).get_by_role("link").click()  # the version load_content recorded
    restore = page.locator(".version-summary")
    expect(restore).to_contain_text("What restoring it would change now")
    expect(restore.locator("del")).to_contain_text(["After a meal"])
    expect(restore.locator("ins")).to_contain_text(["When you eat"])
    page.get_by_role("button", name="Restore this version").click()
    expect(page.locator(".messagelist")).to_contain_text(re.compile("was restored to the version"))

    text = public_text(page, site)
    assert OLD_SENTENCE in text
    assert NEW_SENTENCE not in text


def test_the_editor_pages_have_no_accessibility_violations(page, site, editor):
    article = Article.objects.get(slug=SLUG)
    sign_in(page, site)
    page.goto(f"{site}/admin/articles/article/{article.pk}/change/")
    page.get_by_role("button", name="Save and continue editing").click()
    expect(page.locator(".messagelist")).to_contain_text("changed successfully")
    pages = [
        "/admin/",
        "/admin/review/",
        "/admin/explorer/node/?q=PGC-1a",
        "/admin/explorer/edge/?grade__exact=D&human=no",
        f"/admin/explorer/node/{article.tiers.first().linked_nodes.first().pk}/change/",
        f"/admin/articles/article/{article.pk}/history/",
    ]
    for path in pages:
        page.goto(site + path)
        axe = Axe().run(page)
        assert axe.violations_count == 0, f"{path}\n{axe.generate_report()}"
    page.goto(f"{site}/admin/articles/article/{article.pk}/history/")
    page.locator("#change-history tbody tr").first.get_by_role("link").click()
    expect(page.locator(".version-summary")).to_be_visible()
    axe = Axe().run(page)
    assert axe.violations_count == 0, axe.generate_report()
