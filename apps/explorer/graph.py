"""The map as a graph: which nodes reach which, the chains between two nodes, and the diagram's
geometry. Works on any node and edge objects (models or not), so it is cheap to test at scale.
"""

import functools
import hashlib
import json
import math
from collections import defaultdict, deque
from dataclasses import dataclass, field

import graphviz

# The kinds of node in the order the map reads, left to right, grouped as the list under the
# map and the chains form show them. (The diagram puts exercise first and outcomes last, and
# lets dot place the rest where their arrows take them.)
COLUMNS = (
    ("Exercise", ("modality",)),
    ("Signals and pathways", ("signal",)),
    ("Myokines and hormones", ("myokine", "hormone")),
    ("Tissues", ("tissue",)),
    ("Outcomes", ("outcome",)),
)
KIND_ORDER = {kind: index for index, kind in enumerate(k for _, ks in COLUMNS for k in ks)}

# Diagram geometry, in SVG user units (CSS pixels when the diagram is shown at full size).
NODE_WIDTH = 108
NODE_HEIGHT = 40
NODE_GAP = 8  # between boxes of one layer
RANK_GAP = 40  # between layers, where the arrows run
MARGIN = 10
HEADER_HEIGHT = 30
FONT_SIZE = 14
LINE_CHARS = 13  # what fits in NODE_WIDTH at FONT_SIZE in a wide font (about 0.6 em each)
MAX_LINES = 2
# Part of every stored layout's digest (with the geometry above): bump it when the layout code
# changes, and stored layouts are worked out again.
LAYOUT_VERSION = "dot-2"
POINTS_PER_INCH = 72  # dot measures in points; one point is one SVG unit here

EFFECT_SIGN = {"increases": 1, "activates": 1, "decreases": -1, "inhibits": -1, "no-effect": 0}
EFFECT_WORDS = {"no-effect": "does not change"}  # the other effects are their own words
REVERSALS = {1: "one step reverses", 2: "two steps reverse", 3: "three steps reverse"}

MAX_HOPS = 6
MAX_CHAINS = 8
SEARCH_BUDGET = 50_000  # steps; keeps a dense graph from making the path search explode


def weakest(grades):
    """The weakest of some evidence grades ("A" strongest … "D" weakest)."""
    return max(grades)


def wrap_label(text, width=LINE_CHARS, max_lines=MAX_LINES):
    """Split a label into at most `max_lines` lines of about `width` characters."""
    words = []
    for word in text.replace("/", "/ ").split():
        # A word too long for a line breaks after a hyphen ("Anti-" / "inflammatory").
        while len(word) > width and "-" in word[:width]:
            cut = word[:width].rindex("-") + 1
            words.append(word[:cut])
            word = word[cut:]
        words.append(word)
    lines = [""]
    for word in words:
        joiner = "" if lines[-1].endswith(("/", "-")) or not lines[-1] else " "
        if lines[-1] and len(lines[-1]) + len(joiner) + len(word) > width:
            lines.append(word)
        else:
            lines[-1] += joiner + word
    if len(lines) > max_lines:
        lines = [*lines[: max_lines - 1], " ".join(lines[max_lines - 1 :])]
    return lines


