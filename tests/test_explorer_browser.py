"""The mechanism explorer in Debian's Chromium: swaps, history, keyboard, filters, paths,
article previews, no-JS and accessibility."""

import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

EXPLORER = "/explorer/"
PATHS = "/explorer/paths/"
HIIT_TO_GLUCOSE = PATHS + "?from=hiit&to=glucose-uptake"
COMPARE = "/explorer/compare/"
ARTICLE = "/articles/exercise-and-metabolic-health/fundamentals/"


def mark_page(page):
    """Set a marker that survives an htmx swap but not a full page load."""
    page.evaluate("window.stillTheSamePage = true")


def assert_same_page(page):
    assert page.evaluate("window.stillTheSamePage") is True, "the page reloaded instead of swapping"


def panel_heading(page):
    return page.locator("#panel h2#panel-heading")


def filter_link(page, name):
    return page.locator("nav.map-filter").get_by_role("link", name=name, exact=True)


def test_clicking_nodes_swaps_the_panel_and_back_returns_to_the_previous_node(page, site):
    page.goto(site + EXPLORER)
    expect(panel_heading(page)).to_have_text("Start anywhere")
    mark_page(page)

    page.locator("#node-hiit").click()
    expect(page).to_have_url(site + "/explorer/hiit/")
    expect(panel_heading(page)).to_have_text("HIIT")
    expect(page.locator("#node-hiit")).to_have_attribute("aria-current", "true")
    expect(page.locator("#node-hiit")).to_have_class(re.compile(r"\bis-selected\b"))
    assert_same_page(page)

    page.locator("#node-ampk").click()
    expect(page).to_have_url(site + "/explorer/ampk/")
    expect(panel_heading(page)).to_have_text("AMPK")
    expect(page.locator("#node-ampk")).to_have_attribute("aria-current", "true")
    expect(page.locator("#node-hiit")).not_to_have_attribute("aria-current", "true")
    assert_same_page(page)

    page.go_back()
    expect(page).to_have_url(site + "/explorer/hiit/")
    expect(panel_heading(page)).to_have_text("HIIT")
    expect(page.locator("#node-hiit")).to_have_attribute("aria-current", "true")
    expect(page.locator("#node-ampk")).not_to_have_attribute("aria-current", "true")


def test_keyboard_alone_opens_a_node_and_keeps_focus_on_it(page, site):
    page.goto(site + EXPLORER)
    mark_page(page)
    focused_node = None
    for _ in range(60):
        page.keyboard.press("Tab")
        focused_node = page.evaluate(
            "document.activeElement && document.activeElement.classList.contains('node')"
            " ? document.activeElement.id : null"
        )
        if focused_node:
            break
    assert focused_node, "60 presses of Tab never reached a node of the diagram"
    node = page.locator("#" + focused_node)
    href = node.get_attribute("href")
    name = re.sub(r" \([^)]*\)$", "", node.get_attribute("aria-label"))

    page.keyboard.press("Enter")

    expect(page).to_have_url(site + href)
    expect(panel_heading(page)).to_have_text(name)
    expect(page.locator("#" + focused_node)).to_have_attribute("aria-current", "true")
    expect(panel_heading(page)).to_be_focused()  # the panel the reader asked for
    assert_same_page(page)


def focused_id(page):
    return page.evaluate("document.activeElement.id")


