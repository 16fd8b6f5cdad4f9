"""The glossary: terms as content (glossary.toml ↔ database), the /glossary/ page, the first use
of a term marked when a text is rendered, and terms edited in the admin."""

import re
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from reversion.models import Version

from apps.articles.models import ArticleTier
from apps.core.models import ContentVersion, GlossaryTerm, Status, glossary_anchor
from apps.core.rendering import (
    GlossaryEntry,
    clean_html,
    mark_glossary_terms,
    render_markdown,
)
from apps.explorer.models import NodeText
from tests.conftest import make_article, make_node, make_reference
from tests.test_editors import change_url, editor_client, form_data

pytestmark = pytest.mark.django_db


def entry(term, definition="A plain meaning.", aliases=()):
    anchor = glossary_anchor(term)
    return GlossaryEntry(anchor, term, definition, (term, *aliases), f"/glossary/#{anchor}")


def marked_terms(html):
    """The words marked as glossary terms, in order, with the address each links to."""
    return re.findall(
        r'</span><a class="glossary-link" href="([^"]+)"[^>]*>([^<]+)</a></span>',
        html,
    )


def mark(markdown, glossary):
    return mark_glossary_terms(render_markdown(markdown).html, glossary)


def make_term(term, definition="A plain meaning.", **fields):
    return GlossaryTerm.objects.create(term=term, definition=definition, **fields)


def load(content_dir):
    out = StringIO()
    call_command("load_content", content_dir=content_dir, stdout=out)
    return out.getvalue()


# 1. Which use is marked -------------------------------------------------------------------------


def test_only_the_first_use_of_a_term_is_marked():
    html = mark("AMPK senses energy. Then AMPK acts, and ampk rests.", [entry("AMPK")])
    assert marked_terms(html) == [("/glossary/#ampk", "AMPK")]
    assert html.count("AMPK") == 2
    assert "ampk rests" in html


def test_an_alias_counts_as_a_use_and_keeps_its_own_spelling():
    glossary = [entry("Myokine", aliases=["myokines"])]
    html = mark("Muscle sends myokines out. A myokine is a messenger.", glossary)
    assert marked_terms(html) == [("/glossary/#myokine", "myokines")]


def test_terms_are_not_marked_in_headings_links_code_or_citations():
    glossary = [entry("AMPK"), entry("smith2020")]
    html = mark(
        "## AMPK in a heading\n\n"
        "A [link about AMPK](https://example.org/), `AMPK` in code, a citation [@smith2020].\n\n"
        "```\nAMPK in a block\n```\n\n"
        "Only this AMPK is marked.\n",
        glossary,
    )
    assert marked_terms(html) == [("/glossary/#ampk", "AMPK")]
    assert html.index("glossary-term") > html.index("Only this")
    assert '<h2 id="ampk-in-a-heading">AMPK in a heading</h2>' in html
    assert '<a href="#ref-smith2020" id="cite-smith2020-1">1</a>' in html


def test_a_term_shown_as_a_map_link_counts_as_used():
    html = mark_glossary_terms(
        render_markdown("An enzyme called [[ampk|AMPK]]. AMPK is a gauge.", {"ampk": "AMPK"}).html,
        [entry("AMPK")],
    )
    assert marked_terms(html) == []


def test_whole_words_only_the_longest_spelling_first_and_no_entity_is_split():
    glossary = [entry("insulin"), entry("Insulin resistance"), entry("amp"), entry("mTOR")]
    html = mark(
        "Insulinoma is not a use. Insulin resistance comes first, then insulin. "
        "Salt &amp; sugar. mTORC1 is not mTOR.",
        glossary,
    )
    assert marked_terms(html) == [
        ("/glossary/#insulin-resistance", "Insulin resistance"),
        ("/glossary/#insulin", "insulin"),
        ("/glossary/#mtor", "mTOR"),
    ]
    assert "Salt &amp; sugar" in html


def test_the_popup_is_next_to_the_link_and_named_by_it():
    html = mark("Hard work switches on AMPK.", [entry("AMPK", "An energy gauge in cells.")])
    popup_id = re.search(r'aria-describedby="([^"]+)"', html)[1]
    assert (
        f'<span class="glossary-term"><span class="glossary-popup" id="{popup_id}" '
        'role="tooltip">An energy gauge in cells.</span><a class="glossary-link"' in html
    )


