from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.vary import vary_on_cookie, vary_on_headers

from apps.core.links import link_targets
from apps.core.models import GlossaryTerm, Status, Tier, sees_drafts
from apps.core.readers import editor_context, reader_page, remember_tier, remembered_tier, visitor

from .models import Article, Citation


@reader_page
def home(request):
    return render(
        request,
        "articles/home.html",
        {"articles": Article.objects.visible_to(visitor(request)), "tiers": list(Tier)},
    )


@reader_page
@vary_on_cookie
def article(request, slug):
    """An article's own URL opens at the tier the reader last chose."""
    get_object_or_404(Article.objects.visible_to(visitor(request)).only("pk"), slug=slug)
    return redirect("articles:article-tier", slug=slug, tier=remembered_tier(request))


@reader_page
@vary_on_headers("HX-Request")
def article_tier(request, slug, tier):
    articles = Article.objects.visible_to(visitor(request))
    article = get_object_or_404(articles.with_tiers(), slug=slug)
    tiers = list(article.tiers.all())
    current = next((t for t in tiers if t.tier == tier), None)
    if current is None:
        raise Http404("This article has no such tier.")
    context = {
        "article": article,
        "tabs": [
            {"tier": Tier(t.tier), "url": t.get_absolute_url(), "current": t == current}
            for t in tiers
        ],
        "current": current,
        **editor_context(
            request, article, reverse("admin:articles_article_change", args=[article.pk])
        ),
        "references": [
            (citation.number, citation.reference)
            for citation in Citation.objects.filter(tier=current).select_related("reference")
        ],
    }
    if request.htmx and not request.htmx.history_restore_request:
        response = render(request, "articles/article.html#tier-swap", context)
    else:
        response = render(request, "articles/article.html", context)
    remember_tier(response, tier)
    return response


@reader_page
def glossary(request):
    """Every term, A to Z, each with its address (/glossary/#ampk) and a link to its node of
    the map when the reader may open that node. Two queries whatever the number of terms."""
    terms = list(GlossaryTerm.objects.order_by("anchor"))
    statuses = link_targets().statuses({term.node for term in terms if term.node})
    editor = sees_drafts(visitor(request))
    letters = {}
    for term in terms:
        status = statuses.get(term.node)
        readable = status == Status.PUBLISHED or (status is not None and editor)
        term.node_url = link_targets().url(term.node) if readable else None
        letters.setdefault(term.letter, []).append(term)
    return render(request, "articles/glossary.html", {"letters": letters})
