from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.vary import vary_on_cookie, vary_on_headers

from .models import DEFAULT_TIER, Article, Citation, Tier

TIER_COOKIE = "tier"
TIER_COOKIE_MAX_AGE = 365 * 24 * 60 * 60


def remembered_tier(request):
    value = request.COOKIES.get(TIER_COOKIE)
    return Tier(value) if value in Tier.values else DEFAULT_TIER


@vary_on_cookie
def home(request):
    return render(
        request,
        "articles/home.html",
        {"articles": Article.objects.visible_to(request.user), "tiers": list(Tier)},
    )


@vary_on_cookie
def article(request, slug):
    """An article's own URL opens at the tier the reader last chose."""
    get_object_or_404(Article.objects.visible_to(request.user).only("pk"), slug=slug)
    return redirect("articles:article-tier", slug=slug, tier=remembered_tier(request))


@vary_on_headers("HX-Request", "Cookie")
def article_tier(request, slug, tier):
    article = get_object_or_404(Article.objects.visible_to(request.user).with_tiers(), slug=slug)
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
        "draft": article.is_draft,
        "edit_url": reverse("admin:articles_article_change", args=[article.pk]),
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


def remember_tier(response, tier):
    """The reader's choice of depth follows them to every article and node."""
    response.set_cookie(
        TIER_COOKIE, tier.value, max_age=TIER_COOKIE_MAX_AGE, samesite="Lax", httponly=True
    )
