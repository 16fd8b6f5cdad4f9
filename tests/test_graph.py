"""The graph's algorithms on their own: reach, chains, and a diagram whose boxes never collide."""

import itertools
from dataclasses import dataclass

import pytest

from apps.explorer.graph import MAX_HOPS, NODE_HEIGHT, NODE_WIDTH, Graph, wrap_label


@dataclass(eq=False)
class FakeNode:
    pk: int
    slug: str
    kind: str
    name: str = ""

    @property
    def diagram_label(self):
        return self.name or self.slug


@dataclass(eq=False)
class FakeEdge:
    pk: int
    source_id: int
    target_id: int
    grade: str = "A"
    effect: str = "increases"


def graph(nodes, arrows):
    """nodes: [(slug, kind)], arrows: [(from, to, grade, effect)]"""
    made = [FakeNode(pk, slug, kind) for pk, (slug, kind) in enumerate(nodes, start=1)]
    by_slug = {node.slug: node for node in made}
    edges = [
        FakeEdge(pk, by_slug[a].pk, by_slug[b].pk, grade, effect)
        for pk, (a, b, grade, effect) in enumerate(arrows, start=1)
    ]
    return Graph(made, edges)


LINE = [(f"n{i}", "signal") for i in range(10)]


def test_chains_come_shortest_first_then_strongest():
    g = graph(
        [("run", "modality"), ("a", "signal"), ("b", "signal"), ("goal", "outcome")],
        [("run", "goal", "D", "increases"), ("run", "a", "A", "increases"),
         ("a", "goal", "A", "increases"), ("run", "b", "A", "increases"),
         ("b", "goal", "C", "inhibits")],
    )  # fmt: skip
    chains = g.chains(g.by_slug["run"], g.by_slug["goal"])
    assert [(chain.hops, chain.grade) for chain in chains] == [(1, "D"), (2, "A"), (2, "C")]
    assert chains[2].net_effect == "lowers"


def test_chains_are_bounded_and_simple():
    g = graph(LINE, [(f"n{i}", f"n{i + 1}", "A", "increases") for i in range(9)])
    assert g.chains(g.by_slug["n0"], g.by_slug[f"n{MAX_HOPS}"])[0].hops == MAX_HOPS
    assert g.chains(g.by_slug["n0"], g.by_slug[f"n{MAX_HOPS + 1}"]) == []
    assert g.chains(g.by_slug["n3"], g.by_slug["n0"]) == []  # arrows run one way
    assert g.chains(g.by_slug["n3"], g.by_slug["n3"]) == []


def test_chains_survive_cycles_and_dense_graphs():
    nodes = [(f"n{i}", "signal") for i in range(14)]
    arrows = [(f"n{i}", f"n{j}", "B", "increases") for i in range(14) for j in range(14) if i != j]
    g = graph(nodes, arrows)
    chains = g.chains(g.by_slug["n0"], g.by_slug["n13"], limit=8)
    assert len(chains) == 8
    assert chains[0].hops == 1
    assert all(len(set(chain.node_ids)) == len(chain.node_ids) for chain in chains)


def test_reach_follows_arrows_forward_only():
    g = graph(LINE[:4], [("n0", "n1", "A", "increases"), ("n2", "n1", "A", "increases")])
    assert g.reachable_from(g.by_slug["n0"]) == {g.by_slug["n0"].pk, g.by_slug["n1"].pk}


@pytest.mark.django_db
def test_real_map_layout_has_no_overlapping_boxes_or_labels(settings):
    from django.core.management import call_command

    from apps.explorer.models import Edge

    call_command("load_content", verbosity=0, stdout=open("/dev/null", "w"))  # noqa: SIM115
    graph = Edge.objects.graph()
    layout = graph.layout()
    boxes = [(placed.x, placed.y) for placed in layout.nodes]
    for index, (x, y) in enumerate(boxes):
        for other_x, other_y in boxes[index + 1 :]:
            apart = abs(x - other_x) >= NODE_WIDTH or abs(y - other_y) >= NODE_HEIGHT
            assert apart, (x, y, other_x, other_y)
    assert all(x >= 0 and x + NODE_WIDTH <= layout.width for x, _ in boxes)
    assert all(y >= 0 and y + NODE_HEIGHT <= layout.height for _, y in boxes)
    # columns run left to right: every kind sits right of the kinds before it
    order = ["modality", "signal", "myokine", "tissue", "outcome"]
    right_edge = {}
    for placed in layout.nodes:
        kind = "myokine" if placed.node.kind == "hormone" else placed.node.kind
        right_edge.setdefault(kind, []).append(placed.x)
    for left, right in itertools.pairwise(order):
        assert max(right_edge[left]) < min(right_edge[right])
    # the barycentre sweeps cut crossings well below the alphabetical starting order
    assert layout.crossings() < 0.8 * graph.layout(sweeps=0).crossings()


def test_labels_wrap_to_two_lines():
    assert wrap_label("Anti-inflammatory") == ["Anti-", "inflammatory"]
    assert wrap_label("Low energy availability") == ["Low energy", "availability"]
    assert wrap_label("AMPK") == ["AMPK"]


CHAIN_NODES = [("lift", "modality"), ("t", "hormone"), ("a", "signal"), ("b", "signal"),
               ("grow", "outcome")]  # fmt: skip


@pytest.mark.parametrize(
    ("arrows", "verdict"),
    [
        pytest.param(
            [("lift", "t", "A", "increases"), ("t", "grow", "B", "no-effect")],
            "This route does not carry an effect to grow: t does not change grow.",
            id="a no-change step",
        ),
        pytest.param(
            [("lift", "a", "A", "increases"), ("a", "grow", "B", "inhibits")],
            "Along this route, lift lowers grow: one step reverses the direction "
            "(a inhibits grow).",
            id="one inhibit",
        ),
        pytest.param(
            [
                ("lift", "a", "A", "inhibits"),
                ("a", "b", "B", "decreases"),
                ("b", "grow", "A", "increases"),
            ],
            "Along this route, two steps reverse the direction (lift inhibits a; a decreases b); "
            "they cancel out, so lift raises grow.",
            id="two inhibits",
        ),
        pytest.param(
            [("lift", "a", "A", "increases"), ("a", "grow", "A", "activates")],
            "Along this route, lift raises grow.",
            id="no reversal",
        ),
    ],
)
def test_a_chain_says_what_its_route_carries(arrows, verdict):
    g = graph(CHAIN_NODES, arrows)
    for node in g.nodes:
        node.name = node.slug
    (chain,) = g.chains(g.by_slug["lift"], g.by_slug["grow"])
    assert chain.verdict(g.by_id) == verdict


def test_routes_that_carry_nothing_come_after_those_that_do():
    g = graph(
        CHAIN_NODES,
        [("lift", "t", "A", "increases"), ("t", "grow", "A", "no-effect"),
         ("lift", "a", "B", "increases"), ("a", "b", "C", "increases"),
         ("b", "grow", "C", "increases")],
    )  # fmt: skip
    chains = g.chains(g.by_slug["lift"], g.by_slug["grow"])
    assert [(chain.hops, chain.carries) for chain in chains] == [(3, True), (2, False)]
