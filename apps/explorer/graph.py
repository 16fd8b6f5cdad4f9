"""The map as a graph: which nodes reach which, the chains between two nodes, and the diagram's
geometry. Works on any node and edge objects (models or not), so it is cheap to test at scale.
"""

import hashlib
import json
import math
from collections import defaultdict, deque
from dataclasses import dataclass, field

# Columns of the diagram, left to right, and the node kinds each holds.
COLUMNS = (
    ("Exercise", ("modality",)),
    ("Signals and pathways", ("signal",)),
    ("Myokines and hormones", ("myokine", "hormone")),
    ("Tissues", ("tissue",)),
    ("Outcomes", ("outcome",)),
)
COLUMN_OF_KIND = {kind: index for index, (_, kinds) in enumerate(COLUMNS) for kind in kinds}
KIND_ORDER = {kind: index for index, kind in enumerate(k for _, ks in COLUMNS for k in ks)}

# Diagram geometry, in SVG user units (CSS pixels when the diagram is shown at full size).
NODE_WIDTH = 96
NODE_HEIGHT = 30
LAYER_SPACING = 114
ROW_SPACING = 36
MARGIN = 10
HEADER_HEIGHT = 30
FONT_SIZE = 11
LINE_CHARS = 13  # what fits in NODE_WIDTH at FONT_SIZE in a wide font (about 0.6 em each)
MAX_LINES = 2

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
    """A path from one node to another, hop by hop."""

    edges: list

    @property
    def grade(self):
        """A chain is only as strong as its weakest hop."""
        return weakest(edge.grade for edge in self.edges)

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
            return f"Along this route, {first} raises {last}."
        count = REVERSALS.get(len(reversing), f"{len(reversing)} steps reverse")
        steps = "; ".join(step(edge) for edge in reversing)
        if len(reversing) == 1:
            return f"Along this route, {first} lowers {last}: {count} the direction ({steps})."
        result = "they cancel out, so" if len(reversing) % 2 == 0 else "in all,"
        effect = "raises" if len(reversing) % 2 == 0 else "lowers"
        return (
            f"Along this route, {count} the direction ({steps}); {result} {first} {effect} {last}."
        )

    @property
    def hops(self):
        return len(self.edges)

    @property
    def node_ids(self):
        return [self.edges[0].source_id, *(edge.target_id for edge in self.edges)]


@dataclass
class PlacedNode:
    node: object
    x: float
    y: float
    lines: list[str]
    state: str = ""  # "", "selected", "active" or "dimmed"
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

    def crossings(self):
        """How many pairs of visible edges cross (counting each as its straight chord)."""
        segments = []
        for placed in self.edges:
            if placed.hidden:
                continue
            source = self.by_node_id[placed.edge.source_id]
            target = self.by_node_id[placed.edge.target_id]
            segments.append((placed.edge, _centre(source), _centre(target)))
        return _count_crossings(segments)


def _centre(placed):
    return (placed.x + NODE_WIDTH / 2, placed.y + NODE_HEIGHT / 2)


def _count_crossings(segments):
    count = 0
    for i, (edge_a, a1, a2) in enumerate(segments):
        for edge_b, b1, b2 in segments[i + 1 :]:
            ends_a = {edge_a.source_id, edge_a.target_id}
            if ends_a & {edge_b.source_id, edge_b.target_id}:
                continue  # edges that share a node meet there; that is not a crossing
            if _segments_cross(a1, a2, b1, b2):
                count += 1
    return count


