"""Cite this page: each article tier and node page, and the references it cites, download as
BibTeX, RIS and CSL-JSON that reference managers' own parsers read back."""

import json
import warnings

import bibtexparser
import pytest
import rispy
from citeproc import Citation, CitationItem, CitationStylesBibliography, CitationStylesStyle
from citeproc import formatter as citeproc_formatter
from citeproc.source.json import CiteProcJSON
from django.urls import reverse

from apps.core.citations import bibtex_text
from apps.core.models import Status
from tests.conftest import make_article, make_edge, make_node, make_reference

pytestmark = pytest.mark.django_db

FORMATS = ("bib", "ris", "json")


def cited_article(slug="cited-article", **fields):
    make_reference(
        "hardie2012",
        authors=["Hardie DG", "Ross FA", "Hawley SA"],
        year=2012,
        title="AMPK: a nutrient and energy sensor that maintains energy homeostasis",
        journal="Nat Rev Mol Cell Biol",
        volume="13",
        issue="4",
        pages="251\u2013262",  # an en dash, as PubMed writes page ranges
        doi="10.1038/nrm3311",
        pmid=22436748,
        pmcid="PMC4726489",
    )
    make_reference("smith2020", doi="10.1000/smith2020", pmid=None)
    return make_article(
        slug,
        bodies={"academic": "## Energy\n\nAMPK senses energy [@hardie2012; @smith2020].\n"},
        **fields,
    )