def test_a_definition_is_escaped_text_and_authors_cannot_fake_the_markup():
    hostile = '<img src=x onerror="alert(1)"><script>alert(2)</script> & "quotes"'
    html = mark("AMPK works.", [entry("AMPK", hostile)])
    assert "<img" not in html
    assert "<script" not in html
    assert "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;" in html
    # Markup an author writes is cleaned first: the site's own classes and roles are dropped.
    faked = clean_html('<span class="glossary-popup" role="tooltip" id="x">fake</span>')
    assert faked == "<span>fake</span>"


def test_a_stored_hostile_definition_reaches_no_page_as_markup(client):
    make_term("AMPK", '<img src=x onerror="alert(1)">')
    make_article("fuel", bodies={"fundamentals": "## Fuel\n\nAMPK senses fuel.\n"})
    page = client.get("/articles/fuel/fundamentals/").text
    assert "onerror=" not in page.replace("onerror=&quot;", "")
    assert "&lt;img src=x" in page
    glossary = client.get("/glossary/").text
    assert "<img src=x" not in glossary
    assert "&lt;img src=x" in glossary


# 2. Saved texts and what changes them -----------------------------------------------------------


def test_a_saved_article_and_node_text_carry_the_marks():
    make_term("GLUT4", "A door for sugar.", node="glut4")
    node = make_node("glut4", name="GLUT4", texts={"fundamentals": "GLUT4 lets sugar in."})
    article = make_article("sugar", bodies={"fundamentals": "## Sugar\n\nGLUT4 opens.\n"})
    tier = article.tiers.get(tier="fundamentals")
    assert marked_terms(tier.body_html) == [("/glossary/#glut4", "GLUT4")]
    text = node.texts.get(tier="fundamentals")
    assert marked_terms(text.body_html) == [("/glossary/#glut4", "GLUT4")]


def test_adding_changing_and_removing_a_term_renders_the_texts_that_use_it():
    article = make_article(
        "sugar", bodies={"fundamentals": "## Sugar\n\nMuscle stores glycogen.\n"}
    )
    untouched = make_article("other", bodies={"fundamentals": "## Other\n\nNothing here.\n"})
    tier = article.tiers.get(tier="fundamentals")
    other = untouched.tiers.get(tier="fundamentals")
    other_html = other.body_html
    version = ContentVersion.current()[0]

    term = make_term("Glycogen", "Stored sugar.")
    tier.refresh_from_db()
    assert marked_terms(tier.body_html) == [("/glossary/#glycogen", "glycogen")]
    assert ContentVersion.current()[0] > version

    term.refresh_from_db()  # as the admin reads it
    term.definition = "The body's store of sugar."
    term.save()
    tier.refresh_from_db()
    assert "The body&#x27;s store of sugar." in tier.body_html

    term.refresh_from_db()
    term.term, term.aliases = "Muscle glycogen", ["stored sugar"]
    term.save()
    tier.refresh_from_db()
    assert marked_terms(tier.body_html) == []  # renamed away from the word the text uses

    term.refresh_from_db()
    term.term = "Glycogen"
    term.save()
    term.refresh_from_db()
    term.delete()
    tier.refresh_from_db()
    assert "glossary-term" not in tier.body_html
    other.refresh_from_db()
    assert other.body_html == other_html


def test_rendering_again_records_no_new_version_of_the_texts():
    article = make_article(
        "sugar", bodies={"fundamentals": "## Sugar\n\nMuscle stores glycogen.\n"}
    )
    before = Version.objects.count()
    make_term("Glycogen")
    assert Version.objects.count() == before
    assert "glossary-term" in article.tiers.get(tier="fundamentals").body_html


# 3. The glossary page ---------------------------------------------------------------------------


def test_the_glossary_page_lists_terms_a_to_z_with_addresses_and_map_links(client):
    make_node("ampk", name="AMPK")
    hidden = make_node("hidden-node", name="Hidden")
    hidden.status = Status.DRAFT
    hidden.save()
    make_term("AMPK", "An energy gauge.", aliases=["AMP-activated protein kinase"], node="ampk")
    make_term("Hormesis", "A little stress helps.")
    make_term("PGC-1\N{GREEK SMALL LETTER ALPHA}", "A gene switch.", node="hidden-node")

    response = client.get("/glossary/")
    html = response.text
    assert response.status_code == 200
    letters = re.findall(r'<li><a href="#letter-([a-z#])">', html)
    assert letters == ["a", "h", "p"]
    for letter in letters:
        assert f'id="letter-{letter}"' in html
    assert '<div class="glossary-entry" id="ampk">' in html
    assert '<div class="glossary-entry" id="pgc-1a">' in html
    assert html.index('id="ampk"') < html.index('id="hormesis"') < html.index('id="pgc-1a"')
    assert "(also AMP-activated protein kinase)" in html
    assert '<a href="/explorer/ampk/">AMPK on the map</a>' in html
    assert "/explorer/hidden-node/" not in html  # readers cannot open a draft node


