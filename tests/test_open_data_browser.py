"""JSON-LD under the site's CSP in Debian's Chromium: it parses, it holds the citations, and
the policy (no unsafe-inline) neither blocks nor reports it."""

import json

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

ACADEMIC = "/articles/exercise-and-metabolic-health/academic/"

# Every CSP violation the page sees, as the browser reports it to the page itself.
WATCH_CSP = """
window.cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.cspViolations.push(event.violatedDirective + " " + event.blockedURI);
});
"""


def watch(page):
    """Record CSP violations and every report the browser sends to /csp-report/."""
    reports = []
    page.add_init_script(WATCH_CSP)
    page.on(
        "request",
        lambda request: reports.append(request.url) if "csp-report" in request.url else None,
    )
    return reports


def json_ld(page):
    scripts = page.locator('script[type="application/ld+json"]')
    expect(scripts).to_have_count(1)
    # Parsed by the browser's own JSON parser, as a search engine's crawler would.
    return page.evaluate(
        "JSON.parse(document.querySelector('script[type=\"application/ld+json\"]').textContent)"
    )


@pytest.mark.parametrize(
    ("address", "kind"),
    [(ACADEMIC, "ScholarlyArticle"), ("/explorer/pgc-1a/academic/", "MedicalWebPage")],
)
def test_json_ld_parses_and_the_csp_neither_blocks_nor_reports_it(
    page, site, console_errors, address, kind
):
    reports = watch(page)
    page.goto(site + address)
    page.wait_for_load_state("networkidle")

    data = json_ld(page)
    assert data["@type"] == kind
    dois = [
        identifier["value"]
        for cited in data["citation"]
        for identifier in cited.get("identifier", [])
        if identifier["propertyID"] == "DOI"
    ]
    assert dois
    assert all(doi.startswith("10.") for doi in dois)
    assert data == json.loads(page.locator('script[type="application/ld+json"]').text_content())
    assert page.evaluate("window.cspViolations") == []
    assert reports == []

    # The watch itself works: an inline script, which the policy forbids, is caught at once.
    page.evaluate(
        "() => { const s = document.createElement('script'); s.textContent = '1'; "
        "document.head.append(s); }"
    )
    page.wait_for_function("window.cspViolations.length > 0")
    assert page.evaluate("window.cspViolations")[0].startswith("script-src")
    console_errors.clear()  # that violation was this test's own doing


def test_a_gene_node_links_out_to_hgnc_and_uniprot(page, site):
    page.goto(site + "/explorer/pgc-1a/")
    hgnc = page.get_by_role("link", name="gene record at HGNC (HGNC:9237)")
    uniprot = page.get_by_role("link", name="protein record at UniProt (Q9UBK2)")
    expect(hgnc).to_have_attribute(
        "href", "https://www.genenames.org/data/gene-symbol-report/#!/hgnc_id/HGNC:9237"
    )
    expect(uniprot).to_have_attribute("href", "https://www.uniprot.org/uniprotkb/Q9UBK2/entry")
    assert json_ld(page)["about"]["sameAs"] == [
        hgnc.get_attribute("href"),
        uniprot.get_attribute("href"),
    ]


def test_the_explorer_offers_the_open_data_under_its_licence(page, site):
    page.goto(site + "/explorer/")
    link = page.get_by_role("link", name="graph.json")
    expect(link).to_be_visible()
    expect(page.get_by_role("link", name="CC BY 4.0")).to_have_attribute(
        "href", "https://creativecommons.org/licenses/by/4.0/"
    )
    response = page.request.get(site + "/explorer/graph.json")
    data = response.json()
    assert data["license"]["url"] == "https://creativecommons.org/licenses/by/4.0/"
    assert {node["slug"] for node in data["nodes"]} >= {"pgc-1a", "hiit", "il-6"}
