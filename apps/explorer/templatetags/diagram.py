"""The map's repeated markup: the diagram's boxes and arrows, the map as a list, and the
comparison table's cells.

A map can have hundreds of boxes and a thousand arrows, and Django's template engine spends
tens of microseconds on each variable it looks up (format_html and escape() each add a lazy-
string wrapper that costs more than the escaping). So these tags build the repeated markup with
f-strings, passing every value that is not our own number or fixed word through html.escape,
which is the function Django's escape() calls. The rest of each page is an ordinary template.
"""

from html import escape

from django import template
from django.utils.safestring import mark_safe

from ..models import Effect, Grade, Timing

register = template.Library()

EFFECT_LABELS = {effect.value: escape(effect.label) for effect in Effect}
GRADE_MEANINGS = {grade.value: escape(grade.meaning) for grade in Grade}
TIMING_WORDS = {timing.value: escape(timing.label) for timing in Timing}


def grade_badge(grade, text, title):
    """A grade as the site shows it everywhere: a small badge in the grade's colour."""
    return (
        f'<span class="grade grade-{escape(grade.lower())}" title="{title}">{escape(text)}</span>'
    )


def state_class(placed):
    return f" is-{placed.state}" if placed.state else ""


def edge_classes(edge):
    return f"effect-{escape(edge.effect)} grade-{escape(edge.grade.lower())}"


@register.simple_tag
def diagram_edges(layout):
    """Every visible arrow: a line (with a casing for "activates") and a tooltip."""
    markup = []
    for placed in layout.visible_edges:
        edge = placed.edge
        casing = (
            f'<path class="edge-casing" d="{placed.path}"/>' if edge.effect == "activates" else ""
        )
        markup.append(
            f'<g class="edge {edge_classes(edge)}{state_class(placed)}" data-edge="{edge.pk}">'
            f"<title>{escape(placed.source.name)} {EFFECT_LABELS.get(edge.effect, '')} "
            f"{escape(placed.target.name)}. Evidence grade {escape(edge.grade)} "
            f"({GRADE_MEANINGS.get(edge.grade, '')}).</title>"
            f'{casing}<path class="edge-line" d="{placed.path}" '
            f'marker-end="url(#head-{escape(edge.effect)})"/></g>'
        )
    return mark_safe("\n".join(markup))


def visible_label(lines):
    """The label as the box shows it, its lines joined the way wrap_label split them."""
    return "".join(
        line + separator for line, separator in zip(lines, line_separators(lines), strict=True)
    )


def line_separators(lines):
    """What joins each line of a label to the next: a space, or nothing after a hyphen or
    slash (wrap_label breaks words there); nothing after the last line."""
    return [
        "" if index == len(lines) - 1 or line.endswith(("-", "/")) else " "
        for index, line in enumerate(lines)
    ]


def accessible_name(placed):
    """What a screen reader says for a box: its visible label first (WCAG's label in name),
    then the full name where the label shortens it, then the kind."""
    label = visible_label(placed.lines)
    name = placed.node.name
    also = f", {name}" if name.lower() != label.lower() else ""
    marked = ", highlighted" if placed.state == "highlighted" else ""
    return f"{label}{also} ({placed.node.kind_label.lower()}){marked}"


@register.simple_tag
def diagram_nodes(layout, swap_target=""):
    """Every visible box: a link to its node, updated in place by htmx given `swap_target`.

    Boxes come column by column, top to bottom: the order Tab follows without JavaScript.
    `data-out` and `data-in` name the boxes its shown arrows lead to and come from, nearest
    first, for the arrow keys (static/js/site.js).
    """
    # Each box's slug is escaped once here; data-out and data-in repeat it for every arrow.
    box_ids = {placed.node.pk: f"node-{escape(placed.node.slug)}" for placed in layout.nodes}
    y_of = {pk: placed.y for pk, placed in layout.by_node_id.items()}
    leads_to, comes_from = {}, {}
    for placed in layout.visible_edges:
        leads_to.setdefault(placed.edge.source_id, []).append(placed.edge.target_id)
        comes_from.setdefault(placed.edge.target_id, []).append(placed.edge.source_id)

    def ids(node_ids):
        return " ".join(box_ids[pk] for pk in sorted(node_ids, key=y_of.__getitem__))

    target = escape(swap_target)
    markup = []
    for placed in sorted(layout.visible_nodes, key=lambda placed: (placed.x, placed.y)):
        node = placed.node
        url = escape(placed.url)
        swap = (
            f' hx-get="{url}" hx-target="{target}" hx-swap="outerHTML" hx-push-url="true"'
            if swap_target
            else ""
        )
        current = ' aria-current="true"' if placed.state == "selected" else ""
        # The space between two lines of a wrapped label is text between their tspans, so the
        # box's text reads "Blood sugar control", as its accessible name does.
        lines = "".join(
            f'<tspan x="{placed.text_x:.1f}" y="{y}">{escape(line)}</tspan>{separator}'
            for (y, line), separator in zip(
                placed.text_lines, line_separators(placed.lines), strict=True
            )
        )
        markup.append(
            f'<a href="{url}" id="{box_ids[node.pk]}" class="node kind-{escape(node.kind)}'
            f'{state_class(placed)}" aria-label="{escape(accessible_name(placed))}" '
            f'data-column="{placed.x}" data-out="{ids(leads_to.get(node.pk, ()))}" '
            f'data-in="{ids(comes_from.get(node.pk, ()))}"{current}{swap}>'
            f'<rect x="{placed.x:.1f}" y="{placed.y:.1f}" width="{layout.node_width}" '
            f'height="{layout.node_height}" rx="6"/>'
            f'<text text-anchor="middle" font-size="{layout.font_size}">{lines}</text></a>'
        )
    return mark_safe("\n".join(markup))


