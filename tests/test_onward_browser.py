"""A way onward, in Debian's Chromium (issue 15): go deeper, see this on the map, back-links from
a reference to each citation, a tier switch that keeps the reader's place, comfortable
citation targets, and phones 320 px wide."""

import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

METABOLIC = "/articles/exercise-and-metabolic-health/"
HORMONES = "/articles/long-term-hormonal-adaptations/"

# Every reader page that must not scroll sideways at 320 px. Add new reader pages here.
READER_PATHS = [
    "/",
    *(article + tier + "/" for article in (METABOLIC, HORMONES)
      for tier in ("fundamentals", "intermediate", "academic")),
    "/explorer/",
    "/explorer/ampk/",
    "/explorer/ampk/academic/",
    "/explorer/?highlight=ampk,glut4-translocation,pgc-1a",
    "/explorer/walks/",
    "/explorer/walks/hiit-insulin-sensitivity/",
    "/explorer/walks/lifting-builds-muscle/2/academic/",
    "/explorer/compare/",
    "/explorer/paths/?from=hiit&to=insulin-sensitivity",
    "/search/?q=insulin",
    "/search/?q=",
    "/changes/",
    "/glossary/",
    METABOLIC + "academic/v/1/",
    "/explorer/ampk/academic/v/1/",
]  # fmt: skip


def tab(page, name):
    return page.get_by_role("tab", name=name)


def in_view(page, selector):
    """Whether the element's top is on screen, below the sticky tier tabs."""
    return page.evaluate(
        """(selector) => {
            const top = document.querySelector(selector).getBoundingClientRect().top;
            const tabs = document.querySelector('.tier-tabs');
            const below = tabs ? tabs.getBoundingClientRect().bottom - 2 : 0;
            return top >= below && top < window.innerHeight / 2;
        }""",
        selector,
    )


def test_go_deeper_opens_the_next_tier_in_place_at_its_top(page, site):
    page.goto(site + METABOLIC + "fundamentals/")
    page.evaluate("window.stillTheSamePage = true")
    page.get_by_role("link", name="Go deeper: the Intermediate version").click()
    expect(page).to_have_url(site + METABOLIC + "intermediate/")
    expect(tab(page, "Intermediate")).to_have_attribute("aria-selected", "true")
    assert page.evaluate("window.stillTheSamePage") is True, "the page reloaded"
    assert page.evaluate("document.querySelector('#tier-region').getBoundingClientRect().top") >= -1
    assert page.evaluate("window.scrollY") > 0, "the reader stays at the tier, below the title"

    page.get_by_role("link", name="Go deeper: the Academic version").click()
    expect(page).to_have_url(site + METABOLIC + "academic/")
    expect(tab(page, "Academic")).to_have_attribute("aria-selected", "true")
    page.get_by_role("link", name="Back to basics: the Fundamentals version").click()
    expect(page).to_have_url(site + METABOLIC + "fundamentals/")

    page.go_back()
    expect(page).to_have_url(site + METABOLIC + "academic/")
    expect(tab(page, "Academic")).to_have_attribute("aria-selected", "true")


def test_see_this_on_the_map_highlights_the_texts_nodes(page, site):
    page.goto(site + HORMONES + "intermediate/")
    named = page.locator(".onward-nodes a").evaluate_all(
        "links => links.map(link => new URL(link.href).pathname.split('/')[2])"
    )
    assert len(named) >= 5
    page.locator(".onward-map__all").click()
    expect(page).to_have_url(re.compile(r"/explorer/\?highlight="))
    highlighted = page.locator("svg.diagram a.node.is-highlighted")
    expect(highlighted).to_have_count(len(named))
    ids = highlighted.evaluate_all("boxes => boxes.map(box => box.id.replace('node-', ''))")
    assert sorted(ids) == sorted(named)
    first = highlighted.first
    assert first.get_attribute("aria-label").endswith(", highlighted")
    outline = first.locator("rect").evaluate("rect => getComputedStyle(rect).strokeWidth")
    assert float(outline.removesuffix("px")) >= 4
    dimmed = page.locator("svg.diagram a.node.is-dimmed").first
    assert float(dimmed.evaluate("box => getComputedStyle(box).opacity")) < 0.5
    expect(page.get_by_role("status")).to_contain_text("Highlighted:")
    results = Axe().run(page)
    assert results.violations_count == 0, results.generate_report()


