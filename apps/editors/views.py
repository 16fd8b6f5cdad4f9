import re
import time

from django.contrib import admin
from django.core.cache import cache
from django.http import HttpResponse, HttpResponsePermanentRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST
from django.views.decorators.vary import vary_on_headers

from apps.articles.models import Article
from apps.core.links import link_targets
from apps.core.models import (
    MAX_DEFINITION_CHARACTERS,
    GlossaryTerm,
    Reference,
    Status,
    Tier,
    markdown_problems,
)
from apps.core.rendering import MarkdownRefused, mark_glossary_terms, render_markdown
from apps.explorer.models import Edge, Node

from .readability import readability

SUGGESTION_LIMIT = 8
PREVIEWS_PER_SECOND = 4
# Longer than any key, node name or title word anyone types after [@ or [[; the rest is cut.
QUERY_MAX_LENGTH = 80


def preview_context(text, tier=None, intermediate_markdown=None):
    """What the public page would show for `text`, with the problems an editor should fix.

    `tier` (a Tier value, or None for a text with no tier) sets the aim of the readability
    line; see readability().
    """
    tier = Tier(tier) if tier in Tier.values else None
    try:
        rendered = render_markdown(text, link_targets().names())
    except MarkdownRefused as refused:
        where = f" (line {refused.line})" if refused.line > 1 else ""
        return {"refused": refused.message + where, "tier": tier}
    # As the page will store it: the first use of each glossary term marked.
    rendered.html = mark_glossary_terms(rendered.html, GlossaryTerm.objects.entries())
    found = Reference.objects.in_bulk(rendered.citation_keys, field_name="key")
    return {
        "rendered": rendered,
        "problems": markdown_problems(text, rendered),
        "references": [
            (number, found[key])
            for number, key in enumerate(rendered.citation_keys, start=1)
            if key in found
        ],
        "tier": tier,
        # The public page shows a table of contents above every tier but Fundamentals.
        "shows_toc": tier != Tier.FUNDAMENTALS and bool(rendered.toc_html),
        "readability": readability(text, tier, intermediate_markdown),
    }


def definition_preview_context(text):
    """A glossary definition as readers will see it (escaped text, one line of spaces), with
    its reading grade against the Fundamentals aim: a definition is for any reader."""
    definition = " ".join(text.split())
    return {
        "definition": definition,
        "length": len(definition),
        "max_length": MAX_DEFINITION_CHARACTERS,
        "readability": readability(definition, Tier.FUNDAMENTALS),
    }


@require_POST
def glossary_preview(request):
    """The preview under a glossary definition, as the form is typed in."""
    if preview_throttled(request.user):
        return HttpResponse(
            f"At most {PREVIEWS_PER_SECOND} previews a second: this one was skipped.",
            status=429,
            content_type="text/plain",
        )
    text = request.POST.get(request.POST.get("field", ""), "")
    return render(request, "editors/definition_preview.html", definition_preview_context(text))


def sibling_value(data, field, name):
    """The value of `name` in the same inline row as `field` ("tiers-0-body_markdown")."""
    prefix, _, _ = field.rpartition("-")
    return data.get(f"{prefix}-{name}") if prefix else None


def tier_text(data, field, tier):
    """The Markdown the same formset holds for `tier`, as posted (None if it has none)."""
    formset_prefix = re.sub(r"-\d+-[^-]+$", "", field)
    for key, value in data.items():
        if value == tier and re.fullmatch(rf"{re.escape(formset_prefix)}-\d+-tier", key):
            return data.get(key.removesuffix("tier") + "body_markdown")
    return None


@require_POST
def markdown_preview(request):
    """The preview pane beside a Markdown field, rendered by the public site's own function.

    The editor posts the whole form; `field` names the textarea to render, so the same view
    serves every Markdown field, including the inline tier texts, and finds the tier (and the
    Intermediate text an Academic text is compared with) in the same post.
    """
    if preview_throttled(request.user):
        return HttpResponse(
            f"At most {PREVIEWS_PER_SECOND} previews a second: this one was skipped.",
            status=429,
            content_type="text/plain",
        )
    field = request.POST.get("field", "")
    text = request.POST.get(field, "")
    tier = sibling_value(request.POST, field, "tier")
    intermediate = tier_text(request.POST, field, Tier.INTERMEDIATE)
    return render(request, "editors/preview.html", preview_context(text, tier, intermediate))