def test_keyboard_reaches_hiit_in_five_presses_follows_arrows_and_opens_its_panel(page, site):
    page.goto(site + EXPLORER)
    mark_page(page)

    # Skip to main content, Skip to the map, follow it, into the map: the top box of the
    # Exercise column. Then down that column until HIIT, five presses at most in all.
    presses = ["Tab", "Tab", "Enter", "Tab"]
    for key in presses:
        page.keyboard.press(key)
    while focused_id(page) != "node-hiit" and len(presses) < 5:
        assert "kind-modality" in page.evaluate("document.activeElement.getAttribute('class')")
        page.keyboard.press("ArrowDown")
        presses.append("ArrowDown")

    expect(page.locator("#node-hiit")).to_be_focused()
    leads_to = page.locator("#node-hiit").get_attribute("data-out").split()
    page.keyboard.press("ArrowRight")  # along an arrow out of HIIT
    assert focused_id(page) == leads_to[0]
    comes_from = page.locator("#" + leads_to[0]).get_attribute("data-in").split()
    page.keyboard.press("ArrowLeft")  # and back along an arrow into that box
    assert focused_id(page) == comes_from[0]
    page.locator("#node-hiit").focus()
    page.keyboard.press("Enter")

    expect(page).to_have_url(site + "/explorer/hiit/")
    expect(panel_heading(page)).to_have_text("HIIT")
    expect(panel_heading(page)).to_be_focused()
    expect(page.locator("#map-announcer")).to_contain_text("HIIT selected")
    assert_same_page(page)
    # The map stays one Tab stop: the selected box is the one in the Tab order.
    assert page.locator("#node-hiit").get_attribute("tabindex") == "0"
    assert page.locator("a.node[tabindex='0']").count() == 1


def test_the_skip_link_jumps_past_the_map_to_the_panel(page, site):
    page.goto(site + "/explorer/ampk/")
    skip = page.get_by_role("link", name="Skip past the map")
    skip.focus()
    expect(skip).to_be_visible()
    page.keyboard.press("Enter")
    assert focused_id(page) == "panel"
    page.keyboard.press("Tab")  # on into the panel, not back into the map
    assert page.evaluate("document.getElementById('panel').contains(document.activeElement)")


def test_filtering_by_keyboard_keeps_focus_on_the_filter_and_says_what_changed(page, site):
    page.goto(site + EXPLORER)
    filter_link(page, "HIIT").focus()
    page.keyboard.press("Enter")

    expect(page).to_have_url(site + EXPLORER + "?modality=hiit")
    expect(filter_link(page, "HIIT")).to_be_focused()
    expect(page.locator("#map-announcer")).to_have_text("Showing only what HIIT reaches.")

    page.get_by_role("link", name="After one session", exact=True).focus()
    page.keyboard.press("Enter")
    expect(page).to_have_url(site + EXPLORER + "?modality=hiit&timing=acute")
    expect(page.get_by_role("link", name="After one session", exact=True)).to_be_focused()
    expect(page.locator("#map-announcer")).to_contain_text("seen after one session")


def test_modality_filter_hides_unreached_nodes_and_back_restores_the_full_map(page, site):
    page.goto(site + EXPLORER)
    expect(page.locator("#node-decorin")).to_have_count(1)
    expect(page.locator("#node-mechanical-tension")).to_have_count(1)
    expect(filter_link(page, "All exercise")).to_have_attribute("aria-current", "true")
    mark_page(page)

    filter_link(page, "HIIT").click()

    expect(page).to_have_url(site + EXPLORER + "?modality=hiit")
    expect(page.locator("#node-decorin")).to_have_count(0)
    expect(page.locator("#node-mechanical-tension")).to_have_count(0)
    expect(page.locator("#node-ampk")).to_be_visible()
    expect(filter_link(page, "HIIT")).to_have_attribute("aria-current", "true")
    expect(filter_link(page, "All exercise")).not_to_have_attribute("aria-current", "true")
    assert_same_page(page)

    page.go_back()
    expect(page).to_have_url(site + EXPLORER)
    expect(page.locator("#node-decorin")).to_have_count(1)
    expect(page.locator("#node-mechanical-tension")).to_have_count(1)
    expect(filter_link(page, "All exercise")).to_have_attribute("aria-current", "true")
    expect(filter_link(page, "HIIT")).not_to_have_attribute("aria-current", "true")


