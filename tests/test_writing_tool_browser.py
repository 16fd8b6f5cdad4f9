"""The admin's writing tools in Debian's Chromium: [@ and [[ autocomplete by keyboard, the
preview in the public typography, tier tabs, the readability line, reordering by buttons, and
axe on the editing pages."""

import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.db.models import Count
from playwright.sync_api import expect

from apps.articles.models import Article
from apps.explorer.models import Edge, Node
from tests.test_editors_browser import SLUG, editor, sign_in  # noqa: F401 (editor: a fixture)

pytestmark = pytest.mark.browser

HARD = (
    "Contraction-induced phosphorylation of AMP-activated protein kinase increases "
    "mitochondrial biogenesis through peroxisome proliferator-activated receptor gamma "
    "coactivator transcriptional programmes, notwithstanding considerable interindividual "
    "heterogeneity in skeletal muscle adaptation."
)


def open_article(page, site):
    article = Article.objects.get(slug=SLUG)
    page.goto(f"{site}/admin/articles/article/{article.pk}/change/")
    return article


def type_at_end(page, textarea, text):
    textarea.click()
    page.keyboard.press("Control+End")
    page.keyboard.type(text)


def test_citations_and_node_links_are_chosen_by_keyboard_alone(page, site, editor):  # noqa: F811
    sign_in(page, site)
    open_article(page, site)
    body = page.locator("#id_tiers-0-body_markdown")
    preview = page.locator("#id_tiers-0-body_markdown-preview")
    popup = page.locator("#id_tiers-0-body_markdown-suggestions")
    expect(preview.locator(".references")).to_have_count(0)  # Fundamentals cites nothing yet

    type_at_end(page, body, "\n\nMuscle talks to other organs [@pedersen201")
    listbox = popup.get_by_role("listbox")
    expect(listbox).to_be_visible()
    expect(body).to_have_attribute("aria-controls", "id_tiers-0-body_markdown-listbox")
    expect(page.locator("#id_tiers-0-body_markdown-suggestions-status")).to_contain_text(
        "2 references found"
    )
    first = listbox.get_by_role("option").first
    expect(first).to_have_attribute("aria-selected", "true")
    expect(body).to_have_attribute("aria-activedescendant", first.get_attribute("id"))
    page.keyboard.press("ArrowDown")
    second = listbox.get_by_role("option").nth(1)
    expect(second).to_contain_text("pedersen2012")
    expect(body).to_have_attribute("aria-activedescendant", second.get_attribute("id"))
    page.keyboard.press("Enter")
    expect(popup).to_be_hidden()
    assert body.input_value().endswith("organs [@pedersen2012]")
    expect(body).to_be_focused()
    expect(preview.locator(".references")).to_contain_text("Muscles, exercise and obesity")

    page.keyboard.type(". It starts with [[pgc")
    expect(popup.get_by_role("option").first).to_contain_text("pgc-1a")
    page.keyboard.press("Tab")
    assert body.input_value().endswith("It starts with [[pgc-1a]]")
    expect(body).to_be_focused()
    expect(preview.locator("a.node-link").last).to_have_text("PGC-1\N{GREEK SMALL LETTER ALPHA}")

    page.keyboard.type(" and [@zzzz")
    expect(popup).to_contain_text("No matches")
    page.keyboard.press("Escape")
    expect(popup).to_be_hidden()
    expect(body).not_to_have_attribute("aria-controls", re.compile("."))


def test_the_preview_uses_the_public_typography(page, site, editor):  # noqa: F811
    styles = (
        "e => { const s = getComputedStyle(e); return [s.fontFamily, s.fontSize, s.lineHeight]; }"
    )
    page.goto(f"{site}/articles/{SLUG}/fundamentals/")
    public = page.locator(".prose p").first.evaluate(styles)
    sign_in(page, site)
    open_article(page, site)
    preview = page.locator("#id_tiers-0-body_markdown-preview .prose p").first
    assert preview.evaluate(styles) == public
    assert "Charter" in public[0]

    # The admin's dark theme: the preview turns dark too, with light text.
    page.evaluate("localStorage.setItem('theme', 'dark')")
    page.reload()
    colours = page.locator("#id_tiers-0-body_markdown-preview .preview-page").evaluate(
        "e => [getComputedStyle(e).backgroundColor, getComputedStyle(e).color]"
    )
    assert colours == ["rgb(18, 22, 27)", "rgb(230, 233, 237)"]

    toggle = page.locator("#tiers-0").get_by_role("button", name="Phone width")
    expect(toggle).to_have_attribute("aria-pressed", "false")
    toggle.click()
    expect(toggle).to_have_attribute("aria-pressed", "true")
    width = page.locator("#id_tiers-0-body_markdown-preview .preview-page").evaluate(
        "e => e.getBoundingClientRect().width"
    )
    assert width <= 390


