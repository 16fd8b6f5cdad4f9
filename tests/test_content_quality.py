"""The project's own content, text by text: readable at its depth, every source used, every
article readable in every tier with its references.

These tests read the real content/ folder, so each article or node added later is held to the
same measures as the ones written first.
"""

import re
import tomllib
from io import StringIO

import pytest
from django.conf import settings
from django.core.management import call_command

from apps.content_sync.readers import read_content
from apps.core.models import Tier
from apps.editors.readability import FUNDAMENTALS_MAX, grade

CONTENT = read_content(settings.CONTENT_DIR)
ARTICLES = {article.slug: article for article in CONTENT.articles}
NODES = {node.slug: node for node in CONTENT.nodes}
CITATION = re.compile(r"\[@[^\]]+\]")

# Every Fundamentals text on its own: each article's, and each node's that has one.
FUNDAMENTALS = {
    **{f"article:{slug}": a.bodies["fundamentals"] for slug, a in ARTICLES.items()},
    **{
        f"node:{slug}": node.bodies["fundamentals"]
        for slug, node in NODES.items()
        if node.bodies.get("fundamentals", "").strip()
    },
}


def cited_keys(markdown):
    return {
        key
        for citation in CITATION.findall(markdown)
        for key in re.findall(r"@([a-z0-9]+)", citation)
    }


@pytest.mark.parametrize("text_id", sorted(FUNDAMENTALS))
def test_each_fundamentals_text_reads_at_grade_eight_or_lower(text_id):
    assert grade(FUNDAMENTALS[text_id]) <= FUNDAMENTALS_MAX


@pytest.mark.parametrize("slug", sorted(ARTICLES))
def test_academic_reads_more_than_four_grades_above_fundamentals(slug):
    bodies = ARTICLES[slug].bodies
    assert grade(bodies["academic"]) > grade(bodies["fundamentals"]) + 4


def test_every_reference_is_cited_somewhere():
    cited = set()
    for page in [*CONTENT.articles, *CONTENT.nodes]:
        for body in page.bodies.values():
            cited |= cited_keys(body)
    for edge in CONTENT.edges:
        cited |= set(edge.references)
    keys = {reference["key"] for reference in CONTENT.references}
    assert sorted(keys - cited) == []


def test_a_verified_reference_carries_a_doi_or_pmid():
    verified = [reference for reference in CONTENT.references if reference.get("verified")]
    assert verified
    unidentified = [r["key"] for r in verified if not (r.get("doi") or r.get("pmid"))]
    assert unidentified == []


@pytest.mark.django_db
def test_every_article_on_the_home_page_renders_each_tier_with_its_references(client):
    call_command("load_content", stdout=StringIO())
    home = client.get("/").content.decode()
    published = [slug for slug, article in ARTICLES.items() if article.status == "published"]
    assert len(published) >= 8  # the two seed topics and the six of issue 16
    for slug, article in ARTICLES.items():
        if article.status != "published":
            continue
        assert f'<a href="/articles/{slug}/">' in home
        for tier in Tier:
            response = client.get(f"/articles/{slug}/{tier.value}/")
            html = response.content.decode()
            assert response.status_code == 200, (slug, tier.value)
            for key in cited_keys(article.bodies[tier.value]):
                assert f'id="ref-{key}"' in html, (slug, tier.value, key)


@pytest.mark.django_db
def test_the_metabolic_article_keeps_its_url_under_its_honest_title(client):
    # The retitle changed the title only: the article's URL and its tier URLs stay as they were.
    call_command("load_content", stdout=StringIO())
    for url in ["/articles/exercise-and-metabolic-health/"] + [
        f"/articles/exercise-and-metabolic-health/{tier.value}/" for tier in Tier
    ]:
        response = client.get(url, follow=True)
        html = response.content.decode()
        assert response.status_code == 200
        assert "How exercise improves metabolic health" in html
        assert "reverses metabolic dysregulation" not in html


# The references the science brief checked, which were in references.toml before any was added
# with a record of where it was verified. Every other reference must say where (issue 16).
SCIENCE_BRIEF_REFERENCES = {
    "albrecht2015",
    "bacchi2012",
    "bhasin1996",
    "borghouts2000",
    "bostrom2012",
    "carey2006",
    "church2010",
    "corona2013",
    "dandrea2020",
    "dearaujo2016",
    "done2016",
    "drummond2009",
    "ellingsgaard2011",
    "farup2014",
    "febbraio2004",
    "gaitanos1993",
    "granata2018",
    "hackney2006",
    "hackney2020",
    "hansen2016",
    "hardie2012",
    "hill2008",
    "hoffmann2017",
    "jager2007",
    "jedrychowski2015",
    "jelleyman2015",
    "kanzleiter2014",
    "kennedy1999",
    "kraemer2005",
    "larsen2014",
    "lehrskov2018",
    "marx2001",
    "matthews2009",
    "mcleod2019",
    "mcpherron1997",
    "meeusen2013",
    "merry2016",
    "morino2006",
    "morton2016",
    "mountjoy2023",
    "oterodiaz2018",
    "pan1998",
    "pedersen2011",
    "pedersen2012",
    "radak2017",
    "raschke2013",
    "rasmussen2009",
    "reljic2025",
    "richter2013",
    "ristow2009",
    "roder2016",
    "roth2003",
    "schoenfeld2016",
    "seldin2012",
    "severinsen2020",
    "shen2024",
    "sigal2007",
    "stanley2012",
    "steensberg2003",
    "sylow2017",
    "teichman2006",
    "vosselman2015",
    "wedellneergaard2019",
    "weigert2019",
    "west2010",
    "westphillips2012",
    "whytock2025",
}


def test_every_reference_added_since_the_brief_says_where_it_was_verified():
    with open(settings.CONTENT_DIR / "references.toml", "rb") as file:
        references = tomllib.load(file)["reference"]
    unverified = [
        reference["key"]
        for reference in references
        if reference["key"] not in SCIENCE_BRIEF_REFERENCES and not reference.get("verified")
    ]
    assert unverified == []
    assert len(references) > len(SCIENCE_BRIEF_REFERENCES)  # the new topics added sources
