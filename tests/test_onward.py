"""A way onward (issue 15): shared heading anchors, citation markers that their references link
back to, the end of each tier (go deeper, the map, related articles) and ?highlight= on the map."""

import re
from pathlib import Path

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.articles.models import ArticleTier, Citation
from apps.core.models import Status
from apps.core.rendering import clean_html, render_markdown
from tests.conftest import make_article, make_graph, make_node, make_reference

pytestmark = pytest.mark.django_db

HX = {"HX-Request": "true"}
ARTICLES = Path(__file__).resolve().parent.parent / "content" / "articles"


def tier_url(slug, tier):
    return f"/articles/{slug}/{tier}/"


def onward_section(html):
    start = html.index('<section class="onward"')
    return html[start : html.index("</section>", start)]


# Rendering -----------------------------------------------------------------------------------


def test_a_heading_takes_the_anchor_its_author_gives():
    rendered = render_markdown(
        "## Which kind of *exercise* is best? {#which-exercise}\n\nText.\n\n## Plain heading\n"
    )
    assert '<h2 id="which-exercise">Which kind of <em>exercise</em> is best?</h2>' in rendered.html
    assert '<h2 id="plain-heading">Plain heading</h2>' in rendered.html
    assert 'href="#which-exercise">Which kind of exercise is best?</a>' in rendered.toc_html


@pytest.mark.parametrize(
    "markdown",
    [
        "## Sources {#ref-smith2020}\n",  # would take a reference's place
        "## Tabs {#tier-region}\n",  # would break the tier swap
        "## Title {#Capital}\n",  # not a lowercase name
        "## Odd {#a b}\n",
    ],
)
def test_anchors_the_page_uses_itself_stay_as_typed(markdown):
    html = render_markdown(markdown).html
    assert "{#" in html, "the author sees the anchor was not taken"
    assert not re.search(r'id="(ref-smith2020|tier-region|Capital)"', html)


def test_an_anchor_used_twice_is_taken_once():
    html = render_markdown("## One {#same}\n\n## Two {#same}\n").html
    assert html.count('id="same"') == 1
    assert "Two {#same}" in html


def test_anchors_are_for_headings_only():
    html = render_markdown("A paragraph {#para}\n\n- an item {#item}\n").html
    assert 'id="para"' not in html
    assert 'id="item"' not in html
    assert "{#para}" in html
    assert "{#item}" in html


def test_each_citation_marker_has_its_own_id_and_uses_are_counted():
    rendered = render_markdown("A [@alpha2020]. B [@beta2021; @alpha2020]. C [@alpha2020].\n")
    ids = re.findall(r'<a href="#ref-(\w+)" id="cite-(\w+)-(\d+)">(\d+)</a>', rendered.html)
    assert ids == [
        ("alpha2020", "alpha2020", "1", "1"),
        ("beta2021", "beta2021", "1", "2"),
        ("alpha2020", "alpha2020", "2", "1"),
        ("alpha2020", "alpha2020", "3", "1"),
    ]
    assert rendered.citation_uses == {"alpha2020": 3, "beta2021": 1}


def test_the_sanitiser_lets_only_marker_ids_onto_links():
    html = clean_html(
        '<a href="#x" id="tier-region">a</a> <a href="#y" id="cite-smith2020-2">b</a>'
    )
    assert 'id="tier-region"' not in html
    assert 'id="cite-smith2020-2"' in html


# Citations and back-links --------------------------------------------------------------------


def test_how_often_a_reference_is_cited_is_stored_and_kept_current():
    make_reference("alpha2020")
    make_reference("beta2021")
    article = make_article(bodies={"academic": "A [@alpha2020]. B [@beta2021]. C [@alpha2020].\n"})
    tier = article.tiers.get(tier="academic")
    assert dict(tier.citations.values_list("reference__key", "uses")) == {
        "alpha2020": 2,
        "beta2021": 1,
    }
    tier.body_markdown = "A [@alpha2020]. B [@beta2021]. C [@beta2021]. D [@beta2021].\n"
    tier.save()
    assert dict(tier.citations.values_list("reference__key", "uses")) == {
        "alpha2020": 1,
        "beta2021": 3,
    }