def test_a_reference_links_back_to_each_place_it_is_cited(page, site):
    page.goto(site + METABOLIC + "academic/")
    entry = page.locator("#ref-larsen2014")
    backlinks = entry.get_by_role("link", name=re.compile(r"^Back to citation \d+ of larsen2014$"))
    count = backlinks.count()
    assert count >= 2
    for number in range(1, count + 1):
        entry.get_by_role("link", name=f"Back to citation {number} of larsen2014").click()
        expect(page).to_have_url(site + METABOLIC + f"academic/#cite-larsen2014-{number}")
        marker = page.locator(f"#cite-larsen2014-{number}")
        expect(marker).to_be_in_viewport()
        assert marker.get_attribute("href") == "#ref-larsen2014"
        assert in_view(page, f"#cite-larsen2014-{number}")
        marker.click()  # and forward again to the reference
        expect(page).to_have_url(site + METABOLIC + "academic/#ref-larsen2014")
        expect(entry).to_be_in_viewport()


def test_switching_tier_lands_at_the_matching_heading(page, site):
    page.goto(site + METABOLIC + "intermediate/")
    page.locator("#which-exercise").evaluate("heading => heading.scrollIntoView()")
    page.mouse.wheel(0, 200)  # into the section's text
    page.wait_for_timeout(200)
    tab(page, "Academic").click()
    expect(page).to_have_url(site + METABOLIC + "academic/#which-exercise")
    expect(tab(page, "Academic")).to_have_attribute("aria-selected", "true")
    expect(page.locator("#which-exercise")).to_have_text(
        "Modality comparison for glycaemic control"
    )
    assert in_view(page, "#which-exercise")

    tab(page, "Fundamentals").click()
    expect(page).to_have_url(site + METABOLIC + "fundamentals/#which-exercise")
    expect(page.locator("#which-exercise")).to_have_text("Which kind of exercise is best?")
    assert in_view(page, "#which-exercise")

    page.go_back()
    expect(page).to_have_url(site + METABOLIC + "academic/#which-exercise")
    expect(tab(page, "Academic")).to_have_attribute("aria-selected", "true")
    page.go_back()
    expect(page).to_have_url(site + METABOLIC + "intermediate/")
    expect(tab(page, "Intermediate")).to_have_attribute("aria-selected", "true")


def test_a_subsection_lands_at_its_sections_match(page, site):
    page.goto(site + HORMONES + "academic/")
    heading = page.get_by_role("heading", name=re.compile("Determinants of the acute response"))
    heading.evaluate("heading => heading.scrollIntoView()")
    page.mouse.wheel(0, 100)
    page.wait_for_timeout(200)
    tab(page, "Fundamentals").click()
    expect(page).to_have_url(site + HORMONES + "fundamentals/#lifting-spike")
    assert in_view(page, "#lifting-spike")


def test_a_section_with_no_match_lands_at_the_top_of_the_tier(page, site):
    page.goto(site + METABOLIC + "intermediate/")
    page.locator("#what-a-session-looks-like").evaluate("heading => heading.scrollIntoView()")
    page.mouse.wheel(0, 100)
    page.wait_for_timeout(200)
    tab(page, "Academic").click()
    expect(page).to_have_url(site + METABOLIC + "academic/")
    expect(tab(page, "Academic")).to_have_attribute("aria-selected", "true")
    top = page.evaluate("document.querySelector('#tier-region').getBoundingClientRect().top")
    assert -2 <= top <= 2, "the tier starts at the top of the screen"


