"""Search (apps/search): spellings and slips, ranking, escaping, drafts, the index kept in step
with every change, a fixed number of queries, and bad queries answered kindly. Runs on SQLite
(FTS5) and, under `python -m tests.services postgres -- ...`, on PostgreSQL (tsvector and
pg_trgm)."""

import re
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import transaction
from django.urls import reverse
from reversion.models import Version

from apps.articles.models import ArticleTier
from apps.core.models import Status
from apps.search import signals
from apps.search.models import LONGEST_QUERY, SearchEntry
from apps.search.words import index_terms, one_edit_apart, query_terms
from tests.conftest import make_article, make_edge, make_graph, make_node, make_reference
from tests.test_editors import change_url, editor_client, form_data, inline_index
from tests.test_glossary import make_term

pytestmark = pytest.mark.django_db

HELPFUL = [
    "Type a word or a name in the search box",
    "has no letters or numbers in it",
    "Nothing matched",
]
RESULT = re.compile(
    r'<li class="search-result">\s*<p class="search-result__kind">(?P<kind>.*?)</p>\s*'
    r'<h2 class="search-result__title">(?:<a href="(?P<url>[^"]*)">)?(?P<title>.*?)</h2>',
    re.S,
)


def results(client, query, **headers):
    """(kind line, url, title as text) of each result on the search page for `query`."""
    response = client.get("/search/", {"q": query}, **headers)
    assert response.status_code == 200
    return [
        (match["kind"], match["url"], re.sub(r"<[^>]+>", "", match["title"]))
        for match in RESULT.finditer(response.text)
    ]


def urls(client, query):
    return [url for _kind, url, _title in results(client, query)]


def make_pgc1alpha():
    return make_node(
        "pgc-1a",
        name="PGC-1\u03b1",
        aliases=["PGC-1a", "PGC1A", "PGC-1alpha", "PPARGC1A"],
        texts={"academic": "A coactivator of mitochondrial genes."},
    )


# Spellings and slips -------------------------------------------------------------------------


@pytest.mark.parametrize("query", ["PGC-1a", "PGC1alpha", "PPARGC1A", "PGC-1\u03b1", "pgc 1 alpha"])
def test_every_spelling_of_pgc1alpha_finds_the_node_first(client, query):
    make_pgc1alpha()
    make_node("pgc-1b", name="PGC-1\u03b2", aliases=["PPARGC1B"])

    found = urls(client, query)

    assert found[0] == "/explorer/pgc-1a/"
    assert not any(url.startswith("/explorer/pgc-1b/") for url in found)


@pytest.mark.parametrize("query", ["HIF1a", "hif 1 alpha", "HIF-1\u03b1", "hif1-alpha"])
def test_greek_letters_and_their_spellings_match_without_an_alias(client, query):
    make_node("hif-1a", name="HIF-1\u03b1")

    assert urls(client, query)[0] == "/explorer/hif-1a/"


@pytest.mark.parametrize("query", ["glut 4", "GLUT4", "GLUT-4", "glut4"])
def test_glut_4_finds_glut4(client, query):
    make_node("glut4", name="GLUT4", kind="signal")
    make_node("glut1", name="GLUT1", kind="signal")

    found = urls(client, query)
    assert found[0] == "/explorer/glut4/"
    assert "/explorer/glut1/" not in found


@pytest.mark.parametrize("query", ["cortsol", "cortisoll", "cortizol", "crotisol", "Myostatn"])
def test_a_slip_of_one_letter_in_a_name_still_finds_it(client, query):
    make_node("cortisol", name="Cortisol", kind="hormone")
    make_node("myostatin", name="Myostatin", kind="myokine")

    expected = "/explorer/myostatin/" if query.startswith("Myo") else "/explorer/cortisol/"
    found = urls(client, query)
    assert found[0] == expected
    # The name the slip stands for is marked in the result.
    page = client.get("/search/", {"q": query}).text
    assert f"<mark>{expected.split('/')[2].capitalize()}</mark>" in page


def test_a_word_two_letters_away_from_every_name_finds_nothing(client):
    make_node("cortisol", name="Cortisol", kind="hormone")

    assert urls(client, "cortxsxl") == []