def test_each_reference_links_back_to_every_marker(client):
    make_reference("alpha2020")
    make_reference("beta2021")
    make_article(
        "cited",
        bodies={
            "academic": "A [@alpha2020].\n\n## Later\n\nB [@beta2021; @alpha2020]. C [@alpha2020]."
        },
    )
    html = client.get(tier_url("cited", "academic")).content.decode()
    entry = html[html.index('<li id="ref-alpha2020"') : html.index('<li id="ref-beta2021"')]
    for number in (1, 2, 3):
        assert (
            f'<a href="#cite-alpha2020-{number}" aria-label="Back to citation {number} of '
            f'alpha2020">{number}</a>'
        ) in entry
        assert html.count(f'id="cite-alpha2020-{number}"') == 1
    assert "cite-alpha2020-4" not in html
    beta = html[html.index('<li id="ref-beta2021"') :]
    assert 'href="#cite-beta2021-1" aria-label="Back to citation 1 of beta2021"' in beta


def test_a_node_panel_links_back_to_its_texts_markers(client):
    make_reference("alpha2020")
    make_node("sensor", texts={"academic": "It senses [@alpha2020], and more [@alpha2020]."})
    html = client.get("/explorer/sensor/academic/").content.decode()
    assert 'href="#cite-alpha2020-2" aria-label="Back to citation 2 of alpha2020"' in html
    assert 'id="cite-alpha2020-2"' in html


def test_every_back_link_in_the_shipped_articles_lands_on_a_marker(client):
    from django.core.management import call_command

    call_command("load_content", verbosity=0)
    checked = 0
    for tier in ArticleTier.objects.select_related("article"):
        html = client.get(tier.get_absolute_url()).content.decode()
        for target in re.findall(r'<a href="#(cite-[a-z0-9]+-\d+)" aria-label="Back', html):
            assert html.count(f'id="{target}"') == 1, (tier, target)
            checked += 1
        markers = len(re.findall(r'id="cite-[a-z0-9]+-\d+"', html))
        assert markers == sum(c.uses for c in Citation.objects.filter(tier=tier))
    assert checked > 100


# The end of each tier ------------------------------------------------------------------------


def test_each_tier_offers_the_next_depth_and_academic_the_plain_one(client):
    make_article("layered")
    expected = {
        "fundamentals": ("Go deeper:", "intermediate"),
        "intermediate": ("Go deeper:", "academic"),
        "academic": ("Back to basics:", "fundamentals"),
    }
    for tier, (words, target) in expected.items():
        onward = onward_section(client.get(tier_url("layered", tier)).content.decode())
        link = re.search(r'<a class="tier-link" href="([^"]+)"\s+hx-get="([^"]+)"[^>]*>', onward)
        assert link.group(1) == link.group(2) == tier_url("layered", target)
        assert 'hx-target="#tier-region"' in link.group(0)
        assert 'hx-push-url="true"' in link.group(0)
        assert words in onward


def test_the_htmx_swap_carries_the_end_of_the_tier(client):
    make_article("layered")
    html = client.get(tier_url("layered", "intermediate"), headers=HX).content.decode()
    assert "<html" not in html
    assert 'href="/articles/layered/academic/"' in onward_section(html)


def test_fundamentals_says_where_its_sources_are(client):
    make_article("layered")
    onward = onward_section(client.get(tier_url("layered", "fundamentals")).content.decode())
    assert "studies behind it" in onward
    assert 'href="/articles/layered/intermediate/#references-heading"' in onward
    assert 'href="/articles/layered/academic/#references-heading"' in onward
    for tier in ("intermediate", "academic"):
        html = client.get(tier_url("layered", tier)).content.decode()
        assert "studies behind it" not in html


def test_a_fundamentals_tier_with_a_few_citations_says_where_the_rest_are(client):
    make_reference("alpha2020")
    make_article("cites-a-little", bodies={"fundamentals": "A plain claim [@alpha2020].\n"})
    html = client.get(tier_url("cites-a-little", "fundamentals")).content.decode()
    onward = onward_section(html)
    assert "cites only a few of its sources, listed below" in onward
    assert "leaves out the numbered sources" not in onward
    assert 'href="/articles/cites-a-little/academic/#references-heading"' in onward


