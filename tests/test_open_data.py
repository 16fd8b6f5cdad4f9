"""The site for other programs: the map as open data (graph.json, nodes.csv, arrows.csv),
sitemap.xml, robots.txt, schema.org JSON-LD, Open Graph, and HGNC/UniProt identifiers on
gene and protein nodes (stored in content, loaded, exported, checked, linked)."""

import csv
import io
import json
import re
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from apps.articles.models import ArticleTier, Citation
from apps.core.models import Reference, Status
from apps.core.structured_data import LICENCE_URL
from apps.editors.admin.explorer import NodeForm
from apps.explorer.models import Edge, Node, Walk
from tests.conftest import make_article, make_edge, make_graph, make_node, make_reference

pytestmark = pytest.mark.django_db

SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


def load(content_dir):
    call_command("load_content", content_dir=content_dir, stdout=StringIO())


def export(content_dir):
    call_command("export_content", content_dir=content_dir, stdout=StringIO())


def with_drafts():
    """A draft node, an arrow from a published node to it, a draft article and a draft walk,
    on top of whatever is loaded: none of them may show anywhere below."""
    draft = make_node("secret-signal", "signal", "Secret signal")
    draft.status = Status.DRAFT
    draft.save()
    published = Node.objects.published().first()
    make_edge(published, draft, [Reference.objects.first()])
    make_article("unfinished-article", status=Status.DRAFT)
    Walk.objects.create(slug="unfinished-walk", title="Not yet", summary="Soon.", status="draft")
    return draft


def published_edges():
    return Edge.objects.filter(
        source__status=Status.PUBLISHED, target__status=Status.PUBLISHED
    ).order_by("position")


# graph.json and the CSV files ------------------------------------------------------------------


def test_graph_json_holds_every_published_node_and_arrow_and_no_draft(client, real_content_dir):
    load(real_content_dir)
    draft = with_drafts()

    response = client.get("/explorer/graph.json")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response["Link"] == f'<{LICENCE_URL}>; rel="license"'
    data = json.loads(response.content)
    assert data["license"]["url"] == LICENCE_URL
    assert data["license"]["name"] == "CC BY 4.0"

    nodes = {node["slug"]: node for node in data["nodes"]}
    assert set(nodes) == set(Node.objects.published().values_list("slug", flat=True))
    assert draft.slug not in nodes
    for node in Node.objects.published():
        listed = nodes[node.slug]
        assert (listed["name"], listed["kind"], listed["label"], listed["aliases"]) == (
            node.name, node.kind, node.label, node.aliases,
        )  # fmt: skip
        assert (listed["hgnc"], listed["uniprot"]) == (node.hgnc, node.uniprot)
        assert listed["url"] == f"http://testserver/explorer/{node.slug}/"
    assert nodes["pgc-1a"]["hgnc"] == "HGNC:9237"

    edges = list(published_edges())
    assert Edge.objects.count() == len(edges) + 1  # the arrow to the draft is left out
    assert [(a["source"], a["target"]) for a in data["arrows"]] == [
        (edge.source.slug, edge.target.slug) for edge in edges
    ]
    for arrow, edge in zip(data["arrows"], edges, strict=True):
        assert (
            arrow["effect"], arrow["grade"], arrow["evidence"], arrow["timing"],
            arrow["shown_with"], arrow["mechanism"], arrow["caveat"], arrow["section"],
        ) == (
            edge.effect, edge.grade, edge.evidence, edge.timing, edge.shown_with,
            edge.mechanism, edge.caveat, edge.section,
        )  # fmt: skip
        cited = [use.reference for use in edge.cited.select_related("reference")]
        assert [(r["key"], r["doi"], r["pmid"], r["title"]) for r in arrow["references"]] == [
            (reference.key, reference.doi, reference.pmid, reference.title) for reference in cited
        ]
    assert any(r["doi"] for arrow in data["arrows"] for r in arrow["references"])
    assert any(r["pmid"] for arrow in data["arrows"] for r in arrow["references"])
    assert set(data["codes"]["grade"]) == {"A", "B", "C", "D"}