def test_folding_rules():
    assert query_terms("PGC-1\u03b1") == query_terms("PGC-1a") == query_terms("pgc1alpha")
    assert query_terms("IL-1\u03b2") == ["il1beta"]
    assert query_terms("anti-inflammatory") == ["antiinflammatory"]
    assert set(index_terms("anti-inflammatory").split()) == {
        "anti",
        "inflammatory",
        "antiinflammatory",
    }
    # Between two plain words a space stays a space.
    assert query_terms("interval training") == ["interval", "training"]
    assert one_edit_apart("ampk", "amkp")
    assert one_edit_apart("ampk", "ampq")
    assert not one_edit_apart("ampk", "mtor")
    assert not one_edit_apart("ampk", "ampk")


# What is searched, and how results are shown ---------------------------------------------------


def test_names_and_titles_come_before_matches_in_text(client):
    make_article(
        "fuel", title="Fuel for training", bodies={"academic": "Irisin is a small protein."}
    )
    make_article("irisin-story", title="The irisin story")
    make_node("irisin", name="Irisin", kind="myokine")

    found = results(client, "irisin")

    assert [url for _kind, url, _title in found[:2]] == [
        "/explorer/irisin/",
        "/articles/irisin-story/",
    ]
    assert (
        "Article · found in the Academic tier",
        "/articles/fuel/academic/",
        "Fuel for training",
    ) in found


def test_each_tier_says_where_the_match_is(client):
    make_article(
        "sugar",
        title="Sugar",
        bodies={
            "fundamentals": "Muscle uses sugar.",
            "intermediate": "Muscle takes up glucose through transporters.",
            "academic": "Insulin-independent glucose uptake follows contraction.",
        },
    )

    found = results(client, "glucose")

    assert {(kind, url) for kind, url, _title in found} == {
        ("Article · found in the Intermediate tier", "/articles/sugar/intermediate/"),
        ("Article · found in the Academic tier", "/articles/sugar/academic/"),
    }


def test_arrows_are_found_by_mechanism_and_caveat_and_link_to_their_place(client):
    nodes = make_graph()
    edge = make_edge(
        nodes["sensor"],
        nodes["organ"],
        mechanism="Lactate travels in the blood.",
        caveat="Measured only in rowers.",
    )

    for query in ("lactate", "rowers"):
        found = results(client, query)
        assert found == [
            ("Arrow on the map, Grade A", f"/explorer/sensor-0/#arrow-{edge.pk}",
             "Sensor 0 increases Organ 0"),
        ]  # fmt: skip
    # The arrow's place on its node's page carries that id.
    assert f'id="arrow-{edge.pk}"' in client.get("/explorer/sensor-0/").text


@pytest.mark.parametrize("query", ["Okabe", "10.1000/heat.2019", "31234567", "okabe2019"])
def test_references_are_found_by_author_doi_pmid_and_key_and_link_to_where_they_are_cited(
    client, query
):
    make_reference(
        "okabe2019", authors=["Okabe T", "Ruiz M"], doi="10.1000/heat.2019", pmid=31234567,
        title="Heat shock proteins after sprinting",
    )  # fmt: skip
    make_article("heat", bodies={"academic": "Sprints raise heat shock proteins [@okabe2019]."})

    found = results(client, query)

    assert ("Reference", "/articles/heat/academic/#ref-okabe2019",
            "Heat shock proteins after sprinting") in found  # fmt: skip


def test_snippets_escape_a_hostile_title_and_text(client):
    hostile = "<img src=x onerror=alert(1)>"
    make_article("hostile", title=f"Bad {hostile} title", summary=f"Summary {hostile} here")
    make_reference("evil2020", title='Evil "><script>alert(2)</script> study')

    response = client.get("/search/", {"q": "img onerror"})
    page = response.text
    assert "<img src=x" not in page
    assert "Bad &lt;<mark>img</mark> src=x <mark>onerror</mark>=alert(1)&gt; title" in page
    assert "<script>alert(2)" not in client.get("/search/", {"q": "evil"}).text
    # The query itself, shown in the heading and the header's box, is text too.
    own = client.get("/search/", {"q": '"><svg onload=alert(3)>'}).text
    assert "<svg onload" not in own
    assert 'value="&quot;&gt;&lt;svg onload=alert(3)&gt;"' in own


# Drafts ------------------------------------------------------------------------------------------


def test_drafts_are_found_only_by_editors(client):
    make_article("secret-plan", title="Secret plan", status=Status.DRAFT)
    public = make_node("public-node", name="Public node")
    hidden = make_node("hidden-node", name="Hidden node")
    hidden.status = Status.DRAFT
    hidden.save()
    make_edge(public, hidden, mechanism="Secret link between them.")

    assert urls(client, "secret") == []
    assert urls(client, "hidden") == []

    editor = editor_client()
    assert "/articles/secret-plan/" in urls(editor, "secret")
    assert "/explorer/hidden-node/" in urls(editor, "hidden")
    page = editor.get("/search/", {"q": "secret plan"}).text
    assert '<span class="draft-badge">Draft</span>' in page