@dataclass
class Chain:
    """A path from one node to another, hop by hop. `start` is the first node's slug: an arrow
    whose evidence comes only from other kinds of exercise (its `shown_with`) is untested on a
    route from this one."""

    edges: list
    start: str = ""

    def tested(self, edge):
        shown_with = getattr(edge, "shown_with", None) or []
        return not shown_with or self.start in shown_with

    @property
    def untested(self):
        """The steps whose evidence comes from other kinds of exercise than the first node."""
        return [edge for edge in self.edges if not self.tested(edge)]

    @property
    def grade(self):
        """A chain is only as strong as its weakest hop; an untested hop counts as D."""
        return weakest(edge.grade if self.tested(edge) else "D" for edge in self.edges)

    @property
    def net_effect(self):
        """What the route carries from the first node to the last: "raises", "lowers" or, when
        a step changes nothing, "does not change"."""
        sign = 1
        for edge in self.edges:
            sign *= EFFECT_SIGN[edge.effect]
        return {1: "raises", -1: "lowers", 0: "does not change"}[sign]

    @property
    def carries(self):
        """Whether anything reaches the last node: a "does not change" step stops the route."""
        return all(EFFECT_SIGN[edge.effect] for edge in self.edges)

    def verdict(self, by_id):
        """What this one route carries, in a sentence. Never a verdict on the last node as a
        whole: other routes, and things the map does not show, act on it too."""

        def name(node_id):
            return by_id[node_id].name

        def step(edge):
            effect = EFFECT_WORDS.get(edge.effect, edge.effect)
            return f"{name(edge.source_id)} {effect} {name(edge.target_id)}"

        first, last = name(self.edges[0].source_id), name(self.edges[-1].target_id)
        if not self.carries:
            stop = next(edge for edge in self.edges if not EFFECT_SIGN[edge.effect])
            return f"This route does not carry an effect to {last}: {step(stop)}."
        reversing = [edge for edge in self.edges if EFFECT_SIGN[edge.effect] < 0]
        if not reversing:
            said = f"Along this route, {first} raises {last}."
        elif len(reversing) == 1:
            count = REVERSALS[1]
            said = (
                f"Along this route, {first} lowers {last}: {count} the direction "
                f"({step(reversing[0])})."
            )
        else:
            count = REVERSALS.get(len(reversing), f"{len(reversing)} steps reverse")
            steps = "; ".join(step(edge) for edge in reversing)
            result = "they cancel out, so" if len(reversing) % 2 == 0 else "in all,"
            effect = "raises" if len(reversing) % 2 == 0 else "lowers"
            said = (
                f"Along this route, {count} the direction ({steps}); "
                f"{result} {first} {effect} {last}."
            )
        for edge in self.untested:
            kinds = " or ".join(by_slug_names(by_id, edge.shown_with))
            said += (
                f" Untested for {first}: {step(edge)} was shown only with {kinds}, so the "
                "route counts as grade D."
            )
        return said

    @property
    def hops(self):
        return len(self.edges)

    @property
    def node_ids(self):
        return [self.edges[0].source_id, *(edge.target_id for edge in self.edges)]


def by_slug_names(by_id, slugs):
    """The names of the nodes with these slugs, in the order given (the slug where none)."""
    names = {node.slug: node.name for node in by_id.values()}
    return [names.get(slug, slug) for slug in slugs]


@dataclass
class PlacedNode:
    node: object
    x: float
    y: float
    lines: list[str]
    state: str = ""  # "", "selected", "active", "highlighted" or "dimmed"
    hidden: bool = False

    @property
    def text_x(self):
        return self.x + NODE_WIDTH / 2

    @property
    def text_lines(self):
        """(y, text) for each line, centred vertically in the box."""
        first = self.y + NODE_HEIGHT / 2 - (len(self.lines) - 1) * FONT_SIZE * 0.6
        return [(round(first + i * FONT_SIZE * 1.2 + FONT_SIZE * 0.35, 1), line)
                for i, line in enumerate(self.lines)]  # fmt: skip


@dataclass
class PlacedEdge:
    edge: object
    source: object
    target: object
    path: str
    state: str = ""
    hidden: bool = False


@dataclass
class Header:
    title: str
    x: float
    width: float