def test_paths_page_highlights_the_chain_and_the_form_swaps_in_place(page, site):
    page.goto(site + HIIT_TO_GLUCOSE)
    expect(page.locator("ol.chain-list > li.chain").first).to_be_visible()
    assert page.locator("ol.chain-list > li.chain").count() >= 1
    expect(page.locator("#chains-heading")).to_contain_text("from HIIT to Glucose uptake")
    diagram = page.locator("svg.diagram")
    expect(diagram.locator("#node-hiit")).to_have_class(re.compile(r"\bis-active\b"))
    expect(diagram.locator("#node-glucose-uptake")).to_have_class(re.compile(r"\bis-active\b"))
    expect(diagram.locator("g.edge.is-active").first).to_be_attached()
    heading_before = page.locator("#chains-heading").inner_text()
    mark_page(page)

    page.get_by_label("From", exact=True).select_option("resistance-training")
    page.get_by_label("To", exact=True).select_option("ampk")
    page.get_by_role("button", name="Find chains").click()

    expect(page).to_have_url(re.compile(r"[?&]from=resistance-training(&|$)"))
    expect(page).to_have_url(re.compile(r"[?&]to=ampk(&|$)"))
    expect(page.locator("#chains-heading")).to_contain_text("from Resistance training to AMPK")
    assert page.locator("#chains-heading").inner_text() != heading_before
    expect(diagram.locator("#node-resistance-training")).to_have_class(re.compile(r"\bis-active\b"))
    expect(diagram.locator("#node-ampk")).to_have_class(re.compile(r"\bis-active\b"))
    assert_same_page(page)


def test_article_links_into_the_map_show_a_preview_on_hover_and_focus(page, site):
    page.goto(site + ARTICLE)
    card = page.locator("div.node-card[role=tooltip]")
    ampk = page.locator("a.node-link[href='/explorer/ampk/']").first
    hiit = page.locator("a.node-link[href='/explorer/hiit/']").first

    ampk.hover()
    expect(card).to_be_visible()
    expect(card.locator(".node-card__name")).to_have_text("AMPK")
    expect(ampk).to_have_attribute("aria-describedby", "node-card")
    page.keyboard.press("Escape")
    expect(card).to_be_hidden()

    hiit.focus()
    expect(card).to_be_visible()
    expect(card.locator(".node-card__name")).to_have_text("HIIT")
    expect(hiit).to_have_attribute("aria-describedby", "node-card")
    page.keyboard.press("Escape")
    expect(card).to_be_hidden()
    expect(hiit).not_to_have_attribute("aria-describedby", "node-card")