def test_see_this_on_the_map_lists_the_tiers_own_published_nodes(client):
    make_node("ampk", name="AMPK")
    make_node("glut4", name="GLUT4")
    make_node("secret", name="Secret draft").__class__.objects.filter(slug="secret").update(
        status=Status.DRAFT
    )
    make_node("elsewhere", name="Only in Academic")
    make_article(
        "mapped",
        bodies={
            "fundamentals": "Uses [[glut4]] and [[ampk]] and [[secret]].\n",
            "academic": "Uses [[elsewhere]].\n",
        },
    )
    onward = onward_section(client.get(tier_url("mapped", "fundamentals")).content.decode())
    assert 'href="/explorer/?highlight=ampk,glut4"' in onward
    assert "Show the 2 parts of the map" in onward
    assert re.findall(r'<li><a href="/explorer/([a-z0-9-]+)/">', onward) == ["ampk", "glut4"]
    assert "Secret draft" not in onward
    assert "Only in Academic" not in onward


def test_a_tier_that_links_no_node_shows_no_map_link(client):
    make_article("unmapped")
    onward = onward_section(client.get(tier_url("unmapped", "fundamentals")).content.decode())
    assert "See this on the map" not in onward


def test_related_articles_are_ranked_by_shared_nodes(client):
    for slug in ("a", "b", "c", "d"):
        make_node(slug)
    make_article("main", bodies={"intermediate": "[[a]] [[b]] [[c]]\n"})
    make_article("one-shared", title="One shared", bodies={"academic": "[[a]] [[d]]\n"})
    make_article(
        "three-shared",
        title="Three shared",
        bodies={"fundamentals": "[[a]]\n", "academic": "[[b]] [[c]]\n"},
    )
    make_article("none-shared", title="None shared", bodies={"academic": "[[d]]\n"})
    make_article("draft", title="A draft", status=Status.DRAFT, bodies={"academic": "[[a]]\n"})
    onward = onward_section(client.get(tier_url("main", "academic")).content.decode())
    related = re.findall(r'<li><a href="/articles/([a-z-]+)/academic/">', onward)
    assert related == ["three-shared", "one-shared"]
    assert "(3 parts of the map in common)" in onward
    assert "(1 part of the map in common)" in onward


def onward_queries(client, related_count):
    for slug in ("a", "b"):
        make_node(f"{slug}-{related_count}")
    body = f"[[a-{related_count}]] [[b-{related_count}]]\n"
    make_article(f"main-{related_count}", bodies={"academic": body})
    for index in range(related_count):
        make_article(f"related-{related_count}-{index}", bodies={"fundamentals": body})
    with CaptureQueriesContext(connection) as queries:
        html = client.get(tier_url(f"main-{related_count}", "academic")).content.decode()
    assert onward_section(html).count("parts of the map in common") == min(related_count, 5)
    return len(queries)


def test_the_end_of_a_tier_costs_a_constant_number_of_queries(
    client, django_assert_max_num_queries
):
    assert onward_queries(client, 1) == onward_queries(client, 12)
    make_article("alone")
    # The content version, the article with its tiers, the citations, its latest published
    # change, the map's nodes of this tier, the related articles.
    with django_assert_max_num_queries(7):
        client.get(tier_url("main-12", "academic"), headers=HX)


# ?highlight= on the map ----------------------------------------------------------------------


def node_tag(html, slug):
    return re.search(
        rf'<a href="[^"]*" id="node-{slug}" class="([^"]*)" aria-label="([^"]*)"', html
    )


def test_highlight_marks_the_named_nodes_and_dims_the_rest(client):
    make_graph()
    html = client.get("/explorer/?highlight=sensor-0,hormone-0,nosuch,../x").content.decode()
    for slug in ("sensor-0", "hormone-0"):
        tag = node_tag(html, slug)
        assert "is-highlighted" in tag.group(1)
        assert tag.group(2).endswith(", highlighted")
    assert "is-dimmed" in node_tag(html, "exercise-0").group(1)
    assert "Highlighted: Sensor 0, Hormone 0." in html
    assert 'href="/explorer/">Show the whole map without highlights</a>' in html


