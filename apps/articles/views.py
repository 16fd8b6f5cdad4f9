from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.vary import vary_on_cookie, vary_on_headers

from apps.core.citations import (
    FORMATS,
    SITE_NAME,
    citation_download,
    page_citable,
    page_key,
    reference_citable,
)
from apps.core.links import link_targets
from apps.core.models import GlossaryTerm, Status, Tier, sees_drafts
from apps.core.readers import editor_context, reader_page, remember_tier, remembered_tier, visitor
from apps.core.versions import page_versions
from apps.explorer.models import Node

from .models import Article, Citation

RELATED_ARTICLES = 5  # at most, under each tier


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


def with_backlinks(citation):
    """The cited reference, carrying the links back to each of its markers in the text."""
    citation.reference.backlinks = citation.backlinks
    return citation.reference


def onward(request, article, tiers, current):
    """What the end of a tier offers: the next depth (the Academic tier offers the plain one
    again, so no tier is a dead end), the map's nodes its text links to, and the articles that
    share the most nodes with this one. Two queries."""
    position = tiers.index(current)
    nodes = Node.objects.visible_to(visitor(request))
    on_map = list(nodes.filter(article_tiers=current).order_by("name"))
    related = Article.objects.visible_to(visitor(request)).sharing_nodes_with(
        article, nodes.filter(article_tiers__article=article)
    )[:RELATED_ARTICLES]
    return {
        "deeper": tiers[position + 1] if position + 1 < len(tiers) else None,
        "plain": tiers[0] if position + 1 == len(tiers) and position > 0 else None,
        "cited_tiers": [t for t in tiers if t.tier != Tier.FUNDAMENTALS],
        "on_map": on_map,
        # Slugs need no escaping, and commas read better in the address bar than %2C.
        "map_url": f"{reverse('explorer:explorer')}?highlight={','.join(n.slug for n in on_map)}",
        "related": [
            (other, reverse("articles:article-tier", args=[other.slug, current.tier]))
            for other in related
        ],
    }


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
            (citation.number, with_backlinks(citation))
            for citation in Citation.objects.filter(tier=current).select_related("reference")
        ],
        **onward(request, article, tiers, current),
    }
    context["structured_data"] = current.structured_data(
        request.build_absolute_uri(current.get_absolute_url()),
        request.build_absolute_uri(reverse("articles:home")),
        context["references"],
    )
    last_change = None if article.is_draft else page_versions().latest(article)
    context.update(
        last_change=last_change,
        cite=cite_context(request, article, current, bool(context["references"]), last_change),
    )
    if request.htmx and not request.htmx.history_restore_request:
        response = render(request, "articles/article.html#tier-swap", context)
    else:
        response = render(request, "articles/article.html", context)
    remember_tier(response, tier)
    return response


def tier_title(article, tier):
    return f"{article.title} ({Tier(tier).label})"


def cite_context(request, article, current, has_references, last_change):
    """What "Cite this page" shows for one tier of an article (templates/_cite.html)."""
    page_url = current.get_absolute_url()
    cite = {
        "site": SITE_NAME,
        "title": tier_title(article, current.tier),
        "url": request.build_absolute_uri(page_url),
        "reviewed": article.last_reviewed,
        "page_base": f"{page_url}cite",
        "references_base": f"{page_url}references",
        "has_references": has_references,
    }
    if last_change is not None:
        version_url = reverse(
            "changes:article-version", args=[article.slug, current.tier, last_change.number]
        )
        cite.update(
            version_url=version_url,
            version_absolute_url=request.build_absolute_uri(version_url),
            version_number=last_change.number,
        )
    return cite


@reader_page
def article_citation(request, slug, tier, what, extension):
    """One tier of an article (`what` = "cite") or its reference list ("references") as a
    BibTeX, RIS or CSL-JSON file."""
    if extension not in FORMATS:
        raise Http404("Citations download as .bib, .ris or .json.")
    articles = Article.objects.visible_to(visitor(request)).only("slug", "title", "last_reviewed")
    article = get_object_or_404(articles, slug=slug)
    filename = f"{slug}-{tier}"
    if what == "cite":
        if not article.tiers.filter(tier=tier).exists():
            raise Http404("This article has no such tier.")
        url = request.build_absolute_uri(reverse("articles:article-tier", args=[slug, tier]))
        items = [
            page_citable(
                page_key(slug, tier), tier_title(article, tier), url, article.last_reviewed
            )
        ]
    else:
        citations = Citation.objects.filter(tier__article=article, tier__tier=tier)
        items = [
            reference_citable(citation.reference)
            for citation in citations.select_related("reference").order_by("number")
        ]
        if not items and not article.tiers.filter(tier=tier).exists():
            raise Http404("This article has no such tier.")
        filename += "-references"
    return citation_download(items, extension, filename)


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
