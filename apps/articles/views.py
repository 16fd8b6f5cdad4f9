from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.vary import vary_on_cookie, vary_on_headers

from apps.core.models import Tier
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
    context["structured_data"] = current.structured_data(
        request.build_absolute_uri(current.get_absolute_url()),
        request.build_absolute_uri(reverse("articles:home")),
        context["references"],
    )
    if request.htmx and not request.htmx.history_restore_request:
        response = render(request, "articles/article.html#tier-swap", context)
    else:
        response = render(request, "articles/article.html", context)
    remember_tier(response, tier)
    return response
