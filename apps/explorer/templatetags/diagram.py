"""The diagram's boxes and arrows as SVG markup.

A map has hundreds of boxes and arrows and Django's template engine spends tens of
microseconds on each variable it looks up, so these two tags build the repeated markup with
format_html (which escapes every value, as a template would) instead of a template loop. The
rest of the diagram is in templates/explorer/_diagram.html.
"""

from django import template
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

register = template.Library()


def state_class(placed):
    return f" is-{placed.state}" if placed.state else ""


@register.simple_tag
def diagram_edges(layout):
    """Every visible arrow: a line (with a casing for "activates") and a tooltip."""
    return format_html_join(
        "\n",
        '<g class="edge effect-{} grade-{}{}" data-edge="{}">'
        "<title>{} {} {}. Evidence grade {} ({}).</title>"
        '{}<path class="edge-line" d="{}" marker-end="url(#head-{})"/></g>',
        (
            (
                placed.edge.effect,
                placed.edge.grade.lower(),
                state_class(placed),
                placed.edge.pk,
                placed.source.name,
                placed.edge.get_effect_display(),
                placed.target.name,
                placed.edge.grade,
                placed.edge.grade_meaning,
                format_html('<path class="edge-casing" d="{}"/>', placed.path)
                if placed.edge.effect == "activates"
                else "",
                placed.path,
                placed.edge.effect,
            )
            for placed in layout.visible_edges
        ),
    )


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
    return f"{label}{also} ({placed.node.kind_label.lower()})"


@register.simple_tag
def diagram_nodes(layout, swap_target=""):
    """Every visible box: a link to its node, updated in place by htmx given `swap_target`.

    Boxes come column by column, top to bottom: the order Tab follows without JavaScript.
    `data-out` and `data-in` name the boxes its shown arrows lead to and come from, nearest
    first, for the arrow keys (static/js/site.js).
    """
    leads_to, comes_from = {}, {}
    for placed in layout.visible_edges:
        leads_to.setdefault(placed.edge.source_id, []).append(placed.target)
        comes_from.setdefault(placed.edge.target_id, []).append(placed.source)
    by_id = layout.by_node_id

    def ids(nodes):
        return " ".join(f"node-{node.slug}" for node in sorted(nodes, key=lambda n: by_id[n.pk].y))

    markup = []
    for placed in sorted(layout.visible_nodes, key=lambda placed: (placed.x, placed.y)):
        node = placed.node
        swap = (
            format_html(
                ' hx-get="{}" hx-target="{}" hx-swap="outerHTML" hx-push-url="true"',
                placed.url,
                swap_target,
            )
            if swap_target
            else ""
        )
        # The space between two lines of a wrapped label is text between their tspans, so the
        # box's text reads "Blood sugar control", as its accessible name does.
        lines = format_html_join(
            "",
            '<tspan x="{}" y="{}">{}</tspan>{}',
            (
                (f"{placed.text_x:.1f}", y, line, separator)
                for (y, line), separator in zip(
                    placed.text_lines, line_separators(placed.lines), strict=True
                )
            ),
        )
        markup.append(
            format_html(
                '<a href="{}" id="node-{}" class="node kind-{}{}" aria-label="{}" data-column="{}"'
                ' data-out="{}" data-in="{}"{}{}>'
                '<rect x="{}" y="{}" width="{}" height="{}" rx="6"/>'
                '<text text-anchor="middle" font-size="{}">{}</text></a>',
                placed.url,
                node.slug,
                node.kind,
                state_class(placed),
                accessible_name(placed),
                placed.x,
                ids(leads_to.get(node.pk, [])),
                ids(comes_from.get(node.pk, [])),
                mark_safe(' aria-current="true"') if placed.state == "selected" else "",
                swap,
                f"{placed.x:.1f}",
                f"{placed.y:.1f}",
                layout.node_width,
                layout.node_height,
                layout.font_size,
                lines,
            )
        )
    return mark_safe("\n".join(markup))