def test_the_arrows_between_highlighted_nodes_come_forward(client):
    make_graph()
    html = client.get("/explorer/?highlight=sensor-0,switch-0").content.decode()
    states = dict(re.findall(r'<g class="edge [^"]*?(is-\w+)" data-edge="(\d+)"', html)[::-1])
    assert "is-active" in states
    assert "is-dimmed" in states
    assert list(states).count("is-active") == 1


def test_no_highlight_or_only_unknown_slugs_draw_the_plain_map(client):
    make_graph()
    for url in ("/explorer/", "/explorer/?highlight=", "/explorer/?highlight=nosuch,,"):
        html = client.get(url).content.decode()
        assert "is-highlighted" not in html
        assert "is-dimmed" not in html
        assert "Highlighted:" not in html


def test_a_huge_highlight_is_cut_not_a_server_error(client, django_assert_max_num_queries):
    make_graph()
    huge = ",".join(["sensor-0"] * 30_000 + ["hormone-0"])
    response = client.get("/explorer/", {"highlight": huge})
    assert response.status_code == 200
    html = response.content.decode()
    assert "is-highlighted" in node_tag(html, "sensor-0").group(1)
    assert "is-highlighted" not in node_tag(html, "hormone-0").group(1)  # past the cap


def test_highlight_costs_no_extra_queries(client):
    make_graph(copies=3)
    client.get("/explorer/?highlight=")  # lays the map out and stores it, once
    client.get("/explorer/?highlight=,")  # reads the stored layout into memory, once
    with CaptureQueriesContext(connection) as plain:
        client.get("/explorer/")
    with CaptureQueriesContext(connection) as marked:
        client.get("/explorer/?highlight=sensor-0,sensor-1,sensor-2,result-2")
    assert len(marked) == len(plain)


# Shared anchors in the content ---------------------------------------------------------------


def anchors_by_tier(path):
    parts = re.split(r"^<!-- tier: (\w+) -->$", path.read_text(), flags=re.MULTILINE)
    bodies = dict(zip(parts[1::2], parts[2::2], strict=True))
    assert set(bodies) == {"fundamentals", "intermediate", "academic"}
    return {
        tier: set(re.findall(r'<h[23] id="([^"]+)"', render_markdown(body).html))
        for tier, body in bodies.items()
    }


METABOLIC_SHARED = {
    "insulin-resistance", "energy-stress", "mitochondria", "glucose-uptake", "how-long",
    "which-exercise", "myokines", "redox", "bottom-line",
}  # fmt: skip
HORMONES_SHARED = {
    "two-kinds", "lifting-spike", "muscle-growth", "resting-testosterone", "intervals",
    "cortisol", "too-much", "myokines", "bottom-line",
}  # fmt: skip


@pytest.mark.parametrize(
    ("name", "shared"),
    [
        ("exercise-and-metabolic-health.md", METABOLIC_SHARED),
        ("long-term-hormonal-adaptations.md", HORMONES_SHARED),
    ],
)
def test_the_three_tiers_share_anchors_where_they_cover_the_same_ground(name, shared):
    anchors = anchors_by_tier(ARTICLES / name)
    assert set.intersection(*anchors.values()) == shared


def test_the_migration_gives_stored_markers_their_ids_and_counts():
    import importlib

    from django.apps import apps

    migration = importlib.import_module("apps.articles.migrations.0005_citation_uses")
    make_reference("alpha2020")
    article = make_article(bodies={"academic": "A [@alpha2020]. B [@alpha2020].\n"})
    tier = article.tiers.get(tier="academic")
    rendered = tier.body_html
    before_ids = re.sub(r' id="cite-[a-z0-9]+-\d+"', "", rendered)  # as older code stored it
    ArticleTier.objects.filter(pk=tier.pk).update(body_html=before_ids)
    Citation.objects.filter(tier=tier).update(uses=1)

    migration.give_markers_ids(apps, None)

    tier.refresh_from_db()
    assert tier.body_html == rendered
    assert Citation.objects.get(tier=tier).uses == 2