@pytest.fixture
def site():
    """A small site: a map with a gene node, two articles, a walk, and drafts of each."""
    make_graph(copies=2)
    Node.objects.filter(slug="sensor-0").update(hgnc="HGNC:9237", uniprot="Q9UBK2")
    make_article("first-article")
    make_article("second-article", last_reviewed="2026-10-05")
    Walk.objects.create(slug="a-walk", title="A walk", summary="Two steps.", status="published")
    return with_drafts()


def test_the_csv_files_parse_and_match_the_database(client, site):
    draft = site

    response = client.get("/explorer/nodes.csv")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    nodes = list(csv.DictReader(io.StringIO(response.content.decode())))
    published = Node.objects.published().order_by("slug")
    assert [row["slug"] for row in nodes] == [node.slug for node in published]
    assert draft.slug not in {row["slug"] for row in nodes}
    for row, node in zip(nodes, published, strict=True):
        assert row["name"] == node.name
        assert row["kind"] == node.kind
        assert (row["aliases"].split("; ") if row["aliases"] else []) == node.aliases
        assert (row["hgnc"], row["uniprot"]) == (node.hgnc, node.uniprot)

    response = client.get("/explorer/arrows.csv")
    arrows = list(csv.DictReader(io.StringIO(response.content.decode())))
    edges = list(published_edges())
    assert len(arrows) == len(edges)
    for row, edge in zip(arrows, edges, strict=True):
        assert (row["source"], row["target"], row["effect"], row["grade"]) == (
            edge.source.slug, edge.target.slug, edge.effect, edge.grade,
        )  # fmt: skip
        assert (row["evidence"], row["timing"], row["mechanism"], row["caveat"]) == (
            edge.evidence, edge.timing, edge.mechanism, edge.caveat,
        )  # fmt: skip
        cited = [use.reference for use in edge.cited.select_related("reference")]
        keys = row["reference_keys"].split("; ") if row["reference_keys"] else []
        assert keys == [reference.key for reference in cited]
        if cited:  # the n-th DOI and PMID belong to the n-th key
            assert row["reference_dois"].split("; ") == [r.doi for r in cited]
            assert row["reference_pmids"].split("; ") == [str(r.pmid or "") for r in cited]


@pytest.mark.parametrize(
    "url", ["/explorer/graph.json", "/explorer/nodes.csv", "/explorer/arrows.csv"]
)
def test_open_data_reads_a_constant_number_of_queries(client, url, django_assert_max_num_queries):
    make_graph(copies=6)
    # The content version, then graph.json's change date, nodes, arrows and their references.
    with django_assert_max_num_queries(5):
        first = client.get(url)
    assert first.status_code == 200
    assert len(first.content) > 1000
    with django_assert_max_num_queries(1):  # a repeat comes from the page cache
        assert client.get(url).content == first.content


def test_open_data_is_free_for_other_sites_to_read(client):
    make_graph()
    response = client.get("/explorer/graph.json")
    assert response["Access-Control-Allow-Origin"] == "*"
    assert response["Cross-Origin-Resource-Policy"] == "cross-origin"
    assert client.post("/explorer/graph.json").status_code == 405


def test_the_explorer_page_links_to_the_open_data_and_its_licence(client):
    make_graph()
    html = client.get("/explorer/").content.decode()
    for url in ("/explorer/graph.json", "/explorer/nodes.csv", "/explorer/arrows.csv"):
        assert f'href="{url}"' in html
    assert f'rel="license" href="{LICENCE_URL}"' in html


# sitemap.xml and robots.txt --------------------------------------------------------------------


