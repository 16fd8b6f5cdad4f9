from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.vary import vary_on_cookie, vary_on_headers

from .models import DEFAULT_TIER, Article, Citation, Tier, sees_drafts

TIER_COOKIE = "tier"
TIER_COOKIE_MAX_AGE = 365 * 24 * 60 * 60


def remembered_tier(request):
    value = request.COOKIES.get(TIER_COOKIE)
    return Tier(value) if value in Tier.values else DEFAULT_TIER


def visitor(request):
    """Who is reading: an editor signed in to the admin, or an anonymous reader.

    A request without a session cookie is a reader, and is answered without reading the
    session. Reading it would add `Vary: Cookie`, and then the tier cookie changing would make
    the Back button fetch the page again instead of showing it from the browser's cache.
    (Responses for editors do vary on the cookie, so a draft is never cached for readers.)
    """
    if settings.SESSION_COOKIE_NAME not in request.COOKIES:
        return AnonymousUser()
    return request.user


def editor_context(request, page, edit_url):
    """What the editor bar needs: only signed-in editors see it, and drafts only to them."""
    return {"editor": sees_drafts(visitor(request)), "draft": page.is_draft, "edit_url": edit_url}


def home(request):
    return render(
        request,
        "articles/home.html",
        {"articles": Article.objects.visible_to(visitor(request)), "tiers": list(Tier)},
    )


@vary_on_cookie
def article(request, slug):
    """An article's own URL opens at the tier the reader last chose."""
    get_object_or_404(Article.objects.visible_to(visitor(request)).only("pk"), slug=slug)
    return redirect("articles:article-tier", slug=slug, tier=remembered_tier(request))


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


def remember_tier(response, tier):
    """The reader's choice of depth follows them to every article and node."""
    response.set_cookie(
        TIER_COOKIE, tier.value, max_age=TIER_COOKIE_MAX_AGE, samesite="Lax", httponly=True
    )