# The index follows every change ------------------------------------------------------------------


def test_admin_save_updates_the_index(client):
    article = make_article("fuel-sensing", title="Fuel sensing")
    node = make_node("ampk", name="AMPK")
    editor = editor_client()
    assert urls(client, "lactate") == []

    url = change_url(article)
    data = form_data(editor.get(url), "article_form")
    index = inline_index(data, "tiers", "tier", "intermediate")
    data[f"tiers-{index}-body_markdown"] = "Muscle releases lactate during hard work."
    data["change_summary"] = "Lactate."
    data["title"] = "Fuel and lactate"
    assert editor.post(url, data).status_code == 302

    node_url = change_url(node)
    data = form_data(editor.get(node_url), "node_form")
    data["aliases"] = "AMP-activated protein kinase\r\nPRKAA1"
    assert editor.post(node_url, data).status_code == 302

    found = results(client, "lactate")
    assert [url for _kind, url, _title in found] == [
        "/articles/fuel-sensing/",
        "/articles/fuel-sensing/intermediate/",
    ]
    assert urls(client, "PRKAA1") == ["/explorer/ampk/"]
    assert {title for _kind, _url, title in results(client, "fuel")} == {"Fuel and lactate"}

    # A delete in the admin takes the page out of the index.
    delete_url = url.replace("/change/", "/delete/")
    assert editor.post(delete_url, {"post": "yes"}).status_code == 302
    assert urls(client, "lactate") == []
    assert not SearchEntry.objects.filter(group=f"article:{article.pk}").exists()


def test_a_restore_in_the_admin_updates_the_index(client):
    article = make_article("fuel-sensing", bodies={"academic": "Muscle burns sugar quickly."})
    editor = editor_client()
    url = change_url(article)
    data = form_data(editor.get(url), "article_form")
    index = inline_index(data, "tiers", "tier", "academic")
    data[f"tiers-{index}-body_markdown"] = "Muscle burns fat slowly."
    data["change_summary"] = "Fat, not sugar."
    assert editor.post(url, data).status_code == 302
    assert urls(client, "sugar") == []
    data = form_data(editor.get(url), "article_form")
    data[f"tiers-{index}-body_markdown"] = "Muscle burns ketones."
    data["change_summary"] = "Ketones."
    assert editor.post(url, data).status_code == 302

    first = Version.objects.get_for_object(article).last()
    revision_url = reverse("admin:articles_article_revision", args=[article.pk, first.pk])
    restore = form_data(editor.get(revision_url), "restore_form")
    assert editor.post(revision_url, restore).status_code == 302

    assert urls(client, "fat slowly") == ["/articles/fuel-sensing/academic/"]
    assert urls(client, "ketones") == []


def test_publishing_a_node_shows_it_and_its_arrows_to_readers(client):
    public = make_node("public-node", name="Public node")
    hidden = make_node("hidden-node", name="Hidden node")
    hidden.status = Status.DRAFT
    hidden.save()
    make_edge(public, hidden, mechanism="Sweat carries the signal.")
    assert urls(client, "sweat") == []

    hidden.status = Status.PUBLISHED
    hidden.save()

    assert [url.split("#")[0] for url in urls(client, "sweat")] == ["/explorer/public-node/"]
    assert urls(client, "hidden node")[0] == "/explorer/hidden-node/"


def test_the_index_changes_in_the_same_transaction_as_the_content():
    article = make_article("kept", title="Kept title")

    def save_then_fail():
        with transaction.atomic():
            article.title = "Rolled back title"
            article.save()
            assert SearchEntry.objects.filter(title="Rolled back title").exists()
            raise RuntimeError("undo")

    with pytest.raises(RuntimeError):
        save_then_fail()

    assert SearchEntry.objects.filter(title="Kept title").exists()
    assert not SearchEntry.objects.filter(title="Rolled back title").exists()


