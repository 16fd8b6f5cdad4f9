"""The admin as a writing tool, on the server: reference and node suggestions, the preview's
readability line, whole titles, and the order of an arrow's references."""

import pytest
from django.test import Client
from django.urls import reverse

from apps.articles.models import Article
from apps.core.models import Reference, Tier
from apps.editors.forms import TitleField
from apps.editors.readability import grade, prose, readability
from apps.explorer.models import Edge, Node
from tests.conftest import make_article, make_edge, make_node, make_reference
from tests.test_editors import editor_client, form_data

pytestmark = pytest.mark.django_db

ALPHA = "\N{GREEK SMALL LETTER ALPHA}"

EASY = "The cat sat on the mat. It was warm. The dog ran to the cat. They both slept. " * 3
HARD = (
    "Contraction-induced phosphorylation of AMP-activated protein kinase increases "
    "mitochondrial biogenesis through peroxisome proliferator-activated receptor gamma "
    "coactivator transcriptional programmes, notwithstanding considerable interindividual "
    "heterogeneity in skeletal muscle adaptation. "
) * 3
MIDDLE = (
    "Regular endurance training raises the amount of a protein called PGC-1 alpha in muscle "
    "cells. This protein switches on genes that build new mitochondria, which use oxygen to "
    "release energy from fat and sugar during longer sessions. "
) * 3


def suggest(client, kind, query, htmx=True):
    headers = {"HX-Request": "true"} if htmx else {}
    return client.get(
        reverse("admin:editor-suggestions"), {"kind": kind, "q": query}, headers=headers
    )


# Prose and readability -----------------------------------------------------------------------


def test_prose_keeps_what_a_reader_reads():
    markdown = (
        "## Heading\n\n| a | b |\n\nMuscle [[pgc-1a|builds]] **more** [@smith2020].\n"
        "- A list item\n"
    )
    text = prose(markdown)
    assert "Heading" not in text
    assert "|" not in text
    assert "smith2020" not in text
    assert "Muscle builds more" in text
    assert "A list item" in text


def test_fundamentals_warns_when_too_hard_but_not_when_plain():
    assert readability(EASY, Tier.FUNDAMENTALS).warning == ""
    hard = readability(HARD, Tier.FUNDAMENTALS)
    assert hard.grade > 8
    assert "grade 8 or lower" in hard.warning


def test_intermediate_has_a_band():
    assert readability(MIDDLE, Tier.INTERMEDIATE).warning == ""
    assert "As easy as the Fundamentals" in readability(EASY, Tier.INTERMEDIATE).warning
    assert "Harder than Intermediate" in readability(HARD, Tier.INTERMEDIATE).warning


def test_academic_is_compared_with_the_intermediate_text():
    assert readability(HARD, Tier.ACADEMIC, MIDDLE).warning == ""
    same = readability(MIDDLE, Tier.ACADEMIC, MIDDLE)
    assert "grades above the Intermediate text" in same.warning
    assert same.target.endswith(f"(grade {grade(MIDDLE):g})")


def test_no_text_gives_no_grade_and_no_warning():
    empty = readability("## Only a heading\n", Tier.FUNDAMENTALS)
    assert empty.grade is None
    assert empty.warning == ""


# Matching references and nodes ---------------------------------------------------------------


def test_references_match_key_author_title_and_year_in_any_case():
    smith = make_reference("smith2020", authors=["Smith J"], title="Muscle and insulin", year=2020)
    make_reference("jones2018", authors=["Jones K"], title="Bone density", year=2018)
    assert list(Reference.objects.matching("SMI")) == [smith]
    assert list(Reference.objects.matching("smith j")) == [smith]
    assert list(Reference.objects.matching("insulin")) == [smith]
    assert list(Reference.objects.matching("2020")) == [smith]
    assert list(Reference.objects.matching("bone 2020")) == []
    assert list(Reference.objects.matching("   ")) == []


def test_a_key_starting_with_the_query_comes_first():
    make_reference("another2020", title="Smith's method revisited")
    make_reference("smith2020", authors=["Smith J"])
    keys = [ref.key for ref in Reference.objects.matching("smith")]
    assert keys == ["smith2020", "another2020"]


