import functools

from django.db.models import Count
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.defaultfilters import pluralize
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.text import Truncator
from django.views.decorators.vary import vary_on_headers

from apps.core.citations import (
    FORMATS,
    SITE_NAME,
    citation_download,
    page_citable,
    page_key,
    reference_citable,
)
from apps.core.models import ContentVersion, Tier
from apps.core.readers import editor_context, reader_page, remember_tier, remembered_tier, visitor
from apps.core.structured_data import LICENCE_URL
from apps.core.versions import page_versions

from . import opendata
from .forms import PathForm
from .graph import COLUMNS
from .models import DiagramLayout, Edge, EdgeReference, Kind, Node, NodeText, Timing, Walk


def with_query(url, **params):
    query = urlencode({name: value for name, value in params.items() if value})
    return f"{url}?{query}" if query else url


def map_context(graph, link_params=None, focus=None):
    """The diagram and what every page of the explorer shows around it: the whole map, or
    with a kind of exercise as `focus`, the part of it that exercise reaches."""
    layout = DiagramLayout.for_graph(graph, focus)
    query = with_query("", **(link_params or {}))  # the same for every box: built once
    for placed in layout.nodes:
        placed.url = placed.node.get_absolute_url() + query
    return {"graph": graph, "layout": layout}


# The time-course choices a reader can make, with the words their links show.
TIMING_CHOICES = [
    (None, "Any time course"),
    (Timing.ACUTE, "After one session"),
    (Timing.TRAINING, "With training"),
]


def echoed(value):
    """A reader's query value as a notice repeats it: cut, so a long made-up value cannot
    stretch the page."""
    return Truncator(value).chars(60)


def chosen_timing(request):
    """(the time course ?timing= asks for, or None for any; an unknown value to echo, or "")."""
    requested = request.GET.get("timing", "")
    if requested in (Timing.ACUTE, Timing.TRAINING):
        return Timing(requested), ""
    return None, echoed(requested)


def timed(graph, timing):
    """The map with only the arrows seen at `timing` (all of them for None)."""
    return graph if timing is None else graph.limited_to(Timing.shown_at(timing))


def timing_filters(base, timing, **params):
    return [
        {
            "label": label,
            "url": with_query(base, **params, timing=choice),
            "current": choice == timing,
        }
        for choice, label in TIMING_CHOICES
    ]


def filtered_map(request, graph, selected=None):
    """The map context for the explorer and node pages, with ?modality= and ?timing= applied.

    The layout is the whole map's; the filters hide what they leave out, and `shown` is the
    map they leave (what the panel, the reach of a modality and the list below the map use).
    """
    timing, unknown_timing = chosen_timing(request)
    shown = timed(graph, timing)
    requested = request.GET.get("modality", "")
    modality = graph.by_slug.get(requested)
    if modality is not None and modality.kind != Kind.MODALITY:
        modality = None
    visible = shown.reachable_from(modality) if modality is not None else None
    unreached = None
    if visible is not None and selected is not None and selected.pk not in visible:
        # Showing the selected box under "only what … reaches" would say that it is reached.
        unreached, modality, visible = modality, None, None
    context = map_context(
        graph, {"modality": modality and modality.slug, "timing": timing}, focus=modality
    )
    layout = context["layout"]
    if visible is not None or timing is not None:
        layout.show_only(
            visible if visible is not None else graph.by_id.keys(),
            {edge.pk for edge in shown.edges},
        )
    if selected is not None:
        touching = shown.touching(selected)
        layout.highlight(
            {selected.pk, *(e.source_id for e in touching), *(e.target_id for e in touching)},
            {edge.pk for edge in touching},
            selected_id=selected.pk,
        )
    base = selected.get_absolute_url() if selected else reverse("explorer:explorer")
    context.update(
        shown=shown,
        modality=modality,
        unknown_modality=(
            echoed(requested) if requested and modality is None and not unreached else ""
        ),
        unreached_modality=unreached,
        timing=timing,
        unknown_timing=unknown_timing,
        filters=[
            {
                "label": "All exercise",
                "url": with_query(base, timing=timing),
                "current": modality is None,
            },
            *(
                {
                    "label": node.name,
                    "url": with_query(base, modality=node.slug, timing=timing),
                    "current": node == modality,
                }
                for node in graph.of_kind(Kind.MODALITY)
            ),
        ],
        timing_filters=timing_filters(base, timing, modality=modality and modality.slug),
        twin=text_twin(shown, layout),
        announcement=announcement(shown, selected, modality, timing),
    )
    return context