def _segments_cross(p1, p2, q1, q2):
    def side(a, b, c):
        return (b[0] - a[0]) * (c[1] - a[1]) - (b[1] - a[1]) * (c[0] - a[0])

    return (side(p1, p2, q1) * side(p1, p2, q2) < 0) and (side(q1, q2, p1) * side(q1, q2, p2) < 0)


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
        """A digest of everything the layout depends on: which nodes (their kind, name and
        label, in order) and which arrows join them. Two graphs with one digest lay out alike."""
        shape = [
            [[node.pk, node.kind, node.name, node.diagram_label] for node in self.nodes],
            [[edge.pk, edge.source_id, edge.target_id] for edge in self.edges],
        ]
        return hashlib.sha256(json.dumps(shape).encode()).hexdigest()

    def limited_to(self, timings):
        """The same map with only the arrows whose time course is one of `timings`."""
        return Graph(self.nodes, [edge for edge in self.edges if edge.timing in timings])

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
                    same_length.append(Chain(list(path)))
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

    def layout(self, sweeps=8):
        """Place nodes in columns by kind, layered so arrows inside a column run left to right."""
        column = {node.pk: COLUMN_OF_KIND[node.kind] for node in self.nodes}
        depth = dict.fromkeys(column, 0)
        inside = [e for e in self.edges if column[e.source_id] == column[e.target_id]]
        for _ in range(len(self.nodes)):  # longest path; the bound stops a cycle looping forever
            changed = False
            for edge in inside:
                if depth[edge.source_id] + 1 > depth[edge.target_id]:
                    depth[edge.target_id] = min(depth[edge.source_id] + 1, len(self.nodes))
                    changed = True
            if not changed:
                break

        layers_per_column = [0] * len(COLUMNS)
        for node_id, index in column.items():
            layers_per_column[index] = max(layers_per_column[index], depth[node_id] + 1)
        offsets = [sum(layers_per_column[:index]) for index in range(len(COLUMNS))]
        layer_of = {node_id: offsets[column[node_id]] + depth[node_id] for node_id in column}
        layer_count = sum(layers_per_column)

        layers = defaultdict(list)
        for node in sorted(self.nodes, key=lambda n: (KIND_ORDER[n.kind], n.name.lower())):
            layers[layer_of[node.pk]].append(node.pk)
        order = self._order_layers(layers, layer_count, layer_of, sweeps)

        tallest = max((len(ids) for ids in order.values()), default=0)
        height = HEADER_HEIGHT + tallest * ROW_SPACING + MARGIN
        width = 2 * MARGIN + max(layer_count - 1, 0) * LAYER_SPACING + NODE_WIDTH
        placed = {}
        for layer, ids in order.items():
            top = HEADER_HEIGHT + (tallest - len(ids)) * ROW_SPACING / 2
            for index, node_id in enumerate(ids):
                node = self.by_id[node_id]
                placed[node_id] = PlacedNode(
                    node=node,
                    x=MARGIN + layer * LAYER_SPACING,
                    y=round(top + index * ROW_SPACING + (ROW_SPACING - NODE_HEIGHT) / 2, 1),
                    lines=wrap_label(node.diagram_label),
                )

        headers = []
        for index, (title, _) in enumerate(COLUMNS):
            if layers_per_column[index]:
                left = MARGIN + offsets[index] * LAYER_SPACING
                span = (layers_per_column[index] - 1) * LAYER_SPACING + NODE_WIDTH
                headers.append(Header(title=title, x=left + span / 2, width=span))

        edges = [
            PlacedEdge(
                edge=edge,
                source=self.by_id[edge.source_id],
                target=self.by_id[edge.target_id],
                path=path,
            )
            for edge, path in self._edge_paths(placed)
        ]
        return Layout(
            nodes=[placed[node.pk] for node in self.nodes],
            edges=edges,
            headers=headers,
            width=width,
            height=height,
            by_node_id=placed,
        )

    def _order_layers(self, layers, layer_count, layer_of, sweeps):
        """Barycentre sweeps: each node moves towards the average height of its neighbours."""
        order = {layer: list(layers.get(layer, [])) for layer in range(layer_count)}

        def heights():
            return {
                node_id: index - (len(ids) - 1) / 2
                for ids in order.values()
                for index, node_id in enumerate(ids)
            }

        neighbours = defaultdict(list)
        for edge in self.edges:
            neighbours[edge.source_id].append(edge.target_id)
            neighbours[edge.target_id].append(edge.source_id)

        def crossings():
            centre = heights()
            segments = [
                (edge, (layer_of[edge.source_id], centre[edge.source_id]),
                 (layer_of[edge.target_id], centre[edge.target_id]))
                for edge in self.edges
            ]  # fmt: skip
            return _count_crossings(segments)

        # Counting crossings costs O(edges²); past a few hundred edges keep the last sweep.
        measure = len(self.edges) <= 400
        best, best_count = {k: list(v) for k, v in order.items()}, crossings() if measure else 0
        for sweep in range(sweeps):
            forward = sweep % 2 == 0
            sequence = range(layer_count) if forward else reversed(range(layer_count))
            for layer in sequence:
                centre = heights()

                def barycentre(node_id, layer=layer, forward=forward, centre=centre):
                    placed = [
                        centre[other]
                        for other in neighbours[node_id]
                        if (layer_of[other] < layer if forward else layer_of[other] > layer)
                    ]
                    return sum(placed) / len(placed) if placed else centre[node_id]

                order[layer].sort(key=barycentre)
            if measure:
                count = crossings()
                if count < best_count:
                    best, best_count = {k: list(v) for k, v in order.items()}, count
        return best if measure else order

    def _edge_paths(self, placed):
        """(edge, SVG path) with ports spread along each node's side, in the other end's order."""

        def offsets(edges, other_end):
            ordered = sorted(edges, key=lambda e: placed[other_end(e)].y)
            step = min(5, (NODE_HEIGHT - 10) / max(len(ordered) - 1, 1))
            return {e.pk: (i - (len(ordered) - 1) / 2) * step for i, e in enumerate(ordered)}

        leaving, arriving = {}, {}
        for edges in self.outgoing.values():
            leaving.update(offsets(edges, lambda e: e.target_id))
        for edges in self.incoming.values():
            arriving.update(offsets(edges, lambda e: e.source_id))

        for edge in self.edges:
            source, target = placed[edge.source_id], placed[edge.target_id]
            y1 = source.y + NODE_HEIGHT / 2 + leaving[edge.pk]
            y2 = target.y + NODE_HEIGHT / 2 + arriving[edge.pk]
            if target.x <= source.x:  # an arrow back to an earlier column
                x1, x2 = source.x, target.x + NODE_WIDTH + 2
                pull = -max(24, (x1 - x2) / 2)
            else:
                x1, x2 = source.x + NODE_WIDTH, target.x - 2
                pull = max(24, (x2 - x1) / 2)
            path = (
                f"M{x1:.1f},{y1:.1f} C{x1 + pull:.1f},{y1:.1f} "
                f"{x2 - pull:.1f},{y2:.1f} {x2:.1f},{y2:.1f}"
            )
            yield edge, path