@dataclass
class Layout:
    nodes: list[PlacedNode]
    edges: list[PlacedEdge]
    headers: list[Header]
    width: float
    height: float
    node_width: int = NODE_WIDTH
    node_height: int = NODE_HEIGHT
    header_height: int = HEADER_HEIGHT
    font_size: int = FONT_SIZE
    by_node_id: dict = field(default_factory=dict)

    def show_only(self, node_ids, edge_ids=None):
        """Hide every node outside node_ids, every edge that leaves that set and, given
        edge_ids, every edge outside those."""
        for placed in self.nodes:
            placed.hidden = placed.node.pk not in node_ids
        for placed in self.edges:
            placed.hidden = not (
                placed.edge.source_id in node_ids
                and placed.edge.target_id in node_ids
                and (edge_ids is None or placed.edge.pk in edge_ids)
            )

    def highlight(self, node_ids, edge_ids, selected_id=None):
        """Bring some nodes and edges forward and dim the rest."""
        for placed in self.nodes:
            if placed.node.pk == selected_id:
                placed.state = "selected"
            else:
                placed.state = "active" if placed.node.pk in node_ids else "dimmed"
        for placed in self.edges:
            placed.state = "active" if placed.edge.pk in edge_ids else "dimmed"

    def mark(self, node_ids):
        """Highlight the nodes a text names (?highlight=): they and the arrows between them
        come forward, marked as highlighted; the rest dims. The layout itself is unchanged."""
        for placed in self.nodes:
            placed.state = "highlighted" if placed.node.pk in node_ids else "dimmed"
        for placed in self.edges:
            inside = placed.edge.source_id in node_ids and placed.edge.target_id in node_ids
            placed.state = "active" if inside else "dimmed"

    @property
    def visible_nodes(self):
        return [placed for placed in self.nodes if not placed.hidden]

    @property
    def visible_edges(self):
        # Dimmed edges first, so highlighted ones are drawn on top of them.
        shown = [placed for placed in self.edges if not placed.hidden]
        return sorted(shown, key=lambda placed: placed.state != "dimmed")

    def as_data(self):
        """The geometry alone, as JSON can hold it: what DiagramLayout stores."""
        return {
            "nodes": {str(pk): [p.x, p.y, p.lines] for pk, p in self.by_node_id.items()},
            "edges": {str(placed.edge.pk): placed.path for placed in self.edges},
            "headers": [[header.title, header.x, header.width] for header in self.headers],
            "width": self.width,
            "height": self.height,
        }

    @classmethod
    def from_data(cls, graph, data):
        """The layout of `graph` from geometry stored by as_data (for a graph of the same shape)."""
        placed = {
            node.pk: PlacedNode(
                node, *data["nodes"][str(node.pk)][:2], data["nodes"][str(node.pk)][2]
            )
            for node in graph.nodes
        }
        return cls(
            nodes=[placed[node.pk] for node in graph.nodes],
            edges=[
                PlacedEdge(
                    edge=edge,
                    source=graph.by_id[edge.source_id],
                    target=graph.by_id[edge.target_id],
                    path=data["edges"][str(edge.pk)],
                )
                for edge in graph.edges
            ],
            headers=[Header(*header) for header in data["headers"]],
            width=data["width"],
            height=data["height"],
            by_node_id=placed,
        )