def test_explorer_works_with_javascript_off(browser, site):
    context = browser.new_context(java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(site + EXPLORER)
        page.locator("#node-ampk").click()
        expect(page).to_have_url(site + "/explorer/ampk/")
        expect(panel_heading(page)).to_have_text("AMPK")
        expect(page.locator("#node-ampk")).to_have_attribute("aria-current", "true")

        page.goto(site + EXPLORER)
        filter_link(page, "HIIT").click()
        expect(page).to_have_url(site + EXPLORER + "?modality=hiit")
        expect(page.locator("#node-decorin")).to_have_count(0)
        expect(page.locator("#node-ampk")).to_be_visible()
        expect(filter_link(page, "HIIT")).to_have_attribute("aria-current", "true")

        page.goto(site + PATHS)
        page.get_by_label("From", exact=True).select_option("hiit")
        page.get_by_label("To", exact=True).select_option("glucose-uptake")
        page.get_by_role("button", name="Find chains").click()
        expect(page).to_have_url(re.compile(r"/explorer/paths/\?.*from=hiit&to=glucose-uptake"))
        expect(page.locator("#chains-heading")).to_contain_text("from HIIT to Glucose uptake")
        expect(page.locator("ol.chain-list > li.chain").first).to_be_visible()
        expect(page.locator("svg.diagram #node-glucose-uptake")).to_have_class(
            re.compile(r"\bis-active\b")
        )
    finally:
        context.close()


WALK = "/explorer/walks/lifting-builds-muscle/"
NARROW_PAGES = [
    EXPLORER,
    "/explorer/ampk/",
    EXPLORER + "?modality=hiit&timing=training",
    HIIT_TO_GLUCOSE,
    COMPARE,
    "/explorer/walks/",
    WALK,
]


@pytest.mark.parametrize("path", NARROW_PAGES)
def test_nothing_overflows_a_320_pixel_screen(page, site, path):
    page.set_viewport_size({"width": 320, "height": 640})
    page.goto(site + path)
    overflowing = page.evaluate(
        """() => [...document.querySelectorAll('body *')]
          .filter(e => !e.closest('.map-scroll, .table-scroll, .tier-tabs'))
          .filter(e => e.getBoundingClientRect().right > document.documentElement.clientWidth + 1)
          .map(e => e.tagName + '.' + e.className)"""
    )
    assert overflowing == []
    assert page.evaluate("document.documentElement.scrollWidth") <= 320


def test_on_a_phone_the_map_comes_first_and_a_tapped_box_brings_its_panel_into_view(browser, site):
    context = browser.new_context(viewport={"width": 390, "height": 844}, has_touch=True)
    try:
        page = context.new_page()
        page.goto(site + EXPLORER)
        map_top = page.locator("figure.map").bounding_box()["y"]
        assert map_top < page.locator("#panel").bounding_box()["y"]
        page.get_by_role("button", name="Fit map to screen").tap()
        expect(page.locator("figure.map")).to_have_class(re.compile(r"\bis-fitted\b"))
        assert (
            page.evaluate("document.querySelector('.diagram').getBoundingClientRect().width") <= 390
        )

        page.locator("#node-ampk").tap()

        expect(panel_heading(page)).to_have_text("AMPK")
        expect(panel_heading(page)).to_be_in_viewport()
    finally:
        context.close()


# Records every layout shift, as Lighthouse's CLS counts them (from the first paint on).
WATCH_LAYOUT_SHIFTS = """
window.layoutShifts = [];
new PerformanceObserver(list => {
  for (const entry of list.getEntries()) {
    window.layoutShifts.push({value: entry.value, recentInput: entry.hadRecentInput});
  }
}).observe({type: "layout-shift", buffered: true});
"""


@pytest.mark.parametrize("width", [1280, 390])
def test_choosing_a_box_moves_nothing_on_the_page(browser, site, width):
    """Cumulative layout shift 0 on a node page, as it loads and when another box is chosen;
    the map keeps its size whether or not a box is chosen."""
    context = browser.new_context(viewport={"width": width, "height": 800}, has_touch=width < 600)
    try:
        page = context.new_page()
        page.add_init_script(WATCH_LAYOUT_SHIFTS)
        page.goto(site + "/explorer/ampk/")
        page.wait_for_load_state("networkidle")
        before = page.locator("figure.map svg.diagram").bounding_box()
        box = page.locator("#node-hiit")
        box.tap() if width < 600 else box.click()
        expect(panel_heading(page)).to_have_text("HIIT")
        page.wait_for_timeout(600)  # past the 500 ms after input that CLS forgives
        after = page.locator("figure.map svg.diagram").bounding_box()
        shifts = page.evaluate("window.layoutShifts")
        assert sum(shift["value"] for shift in shifts if not shift["recentInput"]) == 0, shifts
        assert (after["width"], after["height"]) == (before["width"], before["height"])

        page.goto(site + EXPLORER)
        page.wait_for_load_state("networkidle")
        assert page.evaluate("window.layoutShifts") == []
    finally:
        context.close()


def test_a_walk_goes_forward_and_back_in_place_and_by_the_back_button(page, site):
    page.goto(site + WALK)
    expect(page.locator(".walk-count")).to_have_text("Step 1 of 7")
    mark_page(page)

    page.get_by_role("link", name="Next step →").click()
    expect(page).to_have_url(site + WALK + "2/")
    expect(page.locator(".walk-count")).to_have_text("Step 2 of 7")
    current = page.locator('.walk-steps a[aria-current="step"]')
    expect(current).to_contain_text("Mechanical tension → activates mTORC1")
    assert_same_page(page)

    page.get_by_role("link", name="← Previous step").click()
    expect(page).to_have_url(site + WALK)
    expect(page.locator(".walk-count")).to_have_text("Step 1 of 7")
    page.go_back()  # each step was its own entry in the history
    expect(page).to_have_url(site + WALK + "2/")
    expect(page.locator(".walk-count")).to_have_text("Step 2 of 7")
    page.go_back()
    expect(page.locator(".walk-count")).to_have_text("Step 1 of 7")


def test_a_walk_works_with_javascript_off(browser, site):
    context = browser.new_context(java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(site + WALK + "6/")
        expect(page.locator(".walk-count")).to_have_text("Step 6 of 7")
        page.get_by_role("link", name="Next step →").click()
        expect(page).to_have_url(site + WALK + "7/")
        expect(page.locator(".walk-count")).to_have_text("Step 7 of 7")
    finally:
        context.close()


AXE_PAGES = [
    EXPLORER,
    EXPLORER + "?modality=resistance-training",
    "/explorer/walks/",
    WALK + "5/",
    "/explorer/ampk/",
    "/explorer/ros/?timing=acute",
    HIIT_TO_GLUCOSE,
    COMPARE,
    COMPARE + "?timing=training",
]
# axe leaves "label in name" (a box's accessible name starts with its visible label) to those
# who ask for it; the map's boxes must pass it.
AXE_OPTIONS = {"rules": {"label-content-name-mismatch": {"enabled": True}}}


@pytest.mark.parametrize("path", AXE_PAGES)
def test_axe_finds_no_violations_in_the_explorer(page, site, path):
    page.emulate_media(color_scheme="light")
    page.goto(site + path)
    results = Axe().run(page, options=AXE_OPTIONS)
    assert results.violations_count == 0, f"{path}:\n{results.generate_report()}"


def test_axe_finds_no_violations_on_a_node_page_in_dark_mode(page, site):
    page.emulate_media(color_scheme="dark")
    page.goto(site + "/explorer/ampk/")
    results = Axe().run(page, options=AXE_OPTIONS)
    assert results.violations_count == 0, results.generate_report()


def test_the_panel_reads_as_one_page_in_the_body_colour(page, site):
    """No inner scroller, and an arrow's mechanism sentence in the text colour, not its
    grade's or effect's colour."""
    page.goto(site + "/explorer/il-6/")
    panel = page.locator("#panel")
    assert panel.evaluate("e => getComputedStyle(e).overflowY") == "visible"
    assert panel.evaluate("e => e.scrollHeight <= e.clientHeight + 1")
    text_colour = panel.evaluate("e => getComputedStyle(e).color")
    mechanisms = page.locator("#panel .arrow-mechanism")
    assert mechanisms.count() > 5
    colours = mechanisms.evaluate_all("all => all.map(e => getComputedStyle(e).color)")
    assert set(colours) == {text_colour}


@pytest.mark.parametrize(
    ("path", "box"),
    [(EXPLORER, "#node-hiit"), ("/explorer/hypertrophy/", "#node-hypertrophy")],
    ids=["the kinds of exercise", "the chosen box"],
)
def test_on_a_phone_the_map_opens_at_where_to_start(browser, site, path, box):
    context = browser.new_context(viewport={"width": 390, "height": 844}, has_touch=True)
    try:
        page = context.new_page()
        page.goto(site + path)
        window = page.locator("figure.map .map-scroll").bounding_box()
        shown = page.locator(box).bounding_box()
        assert window["x"] <= shown["x"]
        assert shown["x"] + shown["width"] <= window["x"] + window["width"]
        assert window["y"] <= shown["y"]
        assert shown["y"] + shown["height"] <= window["y"] + window["height"]
    finally:
        context.close()
