from django.contrib import admin
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_POST

from apps.articles.models import Article, Reference, Status, markdown_problems, node_names
from apps.articles.rendering import render_markdown
from apps.explorer.models import Edge, Node


def preview_context(text):
    """What the public page would show for `text`, with the problems an editor should fix."""
    rendered = render_markdown(text, node_names())
    found = Reference.objects.in_bulk(rendered.citation_keys, field_name="key")
    return {
        "rendered": rendered,
        "problems": markdown_problems(text, rendered),
        "references": [
            (number, found[key])
            for number, key in enumerate(rendered.citation_keys, start=1)
            if key in found
        ],
    }


@require_POST
def markdown_preview(request):
    """The preview pane beside a Markdown field, rendered by the public site's own function.

    The editor posts the whole form; `field` names the textarea to render, so the same view
    serves every Markdown field, including the inline tier texts.
    """
    text = request.POST.get(request.POST.get("field", ""), "")
    return render(request, "editors/preview.html", preview_context(text))


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