class Graph:
    def __init__(self, nodes, edges):
        self.nodes = list(nodes)
        self.edges = list(edges)
        self.by_id = {node.pk: node for node in self.nodes}
        self.by_slug = {node.slug: node for node in self.nodes}
        self.outgoing = defaultdict(list)
        self.incoming = defaultdict(list)
        self.between = {}
        for edge in self.edges:
            self.outgoing[edge.source_id].append(edge)
            self.incoming[edge.target_id].append(edge)
            self.between[edge.source_id, edge.target_id] = edge

    def shape_digest(self):
        """A digest of everything stored with a layout depends on: the nodes (their kind, slug,
        name and label, in order), the arrows that join them and what each arrow does (effect,
        grade, time course; the comparison's routes turn on them). Two graphs with one digest
        lay out, and compare, alike."""
        shape = [
            [LAYOUT_VERSION, NODE_WIDTH, NODE_HEIGHT, NODE_GAP, RANK_GAP, LINE_CHARS],
            [[node.pk, node.kind, node.slug, node.name, node.diagram_label] for node in self.nodes],
            [
                [
                    edge.pk,
                    edge.source_id,
                    edge.target_id,
                    edge.effect,
                    edge.grade,
                    edge.timing,
                    edge.shown_with,
                ]
                for edge in self.edges
            ],
        ]
        return hashlib.sha256(json.dumps(shape).encode()).hexdigest()

    def limited_to(self, timings):
        """The same map with only the arrows whose time course is one of `timings`."""
        return Graph(self.nodes, [edge for edge in self.edges if edge.timing in timings])

    @functools.cached_property
    def by_edge_id(self):
        return {edge.pk: edge for edge in self.edges}

    def compared(self, source, target):
        """What `source` does to `target`, as the comparison shows it, when no arrow joins them:
        the strongest route that raises it and the strongest that lowers it (routes can
        disagree, and showing one would hide the other); else one that carries nothing there.
        A list of (the chain's number among all chains, chain); empty when nothing reaches it."""
        chains = list(enumerate(self.chains(source, target), start=1))
        strongest = {}
        for number, chain in chains:
            direction = chain.net_effect if chain.carries else "nothing"
            held = strongest.get(direction)
            if held is None or (chain.grade, chain.hops) < (held[1].grade, held[1].hops):
                strongest[direction] = (number, chain)
        carried = [strongest[d] for d in ("raises", "lowers") if d in strongest]
        return carried or ([strongest["nothing"]] if chains else [])

    def comparison(self):
        """Every kind of exercise's routes to every node it has no arrow to, worked out with
        the layout (a chain search per pair is too slow for a page): {"source:target":
        [[number, [edge ids]], ...]}."""
        routes = {}
        for source in self.of_kind("modality"):
            for target in self.nodes:
                if target.kind == "modality" or (source.pk, target.pk) in self.between:
                    continue
                found = self.compared(source, target)
                if found:
                    routes[f"{source.pk}:{target.pk}"] = [
                        [number, [edge.pk for edge in chain.edges]] for number, chain in found
                    ]
        return routes

    def stored_routes(self, routes, source, target):
        """compared(source, target) from what comparison() stored."""
        return [
            (number, Chain([self.by_edge_id[pk] for pk in edge_ids], start=source.slug))
            for number, edge_ids in routes.get(f"{source.pk}:{target.pk}", [])
        ]

    def of_kind(self, *kinds):
        return [node for node in self.nodes if node.kind in kinds]

    def reachable_from(self, node):
        """Ids of every node that can be reached by following arrows from node (and node)."""
        seen, queue = {node.pk}, deque([node.pk])
        while queue:
            for edge in self.outgoing[queue.popleft()]:
                if edge.target_id not in seen:
                    seen.add(edge.target_id)
                    queue.append(edge.target_id)
        return seen

    def reached_by(self, node):
        """The part of the map `node` reaches: those nodes and the arrows between them."""
        reached = self.reachable_from(node)
        return Graph(
            [n for n in self.nodes if n.pk in reached],
            [e for e in self.edges if e.source_id in reached and e.target_id in reached],
        )

    def touching(self, node):
        """Edges into and out of node."""
        return [*self.incoming[node.pk], *self.outgoing[node.pk]]

    def chains(self, source, target, max_hops=MAX_HOPS, limit=MAX_CHAINS):
        """Simple paths from source to target that carry an effect, fewest hops first, then
        strongest evidence; then those a "does not change" step stops, in the same order."""
        if source.pk == target.pk:
            return []
        # Hops from each node to the target, so the search only follows arrows that can arrive.
        distance, queue = {target.pk: 0}, deque([target.pk])
        while queue:
            current = queue.popleft()
            for edge in self.incoming[current]:
                if edge.source_id not in distance:
                    distance[edge.source_id] = distance[current] + 1
                    queue.append(edge.source_id)
        if distance.get(source.pk, math.inf) > max_hops:
            return []

        found, budget = [], [SEARCH_BUDGET]

        def extend(node_id, path, visited, hops):
            budget[0] -= 1
            if budget[0] < 0:
                return
            if node_id == target.pk:
                if len(path) == hops:
                    same_length.append(Chain(list(path), start=source.slug))
                return
            for edge in self.outgoing[node_id]:
                following = edge.target_id
                if following in visited or distance.get(following, math.inf) > hops - len(path) - 1:
                    continue
                visited.add(following)
                path.append(edge)
                extend(following, path, visited, hops)
                path.pop()
                visited.discard(following)

        for hops in range(distance[source.pk], max_hops + 1):
            same_length = []
            extend(source.pk, [], {source.pk}, hops)
            same_length.sort(key=lambda chain: chain.grade)
            found += same_length
            if len(found) >= limit or budget[0] < 0:
                break
        # Routes that a "does not change" step stops carry nothing: they come last.
        found.sort(key=lambda chain: not chain.carries)
        return found[:limit]

    def dot_source(self):
        """The map in Graphviz's DOT language: a box per node and an arrow per edge, kinds of
        exercise in the first layer and outcomes in the last. Everything between finds the
        layer its arrows want, so a short chain stays short and long arrows are few."""
        diagram = graphviz.Digraph(
            graph_attr={
                "rankdir": "LR",
                "splines": "spline",
                "nodesep": f"{NODE_GAP / POINTS_PER_INCH:.3f}",
                "ranksep": f"{RANK_GAP / POINTS_PER_INCH:.3f}",
            },
            node_attr={
                "shape": "box",
                "fixedsize": "true",
                "label": "",
                "width": f"{NODE_WIDTH / POINTS_PER_INCH:.4f}",
                "height": f"{NODE_HEIGHT / POINTS_PER_INCH:.4f}",
            },
            edge_attr={"arrowhead": "none"},
        )
        # Start from the order readers scan a column in; dot then reorders to cut crossings.
        for node in sorted(self.nodes, key=lambda n: (KIND_ORDER[n.kind], n.name.lower())):
            diagram.node(f"n{node.pk}")
        for rank, kind in (("min", "modality"), ("max", "outcome")):
            with diagram.subgraph() as ends:
                ends.attr(rank=rank)
                for node in self.of_kind(kind):
                    ends.node(f"n{node.pk}")
        for edge in self.edges:
            diagram.edge(f"n{edge.source_id}", f"n{edge.target_id}")
        return diagram

    def layout(self):
        """Where every box and arrow goes, as Graphviz's dot lays the map out: it orders each
        layer to keep crossings few and routes long arrows around boxes rather than through
        them. Run when the graph changes (see DiagramLayout), never on a request."""
        drawn = json.loads(self.dot_source().pipe(format="json", engine="dot"))
        _, _, dot_width, dot_height = (float(v) for v in drawn["bb"].split(","))

        def point(text):
            x, y = (float(v) for v in text.split(","))
            return MARGIN + x, HEADER_HEIGHT + dot_height - y  # dot's y axis points up

        objects = {item["_gvid"]: item for item in drawn.get("objects", [])}
        placed = {}
        for item in objects.values():
            name = item.get("name", "")
            if "pos" in item and name.startswith("n"):
                x, y = point(item["pos"])
                node = self.by_id[int(name[1:])]
                placed[node.pk] = PlacedNode(
                    node=node,
                    x=round(x - NODE_WIDTH / 2, 1),
                    y=round(y - NODE_HEIGHT / 2, 1),
                    lines=wrap_label(node.diagram_label),
                )

        paths = {}
        for item in drawn.get("edges", []):
            tail, head = objects[item["tail"]]["name"], objects[item["head"]]["name"]
            points = [point(text) for text in item["pos"].split() if text[:2] not in ("e,", "s,")]
            start, *controls = points
            curve = " ".join(
                "C" + " ".join(f"{x:.1f},{y:.1f}" for x, y in controls[i : i + 3])
                for i in range(0, len(controls) - len(controls) % 3, 3)
            )
            paths[int(tail[1:]), int(head[1:])] = f"M{start[0]:.1f},{start[1]:.1f} {curve}"

        # Only the first and last layers hold one kind of box; the colours say the rest.
        headers = []
        for title, kind in (("Exercise", "modality"), ("Outcomes", "outcome")):
            xs = [placed[node.pk].x for node in self.of_kind(kind)]
            if xs:
                headers.append(Header(title=title, x=min(xs) + NODE_WIDTH / 2, width=NODE_WIDTH))

        return Layout(
            nodes=[placed[node.pk] for node in self.nodes],
            edges=[
                PlacedEdge(
                    edge=edge,
                    source=self.by_id[edge.source_id],
                    target=self.by_id[edge.target_id],
                    path=paths[edge.source_id, edge.target_id],
                )
                for edge in self.edges
            ],
            headers=headers,
            width=round(dot_width + 2 * MARGIN, 1),
            height=round(dot_height + HEADER_HEIGHT + MARGIN, 1),
            by_node_id=placed,
        )