def announcement(shown, selected, modality, timing):
    """What a screen reader hears after the map changes in place: what it now shows."""
    said = []
    if selected is not None:
        into, out = len(shown.incoming[selected.pk]), len(shown.outgoing[selected.pk])
        said.append(
            f"{selected.name} selected: {into} arrow{pluralize(into)} into it and {out} out of it "
            "highlighted; its panel follows the map."
        )
    if modality is not None:
        said.append(f"Showing only what {modality.name} reaches.")
    if timing is not None:
        said.append(f"Showing arrows whose effect is seen {timing.label}.")
    return " ".join(said) or "Showing the whole map."


def text_twin(graph, layout):
    """The map as nested lists: column, node, then each arrow leaving that node; only what the
    diagram shows (a filtered map's layout holds only the part it shows)."""
    shown = {placed.node.pk for placed in layout.nodes if not placed.hidden}
    hidden = graph.by_id.keys() - shown
    columns = []
    for title, kinds in COLUMNS:
        nodes = [
            {
                "node": node,
                "arrows": [
                    {"edge": edge, "target": graph.by_id[edge.target_id]}
                    for edge in graph.outgoing[node.pk]
                    if edge.target_id not in hidden
                ],
            }
            for node in graph.of_kind(*kinds)
            if node.pk not in hidden
        ]
        if nodes:
            columns.append({"title": title, "nodes": nodes})
    return columns


def visible_graph(request):
    """The map as this visitor may see it: editors also see draft nodes."""
    return Edge.objects.graph(Node.objects.visible_to(visitor(request)))


def tier_tabs(chosen, url_for):
    """The reading-depth tabs of a page: `url_for(tier)` is the address of each."""
    return [
        {"tier": option, "url": url_for(option), "current": option == chosen} for option in Tier
    ]


def respond(request, template, partial, context):
    if request.htmx and not request.htmx.history_restore_request:
        return render(request, f"{template}#{partial}", context)
    return render(request, template, context)


# ?highlight=ampk,glut4 (what an article's "See this on the map" links to): at most this many
# slugs from at most this many characters are read; unknown slugs are ignored.
MAX_HIGHLIGHTED = 60
MAX_HIGHLIGHT_CHARACTERS = 2000


def highlighted(request, graph):
    """The nodes ?highlight= names, in the order named, each once."""
    requested = request.GET.get("highlight", "")[:MAX_HIGHLIGHT_CHARACTERS].split(",")
    slugs = dict.fromkeys(slug.strip() for slug in requested[:MAX_HIGHLIGHTED])
    return [graph.by_slug[slug] for slug in slugs if slug in graph.by_slug]


@reader_page
@vary_on_headers("HX-Request")
def explorer(request):
    graph = visible_graph(request)
    context = filtered_map(request, graph)
    marked = highlighted(request, graph)
    if marked:
        shown_ids = {placed.node.pk for placed in context["layout"].visible_nodes}
        marked = [node for node in marked if node.pk in shown_ids]
        context["layout"].mark({node.pk for node in marked})
    context.update(highlighted=marked, whole_map_url=reverse("explorer:explorer"))
    return respond(request, "explorer/explorer.html", "explorer-swap", context)


@reader_page
@vary_on_headers("HX-Request", "Cookie")
def node(request, slug, tier=None):
    graph = visible_graph(request)
    selected = graph.by_slug.get(slug)
    if selected is None:
        raise Http404("No node of the map has this name.")
    node = Node.objects.get(pk=selected.pk)  # the map holds its values; the panel needs more
    context = filtered_map(request, graph, selected)
    chosen_tier = tier or remembered_tier(request)
    modality = context["modality"] and context["modality"].slug
    panel = node.panel(context["shown"], chosen_tier, visitor(request))
    context.update(
        selected=selected,
        node=node,
        panel=panel,
        structured_data=node.structured_data(
            request.build_absolute_uri(request.path),
            request.build_absolute_uri("/"),  # the home page, which belongs to the articles
            panel,
        ),
        **editor_context(request, node, reverse("admin:explorer_node_change", args=[node.pk])),
        tier_tabs=tier_tabs(
            chosen_tier,
            lambda option: with_query(
                reverse("explorer:node-tier", args=[slug, option]),
                modality=modality,
                timing=context["timing"],
            ),
        ),
    )
    tier_url = reverse("explorer:node-tier", args=[slug, chosen_tier])
    last_change = None if node.is_draft else page_versions().latest(node)
    context["last_change"] = last_change
    context["cite"] = {
        "site": SITE_NAME,
        "title": node_tier_title(node, chosen_tier),
        "url": request.build_absolute_uri(tier_url),
        "reviewed": node.last_reviewed,
        "page_base": f"{tier_url}cite",
        "references_base": f"{tier_url}references",
        "has_references": bool(context["panel"].references),
    }
    if last_change is not None:
        version_url = reverse("changes:node-version", args=[slug, chosen_tier, last_change.number])
        context["cite"].update(
            version_url=version_url,
            version_absolute_url=request.build_absolute_uri(version_url),
            version_number=last_change.number,
        )
    response = respond(request, "explorer/explorer.html", "explorer-swap", context)
    if tier is not None:
        remember_tier(response, tier)
    return response


