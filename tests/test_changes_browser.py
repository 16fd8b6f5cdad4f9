"""Cite this page, the updated note, versions and /changes/ in Debian's Chromium: what a reader
opens, downloads and follows, at phone widths, light and dark, with and without JavaScript."""

import bibtexparser
import pytest
import rispy
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from apps.articles.models import Article
from apps.changes.models import record_change

pytestmark = pytest.mark.browser

HORMONES = "/articles/long-term-hormonal-adaptations/"


def publish_a_correction():
    """An editor's corrected sentence, recorded as the admin's save records it."""
    article = Article.objects.get(slug="long-term-hormonal-adaptations")
    tier = article.tiers.get(tier="academic")
    tier.body_markdown = tier.body_markdown.replace("## ", "## Corrected: ", 1)
    tier.save()
    return record_change(article, "Fixed how the first section names its topic.", correction=True)


def horizontal_overflow(page):
    return page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )


def test_the_cite_block_opens_and_its_downloads_parse(page, site):
    page.goto(site + HORMONES + "academic/")
    block = page.locator("details.cite-block")
    expect(block.get_by_text("Suggested citation")).to_be_hidden()  # closed until asked
    block.get_by_text("Cite this page").click()
    expect(block.get_by_text("Suggested citation")).to_be_visible()
    expect(block.locator(".cite-block__text")).to_contain_text(
        "Exercise Signals. How training reshapes hormones over the long term (Academic)."
    )

    downloads = block.locator(".cite-block__downloads")
    with page.expect_download() as page_download:
        downloads.first.get_by_role("link", name="BibTeX").click()
    assert page_download.value.suggested_filename == "long-term-hormonal-adaptations-academic.bib"
    library = bibtexparser.parse_file(page_download.value.path())
    assert library.failed_blocks == []
    assert library.entries[0]["url"].endswith(HORMONES + "academic/")

    with page.expect_download() as references_download:
        downloads.nth(1).get_by_role("link", name="RIS").click()
    records = rispy.load(references_download.value.path())
    assert records
    assert any(record.get("doi") for record in records)


def test_the_cite_block_follows_a_tier_swap(page, site):
    page.goto(site + HORMONES + "fundamentals/")
    page.get_by_role("tab", name="Academic").click()
    expect(page).to_have_url(site + HORMONES + "academic/")
    link = page.locator(".cite-block__downloads").first.locator("a", has_text="RIS")  # closed
    expect(link).to_have_attribute("href", HORMONES + "academic/cite.ris")


def test_the_updated_note_leads_to_the_change_and_its_version(page, site):
    change = publish_a_correction()
    page.goto(site + HORMONES + "fundamentals/")
    note = page.locator(".updated-note")
    expect(note).to_contain_text("Fixed how the first section names its topic.")
    expect(note).to_contain_text("Correction")
    note.get_by_role("link", name="What changed").click()
    expect(page).to_have_url(site + "/changes/")
    entry = page.locator(".change").first
    expect(entry).to_contain_text("Fixed how the first section names its topic.")
    entry.get_by_role("link", name=f"Version {change.number} as it read then").click()
    expect(page).to_have_url(site + HORMONES + f"fundamentals/v/{change.number}/")
    page.get_by_role("link", name="Academic").click()
    expect(page.locator(".prose h2").first).to_contain_text("Corrected:")
    page.goto(site + HORMONES + "academic/v/1/")
    expect(page.locator(".version-note")).to_contain_text("This is an older version")
    expect(page.locator(".prose h2").first).not_to_contain_text("Corrected:")
    page.get_by_role("link", name="Read the current version").click()
    expect(page).to_have_url(site + HORMONES + "academic/")


def test_citing_and_versions_work_with_javascript_off(browser, site):
    publish_a_correction()
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(site + HORMONES + "academic/")
    page.locator("details.cite-block > summary").click()
    version_link = page.locator(".cite-block").get_by_role("link", name="/v/2/")
    expect(version_link).to_be_visible()
    version_link.click()
    expect(page).to_have_url(site + HORMONES + "academic/v/2/")
    expect(page.locator(".version-note")).to_contain_text("This is what the page says now")
    context.close()


@pytest.mark.parametrize("color_scheme", ["light", "dark"])
@pytest.mark.parametrize("width", [320, 390])
def test_nothing_overflows_at_phone_widths(page, site, color_scheme, width):
    publish_a_correction()
    page.set_viewport_size({"width": width, "height": 800})
    page.emulate_media(color_scheme=color_scheme)
    page.goto(site + "/changes/")
    assert horizontal_overflow(page) == 0
    # The open cite block and the updated note stay inside the screen.
    for path in (HORMONES + "academic/", "/explorer/ampk/academic/"):
        page.goto(site + path)
        page.locator("details.cite-block > summary").click()
        for selector in (".cite-block", ".cite-block__url"):
            for box in page.locator(selector).evaluate_all(
                "elements => elements.map(e => e.getBoundingClientRect().right)"
            ):
                assert box <= width, f"{selector} on {path} ends at {box}px"


@pytest.mark.parametrize("color_scheme", ["light", "dark"])
def test_axe_finds_no_violations(page, site, color_scheme):
    publish_a_correction()
    page.emulate_media(color_scheme=color_scheme)
    axe = Axe()
    for path in ("/changes/", HORMONES + "academic/v/1/", HORMONES + "academic/"):
        page.goto(site + path)
        if page.locator("details.cite-block > summary").count():
            page.locator("details.cite-block > summary").click()
        results = axe.run(page)
        assert results.violations_count == 0, f"{path}:\n{results.generate_report()}"