def test_load_content_updates_the_index_once(client, content_dir, monkeypatch):
    call_command("load_content", content_dir=content_dir, stdout=StringIO())
    loaded = SearchEntry.objects.count()
    assert urls(client, "PRKAA1") == ["/explorer/ampk/"]
    assert urls(client, "test article")[0] == "/articles/test-article/"
    article_file = content_dir / "articles" / "test-article.md"
    text = article_file.read_text(encoding="utf-8")
    article_file.write_text(
        text.replace("title: Test article", "title: Pedalling and the liver"), encoding="utf-8"
    )

    calls = []
    for name in ("rebuild", "reindex"):
        real = getattr(signals, name)
        monkeypatch.setattr(
            signals, name, lambda *args, real=real, name=name: calls.append(name) or real(*args)
        )

    call_command("load_content", content_dir=content_dir, stdout=StringIO())

    assert urls(client, "pedalling")[0] == "/articles/test-article/"
    assert "/articles/test-article/" not in urls(client, "test article")
    assert SearchEntry.objects.count() == loaded
    # Written once, as the load ends, not row by row.
    assert calls == ["rebuild"]


def test_migrate_builds_a_missing_index_for_content_loaded_before_search(client):
    make_node("cortisol", name="Cortisol", kind="hormone")
    SearchEntry.objects.all().delete()

    call_command("migrate", verbosity=0)

    assert urls(client, "cortisol")[0] == "/explorer/cortisol/"


# A fixed number of queries -----------------------------------------------------------------------


# The content version (page cache), the names for slips (SQLite), the search, and the places
# of found references (three), whatever the size of the content.
QUERIES_PER_SEARCH = 6


@pytest.mark.parametrize("copies", [1, 4])
def test_a_search_reads_a_fixed_number_of_queries(client, django_assert_max_num_queries, copies):
    make_graph(copies=copies)
    for number in range(copies):
        make_article(f"story-{number}", bodies={"academic": f"Sensor signals [@study{number}]."})

    for query in ("sensor", "study0", "exercise", "cortsol", "nothing-here"):
        with django_assert_max_num_queries(QUERIES_PER_SEARCH):
            response = client.get("/search/", {"q": query})
        assert response.status_code == 200


# Bad queries -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "query",
    [
        "",
        "   ",
        '"',
        "*",
        "AND",
        "OR NOT",
        "NEAR(",
        "NEAR(a b",
        "title_terms: x",
        "a:* & !b | c",
        "'; DROP TABLE search_searchentry; --",
        "1=1) OR (1=1",
        "((((",
        "^-+",
        "\u200b",
        "\x00",
        "x" * 10_000,
        "cortisol " + "ü" * 10_000,
    ],
)
def test_empty_junk_and_long_queries_get_a_helpful_page(client, query):
    make_node("cortisol", name="Cortisol", kind="hormone")

    response = client.get("/search/", {"q": query})

    assert response.status_code == 200
    page = response.text
    assert any(message in page for message in HELPFUL) or 'class="search-result"' in page
    if len(query) > LONGEST_QUERY:
        assert f"only the first {LONGEST_QUERY} characters of yours were used" in page
        assert query[: LONGEST_QUERY + 1] not in page
    assert SearchEntry.objects.exists()


def test_htmx_gets_the_results_alone_and_responses_vary_on_it(client):
    make_node("cortisol", name="Cortisol", kind="hormone")

    full = client.get("/search/", {"q": "cortisol"})
    partial = client.get("/search/", {"q": "cortisol"}, HTTP_HX_REQUEST="true")

    assert "HX-Request" in full["Vary"]
    assert "HX-Request" in partial["Vary"]
    assert "<html" in full.text
    assert "<html" not in partial.text
    assert "<title>Search: cortisol · Exercise Signals</title>" in partial.text
    assert '<a href="/explorer/cortisol/"><mark>Cortisol</mark></a>' in partial.text


def test_the_header_has_one_search_box_that_works_without_javascript(client):
    make_article("basics")

    home = client.get("/").text
    assert home.count('role="search"') == 1
    form = re.search(r'<form class="site-search"[^>]*>', home).group(0)
    assert 'action="/search/"' in form
    assert 'method="get"' in form
    box = re.search(r'<input class="site-search__box"[^>]*>', home).group(0)
    for attribute in ('name="q"', 'hx-get="/search/"', 'hx-push-url="true"', "delay:300ms"):
        assert attribute in box


def test_a_glossary_definition_in_a_text_is_not_searched_as_its_words(client):
    """The stored HTML carries each marked term's definition for its popup; a search finds the
    text by what it says, not by the definitions written into it."""
    make_term("AMPK", definition="A fuel gauge inside each cell.")
    make_article("fuel-sensing", bodies={"academic": "Hard work switches on AMPK."})
    assert "fuel gauge" in ArticleTier.objects.get(tier="academic").body_html

    assert urls(client, "gauge") == []
    assert "/articles/fuel-sensing/academic/" in urls(client, "AMPK")
