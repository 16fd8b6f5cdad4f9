"""Search in Debian's Chromium: live results from the header's box, Enter, Back, no JavaScript,
narrow screens and accessibility, on the project's real content."""

import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

METABOLIC = "/articles/exercise-and-metabolic-health/fundamentals/"


def box(page):
    return page.get_by_role("searchbox", name="Search the site")


def first_result(page):
    return page.locator(".search-result__title a").first


def test_typing_in_the_header_box_shows_results_live_and_back_returns(page, site):
    page.goto(site + METABOLIC)
    page.evaluate("window.stillTheSamePage = true")

    box(page).press_sequentially("PGC1alpha", delay=40)

    expect(first_result(page)).to_have_text("PGC-1\u03b1")
    expect(page).to_have_url(re.compile(r"/search/\?q=PGC1alpha$"))
    expect(page).to_have_title("Search: PGC1alpha · Exercise Signals")
    assert page.evaluate("window.stillTheSamePage") is True, "the page reloaded instead of swapping"
    expect(box(page)).to_be_focused()
    expect(page.locator(".search-result mark").first).to_be_visible()

    page.go_back()
    expect(page).to_have_url(site + METABOLIC)
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "How exercise improves metabolic health"
    )


def test_enter_goes_to_the_search_page_and_back_returns(page, site):
    page.goto(site + METABOLIC)
    box(page).fill("glut 4")
    box(page).press("Enter")

    expect(page).to_have_url(re.compile(r"/search/\?q=glut\+4$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Search results for “glut 4”")
    expect(first_result(page)).to_have_text(re.compile("GLUT4"))
    expect(box(page)).to_have_value("glut 4")
    first_result(page).click()
    expect(page).to_have_url(re.compile(r"/explorer/glut4-"))

    page.go_back()
    expect(page).to_have_url(re.compile(r"/search/\?q=glut\+4$"))
    expect(first_result(page)).to_have_text(re.compile("GLUT4"))


def test_search_works_with_javascript_off(browser, site):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(site + "/")
    box(page).fill("cortsol")
    box(page).press("Enter")

    expect(page).to_have_url(site + "/search/?q=cortsol")
    expect(first_result(page)).to_have_text("Cortisol")
    first_result(page).click()
    expect(page).to_have_url(site + "/explorer/cortisol/")
    page.go_back()
    expect(page).to_have_url(site + "/search/?q=cortsol")
    context.close()


def test_search_page_fits_narrow_screens_and_passes_axe(page, site):
    for color_scheme in ("light", "dark"):
        page.emulate_media(color_scheme=color_scheme)
        for width in (320, 390, 1280):
            page.set_viewport_size({"width": width, "height": 800})
            for path in ("/search/?q=PGC-1%CE%B1+muscle", "/search/", "/search/?q=%2A", METABOLIC):
                page.goto(site + path)
                where = f"{path} at {width} px, {color_scheme}"
                overflowing = page.evaluate(
                    """() => [...document.querySelectorAll('body *')]
                      .filter(e => !e.closest('.tier-tabs, .table-scroll'))
                      .filter(e => e.getBoundingClientRect().right
                                   > document.documentElement.clientWidth + 1)
                      .map(e => e.tagName + '.' + e.className)"""
                )
                assert overflowing == [], where
                assert page.evaluate("document.documentElement.scrollWidth") <= width, where
                assert box(page).bounding_box()["width"] >= 150, where  # room to read the query
                results = Axe().run(page)
                assert results.violations_count == 0, f"{where}:\n{results.generate_report()}"
