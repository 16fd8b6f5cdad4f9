"""load_content and the mechanism graph: same guarantees as articles, errors at file:line."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from apps.articles.models import Article
from apps.explorer.models import Edge, EdgeReference, Node, NodeCitation, NodeText
from tests.conftest import VALID_EDGES, node_file

pytestmark = pytest.mark.django_db


def load(content_dir):
    out = StringIO()
    call_command("load_content", content_dir=content_dir, stdout=out)
    return out.getvalue()


def snapshot():
    return (
        list(Node.objects.values().order_by("slug")),
        list(NodeText.objects.values().order_by("node__slug", "tier")),
        list(NodeCitation.objects.values_list("text__node__slug", "reference__key", "number")),
        list(Edge.objects.values().order_by("position")),
        list(EdgeReference.objects.values_list("edge__position", "reference__key", "position")),
        list(Article.objects.values_list("tiers__linked_nodes__slug", flat=True)),
    )


def test_graph_is_loaded_with_texts_edges_and_references(content_dir):
    output = load(content_dir)
    assert "Nodes: 3 created" in output
    assert "Node texts: 9 created" in output
    assert "Edges: 2 created" in output

    ampk = Node.objects.get(slug="ampk")
    assert (ampk.name, ampk.kind, ampk.aliases) == ("AMPK", "signal", ["PRKAA1"])
    academic = ampk.texts.get(tier="academic")
    assert '<a href="#ref-beta2021" id="cite-beta2021-1">1</a>' in academic.body_html
    assert '<a class="node-link" href="/explorer/hiit/">HIIT</a>' in academic.body_html

    first = Edge.objects.get(source__slug="hiit", target__slug="ampk")
    assert (first.effect, first.grade, first.evidence, first.brief_id) == (
        "activates",
        "A",
        "human",
        "E1",
    )
    assert list(first.cited.values_list("reference__key", flat=True)) == [
        "alpha2020",
        "beta2021",
    ]
    assert Edge.objects.get(target__slug="glucose-uptake").caveat == "Not essential in mice."


def test_article_links_to_nodes_are_rendered_and_recorded(content_dir):
    load(content_dir)
    tier = Article.objects.get(slug="test-article").tiers.get(tier="fundamentals")
    assert '<a class="node-link" href="/explorer/ampk/">a fuel gauge</a>' in tier.body_html
    assert list(tier.linked_nodes.values_list("slug", flat=True)) == ["ampk"]


def test_second_load_of_the_graph_changes_nothing(content_dir):
    load(content_dir)
    before = snapshot()
    output = load(content_dir)
    assert "Nodes: 0 created, 0 updated, 3 unchanged, 0 removed." in output
    assert "Edges: 0 created, 0 updated, 2 unchanged, 0 removed." in output
    assert "No changes." in output
    assert snapshot() == before


def test_edited_and_removed_edges_are_reported(content_dir):
    load(content_dir)
    edges = content_dir / "explorer" / "edges.yaml"
    edges.write_text(VALID_EDGES.split("\n\n")[0].replace("grade: A", "grade: B") + "\n")
    output = load(content_dir)
    assert "Edges: 0 created, 1 updated, 0 unchanged, 1 removed." in output
    assert Edge.objects.get().grade == "B"


def test_a_removed_node_file_removes_the_node(content_dir):
    load(content_dir)
    (content_dir / "explorer" / "nodes" / "glucose-uptake.md").unlink()
    edges = content_dir / "explorer" / "edges.yaml"
    edges.write_text(VALID_EDGES.split("\n\n")[0] + "\n")
    output = load(content_dir)
    assert "Nodes: 0 created, 0 updated, 2 unchanged, 1 removed." in output
    assert not Node.objects.filter(slug="glucose-uptake").exists()


EDGE = """\
- from: hiit
  to: glucose-uptake
  effect: increases
  grade: B
  evidence: human
  mechanism: A sentence.
  references: [alpha2020]
