"""The project's own content, text by text: readable at its depth, every source used, every
article readable in every tier with its references.

These tests read the real content/ folder, so each article or node added later is held to the
same measures as the ones written first.
"""

import re
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
