from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.text import Truncator
from django.views.decorators.vary import vary_on_headers

from apps.core.models import Tier
from apps.core.readers import editor_context, remember_tier, remembered_tier, visitor

from .forms import PathForm
from .graph import COLUMNS
from .models import DiagramLayout, Edge, Kind, Node, NodeText


def with_query(url, **params):
    query = urlencode({name: value for name, value in params.items() if value})
    return f"{url}?{query}" if query else url


def map_context(graph, link_params=None):
    """The diagram and what every page of the explorer shows around it."""
    layout = DiagramLayout.for_graph(graph)
    link_params = link_params or {}
    for placed in layout.nodes:
        placed.url = with_query(placed.node.get_absolute_url(), **link_params)
    return {"graph": graph, "layout": layout}


def filtered_map(request, graph, selected=None):
    """The map context for the explorer and node pages, with the ?modality= filter applied."""
    requested = request.GET.get("modality", "")
    modality = graph.by_slug.get(requested)
    if modality is not None and modality.kind != Kind.MODALITY:
        modality = None
    visible = graph.reachable_from(modality) if modality is not None else None
    unreached = None
    if visible is not None and selected is not None and selected.pk not in visible:
        # Showing the selected box under "only what … reaches" would say that it is reached.
        unreached, modality, visible = modality, None, None
    context = map_context(graph, {"modality": modality and modality.slug})
    layout = context["layout"]
    if visible is not None:
        layout.show_only(visible)
    if selected is not None:
        touching = graph.touching(selected)
        layout.highlight(
            {selected.pk, *(e.source_id for e in touching), *(e.target_id for e in touching)},
            {edge.pk for edge in touching},
            selected_id=selected.pk,
        )
    base = selected.get_absolute_url() if selected else reverse("explorer:explorer")
    context.update(
        modality=modality,
        # Cut, so a long made-up value cannot stretch the page.
        unknown_modality=(
            Truncator(requested).chars(60)
            if requested and modality is None and not unreached
            else ""
        ),
        unreached_modality=unreached,
        filters=[
            {"label": "All exercise", "url": base, "current": modality is None},
            *(
                {
                    "label": node.name,
                    "url": with_query(base, modality=node.slug),
                    "current": node == modality,
                }
                for node in graph.of_kind(Kind.MODALITY)
            ),
        ],
        twin=text_twin(graph, layout),
    )
    return context


def text_twin(graph, layout):
    """The map as nested lists: column, node, then each arrow leaving that node."""
    hidden = {placed.node.pk for placed in layout.nodes if placed.hidden}
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


def respond(request, template, partial, context):
    if request.htmx and not request.htmx.history_restore_request:
        return render(request, f"{template}#{partial}", context)
    return render(request, template, context)


@vary_on_headers("HX-Request")
def explorer(request):
    graph = visible_graph(request)
    return respond(request, "explorer/explorer.html", "explorer-swap", filtered_map(request, graph))


@vary_on_headers("HX-Request", "Cookie")
def node(request, slug, tier=None):
    graph = visible_graph(request)
    selected = graph.by_slug.get(slug)
    if selected is None:
        raise Http404("No node of the map has this name.")
    context = filtered_map(request, graph, selected)
    chosen_tier = tier or remembered_tier(request)
    modality = context["modality"] and context["modality"].slug
    context.update(
        selected=selected,
        panel=selected.panel(graph, chosen_tier, visitor(request)),
        **editor_context(
            request, selected, reverse("admin:explorer_node_change", args=[selected.pk])
        ),
        tier_tabs=[
            {
                "tier": option,
                "url": with_query(
                    reverse("explorer:node-tier", args=[slug, option]), modality=modality
                ),
                "current": option == chosen_tier,
            }
            for option in Tier
        ],
    )
    response = respond(request, "explorer/explorer.html", "explorer-swap", context)
    if tier is not None:
        remember_tier(response, tier)
    return response


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


@vary_on_headers("HX-Request")
def paths(request):
    graph = visible_graph(request)
    # A link may fill in one end ("chains from AMPK"); the form is only checked once both are sent.
    asked = "from" in request.GET and "to" in request.GET
    form = PathForm(graph, request.GET if asked else None, initial=request.GET.dict())
    context = map_context(graph)
    context.update(form=form, chains=[], chosen=None)
    if form.is_valid():
        source, target = form.cleaned_data["source"], form.cleaned_data["target"]
        chains = graph.chains(source, target)
        chosen = chains[chosen_number(request, len(chains)) - 1] if chains else None
        context.update(source=source, target=target, chains=chains, chosen=chosen)
        for index, chain in enumerate(chains, start=1):
            chain.url = with_query(
                reverse("explorer:paths"),
                **{"from": source.slug, "to": target.slug, "chain": index if index > 1 else ""},
            )
            chain.steps = [(edge, graph.by_id[edge.target_id]) for edge in chain.edges]
            chain.summary = chain.verdict(graph.by_id)
        if chosen is not None:
            context["layout"].highlight(
                set(chosen.node_ids), {edge.pk for edge in chosen.edges}, selected_id=None
            )
    return respond(request, "explorer/paths.html", "paths-swap", context)


def compare(request):
    graph = visible_graph(request)
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
                "cells": [graph.between.get((modality.pk, node.pk)) for modality in modalities],
            }
            for node in graph.of_kind(*kinds)
        ]
        sections.append({"title": title, "rows": rows})
    return render(
        request,
        "explorer/compare.html",
        {"modalities": modalities, "sections": sections},
    )
