"""The project's own map: it holds every arrow of the science brief, with the brief's grades."""

import re

import pytest
import textstat
from django.conf import settings

from apps.content_sync.readers import read_content
from apps.explorer.graph import LINE_CHARS, MAX_LINES, wrap_label
from tests.test_content import PROMOTED_THERAPIES, prose

CONTENT = read_content(settings.CONTENT_DIR)
NODES = {node.slug: node for node in CONTENT.nodes}
EDGES = {(edge.source, edge.target): edge for edge in CONTENT.edges}

# Brief row -> the arrows that carry it, with the brief's grade for each. Where the brief gives
# two grades (E6 "C (pathway), B (human mRNA)", E19 "B (release), C/D (HPA)", E21 "B/C"),
# each arrow carries the part of the claim it stands for; where it gives one claim two grades
# (E23 "A/B", E27 "A/B"), the arrow carries the weaker, and its caveat says why.
BRIEF = {
    "E1": [("hiit", "energy-stress", "A"), ("endurance-training", "energy-stress", "A"),
           ("resistance-training", "energy-stress", "A"), ("energy-stress", "ampk", "A")],
    "E2": [("glut4-translocation", "glucose-uptake", "A"), ("ampk", "glut4-translocation", "C"),
           ("rac1", "glut4-translocation", "C"), ("calcium-camk", "glut4-translocation", "C")],
    "E3": [("hiit", "insulin-sensitivity", "A"), ("endurance-training", "insulin-sensitivity", "A"),
           ("resistance-training", "insulin-sensitivity", "A")],
    "E4": [("glut4-expression", "insulin-sensitivity", "A")],
    "E5": [("hiit", "glycaemic-control", "A"), ("resistance-training", "glycaemic-control", "A"),
           ("endurance-training", "glycaemic-control", "A")],
    "E6": [("ampk", "pgc-1a", "C"), ("pgc-1a", "mitochondrial-biogenesis", "C")],
    "E7": [("endurance-training", "mitochondrial-biogenesis", "A"),
           ("hiit", "mitochondrial-biogenesis", "A"),
           ("resistance-training", "mitochondrial-biogenesis", "A")],
    "E8": [("hiit", "ros", "B"), ("endurance-training", "ros", "B"), ("ros", "nrf2", "C"),
           ("nrf2", "antioxidant-defences", "C")],
    "E9": [("ros", "insulin-sensitivity", "D"), ("ros", "mitochondrial-biogenesis", "D")],
    "E10": [("pgc-1a", "fndc5", "C"), ("fndc5", "irisin", "C"), ("irisin", "browning", "C")],
    "E11": [("endurance-training", "browning", "D")],
    "E12": [("endurance-training", "il-6", "A"), ("hiit", "il-6", "A"),
            ("resistance-training", "il-6", "A")],
    "E13": [("il-6", "anti-inflammatory-response", "B"), ("il-6", "cortisol", "B")],
    "E14": [("il-6", "adipose-tissue", "B"), ("il-6", "visceral-fat", "B"),
            ("il-6", "skeletal-muscle", "B")],
    "E15": [("il-6", "liver", "B")],
    "E16": [("il-6", "gut", "C"), ("gut", "glp-1", "C"), ("glp-1", "pancreatic-beta-cells", "C")],
    "E17": [("endurance-training", "fgf21", "B"), ("fgf21", "insulin-sensitivity", "C")],
    "E18": [("bdnf", "fat-oxidation", "C")],
    "E19": [("endurance-training", "bdnf", "B"), ("bdnf", "neuroplasticity", "C"),
            ("bdnf", "brain-hpa-axis", "D")],
    "E20": [("resistance-training", "myostatin", "B")],
    "E21": [("resistance-training", "decorin", "B"), ("decorin", "myostatin", "C")],
    "E22": [("endurance-training", "myonectin", "C"), ("myonectin", "fatty-acid-uptake", "C")],
    "E23": [("mechanical-tension", "mtorc1", "B"), ("mtorc1", "muscle-protein-synthesis", "B"),
            ("muscle-protein-synthesis", "hypertrophy", "B")],
    "E24": [("resistance-training", "testosterone", "A"),
            ("resistance-training", "growth-hormone", "A")],
    "E25": [("testosterone", "hypertrophy", "A"), ("growth-hormone", "hypertrophy", "A")],
    "E26": [("endurance-training", "testosterone", "B")],
    "E27": [("hiit", "cortisol", "B"), ("endurance-training", "cortisol", "B"),
            ("resistance-training", "cortisol", "B"), ("brain-hpa-axis", "cortisol", "B")],
    "E28": [("hiit", "catecholamines", "A"), ("endurance-training", "catecholamines", "A"),
            ("resistance-training", "catecholamines", "A"),
            ("catecholamines", "adipose-tissue", "A"),
            ("catecholamines", "liver", "A"), ("catecholamines", "pancreatic-beta-cells", "A")],
    "E29": [("endurance-training", "low-energy-availability", "B"),
            ("low-energy-availability", "reds", "A"),
            ("low-energy-availability", "testosterone", "A")],
}  # fmt: skip