def test_citation_markers_are_at_least_24_px_square_without_raising_the_line(page, site):
    page.goto(site + METABOLIC + "academic/")
    sizes = page.locator(".prose sup.citation a").evaluate_all(
        "links => links.map(link => { const box = link.getBoundingClientRect();"
        " return [box.width, box.height]; })"
    )
    assert len(sizes) > 50
    assert min(width for width, _ in sizes) >= 24
    assert min(height for _, height in sizes) >= 24
    # The hit area is the box: the point 11 px left of a marker's centre still hits it.
    assert page.locator("#cite-larsen2014-1").evaluate(
        """link => { link.scrollIntoView({block: 'center'});
            const box = link.getBoundingClientRect();
            const hit = document.elementFromPoint(box.left + box.width / 2 - 11,
                                                  box.top + box.height / 2 + 11);
            return link.contains(hit); }"""
    )
    # The paragraphs are as tall as they would be without the taller targets: the padding
    # above and below a marker does not raise its line.
    heights = page.evaluate(
        """() => {
            const paragraphs = Array.from(document.querySelectorAll('.prose p'))
                .filter(p => p.querySelector('sup.citation'));
            const before = paragraphs.map(p => p.getBoundingClientRect().height);
            document.querySelectorAll('.prose sup.citation a').forEach(link => {
                link.style.paddingTop = '0'; link.style.paddingBottom = '0'; });
            return [before, paragraphs.map(p => p.getBoundingClientRect().height)];
        }"""
    )
    assert heights[0] == heights[1]


def test_reference_back_links_are_24_px_targets(page, site):
    page.goto(site + METABOLIC + "academic/")
    sizes = page.locator(".backlinks a").evaluate_all(
        "links => links.map(link => { const box = link.getBoundingClientRect();"
        " return [box.width, box.height]; })"
    )
    assert sizes
    assert min(min(size) for size in sizes) >= 24


@pytest.mark.parametrize("width", [320, 390])
def test_tier_tabs_show_whole_labels_on_a_phone(page, site, width):
    page.set_viewport_size({"width": width, "height": 700})
    for chosen in ("fundamentals", "academic"):
        page.goto(site + METABOLIC + chosen + "/")
        bar = page.locator(".tier-region > .tier-tabs")
        scrolls = bar.evaluate("bar => bar.scrollWidth > bar.clientWidth")
        if scrolls:  # then it must say so and let every label be reached
            assert bar.evaluate("bar => getComputedStyle(bar).overflowX") == "auto"
            assert "radial-gradient" in bar.evaluate("bar => getComputedStyle(bar).backgroundImage")
        for name in ("Fundamentals", "Intermediate", "Academic"):
            label = tab(page, name)
            assert label.evaluate("tab => tab.scrollWidth <= tab.clientWidth"), f"{name} is cut"
            if scrolls:
                label.evaluate("tab => tab.scrollIntoView({inline: 'nearest', block: 'nearest'})")
            fits = label.evaluate(
                """tab => { const box = tab.getBoundingClientRect();
                    const bar = tab.parentElement.getBoundingClientRect();
                    return box.left >= bar.left - 0.5 && box.right <= bar.right + 0.5; }"""
            )
            assert fits, f"{name} is not wholly visible at {width} px"
        selected = tab(page, chosen.capitalize())
        assert selected.evaluate(
            """tab => { const box = tab.getBoundingClientRect();
                return box.left >= 0 && box.right <= document.documentElement.clientWidth; }"""
        ), "the chosen tab is in view when the page opens"


def test_nothing_overflows_sideways_at_320_px(page, site):
    page.set_viewport_size({"width": 320, "height": 700})
    wide = []
    for path in READER_PATHS:
        assert page.goto(site + path).status == 200, path
        overflow = page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        if overflow > 0:
            wide.append(f"{path}: {overflow} px too wide")
    assert wide == []