def download(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    return response


def parse_bibtex(text):
    library = bibtexparser.parse_string(text)
    assert library.failed_blocks == []
    return {entry.key: entry for entry in library.entries}


def parse_csl(text):
    """CSL-JSON read by citeproc-py, which warns about any name that is not a CSL variable;
    every item is then formatted in a real style, as a word processor would."""
    items = json.loads(text)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # an unknown variable name fails the test
        source = CiteProcJSON(items)
        style = CitationStylesStyle("harvard-cite-them-right", validate=False)
        bibliography = CitationStylesBibliography(style, source, citeproc_formatter.plain)
        for item in items:
            bibliography.register(Citation([CitationItem(item["id"])]))
        rendered = [str(entry) for entry in bibliography.bibliography()]
    return items, rendered


def test_an_article_tier_downloads_as_each_format(client):
    cited_article()
    base = "/articles/cited-article/academic/cite"
    bib = download(client, f"{base}.bib")
    assert bib["Content-Type"] == "application/x-bibtex; charset=utf-8"
    assert bib["Content-Disposition"] == 'attachment; filename="cited-article-academic.bib"'
    entry = parse_bibtex(bib.content.decode())["exercisesignalscitedarticleacademic"]
    assert entry.entry_type == "online"
    assert entry["title"] == "{Cited article (Academic)}"
    assert entry["url"] == "http://testserver/articles/cited-article/academic/"
    assert entry["date"] == "2026-11-01"  # the last-reviewed date

    ris = download(client, f"{base}.ris")
    assert ris["Content-Type"] == "application/x-research-info-systems; charset=utf-8"
    (record,) = rispy.loads(ris.content.decode())
    assert record["type_of_reference"] == "ELEC"
    assert record["title"] == "Cited article (Academic)"
    assert record["urls"] == ["http://testserver/articles/cited-article/academic/"]
    assert record["date"] == "2026/11/01"

    csl = download(client, f"{base}.json")
    assert csl["Content-Type"] == "application/vnd.citationstyles.csl+json; charset=utf-8"
    (item,), (formatted,) = parse_csl(csl.content.decode())
    assert item["type"] == "webpage"
    assert item["URL"] == "http://testserver/articles/cited-article/academic/"
    assert item["issued"] == {"date-parts": [[2026, 11, 1]]}
    assert "Cited article (Academic)" in formatted


def test_an_article_tiers_references_carry_doi_and_pmid_in_every_format(client):
    cited_article()
    base = "/articles/cited-article/academic/references"
    bib = download(client, f"{base}.bib")
    assert bib["Content-Disposition"] == (
        'attachment; filename="cited-article-academic-references.bib"'
    )
    entries = parse_bibtex(bib.content.decode())
    assert list(entries) == ["hardie2012", "smith2020"]  # in the order they are numbered
    hardie = entries["hardie2012"]
    assert hardie["doi"] == "10.1038/nrm3311"
    assert hardie["pmid"] == "22436748"
    assert hardie["pmcid"] == "PMC4726489"
    assert hardie["author"] == "Hardie, DG and Ross, FA and Hawley, SA"
    assert hardie["journal"] == "Nat Rev Mol Cell Biol"
    assert "pmid" not in entries["smith2020"].fields_dict  # none is invented

    records = rispy.loads(download(client, f"{base}.ris").content.decode())
    assert [record["id"] for record in records] == ["hardie2012", "smith2020"]
    assert records[0]["doi"] == "10.1038/nrm3311"
    assert records[0]["accession_number"] == "22436748"  # where PubMed's RIS puts the PMID
    assert records[0]["authors"] == ["Hardie, DG", "Ross, FA", "Hawley, SA"]
    assert (records[0]["start_page"], records[0]["end_page"]) == ("251", "262")
    assert "accession_number" not in records[1]

    items, formatted = parse_csl(download(client, f"{base}.json").content.decode())
    assert items[0]["DOI"] == "10.1038/nrm3311"
    assert items[0]["PMID"] == "22436748"
    assert items[0]["PMCID"] == "PMC4726489"
    assert items[0]["author"][0] == {"family": "Hardie", "given": "DG"}
    assert items[0]["issued"] == {"date-parts": [[2012]]}
    assert "PMID" not in items[1]
    assert any("AMPK: a nutrient and energy sensor" in entry for entry in formatted)


def test_a_node_and_its_references_download_too(client):
    hardie = make_reference("hardie2012", doi="10.1038/nrm3311", pmid=22436748)
    arrow_source = make_reference("arrow2019", doi="10.1000/arrow2019", pmid=31000001)
    ampk = make_node("ampk", name="AMPK", texts={"academic": "A sensor [@hardie2012]."})
    glut4 = make_node("glut4", name="GLUT4")
    make_edge(ampk, glut4, references=[arrow_source])

    page = download(client, "/explorer/ampk/academic/cite.ris")
    (record,) = rispy.loads(page.content.decode())
    assert record["title"] == "AMPK (Academic), in the mechanism explorer"
    assert record["urls"] == ["http://testserver/explorer/ampk/academic/"]

    # The panel's list: the text's citations, then each arrow's sources.
    references = download(client, "/explorer/ampk/academic/references.bib")
    assert references["Content-Disposition"] == (
        'attachment; filename="ampk-academic-references.bib"'
    )
    entries = parse_bibtex(references.content.decode())
    assert list(entries) == [hardie.key, arrow_source.key]
    assert entries["arrow2019"]["pmid"] == "31000001"
    items, _ = parse_csl(download(client, "/explorer/ampk/academic/references.json").content)
    assert [item["DOI"] for item in items] == ["10.1038/nrm3311", "10.1000/arrow2019"]


@pytest.mark.parametrize("extension", FORMATS)
def test_the_cite_block_offers_every_download(client, extension):
    cited_article()
    html = client.get("/articles/cited-article/academic/").content.decode()
    assert '<details class="cite-block">' in html
    assert "Exercise Signals. Cited article (Academic). Last reviewed 1 November 2026." in html
    assert f'href="/articles/cited-article/academic/cite.{extension}"' in html
    assert f'href="/articles/cited-article/academic/references.{extension}"' in html
    node_html = client.get("/explorer/ampk/academic/")
    assert node_html.status_code == 404  # no such node yet
    make_node("ampk", name="AMPK")
    node_html = client.get("/explorer/ampk/academic/").content.decode()
    assert f'href="/explorer/ampk/academic/cite.{extension}"' in node_html
    # A node whose panel cites nothing offers no empty reference list.
    assert "/explorer/ampk/academic/references." not in node_html


def test_a_tier_that_cites_nothing_offers_no_reference_download(client):
    make_article("plain")
    html = client.get("/articles/plain/fundamentals/").content.decode()
    assert 'href="/articles/plain/fundamentals/cite.bib"' in html
    assert "/articles/plain/fundamentals/references." not in html


@pytest.mark.parametrize(
    "url",
    [
        "/articles/cited-article/academic/cite.pdf",
        "/articles/cited-article/academic/references.docx",
        "/articles/no-such-article/academic/cite.bib",
        "/articles/cited-article/expert/cite.bib",
        "/explorer/no-such-node/academic/cite.ris",
        "/explorer/ampk/academic/cite.txt",
    ],
)
def test_unknown_pages_and_formats_are_404(client, url):
    cited_article()
    make_node("ampk", name="AMPK")
    assert client.get(url).status_code == 404


def test_a_draft_cannot_be_cited_by_readers(client):
    cited_article(status=Status.DRAFT)
    for extension in FORMATS:
        assert client.get(f"/articles/cited-article/academic/cite.{extension}").status_code == 404
        url = f"/articles/cited-article/academic/references.{extension}"
        assert client.get(url).status_code == 404


def test_downloads_are_reader_pages(client):
    cited_article()
    url = "/articles/cited-article/academic/references.bib"
    first = client.get(url)
    assert "public" in first["Cache-Control"]
    assert client.get(url, HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304
    assert client.post(url).status_code == 405


def test_downloads_read_a_constant_number_of_queries(client, django_assert_max_num_queries):
    cited_article()
    for number in range(40):
        make_reference(f"extra{number}")
    body = " ".join(f"[@extra{number}]" for number in range(40))
    make_article("long-list", bodies={"academic": f"Many sources {body}.\n"})
    for slug in ("cited-article", "long-list"):
        for what in ("cite", "references"):
            for extension in FORMATS:
                with django_assert_max_num_queries(4):
                    download(client, f"/articles/{slug}/academic/{what}.{extension}")


def test_the_article_page_with_the_cite_block_keeps_a_constant_number_of_queries(
    client, django_assert_max_num_queries
):
    cited_article()
    with django_assert_max_num_queries(9):
        assert client.get("/articles/cited-article/academic/").status_code == 200


@pytest.mark.parametrize(
    "title",
    [
        "Cortisol {and} 100% of the load & more",
        "A \\textbf{bold} claim } with { unbalanced braces",
        "Ünïcode \u2013 dashes and \u201cquotes\u201d",
    ],
)
def test_awkward_titles_still_parse_as_bibtex(title):
    from apps.core.citations import Citable, to_bibtex

    text = to_bibtex([Citable(key="odd2020", kind="article-journal", title=title, year=2020)])
    entry = parse_bibtex(text)["odd2020"]
    assert entry["title"] == "{" + bibtex_text(title) + "}"
    assert entry["title"].count("{") == entry["title"].count("}")


def test_the_node_page_cite_block_names_the_tier_address(client):
    make_node("ampk", name="AMPK")
    html = client.get(reverse("explorer:node", args=["ampk"])).content.decode()
    # The node's own address opens at the reader's depth; the citation names that depth's URL.
    assert "http://testserver/explorer/ampk/fundamentals/" in html