@register.simple_tag
def map_as_list(columns):
    """The map as nested lists (see views.text_twin): each column's nodes, and under each node
    the arrows leaving it, with their effect, grade and kind of evidence."""
    markup = []
    for column in columns:
        markup.append(f'<h3>{escape(column["title"])}</h3>\n<ul class="twin-nodes">')
        for item in column["nodes"]:
            node = item["node"]
            markup.append(
                f'<li><a href="{escape(node.get_absolute_url())}">{escape(node.name)}</a>'
            )
            if item["arrows"]:
                markup.append('<ul class="twin-arrows">')
                for arrow in item["arrows"]:
                    edge, target = arrow["edge"], arrow["target"]
                    meaning = GRADE_MEANINGS.get(edge.grade, "")
                    markup.append(
                        f'<li><span class="effect-word effect-{escape(edge.effect)}">'
                        f"{EFFECT_LABELS.get(edge.effect, '')}</span> "
                        f'<a href="{escape(target.get_absolute_url())}">{escape(target.name)}</a> '
                        f"{grade_badge(edge.grade, f'Grade {edge.grade}', meaning)} "
                        f'<span class="evidence">{escape(edge.evidence)} evidence</span>'
                        "</li>"
                    )
                markup.append("</ul>")
            markup.append("</li>")
        markup.append("</ul>")
    return mark_safe("\n".join(markup))


def compare_cell_markup(cell):
    if cell is None:
        return '<span class="visually-hidden">no route</span>'
    edge = cell.get("edge")
    if edge is not None:
        return (
            f'<span class="effect-word effect-{escape(edge.effect)}"><span class="effect-symbol" '
            f'aria-hidden="true">{escape(edge.effect_symbol)}</span> '
            f"{EFFECT_LABELS.get(edge.effect, '')}</span> "
            f"{grade_badge(edge.grade, edge.grade, GRADE_MEANINGS.get(edge.grade, ''))} "
            '<span class="route">direct</span>'
        )
    routes = cell["routes"]
    markup = ['<span class="routes-disagree">Routes disagree:</span> '] if len(routes) > 1 else []
    for route in routes:
        chain = route["chain"]
        if chain.carries:
            raises = chain.net_effect == "raises"
            effect = (
                f'<span class="effect-word effect-{"increases" if raises else "decreases"}">'
                f'<span class="effect-symbol" aria-hidden="true">{"↑" if raises else "↓"}</span> '
                f"{chain.net_effect}</span> "
                + grade_badge(chain.grade, chain.grade, "The weakest step's grade")
            )
        else:
            effect = '<span class="effect-word effect-no-effect">carries no effect</span>'
        markup.append(
            f'<span class="compare-route">{effect} <a class="route" href="{escape(route["url"])}">'
            f"via {chain.hops} steps</a></span>"
        )
    return "".join(markup)


@register.simple_tag
def compare_rows(rows):
    """The comparison table's body: a row per node, a cell per kind of exercise (see
    views.compare_cell for what a cell holds)."""
    return mark_safe(
        "\n".join(
            f'<tr><th scope="row"><a href="{escape(row["node"].get_absolute_url())}">'
            f"{escape(row['node'].name)}</a></th>"
            + "".join(f"<td>{compare_cell_markup(cell)}</td>" for cell in row["cells"])
            + "</tr>"
            for row in rows
        )
    )