"""


@pytest.mark.parametrize(
    ("edge", "where", "message"),
    [
        (EDGE.replace("to: glucose-uptake", "to: nowhere"), 3, "unknown node “nowhere”"),
        (EDGE.replace("from: hiit", "from: nobody"), 2, "unknown node “nobody”"),
        (EDGE.replace("[alpha2020]", "[alpha2020, nobody1999]"), 8,
         "unknown reference key “nobody1999”"),
        (EDGE.replace("to: glucose-uptake", "to: hiit"), 3, "edge from “hiit” to itself"),
        (EDGE.replace("  grade: B\n", ""), 2, "edge is missing “grade”"),
        (EDGE.replace("grade: B", "grade: E"), 5, "grade “E” must be one of A, B, C, D"),
        (EDGE.replace("increases", "boosts"), 4, "effect “boosts” must be one of"),
        (EDGE.replace("evidence: human", "evidence: anecdote"), 6, "evidence “anecdote”"),
        (EDGE.replace("evidence: human", "evidence: human\n  timing: sometimes"), 7,
         "timing “sometimes” must be one of acute, training, both"),
        (EDGE.replace("evidence: human", "evidence: human\n  shown_with: [glucose-uptake]"), 7,
         "shown_with “glucose-uptake” is not a kind of exercise (one of: hiit)"),
        (EDGE.replace("evidence: human", "evidence: human\n  shown_with: hiit"), 7,
         "shown_with must be a list of kinds of exercise"),
        (EDGE.replace("references: [alpha2020]", "references: alpha2020"), 8,
         "references must be a list of keys"),
        (EDGE.replace("  mechanism: A sentence.\n", "  mechanism: A sentence.\n  source: me\n"),
         8, "unknown edge field “source”"),
    ],
    ids=["unknown-target", "unknown-source", "unknown-reference", "self-loop", "missing-grade",
         "bad-grade", "bad-effect", "bad-evidence", "bad-timing", "shown-with-not-exercise",
         "shown-with-not-a-list", "references-not-a-list",
         "unknown-field"],
)  # fmt: skip
def test_a_bad_edge_names_file_and_line_and_changes_nothing(content_dir, edge, where, message):
    load(content_dir)
    before = snapshot()
    edges = content_dir / "explorer" / "edges.yaml"
    offset = VALID_EDGES.count("\n") + 1  # the blank line; the new edge starts on the next
    edges.write_text(VALID_EDGES + "\n" + edge)
    with pytest.raises(CommandError) as error:
        load(content_dir)
    assert f"content/explorer/edges.yaml:{offset + where - 1}: {message}" in str(error.value)
    assert "nothing was changed" in str(error.value)
    assert snapshot() == before


def test_a_duplicate_edge_is_refused_with_both_lines(content_dir):
    load(content_dir)
    before = snapshot()
    edges = content_dir / "explorer" / "edges.yaml"
    edges.write_text(VALID_EDGES + "\n" + VALID_EDGES.split("\n\n")[0] + "\n")
    with pytest.raises(CommandError) as error:
        load(content_dir)
    assert "content/explorer/edges.yaml:19: duplicate edge hiit → ampk (first at line 1)" in str(
        error.value
    )
    assert snapshot() == before


@pytest.mark.parametrize(
    ("filename", "text", "where", "message"),
    [
        ("pgc.md", node_file("PGC", "enzyme"), 3, "kind “enzyme” must be one of"),
        ("pgc.md", node_file("PGC", "signal", "PGC-1a"), 4, "aliases must be a list of names"),
        ("pgc.md", node_file("PGC", "signal", "[PRKAA1]"), 4,
         "alias “PRKAA1” already names another node (content/explorer/nodes/ampk.md)"),
        ("pgc.md", node_file("PGC", "signal", academic="See [[pgc-2]]."), 17,
         "unknown node “pgc-2” in [[pgc-2]]"),
        ("pgc.md", node_file("PGC", "signal", academic="Cited [@nobody1999]."), 17,
         "unknown citation key “nobody1999”"),
        ("pgc.md", node_file("PGC", "signal").replace("kind: signal\n", ""), 1,
         "front matter is missing “kind”"),
        ("PGC_1a.md", node_file("PGC", "signal"), 1, "the file name must be the node's slug"),
        ("pgc.md", node_file("PGC", "signal").replace("<!-- tier: academic -->", ""), 17,
         "the academic tier is missing"),
    ],
    ids=["bad-kind", "aliases-not-a-list", "alias-clash", "unknown-node-link",
         "unknown-citation", "missing-kind", "bad-file-name", "missing-tier"],
)  # fmt: skip
def test_a_bad_node_names_file_and_line_and_changes_nothing(
    content_dir, filename, text, where, message
):
    load(content_dir)
    before = snapshot()
    (content_dir / "explorer" / "nodes" / filename).write_text(text)
    with pytest.raises(CommandError) as error:
        load(content_dir)
    assert f"content/explorer/nodes/{filename}:{where}: {message}" in str(error.value)
    assert snapshot() == before


def test_an_unknown_node_link_in_an_article_names_file_and_line(content_dir):
    load(content_dir)
    before = snapshot()
    path = content_dir / "articles" / "test-article.md"
    path.write_text(path.read_text().replace("[[ampk|a fuel gauge]]", "[[amkp|a fuel gauge]]"))
    with pytest.raises(CommandError) as error:
        load(content_dir)
    assert "content/articles/test-article.md:12: unknown node “amkp” in [[amkp]]" in str(
        error.value
    )
    assert snapshot() == before


def test_broken_edges_yaml_names_the_line(content_dir):
    (content_dir / "explorer" / "edges.yaml").write_text(VALID_EDGES + "- from: [unclosed\n")
    with pytest.raises(CommandError) as error:
        load(content_dir)
    assert "content/explorer/edges.yaml:" in str(error.value)
    assert "invalid YAML" in str(error.value)
    assert not Node.objects.exists()


def test_edges_file_must_be_a_list(content_dir):
    (content_dir / "explorer" / "edges.yaml").write_text("from: hiit\nto: ampk\n")
    with pytest.raises(CommandError) as error:
        load(content_dir)
    assert "content/explorer/edges.yaml:1: the file must be a list of edges" in str(error.value)