def test_the_glossary_page_reads_a_constant_number_of_queries(
    client, django_assert_max_num_queries
):
    for number in range(3):
        make_term(f"Term {number}", node="")
    with django_assert_max_num_queries(6):
        first = client.get("/glossary/")
    for number in range(3, 40):
        make_term(f"Term {number}", node="")
    from django.core.cache import cache

    cache.clear()
    with django_assert_max_num_queries(6):
        second = client.get("/glossary/")
    assert first.status_code == second.status_code == 200
    assert second.text.count('class="glossary-entry"') == 40


def test_the_glossary_page_is_a_reader_page(client):
    make_term("AMPK")
    assert client.post("/glossary/").status_code == 405
    response = client.get("/glossary/")
    assert "s-maxage" in response["Cache-Control"]
    assert response.has_header("ETag")


def test_an_empty_glossary_says_so(client):
    assert "The glossary has no terms yet." in client.get("/glossary/").text


# 4. glossary.toml -------------------------------------------------------------------------------

GLOSSARY = """\
[[term]]
term = "AMPK"
aliases = [
    "AMP-activated protein kinase",
]
definition = "An energy gauge in cells."
node = "ampk"

[[term]]
term = "Hormesis"
definition = "A little stress makes the body stronger."
"""


def test_the_glossary_file_loads_and_a_second_load_changes_nothing(content_dir):
    (content_dir / "glossary.toml").write_text(GLOSSARY, encoding="utf-8")
    output = load(content_dir)
    assert "Glossary terms: 2 created, 0 updated, 0 unchanged, 0 removed." in output
    ampk = GlossaryTerm.objects.get(anchor="ampk")
    assert ampk.aliases == ["AMP-activated protein kinase"]
    assert ampk.node == "ampk"
    texts = [*ArticleTier.objects.values_list("body_html", flat=True)]
    texts += NodeText.objects.values_list("body_html", flat=True)
    assert any('href="/glossary/#ampk"' in html for html in texts)
    assert "No changes." in load(content_dir)


def test_a_term_removed_from_the_file_is_removed_and_unmarked(content_dir):
    (content_dir / "glossary.toml").write_text(GLOSSARY, encoding="utf-8")
    load(content_dir)
    (content_dir / "glossary.toml").write_text(GLOSSARY.split("\n\n")[1], encoding="utf-8")
    output = load(content_dir)
    assert "Glossary terms: 0 created, 0 updated, 1 unchanged, 1 removed." in output
    htmls = [*ArticleTier.objects.values_list("body_html", flat=True)]
    htmls += NodeText.objects.values_list("body_html", flat=True)
    assert not any('href="/glossary/#ampk"' in html for html in htmls)


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        (GLOSSARY + '\n[[term]]\nterm = "ampk"\ndefinition = "Again."\n', 14,
         "“ampk” is already in the glossary as “AMPK”"),
        (GLOSSARY + '\n[[term]]\nterm = "Energy"\naliases = ["hormesis"]\ndefinition = "x."\n',
         15, "“hormesis” already stands for “Hormesis”"),
        (GLOSSARY + '\n[[term]]\nterm = "Glycogen"\n', 13, "missing required field “definition”"),
        (GLOSSARY.replace('node = "ampk"', 'node = "no-such-node"'), 7,
         "no node of the map has the slug “no-such-node”"),
        (GLOSSARY.replace("A little stress makes the body stronger.", "Long. " * 60), 11,
         "definition is 360 characters long; at most 300"),
        (GLOSSARY.replace('term = "Hormesis"', 'term = "Hormesis"\ncolour = "red"'), 11,
         "unknown field “colour”"),
        (GLOSSARY.replace('term = "AMPK"', 'term = "AMPK <b>"'), 2, "“AMPK <b>” may not hold <"),
        (GLOSSARY.replace('definition = "An energy gauge in cells."', 'definition = "  "'), 6,
         "definition must be text"),
        (GLOSSARY + "\n[[term]\n", 13, "invalid TOML"),
        ("[[word]]\nterm = 'x'\n", 1, "unknown section “word”"),
    ],
    ids=[
        "duplicate-term", "alias-of-another", "missing-definition", "unknown-node", "too-long",
        "unknown-field", "markup-in-term", "blank-definition", "bad-toml", "unknown-section",
    ],
)  # fmt: skip
def test_a_bad_glossary_names_file_and_line_and_changes_nothing(content_dir, text, line, message):
    (content_dir / "glossary.toml").write_text(GLOSSARY, encoding="utf-8")
    load(content_dir)
    before = list(GlossaryTerm.objects.values())
    htmls = list(ArticleTier.objects.values_list("body_html", flat=True))
    (content_dir / "glossary.toml").write_text(text, encoding="utf-8")
    with pytest.raises(CommandError) as error:
        load(content_dir)
    assert f"content/glossary.toml:{line}: {message}" in str(error.value)
    assert "nothing was changed" in str(error.value)
    assert list(GlossaryTerm.objects.values()) == before
    assert list(ArticleTier.objects.values_list("body_html", flat=True)) == htmls