def test_nodes_match_name_slug_and_alias_including_non_ascii():
    # The name is plain here, so only the alias (stored as JSON, with the alpha escaped) matches.
    pgc = make_node("pgc-1a", name="Biogenesis switch", aliases=["PPARGC1A", f"PGC-1{ALPHA}"])
    make_node("ampk", name="AMPK")
    assert list(Node.objects.matching("pgc")) == [pgc]
    assert list(Node.objects.matching("ppargc")) == [pgc]
    assert list(Node.objects.matching(f"1{ALPHA}")) == [pgc]
    assert list(Node.objects.matching("ampk")) != [pgc]


# The suggestions view ------------------------------------------------------------------------


def test_suggestions_need_an_admin_sign_in():
    response = Client().get(reverse("admin:editor-suggestions"), {"kind": "reference", "q": "a"})
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


def test_reference_suggestions_are_options_to_insert():
    make_reference("smith2020", authors=["Smith J"], title="Muscle and insulin")
    response = suggest(editor_client(), "reference", "smi")
    html = response.content.decode()
    assert response.status_code == 200
    assert 'role="listbox"' in html
    assert 'role="option"' in html
    assert 'data-insert="smith2020"' in html
    assert "Smith 2020: Muscle and insulin" in html


def test_node_suggestions_insert_the_slug():
    make_node("pgc-1a", name=f"PGC-1{ALPHA}", aliases=["PPARGC1A"])
    html = suggest(editor_client(), "node", "pgc").content.decode()
    assert 'data-insert="pgc-1a"' in html
    assert f"PGC-1{ALPHA} · PPARGC1A" in html


def test_at_most_eight_suggestions():
    for number in range(12):
        make_reference(f"study{number:02}")
    html = suggest(editor_client(), "reference", "study").content.decode()
    assert html.count('role="option"') == 8


@pytest.mark.parametrize(
    ("kind", "query"),
    [
        ("reference", "zzzz"),
        ("reference", "x" * 5000),
        ("reference", "\x00\x01"),
        ("reference", "%_'\"<script>"),
        ("node", "]]"),
        ("nonsense", "smith"),
        ("", ""),
    ],
)
def test_odd_input_gets_a_clear_empty_state(kind, query):
    make_reference("smith2020")
    response = suggest(editor_client(), kind, query)
    assert response.status_code == 200
    html = response.content.decode()
    assert "No matches" in html
    assert 'role="option"' not in html
    assert "<script>" not in html


def test_without_htmx_the_suggestions_are_a_page():
    make_reference("smith2020")
    response = suggest(editor_client(), "reference", "smith", htmx=False)
    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" in html
    assert "[@smith2020]" in html


# The preview's readability line --------------------------------------------------------------


def preview(client, data, field):
    return client.post(reverse("admin:markdown-preview"), {**data, "field": field})


def test_the_preview_grades_a_text_against_its_tier():
    client = editor_client()
    response = preview(
        client,
        {"tiers-0-tier": "fundamentals", "tiers-0-body_markdown": HARD},
        "tiers-0-body_markdown",
    )
    html = response.content.decode()
    assert "words" in html
    assert "min read" in html
    assert "aim: grade 8 or lower" in html
    assert "Harder than Fundamentals readers expect" in html


def test_the_academic_preview_compares_with_the_intermediate_text_in_the_same_post():
    data = {
        "tiers-0-tier": "intermediate",
        "tiers-0-body_markdown": MIDDLE,
        "tiers-1-tier": "academic",
        "tiers-1-body_markdown": MIDDLE,
    }
    html = preview(editor_client(), data, "tiers-1-body_markdown").content.decode()
    assert "grades above the Intermediate text" in html
    assert "Reads too easily for the Academic depth" in html
    data["tiers-1-body_markdown"] = HARD
    html = preview(editor_client("second"), data, "tiers-1-body_markdown").content.decode()
    assert "Reads too easily" not in html


def test_a_field_with_no_tier_gets_figures_but_no_aim():
    html = preview(editor_client(), {"body_markdown": EASY}, "body_markdown").content.decode()
    assert "Reading grade" in html
    assert "aim:" not in html