def node_tier_title(node, tier):
    return f"{node.name} ({Tier(tier).label}), in the mechanism explorer"


@reader_page
def node_citation(request, slug, tier, what, extension):
    """A node's page at one tier (`what` = "cite") or the references its panel lists (its
    text's and its arrows') as a BibTeX, RIS or CSL-JSON file."""
    if extension not in FORMATS:
        raise Http404("Citations download as .bib, .ris or .json.")
    node = get_object_or_404(Node.objects.visible_to(visitor(request)), slug=slug)
    if what == "cite":
        url = request.build_absolute_uri(reverse("explorer:node-tier", args=[slug, tier]))
        title = node_tier_title(node, tier)
        items = [page_citable(page_key("map", slug, tier), title, url, node.last_reviewed)]
        return citation_download(items, extension, f"{slug}-{tier}")
    panel = node.panel(visible_graph(request), tier, visitor(request))
    items = [reference_citable(reference) for _, reference in panel.references]
    return citation_download(items, extension, f"{slug}-{tier}-references")


@reader_page
@vary_on_headers("HX-Request")
def node_preview(request, slug):
    """A node's Fundamentals text, for the card shown beside a link to it in an article."""
    if not request.htmx:
        return redirect("explorer:node", slug=slug)
    text = (
        NodeText.objects.select_related("node")
        .filter(node__in=Node.objects.visible_to(visitor(request)), node__slug=slug)
        .filter(tier=Tier.FUNDAMENTALS)
        .first()
    )
    if text is None:
        raise Http404("No node of the map has this name.")
    return render(request, "explorer/preview.html", {"text": text, "node": text.node})


def chosen_number(request, count):
    """Which chain (1-based) ?chain= asks for; the first one for anything out of range."""
    try:
        number = int(request.GET.get("chain", 1))
    except ValueError:
        return 1
    return number if 1 <= number <= count else 1


@functools.cache
def paths_url():
    """The chains page's address: the comparison links to it from hundreds of cells."""
    return reverse("explorer:paths")


def chain_url(source, target, number, timing):
    return with_query(
        paths_url(),
        **{"from": source.slug, "to": target.slug, "chain": number if number > 1 else ""},
        timing=timing,
    )


@reader_page
@vary_on_headers("HX-Request")
def paths(request):
    graph = visible_graph(request)
    timing, unknown_timing = chosen_timing(request)
    shown = timed(graph, timing)
    # A link may fill in one end ("chains from AMPK"); the form is only checked once both are sent.
    asked = "from" in request.GET and "to" in request.GET
    form = PathForm(graph, request.GET if asked else None, initial=request.GET.dict())
    context = map_context(graph)
    ends = {name: request.GET.get(name, "") for name in ("from", "to")}
    context.update(
        form=form,
        chains=[],
        chosen=None,
        timing=timing,
        unknown_timing=unknown_timing,
        timing_filters=timing_filters(reverse("explorer:paths"), timing, **ends),
    )
    if timing is not None:
        context["layout"].show_only(graph.by_id.keys(), {edge.pk for edge in shown.edges})
    if form.is_valid():
        source, target = form.cleaned_data["source"], form.cleaned_data["target"]
        chains = shown.chains(source, target)
        chosen = chains[chosen_number(request, len(chains)) - 1] if chains else None
        context.update(source=source, target=target, chains=chains, chosen=chosen)
        for number, chain in enumerate(chains, start=1):
            chain.url = chain_url(source, target, number, timing)
            chain.steps = [(edge, graph.by_id[edge.target_id]) for edge in chain.edges]
            chain.summary = chain.verdict(graph.by_id)
        if chosen is not None:
            context["layout"].highlight(
                set(chosen.node_ids), {edge.pk for edge in chosen.edges}, selected_id=None
            )
    return respond(request, "explorer/paths.html", "paths-swap", context)


def compare_cell(graph, routes, modality, node, timing):
    """What one kind of exercise does to one node: its own arrow if it has one; else the
    routes Graph.compared finds (stored with the layout, in `routes`); else None."""
    edge = graph.between.get((modality.pk, node.pk))
    if edge is not None:
        return {"edge": edge}
    found = graph.stored_routes(routes, modality, node)
    if not found:
        return None
    return {
        "routes": [
            {"chain": chain, "url": chain_url(modality, node, number, timing)}
            for number, chain in found
        ]
    }