def test_sitemap_lists_every_published_page_with_lastmod_and_no_draft(
    client, site, django_assert_max_num_queries
):
    # The content version (twice: the page cache's, then for pages with no review date),
    # then tiers, nodes and walks, and the version again for nodes and walks with no date.
    with django_assert_max_num_queries(7):
        response = client.get("/sitemap.xml")
    assert response.status_code == 200
    root = ET.fromstring(response.content)
    entries = {
        url.find(f"{SITEMAP}loc").text: url.find(f"{SITEMAP}lastmod").text
        for url in root.iter(f"{SITEMAP}url")
    }
    base = "http://testserver"
    expected = {
        f"{base}/",
        f"{base}/explorer/",
        f"{base}/explorer/walks/",
        f"{base}/explorer/compare/",
        f"{base}/changes/",
        f"{base}/glossary/",
    }
    expected |= {
        base + tier.get_absolute_url()
        for tier in ArticleTier.objects.filter(article__status=Status.PUBLISHED)
    }
    expected |= {base + node.get_absolute_url() for node in Node.objects.published()}
    expected |= {base + walk.get_absolute_url() for walk in Walk.objects.published()}
    assert set(entries) == expected
    assert len(entries) == len(list(root.iter(f"{SITEMAP}url")))  # each page once
    assert all(re.fullmatch(r"\d{4}-\d{2}-\d{2}", lastmod) for lastmod in entries.values())
    assert not [url for url in entries if "secret-signal" in url or "unfinished" in url]
    assert entries[f"{base}/articles/second-article/academic/"] == "2026-10-05"
    assert len(expected) == 6 + 6 + 16 + 1


def test_sitemap_queries_do_not_grow_with_the_site(client, django_assert_max_num_queries):
    make_graph(copies=6)
    for number in range(6):
        make_article(f"article-{number}")
    with django_assert_max_num_queries(7):
        response = client.get("/sitemap.xml")
    assert len(list(ET.fromstring(response.content).iter(f"{SITEMAP}url"))) == 6 + 18 + 48


def test_robots_txt_allows_all_but_the_admin_and_names_the_sitemap(
    client, django_assert_max_num_queries
):
    with django_assert_max_num_queries(1):
        response = client.get("/robots.txt")
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert response.content.decode().splitlines() == [
        "User-agent: *",
        "Disallow: /admin/",
        "",
        "Sitemap: http://testserver/sitemap.xml",
    ]


def test_absolute_addresses_follow_the_host_even_from_the_page_cache(client):
    make_graph()
    assert b"Sitemap: http://testserver/" in client.get("/robots.txt").content
    other = client.get("/robots.txt", headers={"host": "127.0.0.1"})
    assert other.content.decode().endswith("Sitemap: http://127.0.0.1/sitemap.xml\n")


# JSON-LD, Open Graph, canonical ----------------------------------------------------------------


class HeadReader(HTMLParser):
    """The <meta property>, <link rel=canonical> and JSON-LD of a page."""

    def __init__(self):
        super().__init__()
        self.properties, self.canonical, self.json_ld, self._in_json_ld = {}, [], [], False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "meta" and "property" in attrs:
            self.properties[attrs["property"]] = attrs["content"]
        if tag == "link" and attrs.get("rel") == "canonical":
            self.canonical.append(attrs["href"])
        self._in_json_ld = tag == "script" and attrs.get("type") == "application/ld+json"

    def handle_endtag(self, tag):
        self._in_json_ld = False

    def handle_data(self, data):
        if self._in_json_ld:
            self.json_ld.append(json.loads(data))