def test_the_real_glossary_names_real_nodes_and_marks_the_real_articles(real_content_dir):
    load(real_content_dir)
    terms = GlossaryTerm.objects.count()
    assert terms >= 25
    fundamentals = ArticleTier.objects.filter(tier="fundamentals")
    for tier in fundamentals:
        found = marked_terms(tier.body_html)
        assert found, tier
        assert len({href for href, _word in found}) == len(found)  # each term once


# 5. The admin -----------------------------------------------------------------------------------


def add_url():
    return reverse("admin:core_glossaryterm_add")


def test_an_editor_adds_a_term_and_the_texts_that_use_it_are_rendered_again():
    make_node("ampk", name="AMPK")
    article = make_article("fuel", bodies={"fundamentals": "## Fuel\n\nAMPK senses fuel.\n"})
    editor = editor_client()
    data = form_data(editor.get(add_url()), "glossaryterm_form")
    data.update(
        term="AMPK",
        aliases="AMP-activated protein kinase\n",
        definition="An energy  gauge\r\nin cells.",
        node="ampk",
    )
    assert editor.post(add_url(), data).status_code == 302

    term = GlossaryTerm.objects.get()
    assert term.definition == "An energy gauge in cells."  # one line of single spaces
    assert term.aliases == ["AMP-activated protein kinase"]
    tier = article.tiers.get(tier="fundamentals")
    assert marked_terms(tier.body_html) == [("/glossary/#ampk", "AMPK")]
    assert Version.objects.get_for_object(term).count() == 1

    url = change_url(term)
    data = form_data(editor.get(url), "glossaryterm_form")
    data["definition"] = "A fuel gauge."
    assert editor.post(url, data).status_code == 302
    tier.refresh_from_db()
    assert 'role="tooltip">A fuel gauge.</span>' in tier.body_html
    assert Version.objects.get_for_object(term).count() == 2

    delete_url = reverse("admin:core_glossaryterm_delete", args=[term.pk])
    assert editor.post(delete_url, {"post": "yes"}).status_code == 302
    tier.refresh_from_db()
    assert "glossary-term" not in tier.body_html


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"term": "hormesis"}, "“hormesis” is already in the glossary as “Hormesis”"),
        ({"aliases": "Hormesis\n"}, "“Hormesis” already stands for “Hormesis”"),
        ({"node": "no-such-node"}, "No node of the map has the slug “no-such-node”"),
        ({"term": "AMPK <b>"}, "may not hold"),
        ({"definition": "Long. " * 60}, "at most 300"),
    ],
    ids=["duplicate", "alias-taken", "unknown-node", "markup", "too-long"],
)
def test_a_term_the_loader_would_refuse_is_refused_in_the_admin(changes, message):
    make_term("Hormesis")
    editor = editor_client()
    data = form_data(editor.get(add_url()), "glossaryterm_form")
    data.update({"term": "AMPK", "definition": "An energy gauge.", **changes})
    response = editor.post(add_url(), data)
    html = response.content.decode()
    assert response.status_code == 200
    assert "Please correct the error" in html
    assert message.replace("“", "“") in html.replace("&quot;", '"').replace("&#x27;", "'")
    assert GlossaryTerm.objects.count() == 1


