"""The graph's algorithms on their own: reach, chains, and a diagram whose boxes never collide."""

import io
import re
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


def points_along(path, steps=12):
    """Points along an SVG path made of one move and cubic Bézier segments (what layout draws)."""
    numbers = [float(value) for value in re.findall(r"-?\d+(?:\.\d+)?", path)]
    pairs = list(zip(numbers[::2], numbers[1::2], strict=True))
    start, points = pairs[0], []
    for index in range(1, len(pairs) - 2, 3):
        p1, p2, p3 = pairs[index : index + 3]
        for step in range(steps + 1):
            t = step / steps
            points.append(
                tuple(
                    (1 - t) ** 3 * a + 3 * (1 - t) ** 2 * t * b + 3 * (1 - t) * t**2 * c + t**3 * d
                    for a, b, c, d in zip(start, p1, p2, p3, strict=True)
                )
            )
        start = p3
    return points


@pytest.fixture
def shipped_layout(db):
    from django.core.management import call_command

    from apps.explorer.models import Edge

    call_command("load_content", verbosity=0, stdout=io.StringIO())
    return Edge.objects.graph().layout()


def test_real_map_layout_has_no_overlapping_boxes(shipped_layout):
    boxes = [(placed.x, placed.y) for placed in shipped_layout.nodes]
    for index, (x, y) in enumerate(boxes):
        for other_x, other_y in boxes[index + 1 :]:
            apart = abs(x - other_x) >= NODE_WIDTH or abs(y - other_y) >= NODE_HEIGHT
            assert apart, (x, y, other_x, other_y)
    assert all(x >= 0 and x + NODE_WIDTH <= shipped_layout.width for x, _ in boxes)
    assert all(y >= 0 and y + NODE_HEIGHT <= shipped_layout.height for _, y in boxes)


def test_real_map_reads_left_to_right(shipped_layout):
    x_of = {placed.node.pk: placed.x for placed in shipped_layout.nodes}
    kinds = {kind: [p.x for p in shipped_layout.nodes if p.node.kind == kind]
             for kind in ("modality", "outcome")}  # fmt: skip
    assert max(kinds["modality"]) < min(x_of.values()) + 1  # exercise is the first layer
    assert min(kinds["outcome"]) > max(x_of.values()) - 1  # outcomes are the last
    for placed in shipped_layout.edges:
        assert x_of[placed.edge.source_id] < x_of[placed.edge.target_id], placed.edge


def test_real_map_arrows_go_around_boxes_not_behind_them(shipped_layout):
    margin = 2  # an arrow may graze a box's border where it turns
    for placed in shipped_layout.edges:
        ends = {placed.edge.source_id, placed.edge.target_id}
        for x, y in points_along(placed.path):
            for box in shipped_layout.nodes:
                if box.node.pk in ends:
                    continue
                inside = (box.x + margin < x < box.x + NODE_WIDTH - margin
                          and box.y + margin < y < box.y + NODE_HEIGHT - margin)  # fmt: skip
                assert not inside, (placed.edge, box.node)


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


def test_a_step_shown_only_with_other_exercise_makes_the_route_untested():
    g = graph(
        [("run", "modality"), ("lift", "modality"), ("il6", "myokine"), ("fat", "outcome")],
        [("run", "il6", "A", "increases"), ("lift", "il6", "A", "increases"),
         ("il6", "fat", "B", "decreases")],
    )  # fmt: skip
    for node, name in zip(g.nodes, ["Running", "Lifting", "IL-6", "Belly fat"], strict=True):
        node.name = name
    g.between[g.by_slug["il6"].pk, g.by_slug["fat"].pk].shown_with = ["run"]

    from_running = g.chains(g.by_slug["run"], g.by_slug["fat"])[0]
    from_lifting = g.chains(g.by_slug["lift"], g.by_slug["fat"])[0]

    assert from_running.grade == "B"
    assert from_running.untested == []
    assert from_lifting.grade == "D"
    assert [edge.target_id for edge in from_lifting.untested] == [g.by_slug["fat"].pk]
    assert from_lifting.verdict(g.by_id).endswith(
        "Untested for Lifting: IL-6 decreases Belly fat was shown only with Running, so the route "
        "counts as grade D."
    )
    # What the comparison stores gives back the same verdict.
    stored = g.stored_routes(g.comparison(), g.by_slug["lift"], g.by_slug["fat"])
    assert [chain.grade for _, chain in stored] == ["D"]