@reader_page
def compare(request):
    graph = visible_graph(request)
    timing, unknown_timing = chosen_timing(request)
    shown = timed(graph, timing)
    routes = DiagramLayout.data_for(graph)["comparison"][timing or "any"]
    modalities = graph.of_kind(Kind.MODALITY)
    sections = []
    for kinds, title in (
        ((Kind.SIGNAL,), "Signals and pathways"),
        ((Kind.MYOKINE,), "Myokines"),
        ((Kind.HORMONE,), "Hormones"),
        ((Kind.OUTCOME,), "Outcomes"),
    ):
        rows = [
            {
                "node": node,
                "cells": [
                    compare_cell(shown, routes, modality, node, timing) for modality in modalities
                ],
            }
            for node in graph.of_kind(*kinds)
        ]
        sections.append({"title": title, "rows": rows})
    return render(
        request,
        "explorer/compare.html",
        {
            "modalities": modalities,
            "sections": sections,
            "timing": timing,
            "unknown_timing": unknown_timing,
            "timing_filters": timing_filters(reverse("explorer:compare"), timing),
        },
    )


@reader_page
def walks(request):
    """Every guided walk this visitor may read."""
    listed = Walk.objects.visible_to(visitor(request)).annotate(step_total=Count("steps"))
    return render(request, "explorer/walks.html", {"walks": listed})


def step_url(walk, number):
    if number == 1:
        return walk.get_absolute_url()
    return reverse("explorer:walk-step", args=[walk.slug, number])


@reader_page
@vary_on_headers("HX-Request", "Cookie")
def walk(request, slug, number=1, tier=None):
    """One step of a guided walk: its arrow on the map, told at the reader's depth, with its
    grade and sources. Previous and Next are links, so a walk works without JavaScript."""
    walk = get_object_or_404(Walk.objects.visible_to(visitor(request)), slug=slug)
    steps = list(walk.steps.select_related("edge__source", "edge__target"))
    if not 1 <= number <= len(steps):
        raise Http404("This walk has no such step.")
    step = steps[number - 1]
    graph = visible_graph(request)
    context = map_context(graph)
    walked = [earlier.edge for earlier in steps[:number]]
    context["layout"].highlight(
        {end for edge in walked for end in (edge.source_id, edge.target_id)},
        {edge.pk for edge in walked},
        selected_id=step.edge.target_id,
    )
    chosen_tier = tier or remembered_tier(request)
    uses = EdgeReference.objects.filter(edge=step.edge).select_related("reference")
    context.update(
        walk=walk,
        steps=[(index, step_url(walk, index), earlier) for index, earlier in enumerate(steps, 1)],
        step=step,
        edge=step.edge,
        number=number,
        text=step.text(chosen_tier),
        references=list(enumerate((use.reference for use in uses), start=1)),
        previous_url=step_url(walk, number - 1) if number > 1 else "",
        next_url=step_url(walk, number + 1) if number < len(steps) else "",
        tier_tabs=tier_tabs(
            chosen_tier,
            lambda option: reverse("explorer:walk-step-tier", args=[walk.slug, number, option]),
        ),
        **editor_context(request, walk, reverse("admin:explorer_walk_change", args=[walk.pk])),
    )
    response = respond(request, "explorer/walk.html", "walk-swap", context)
    if tier is not None:
        remember_tier(response, tier)
    return response


def open_data(response, filename):
    """Headers every open-data file carries: its licence as a link, a file name for saving it,
    and leave for any site to read it (it is public and holds nothing per reader)."""
    response["Link"] = f'<{LICENCE_URL}>; rel="license"'
    response["Content-Disposition"] = f'inline; filename="exercise-signals-{filename}"'
    response["Access-Control-Allow-Origin"] = "*"
    response["Cross-Origin-Resource-Policy"] = "cross-origin"
    return response


@reader_page
def graph_json(request):
    """The published map as JSON, with its licence (README.md, "Open data")."""
    _version, changed_at = ContentVersion.current()
    document = opendata.graph_document(
        request.build_absolute_uri,
        request.build_absolute_uri(reverse("explorer:explorer")),
        changed_at,
    )
    response = JsonResponse(document, json_dumps_params={"ensure_ascii": False, "indent": 1})
    return open_data(response, "graph.json")


@reader_page
def nodes_csv(request):
    text = opendata.nodes_csv(request.build_absolute_uri)
    return open_data(HttpResponse(text, content_type="text/csv; charset=utf-8"), "nodes.csv")


@reader_page
def arrows_csv(request):
    text = opendata.arrows_csv()
    return open_data(HttpResponse(text, content_type="text/csv; charset=utf-8"), "arrows.csv")