def test_a_stale_term_form_is_refused():
    term = make_term("Glycogen", "Stored sugar.")
    first, second = editor_client("alice"), editor_client("bruno")
    url = change_url(term)
    alice = form_data(first.get(url), "glossaryterm_form")
    bruno = form_data(second.get(url), "glossaryterm_form")
    bruno["definition"] = "Sugar kept in muscle and liver."
    assert second.post(url, bruno).status_code == 302
    alice["definition"] = "Alice's words."
    response = first.post(url, alice)
    assert "Someone else saved this glossary term while you were editing it" in response.text
    term.refresh_from_db()
    assert term.definition == "Sugar kept in muscle and liver."


def test_the_definition_preview_shows_the_popup_text_and_its_grade():
    editor = editor_client()
    page = editor.get(add_url()).text
    assert 'hx-post="/admin/glossary-preview/"' in page
    response = editor.post(
        reverse("admin:glossary-preview"),
        {"field": "definition", "definition": "A <b>door</b> for sugar. It lets sugar in."},
    )
    assert response.status_code == 200
    assert "A &lt;b&gt;door&lt;/b&gt; for sugar." in response.text
    assert "(aim: grade 8 or lower)" in response.text


def test_the_markdown_preview_marks_terms_as_the_page_will():
    make_term("Glycogen", "Stored sugar.")
    make_reference("smith2020")
    editor = editor_client()
    field = "tiers-0-body_markdown"
    html = editor.post(
        reverse("admin:markdown-preview"), {"field": field, field: "Muscle glycogen falls."}
    ).text
    assert 'href="/glossary/#glycogen"' in html


def test_restoring_an_earlier_term_renders_the_texts_again():
    article = make_article(
        "sugar", bodies={"fundamentals": "## Sugar\n\nMuscle stores glycogen.\n"}
    )
    editor = editor_client()
    data = form_data(editor.get(add_url()), "glossaryterm_form")
    data.update(term="Glycogen", definition="Stored sugar.")
    assert editor.post(add_url(), data).status_code == 302
    term = GlossaryTerm.objects.get()
    url = change_url(term)
    data = form_data(editor.get(url), "glossaryterm_form")
    data.update(term="Muscle sugar store", aliases="", definition="Sugar kept in muscle.")
    assert editor.post(url, data).status_code == 302
    tier = article.tiers.get(tier="fundamentals")
    assert "glossary-term" not in tier.body_html

    first = Version.objects.get_for_object(term).last()
    revision_url = reverse("admin:core_glossaryterm_revision", args=[term.pk, first.pk])
    revision = editor.get(revision_url)
    assert "Stored sugar." in revision.text
    restored = editor.post(revision_url, form_data(revision, "restore_form"), follow=True)
    assert "was restored to the version saved on" in restored.text

    term.refresh_from_db()
    assert (term.term, term.anchor, term.definition) == ("Glycogen", "glycogen", "Stored sugar.")
    tier.refresh_from_db()
    assert marked_terms(tier.body_html) == [("/glossary/#glycogen", "glycogen")]
    assert 'role="tooltip">Stored sugar.</span>' in tier.body_html


# Only words of text are wrapped: markup from the hostile corpus passes through unchanged.
HOSTILE_WORDS = ["script", "alert", "onerror", "javascript", "img", "amp", "lt", "x", "svg", "a"]
OUR_MARKUP = re.compile(
    r'<span class="glossary-term"><span class="glossary-popup" id="[^"]+" role="tooltip">'
    r'[^<]*</span><a class="glossary-link" href="[^"]+" aria-describedby="[^"]+">([^<]*)</a>'
    r"</span>"
)


def test_marking_wraps_only_words_of_text_in_every_hostile_input():
    from tests.test_hostile_markdown import CORPUS

    glossary = [entry(word, f'<img src=x onerror="{word}()">') for word in HOSTILE_WORDS]
    wrapped = 0
    for name, text in CORPUS.items():
        try:
            html = render_markdown(text).html
        except Exception:  # refused (too long, too deep, too slow): nothing is shown
            continue
        marked = mark_glossary_terms(html, glossary)
        assert OUR_MARKUP.sub(r"\1", marked) == html, name
        assert "<img" not in OUR_MARKUP.sub("", marked).replace(html, "") or "<img" in html
        wrapped += marked != html
    assert wrapped > 100


def test_a_letter_that_only_matches_by_its_capital_is_still_the_term():
    # "\N{LATIN SMALL LETTER DOTLESS I}" capitalises to "I": the pattern matches it as "i".
    html = mark("Hello \N{LATIN SMALL LETTER DOTLESS I}mg and img.", [entry("img")])
    assert marked_terms(html) == [("/glossary/#img", "\N{LATIN SMALL LETTER DOTLESS I}mg")]