def head_of(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    reader = HeadReader()
    reader.feed(response.content.decode())
    return reader


def cited_article():
    first = make_reference("alpha2020", doi="10.1000/alpha", pmid=12345678)
    second = make_reference("beta2021", doi="", pmid=23456789)
    article = make_article(
        "cited-article",
        bodies={"academic": "## Deep\n\nA claim [@alpha2020] and another [@beta2021].\n"},
    )
    return article, first, second


def test_the_academic_tier_is_a_scholarly_article_citing_its_references(client):
    article, first, second = cited_article()
    head = head_of(client, "/articles/cited-article/academic/")

    (data,) = head.json_ld
    assert data["@context"] == "https://schema.org"
    assert data["@type"] == "ScholarlyArticle"
    assert data["headline"] == article.title
    assert data["url"] == "http://testserver/articles/cited-article/academic/"
    assert data["dateModified"] == "2026-11-01"
    assert data["mainEntityOfPage"]["@type"] == "MedicalWebPage"
    assert data["mainEntityOfPage"]["lastReviewed"] == "2026-11-01"
    assert "reviewedBy" not in json.dumps(data)  # the content records no reviewer
    cited = data["citation"]
    assert [c["name"] for c in cited] == [first.title, second.title]
    identifiers = [{i["propertyID"]: i["value"] for i in c["identifier"]} for c in cited]
    assert identifiers == [{"DOI": "10.1000/alpha", "PMID": "12345678"}, {"PMID": "23456789"}]
    assert cited[0]["url"] == "https://doi.org/10.1000/alpha"
    tier = article.tiers.get(tier="academic")
    assert len(cited) == Citation.objects.filter(tier=tier).count()


def test_other_tiers_are_medical_web_pages(client):
    cited_article()
    (data,) = head_of(client, "/articles/cited-article/fundamentals/").json_ld
    assert data["@type"] == "MedicalWebPage"
    assert data["lastReviewed"] == "2026-11-01"
    assert "citation" not in data  # this tier cites nothing


def test_json_ld_cannot_be_closed_by_a_title(client):
    make_article("hostile", title="</script><script>alert(1)</script>")
    html = client.get("/articles/hostile/fundamentals/").content.decode()
    assert "<script>alert(1)" not in html
    head = HeadReader()
    head.feed(html)
    assert head.json_ld[0]["name"].startswith("</script><script>alert(1)</script>")


def test_a_gene_node_page_links_out_and_says_so_in_json_ld(client):
    make_graph()
    node = Node.objects.get(slug="sensor-0")
    node.hgnc, node.uniprot = "HGNC:9237", "Q9UBK2"
    node.save()

    response = client.get("/explorer/sensor-0/")
    html = response.content.decode()
    hgnc = "https://www.genenames.org/data/gene-symbol-report/#!/hgnc_id/HGNC:9237"
    uniprot = "https://www.uniprot.org/uniprotkb/Q9UBK2/entry"
    assert f'href="{hgnc}"' in html
    assert f'href="{uniprot}"' in html
    head = HeadReader()
    head.feed(html)
    (data,) = head.json_ld
    assert data["@type"] == "MedicalWebPage"
    assert data["about"]["sameAs"] == [hgnc, uniprot]
    assert data["citation"][0]["identifier"][0] == {
        "@type": "PropertyValue", "propertyID": "DOI", "value": "10.1000/study0",
    }  # fmt: skip


def test_a_node_that_is_not_a_gene_has_no_such_links(client):
    make_graph()
    html = client.get("/explorer/exercise-0/").content.decode()
    assert "genenames.org" not in html
    assert "uniprot.org" not in html


@pytest.mark.parametrize(
    "url",
    [
        "/",
        "/articles/exercise-basics/fundamentals/",
        "/articles/exercise-basics/academic/",
        "/explorer/",
        "/explorer/sensor-0/",
        "/explorer/sensor-0/academic/",
        "/explorer/compare/",
        "/explorer/paths/",
        "/explorer/walks/",
    ],
)
def test_every_reader_page_has_open_graph_and_a_canonical_address(client, url):
    make_graph()
    make_article()
    head = head_of(client, f"{url}?timing=acute" if url.startswith("/explorer/s") else url)
    assert head.canonical == [f"http://testserver{url}"]
    properties = head.properties
    assert properties["og:url"] == f"http://testserver{url}"
    assert properties["og:site_name"] == "Exercise Signals"
    assert properties["og:type"] == ("article" if url.startswith("/articles/") else "website")
    assert properties["og:title"].endswith("Exercise Signals")
    assert len(properties["og:description"]) > 20


def test_open_graph_names_the_page(client):
    make_graph()
    make_article(title="Lifting and hormones", summary="What lifting does to hormones, in short.")
    props = head_of(client, "/articles/exercise-basics/intermediate/").properties
    assert props["og:title"] == "Lifting and hormones (Intermediate) · Exercise Signals"
    assert props["og:description"] == "What lifting does to hormones, in short."
    props = head_of(client, "/explorer/sensor-0/").properties
    assert props["og:title"] == "Sensor 0 · Mechanism explorer · Exercise Signals"


# HGNC and UniProt identifiers in content ------------------------------------------------------

GENE_NODE = """\
---
name: Gene thing
kind: signal
aliases: [GT1]
hgnc: HGNC:9237
uniprot: Q9UBK2
status: published
---

<!-- tier: fundamentals -->

Plain text.

<!-- tier: intermediate -->

Middle text.

<!-- tier: academic -->

Deep text [@alpha2020].
"""


def test_identifiers_load_and_export_byte_for_byte(content_dir, tmp_path):
    (content_dir / "explorer" / "nodes" / "gene-thing.md").write_text(GENE_NODE)
    load(content_dir)
    node = Node.objects.get(slug="gene-thing")
    assert (node.hgnc, node.uniprot) == ("HGNC:9237", "Q9UBK2")
    assert (Node.objects.get(slug="ampk").hgnc, Node.objects.get(slug="ampk").uniprot) == ("", "")

    exported = tmp_path / "exported"
    export(exported)
    assert (exported / "explorer" / "nodes" / "gene-thing.md").read_text() == GENE_NODE
    assert "hgnc" not in (exported / "explorer" / "nodes" / "ampk.md").read_text()

    # An edit in the admin goes out with the export and comes back with the next load.
    Node.objects.filter(slug="gene-thing").update(uniprot="P05231")
    export(exported)
    Node.objects.filter(slug="gene-thing").update(uniprot="")
    call_command("load_content", content_dir=exported, discard_admin_edits=True, stdout=StringIO())
    assert Node.objects.get(slug="gene-thing").uniprot == "P05231"


def test_the_real_content_links_its_genes(real_content_dir):
    load(real_content_dir)
    identified = dict(Node.objects.exclude(hgnc="", uniprot="").values_list("slug", "uniprot"))
    assert identified["pgc-1a"] == "Q9UBK2"
    assert identified["il-6"] == "P05231"
    for slug in ("hiit", "insulin-sensitivity", "cortisol", "testosterone", "ampk", "irisin"):
        assert slug not in identified  # not one gene or protein, or not checked


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("hgnc: 9237", "hgnc “9237” must look like HGNC:9237"),
        ("hgnc: HGNC 9237", "hgnc “HGNC 9237” must look like HGNC:9237"),
        ("hgnc: hgnc:9237", "hgnc “hgnc:9237” must look like HGNC:9237"),
        ("uniprot: q9ubk2", "uniprot “q9ubk2” is not a UniProt accession"),
        ("uniprot: Q9UBK", "uniprot “Q9UBK” is not a UniProt accession"),
        ("uniprot: PPARGC1A", "uniprot “PPARGC1A” is not a UniProt accession"),
        ("uniprot: [Q9UBK2]", "uniprot must be text"),
    ],
)
def test_a_bad_identifier_stops_the_load_at_its_file_and_line(content_dir, line, message):
    load(content_dir)
    before = list(Node.objects.values().order_by("slug"))
    text = GENE_NODE.replace("hgnc: HGNC:9237\nuniprot: Q9UBK2\n", f"{line}\n")
    assert text.splitlines()[4] == line  # line 5 of the file
    (content_dir / "explorer" / "nodes" / "gene-thing.md").write_text(text)
    with pytest.raises(CommandError) as error:
        load(content_dir)
    assert f"content/explorer/nodes/gene-thing.md:5: {message}" in str(error.value)
    assert list(Node.objects.values().order_by("slug")) == before


def node_form(**changes):
    data = {
        "name": "Gene thing", "slug": "gene-thing", "kind": "signal", "label": "",
        "aliases": "GT1", "hgnc": "HGNC:9237", "uniprot": "Q9UBK2", "status": "published",
        "last_reviewed": "", "next_review": "",
    }  # fmt: skip
    return NodeForm(data={**data, **changes})


def test_the_admin_form_takes_identifiers_and_refuses_bad_ones():
    assert node_form().is_valid(), node_form().errors
    form = node_form(hgnc="9237", uniprot="q9ubk2")
    assert not form.is_valid()
    assert "must look like HGNC:9237" in form.errors["hgnc"][0]
    assert "is not a UniProt accession" in form.errors["uniprot"][0]
    assert node_form(hgnc="", uniprot="").is_valid()