def preview_throttled(user):
    """Whether this editor has asked for more than PREVIEWS_PER_SECOND previews this second.

    The page asks 400 ms after typing stops, so only a script (or a stuck key) meets the limit.
    Counted in the cache, shared by every app server when there is Redis."""
    key = f"preview-count:{user.pk}:{int(time.time())}"
    if cache.add(key, 1, timeout=2):
        return False
    try:
        count = cache.incr(key)
    except ValueError:  # expired in between
        return False
    return count is not None and count > PREVIEWS_PER_SECOND


def suggestion_options(kind, query):
    """(text to insert, what the editor reads) for what follows [@ or [[ in a Markdown text."""
    if kind == "reference":
        return [
            (reference.key, f"{reference.first_author} {reference.year}: {reference.title}")
            for reference in Reference.objects.matching(query)[:SUGGESTION_LIMIT]
        ]
    if kind == "node":
        return [
            (node.slug, " · ".join([node.name, *node.aliases]))
            for node in Node.objects.matching(query)[:SUGGESTION_LIMIT]
        ]
    return []


@require_GET
@vary_on_headers("HX-Request")
def editor_suggestions(request):
    """The options of the [@key] and [[slug]] autocomplete in the Markdown editor.

    static/js/editor.js asks with htmx and swaps the answer into its popup; opened directly,
    the same list comes as an admin page (a way to look a key up without the script).
    """
    kind = request.GET.get("kind", "")
    # Control characters (a NUL byte, say) can only be noise, and some databases refuse them.
    query = "".join(ch for ch in request.GET.get("q", "")[:QUERY_MAX_LENGTH] if ch.isprintable())
    query = query.strip()
    context = {
        "kind": kind if kind in {"reference", "node"} else "",
        "query": query,
        "options": suggestion_options(kind, query),
    }
    if request.htmx:
        return render(request, "editors/suggestions_page.html#options", context)
    title = "Find a node" if kind == "node" else "Find a reference"
    return render(
        request,
        "editors/suggestions_page.html",
        {**admin.site.each_context(request), "title": title, **context},
    )


def review_items(today):
    return {
        "articles": Article.objects.due_for_review(today).order_by("next_review"),
        "nodes": Node.objects.due_for_review(today).order_by("next_review"),
        "unscheduled_articles": Article.objects.filter(next_review=None),
        "unscheduled_nodes": Node.objects.filter(next_review=None),
        "edges": Edge.objects.for_review().order_by("grade", "position"),
        "draft_articles": Article.objects.filter(status=Status.DRAFT),
        "draft_nodes": Node.objects.filter(status=Status.DRAFT),
    }


def review_counts():
    items = review_items(timezone.localdate())
    return {
        "due": items["articles"].count() + items["nodes"].count(),
        "edges": items["edges"].count(),
    }


def review_queue(request):
    """Everything an editor should look at next: overdue pages, weak arrows and drafts."""
    today = timezone.localdate()
    items = {name: list(rows) for name, rows in review_items(today).items()}
    context = {
        **admin.site.each_context(request),
        "title": "Review queue",
        "today": today,
        "due_count": len(items["articles"]) + len(items["nodes"]),
        "unscheduled_count": len(items["unscheduled_articles"]) + len(items["unscheduled_nodes"]),
        "drafts": items["draft_articles"] + items["draft_nodes"],
        **items,
    }
    return render(request, "editors/review_queue.html", context)


def moved_references(request, rest):
    """References moved from the articles app to core: old links to their pages still work."""
    url = reverse("admin:core_reference_changelist") + rest
    query = request.META.get("QUERY_STRING")
    return HttpResponsePermanentRedirect(f"{url}?{query}" if query else url)
