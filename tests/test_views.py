"""What readers get: pages, tiers, HTMX partials, the remembered tier and 404s."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.core.models import Tier
from tests.conftest import make_article, make_reference

pytestmark = pytest.mark.django_db

HX = {"HX-Request": "true"}


def tier_url(slug, tier):
    return f"/articles/{slug}/{tier}/"


def test_home_lists_articles_and_explains_tiers(client):
    make_article("insulin-and-exercise", summary="How muscle takes up sugar.")
    response = client.get("/")
    html = response.content.decode()
    assert response.status_code == 200
    assert '<a href="/articles/insulin-and-exercise/">' in html
    assert "How muscle takes up sugar." in html
    for tier in Tier:
        assert tier.label in html
        assert tier.blurb in html
    assert "mechanism explorer" in html


def test_every_tier_has_its_own_page(client):
    make_article("insulin-and-exercise")
    for tier in Tier:
        response = client.get(tier_url("insulin-and-exercise", tier.value))
        html = response.content.decode()
        assert response.status_code == 200
        assert f"Text at the {tier.value} depth." in html
        assert re.search(rf'id="tab-{tier.value}"[^>]*aria-selected="true"', html, re.S)


def test_full_page_and_htmx_partial(client):
    make_article("insulin-and-exercise")
    url = tier_url("insulin-and-exercise", "academic")

    full = client.get(url)
    partial = client.get(url, headers=HX)

    assert "<html" in full.content.decode()
    body = partial.content.decode()
    assert "<html" not in body
    assert "<body" not in body
    assert body.lstrip().startswith("<title>Insulin and exercise (Academic)")
    assert 'id="tier-region"' in body
    assert "Text at the academic depth." in body
    for response in (full, partial):
        assert "HX-Request" in response["Vary"]


def test_history_restore_gets_the_full_page(client):
    make_article("insulin-and-exercise")
    response = client.get(
        tier_url("insulin-and-exercise", "academic"),
        headers={**HX, "HX-History-Restore-Request": "true"},
    )
    assert "<html" in response.content.decode()


def test_tier_choice_is_remembered_for_the_next_article(client):
    make_article("first-article")
    make_article("second-article")
    response = client.get("/articles/second-article/")
    assert response.status_code == 302
    assert response["Location"] == tier_url("second-article", "fundamentals")

    client.get(tier_url("first-article", "academic"), headers=HX)
    assert client.cookies["tier"].value == "academic"
    response = client.get("/articles/second-article/")
    assert response["Location"] == tier_url("second-article", "academic")
    assert "Cookie" in response["Vary"]


def test_a_forged_tier_cookie_falls_back_to_fundamentals(client):
    make_article("first-article")
    client.cookies["tier"] = "<script>"
    response = client.get("/articles/first-article/")
    assert response["Location"] == tier_url("first-article", "fundamentals")


@pytest.mark.parametrize(
    "url",
    [
        "/articles/no-such-article/",
        "/articles/no-such-article/academic/",
        "/articles/insulin-and-exercise/expert/",
        "/articles/insulin-and-exercise/academic/extra/",
        "/nothing-here/",
    ],
)
def test_unknown_pages_get_the_styled_404(client, url):
    make_article("insulin-and-exercise")
    response = client.get(url)
    assert response.status_code == 404
    html = response.content.decode()
    assert "<h1>Page not found</h1>" in html
    assert 'href="/#articles"' in html


def test_tier_page_shows_metadata_references_and_note(client):
    make_reference("pedersen2012", pmid=22473333, doi="10.1038/nrendo.2012.49")
    make_reference("hardie2012", pmid=None, doi="10.1038/nrm3311")
    make_article(
        "insulin-and-exercise",
        bodies={
            "academic": "## One\n\nFirst [@pedersen2012].\n\n## Two\n\nSecond [@hardie2012].\n"
            + "word " * 600
        },
        last_reviewed="2026-10-05",
    )
    html = client.get(tier_url("insulin-and-exercise", "academic")).content.decode()
    assert "4 min read" in html
    assert '<time datetime="2026-10-05">5 October 2026</time>' in html
    assert 'id="ref-pedersen2012" value="1"' in html
    assert 'id="ref-hardie2012" value="2"' in html
    assert 'href="https://doi.org/10.1038/nrendo.2012.49"' in html
    assert 'href="https://pubmed.ncbi.nlm.nih.gov/22473333/"' in html
    assert 'href="https://pubmed.ncbi.nlm.nih.gov/?term=10.1038%2Fnrm3311"' in html
    assert "not medical advice" in html
    assert 'aria-labelledby="toc-heading"' in html


def test_fundamentals_has_no_table_of_contents(client):
    make_article("insulin-and-exercise", bodies={"fundamentals": "## One\n\nA.\n\n## Two\n\nB.\n"})
    html = client.get(tier_url("insulin-and-exercise", "fundamentals")).content.decode()
    assert 'aria-labelledby="toc-heading"' not in html


def test_every_tab_has_a_real_link_beside_hx_get(client):
    make_article("insulin-and-exercise")
    html = client.get(tier_url("insulin-and-exercise", "fundamentals")).content.decode()
    tabs = re.findall(r'<a role="tab"[^>]*>', html, re.S)
    assert len(tabs) == 3
    for tab in tabs:
        href = re.search(r'\shref="([^"]+)"', tab)[1]
        assert f'hx-get="{href}"' in tab
        assert 'hx-push-url="true"' in tab


def article_queries(client, reference_count):
    keys = [f"ref{reference_count}x{index}" for index in range(reference_count)]
    for key in keys:
        make_reference(key)
    body = "\n\n".join(f"Claim {key} [@{key}]." for key in keys)
    slug = f"article-with-{reference_count}"
    make_article(slug, bodies={"academic": body})
    with CaptureQueriesContext(connection) as queries:
        response = client.get(tier_url(slug, "academic"))
    assert response.content.decode().count('<li id="ref-') == reference_count
    return len(queries)


def test_article_queries_do_not_grow_with_references(client, django_assert_max_num_queries):
    few = article_queries(client, 2)
    many = article_queries(client, 60)
    assert few == many
    # The content version, then the page's own three, its latest published change, then the end
    # of the tier's two (its map nodes, the related articles).
    with django_assert_max_num_queries(7):
        client.get(tier_url("article-with-60", "academic"), headers=HX)


def test_home_queries_do_not_grow_with_articles(client, django_assert_max_num_queries):
    for index in range(12):
        make_article(f"article-{index}")
    with django_assert_max_num_queries(2):  # the content version, then the articles
        client.get("/")


def test_reference_entries_read_as_one_sentence_each(client):
    make_reference("many2020", authors=["Able A", "Baker B", "et al."], title="Does it work?")
    make_article("insulin-and-exercise", bodies={"academic": "Claim [@many2020].\n"})
    html = client.get(tier_url("insulin-and-exercise", "academic")).content.decode()
    assert "Able A, Baker B, et al. Does it work? <cite>" in html