def test_tier_tabs_work_by_mouse_and_keyboard(page, site, editor):  # noqa: F811
    sign_in(page, site)
    open_article(page, site)
    tablist = page.get_by_role("tablist", name="Reading depth to edit")
    tabs = tablist.get_by_role("tab")
    expect(tabs).to_have_text(["Fundamentals", "Intermediate", "Academic"])
    expect(tabs.nth(0)).to_have_attribute("aria-selected", "true")
    expect(page.locator("#tiers-0")).to_be_visible()
    expect(page.locator("#tiers-1")).to_be_hidden()

    tabs.nth(1).click()
    expect(tabs.nth(1)).to_have_attribute("aria-selected", "true")
    expect(page.locator("#tiers-1")).to_be_visible()
    expect(page.locator("#tiers-0")).to_be_hidden()
    expect(page.get_by_role("tabpanel")).to_have_count(1)

    page.keyboard.press("ArrowRight")
    expect(tabs.nth(2)).to_be_focused()
    expect(page.locator("#tiers-2")).to_be_visible()
    page.keyboard.press("ArrowRight")  # wraps round
    expect(tabs.nth(0)).to_be_focused()
    page.keyboard.press("End")
    expect(tabs.nth(2)).to_have_attribute("aria-selected", "true")
    page.keyboard.press("Home")
    expect(tabs.nth(0)).to_have_attribute("aria-selected", "true")
    page.keyboard.press("ArrowLeft")
    expect(tabs.nth(2)).to_be_focused()
    expect(tabs.nth(2)).to_have_attribute("tabindex", "0")
    expect(tabs.nth(0)).to_have_attribute("tabindex", "-1")


def test_a_tier_with_an_error_opens_first(page, site, editor):  # noqa: F811
    sign_in(page, site)
    open_article(page, site)
    page.get_by_role("tab", name="Academic").click()
    academic = page.locator("#id_tiers-2-body_markdown")
    type_at_end(page, academic, "\n\nA claim with no source [@nobody1999].")
    page.keyboard.press("Escape")
    page.get_by_role("button", name="Save and continue editing").click()
    expect(page.locator(".errornote")).to_be_visible()
    tab = page.get_by_role("tab", name=re.compile("Academic"))
    expect(tab).to_have_attribute("aria-selected", "true")
    expect(tab).to_contain_text("needs a fix")
    expect(page.locator("#tiers-2")).to_be_visible()


def test_the_readability_figure_follows_the_text(page, site, editor):  # noqa: F811
    sign_in(page, site)
    open_article(page, site)
    stats = page.locator("#id_tiers-0-body_markdown-preview .preview-stats")
    expect(stats).to_contain_text("aim: grade 8 or lower")
    expect(stats).not_to_contain_text("Harder than Fundamentals")
    before = stats.locator(".readability").get_attribute("data-grade")
    page.locator("#id_tiers-0-body_markdown").fill(HARD)
    expect(stats).to_contain_text("Harder than Fundamentals readers expect")
    after = stats.locator(".readability").get_attribute("data-grade")
    assert float(after) > 8 >= float(before)
    expect(stats).to_contain_text("25 words")


def test_arrow_references_are_reordered_by_buttons(page, site, editor):  # noqa: F811
    edge = Edge.objects.annotate(n=Count("cited")).filter(n__gte=3).order_by("pk").first()
    keys = [use.reference.key for use in edge.cited.order_by("position")]
    sign_in(page, site)
    page.goto(f"{site}/admin/explorer/edge/{edge.pk}/change/")
    expect(page.locator(".field-position").first).to_be_hidden()  # the buttons replace it

    move = page.get_by_role("button", name=f"Move down: {keys[0]}", exact=True)
    move.click()
    expect(move).to_be_focused()  # the same button, now in the second row
    page.keyboard.press("Enter")  # and down once more, from the keyboard
    expect(move).to_be_focused()
    expect(move).to_have_attribute("aria-disabled", "true")  # now last
    expected = [keys[1], keys[2], keys[0], *keys[3:]]
    expect(page.locator("#cited-group [role=status]")).to_contain_text(
        f"{keys[0]} moved to place 3"
    )
    page.get_by_role("button", name=f"Move up: {keys[2]}", exact=True).click()
    expected = [keys[2], keys[1], keys[0], *keys[3:]]

    page.get_by_role("button", name="Save and continue editing").click()
    expect(page.locator(".messagelist")).to_contain_text("changed successfully")
    saved = edge.cited.order_by("position")
    assert [use.reference.key for use in saved] == expected
    assert [use.position for use in saved] == list(range(len(expected)))


def test_aliases_are_reordered_by_buttons(page, site, editor):  # noqa: F811
    node = Node.objects.get(slug="pgc-1a")
    aliases = node.aliases
    sign_in(page, site)
    page.goto(f"{site}/admin/explorer/node/{node.pk}/change/")
    move = page.get_by_role("button", name=f"Move up: {aliases[1]}", exact=True)
    move.click()
    expect(move).to_be_focused()
    expect(page.locator("#id_aliases")).to_have_value(
        "\n".join([aliases[1], aliases[0], *aliases[2:]])
    )
    page.get_by_role("button", name="Save and continue editing").click()
    expect(page.locator(".messagelist")).to_contain_text("changed successfully")
    node.refresh_from_db()
    assert node.aliases == [aliases[1], aliases[0], *aliases[2:]]


def test_the_editing_pages_have_no_accessibility_violations(page, site, editor):  # noqa: F811
    sign_in(page, site)
    open_article(page, site)
    type_at_end(page, page.locator("#id_tiers-0-body_markdown"), " [@pede")
    expect(page.get_by_role("listbox")).to_be_visible()
    axe = Axe().run(page)
    assert axe.violations_count == 0, axe.generate_report()

    node = Node.objects.get(slug="pgc-1a")
    edge = Edge.objects.annotate(n=Count("cited")).filter(n__gte=2).order_by("pk").first()
    for path in [
        f"/admin/explorer/node/{node.pk}/change/",
        f"/admin/explorer/edge/{edge.pk}/change/",
        f"/admin/articles/reference/{edge.cited.first().reference.pk}/change/",
    ]:
        page.goto(site + path)
        axe = Axe().run(page)
        assert axe.violations_count == 0, f"{path}\n{axe.generate_report()}"