def test_every_row_of_the_brief_is_in_the_map():
    assert sorted(BRIEF, key=lambda row: int(row[1:])) == [f"E{n}" for n in range(1, 30)]
    tagged = {edge.brief_id for edge in CONTENT.edges if edge.brief_id}
    assert tagged == set(BRIEF)


@pytest.mark.parametrize("row", BRIEF)
def test_brief_arrows_carry_the_brief_grade(row):
    for source, target, grade in BRIEF[row]:
        edge = EDGES.get((source, target))
        assert edge is not None, f"{row}: no arrow {source} → {target}"
        assert (edge.grade, edge.brief_id) == (grade, row), f"{source} → {target}"


def test_arrows_the_brief_corrects_point_the_right_way():
    assert EDGES["il-6", "liver"].effect == "activates"  # IL-6 raises liver glucose output
    assert EDGES["liver", "hepatic-glucose-output"].effect == "increases"
    assert EDGES["testosterone", "hypertrophy"].effect == "no-effect"
    assert EDGES["growth-hormone", "hypertrophy"].effect == "no-effect"
    assert EDGES["resistance-training", "myostatin"].effect == "decreases"
    assert EDGES["decorin", "myostatin"].effect == "inhibits"
    assert "both sexes" in EDGES["low-energy-availability", "reds"].caveat or "all sexes" in (
        EDGES["low-energy-availability", "reds"].caveat
    )
    assert "unproven" in EDGES["irisin", "browning"].caveat


def test_every_kind_and_the_issue_nodes_are_present():
    assert {node.kind for node in NODES.values()} == {
        "modality", "signal", "myokine", "hormone", "tissue", "outcome",
    }  # fmt: skip
    named = ["hiit", "resistance-training", "endurance-training", "energy-stress", "calcium-camk",
             "mechanical-tension", "ampk", "pgc-1a", "glut4-translocation", "mtorc1", "ros",
             "nrf2", "fndc5", "mitochondrial-biogenesis", "il-6", "irisin", "fgf21", "bdnf",
             "myostatin", "decorin", "myonectin", "insulin", "testosterone", "growth-hormone",
             "igf-1", "cortisol", "catecholamines", "glp-1", "skeletal-muscle", "adipose-tissue",
             "liver", "pancreatic-beta-cells", "brain-hpa-axis", "gut", "glucose-uptake",
             "insulin-sensitivity", "fat-oxidation", "mitochondrial-content", "hypertrophy",
             "visceral-fat"]  # fmt: skip
    assert set(named) <= set(NODES)


def test_every_node_has_an_arrow():
    connected = {end for pair in EDGES for end in pair}
    assert set(NODES) - connected == set()


def test_aliases_find_one_node_each():
    names = {}
    for node in NODES.values():
        for name in [node.slug, node.name, *node.aliases]:
            names.setdefault(name.lower(), set()).add(node.slug)
    assert {name for name, slugs in names.items() if len(slugs) > 1} == set()
    assert names["pgc-1a"] == names["ppargc1a"] == names["pgc-1\u03b1"] == {"pgc-1a"}


@pytest.mark.parametrize("node", NODES.values(), ids=NODES)
def test_diagram_label_fits_its_box(node):
    lines = wrap_label(node.label or node.name)
    assert len(lines) <= MAX_LINES
    assert all(len(line) <= LINE_CHARS for line in lines), lines


def test_node_fundamentals_read_at_about_grade_eight():
    text = "\n\n".join(prose(node.bodies["fundamentals"]) for node in NODES.values())
    assert textstat.flesch_kincaid_grade(text) <= 9.0


@pytest.mark.parametrize("node", NODES.values(), ids=NODES)
def test_academic_node_text_cites_its_claims(node):
    paragraphs = [p for p in node.bodies["academic"].split("\n\n") if len(p.split()) > 15]
    assert paragraphs
    for paragraph in paragraphs:
        assert re.search(r"\[@[a-z0-9]+", paragraph), paragraph[:80]


def test_map_promotes_no_therapy():
    texts = [body for node in NODES.values() for body in node.bodies.values()]
    texts += [f"{edge.mechanism} {edge.caveat}" for edge in CONTENT.edges]
    for text in texts:
        for match in PROMOTED_THERAPIES.finditer(text):
            window = text[max(0, match.start() - 200) : match.end() + 200].lower()
            assert re.search(r"\bnot\b|\bno\b|unapproved|prohibited|not approved", window), window


def test_articles_link_their_key_entities_into_the_map():
    for article in CONTENT.articles:
        for tier, body in article.bodies.items():
            linked = set(re.findall(r"\[\[([a-z0-9-]+)", body))
            assert len(linked) >= 8, (article.slug, tier)
            assert linked <= set(NODES)


def test_no_alias_names_the_opposite_of_its_node():
    """An alias is another name for the same thing: insulin resistance is the lack of it."""
    nodes = {node.slug: node for node in CONTENT.nodes}
    assert "insulin resistance" not in [
        alias.lower() for alias in nodes["insulin-sensitivity"].aliases
    ]


def test_every_arrow_says_when_its_effect_is_seen():
    assert [(e.source, e.target) for e in CONTENT.edges if not e.timing] == []
    unclear = [e for e in CONTENT.edges if "Time course unclear" in e.caveat]
    assert all(edge.timing for edge in unclear)
