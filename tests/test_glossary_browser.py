"""Glossary terms in Chromium: the definition by keyboard, pointer and touch, Escape, no layout
shift, no overflow on a narrow phone, the glossary page, axe-core, and no JavaScript."""

import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

FUNDAMENTALS = "/articles/exercise-and-metabolic-health/fundamentals/"


def tab_to_first_term(page):
    """Press Tab from the top of the page until a glossary term has focus; returns it."""
    page.locator("body").focus()
    for _ in range(80):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.classList.contains('glossary-link')"):
            return page.locator("a.glossary-link:focus")
    raise AssertionError("no glossary term in the Tab order")


def popup_of(link):
    return link.locator("xpath=preceding-sibling::span[@class='glossary-popup']")


def text_boxes(page, link):
    """Where the paragraph around the term and the block after it are drawn."""
    paragraph = link.locator("xpath=ancestor::p[1]")
    after = paragraph.locator("xpath=following-sibling::*[1]")
    return paragraph.bounding_box(), after.bounding_box()


def test_tab_to_a_term_shows_its_definition_and_escape_closes_it(page, site):
    page.goto(site + FUNDAMENTALS)
    link = tab_to_first_term(page)
    word = link.inner_text()
    popup = popup_of(link)
    expect(popup).to_be_visible()
    definition = popup.inner_text()
    assert len(definition) > 20
    # The link is described by the definition, so a screen reader says it too.
    described = page.evaluate(
        "document.getElementById(document.activeElement.getAttribute('aria-describedby'))"
        ".textContent"
    )
    assert described == definition

    page.keyboard.press("Escape")
    expect(popup).to_be_hidden()
    expect(link).to_be_focused()
    # Leaving and coming back shows it again.
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Tab")
    expect(page.locator("a.glossary-link:focus")).to_have_text(word)
    expect(popup).to_be_visible()

    anchor = link.get_attribute("href").split("#")[1]
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(rf"/glossary/#{re.escape(anchor)}$"))
    expect(page.locator(f"#{anchor}")).to_be_in_viewport()
    expect(page.locator(f"#{anchor} dd")).to_contain_text(definition)


def test_opening_a_definition_moves_no_text(page, site):
    page.goto(site + FUNDAMENTALS)
    link = page.locator("a.glossary-link").nth(2)
    link.scroll_into_view_if_needed()
    before = text_boxes(page, link)
    link.hover()
    expect(popup_of(link)).to_be_visible()
    assert text_boxes(page, link) == before
    link.focus()
    page.mouse.move(0, 0)
    expect(popup_of(link)).to_be_visible()
    assert text_boxes(page, link) == before


def test_the_pointer_can_move_onto_the_definition_without_closing_it(page, site):
    page.goto(site + FUNDAMENTALS)
    link = page.locator("a.glossary-link").first
    link.hover()
    popup = popup_of(link)
    expect(popup).to_be_visible()
    box = popup.bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2, steps=8)
    expect(popup).to_be_visible()
    page.keyboard.press("Escape")
    expect(popup).to_be_hidden()
    page.mouse.move(0, 0)
    link.hover()
    expect(popup).to_be_visible()


def test_a_tap_shows_the_definition_and_a_second_tap_opens_the_glossary(browser, site):
    context = browser.new_context(
        viewport={"width": 390, "height": 844}, has_touch=True, is_mobile=True
    )
    page = context.new_page()
    errors = []
    page.on(
        "console", lambda message: errors.append(message.text) if message.type == "error" else None
    )
    page.goto(site + FUNDAMENTALS)
    link = page.locator("a.glossary-link").first
    link.scroll_into_view_if_needed()
    popup = popup_of(link)
    expect(popup).to_be_hidden()

    link.tap()
    expect(popup).to_be_visible()
    expect(page).to_have_url(site + FUNDAMENTALS)
    page.locator("h1").tap()  # a tap elsewhere closes it
    expect(popup).to_be_hidden()

    link.tap()
    expect(popup).to_be_visible()
    link.tap()
    expect(page).to_have_url(re.compile(r"/glossary/#[a-z0-9-]+$"))
    assert errors == []
    context.close()


@pytest.mark.parametrize("color_scheme", ["light", "dark"])
def test_the_definition_fits_a_320_pixel_screen(browser, site, color_scheme):
    context = browser.new_context(
        viewport={"width": 320, "height": 640}, has_touch=True, color_scheme=color_scheme
    )
    page = context.new_page()
    page.goto(site + FUNDAMENTALS)
    links = page.locator("a.glossary-link")
    # The term furthest to the right has the least room for its popup.
    lefts = [links.nth(index).bounding_box()["x"] for index in range(links.count())]
    link = links.nth(lefts.index(max(lefts)))
    link.scroll_into_view_if_needed()
    link.tap()
    popup = popup_of(link)
    expect(popup).to_be_visible()
    box = popup.bounding_box()
    assert box["x"] >= 0
    assert box["x"] + box["width"] <= 320
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    # Its colours are the page's own: readable text on the raised surface of this scheme.
    colours = popup.evaluate(
        "element => [getComputedStyle(element).color, getComputedStyle(element).backgroundColor]"
    )
    assert colours[0] != colours[1]
    context.close()


def test_the_glossary_page_jumps_by_letter_and_links_to_the_map(page, site):
    page.goto(site + "/glossary/")
    page.get_by_role("navigation", name="Letters").get_by_role("link", name="P").click()
    expect(page).to_have_url(site + "/glossary/#letter-p")
    expect(page.locator("#pgc-1a")).to_be_in_viewport()
    on_the_map = "PGC-1\N{GREEK SMALL LETTER ALPHA} on the map"
    page.locator("#pgc-1a").get_by_role("link", name=on_the_map).click()
    expect(page).to_have_url(site + "/explorer/pgc-1a/")


def test_without_javascript_a_term_leads_to_its_definition(browser, site):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(site + FUNDAMENTALS)
    link = page.locator("a.glossary-link").first
    anchor = link.get_attribute("href").split("#")[1]
    link.click()
    expect(page).to_have_url(site + f"/glossary/#{anchor}")
    expect(page.locator(f"#{anchor}")).to_be_in_viewport()
    context.close()


@pytest.mark.parametrize("color_scheme", ["light", "dark"])
def test_axe_finds_no_violations_on_the_glossary_and_an_article_with_terms(
    page, site, color_scheme
):
    page.emulate_media(color_scheme=color_scheme)
    axe = Axe()
    for path in ["/glossary/", "/glossary/#hiit", FUNDAMENTALS, "/explorer/ampk/"]:
        page.goto(site + path)
        results = axe.run(page)
        assert results.violations_count == 0, f"{path}:\n{results.generate_report()}"
    page.goto(site + FUNDAMENTALS)
    tab_to_first_term(page)
    results = axe.run(page)
    assert results.violations_count == 0, f"definition open:\n{results.generate_report()}"