def test_the_change_form_knows_each_tier_before_anyone_types():
    article = make_article(bodies={"fundamentals": HARD, "intermediate": MIDDLE, "academic": HARD})
    response = editor_client().get(reverse("admin:articles_article_change", args=[article.pk]))
    html = response.content.decode()
    assert "data-tier-tabs" in html
    assert "Preview: Fundamentals" in html
    assert "Preview: Academic" in html
    assert "Harder than Fundamentals readers expect" in html
    assert f"(grade {grade(MIDDLE):g})" in html  # Academic is measured against Intermediate


def test_a_tier_with_an_error_is_marked_for_the_tabs():
    article = make_article()
    client = editor_client()
    url = reverse("admin:articles_article_change", args=[article.pk])
    data = form_data(client.get(url), "article_form")
    academic = next(
        key.removesuffix("-tier") for key, value in data.items() if value == Tier.ACADEMIC
    )
    data[f"{academic}-body_markdown"] = "Cites a missing study [@nobody1999]."
    html = client.post(url, data).content.decode()
    assert html.count("data-has-errors") == 1
    marked = html.index("data-has-errors")
    assert f'id="{academic}"' in html[marked : marked + 200]


# Whole titles --------------------------------------------------------------------------------


def test_a_title_is_a_wrapping_box_and_a_line_break_becomes_a_space():
    assert TitleField().clean("How exercise\r\n  changes   hormones\n") == (
        "How exercise changes hormones"
    )
    article = make_article()
    client = editor_client()
    url = reverse("admin:articles_article_change", args=[article.pk])
    response = client.get(url)
    assert 'class="title-input"' in response.content.decode()
    data = form_data(response, "article_form")
    data["title"] = "A title typed\non two lines"
    data["change_summary"] = "Retitled."  # the article is published
    assert client.post(url, data).status_code == 302
    assert Article.objects.get(pk=article.pk).title == "A title typed on two lines"


def test_node_names_and_reference_titles_are_wrapping_boxes_too():
    node = make_node("ampk", name="AMPK")
    reference = make_reference("smith2020")
    client = editor_client()
    for url in [
        reverse("admin:explorer_node_change", args=[node.pk]),
        reverse("admin:core_reference_change", args=[reference.pk]),
    ]:
        assert 'class="title-input"' in client.get(url).content.decode()


# The order of an arrow's references ----------------------------------------------------------


def test_the_saved_reference_order_is_the_order_posted():
    first, second, third = (make_reference(key) for key in ["alpha2020", "beta2021", "gamma2022"])
    edge = make_edge(make_node("a"), make_node("b"), [first, second, third])
    client = editor_client()
    url = reverse("admin:explorer_edge_change", args=[edge.pk])
    response = client.get(url)
    html = response.content.decode()
    assert "reorder-rows" in html  # the buttons' hook
    assert "alpha2020: " in html  # the key leads the option text the buttons are named after
    data = form_data(response, "edge_form")
    # What the buttons do: number the rows 0, 1, 2 in the order shown (here: third, first, second).
    order = {"gamma2022": 0, "alpha2020": 1, "beta2021": 2}
    keys = dict(Reference.objects.values_list("pk", "key"))
    for index in range(int(data["cited-TOTAL_FORMS"])):
        data[f"cited-{index}-position"] = str(order[keys[int(data[f"cited-{index}-reference"])]])
    assert client.post(url, data).status_code == 302
    saved = Edge.objects.get(pk=edge.pk).cited.order_by("position")
    assert [use.reference.key for use in saved] == ["gamma2022", "alpha2020", "beta2021"]
    assert [use.position for use in saved] == [0, 1, 2]


def test_aliases_and_authors_get_the_reorder_hook():
    node = make_node("ampk", name="AMPK", aliases=["PRKAA1", "AMP kinase"])
    html = editor_client().get(reverse("admin:explorer_node_change", args=[node.pk])).content
    assert b'data-reorder="lines"' in html


def test_suggestions_answer_htmx_with_a_partial_of_the_page_and_vary_on_it():
    make_reference("smith2020")
    client = editor_client()
    url = reverse("admin:editor-suggestions") + "?kind=reference&q=smith"
    page = client.get(url)
    options = client.get(url, headers={"HX-Request": "true"})
    assert "HX-Request" in page["Vary"]
    assert "HX-Request" in options["Vary"]
    assert "<html" in page.text
    assert "<html" not in options.text
    assert 'role="option"' in options.text
    assert 'data-insert="smith2020"' in options.text
