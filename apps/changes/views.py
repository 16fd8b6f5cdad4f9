"""What changed: the list of published changes, its Atom feed, and each version of a page."""

from django.contrib.syndication.views import Feed
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.urls import reverse, reverse_lazy
from django.utils.feedgenerator import Atom1Feed

from apps.articles.models import Article
from apps.core.models import Tier
from apps.core.readers import reader_page, visitor
from apps.explorer.models import Node

from .models import Change, page_filter

CHANGES_PER_PAGE = 50
FEED_LENGTH = 50


def published_changes():
    return Change.objects.published().newest_first().select_related("article", "node")


@reader_page
def changes(request):
    # get_page turns a missing, junk or too-large ?page= into the first or last page.
    listed = Paginator(published_changes(), CHANGES_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "changes/changes.html", {"listed": listed})


class ChangesFeed(Feed):
    feed_type = Atom1Feed
    title = "Exercise Signals: what changed"
    subtitle = "Each published change to an article or a page of the mechanism explorer."
    link = reverse_lazy("changes:changes")
    feed_url = reverse_lazy("changes:feed")

    def items(self):
        return published_changes()[:FEED_LENGTH]

    def item_title(self, item):
        prefix = "Correction: " if item.correction else ""
        return f"{prefix}{item.title}"

    def item_description(self, item):
        return item.summary

    def item_link(self, item):
        return item.get_absolute_url()

    def item_guid(self, item):
        return f"{item.get_absolute_url()}#change-{item.page_key[0]}-{item.pk}"

    item_guid_is_permalink = False

    def item_pubdate(self, item):
        return item.created_at

    def item_updateddate(self, item):
        return item.created_at

    def item_categories(self, item):
        return ["correction"] if item.correction else []


changes_feed = reader_page(ChangesFeed())


def version(request, pages, slug, tier, number, route):
    """One tier of a page (from `pages`: articles or nodes) as a published change left it,
    whatever has happened to the page since. `route` names the version pages' URL."""
    page = get_object_or_404(pages.visible_to(visitor(request)), slug=slug)
    versions = Change.objects.filter(**page_filter(page))
    change = get_object_or_404(versions, number=number)
    snapshots = {snapshot.tier: snapshot for snapshot in change.snapshots.all()}
    if tier not in snapshots:
        raise Http404("This version of the page has no such tier.")
    latest_number = versions.order_by("-number").values_list("number", flat=True).first()
    tabs = [
        {
            "tier": Tier(name),
            "url": reverse(route, args=[slug, name, number]),
            "current": name == tier,
        }
        for name in Tier.values
        if name in snapshots
    ]
    current_route = "articles:article-tier" if isinstance(page, Article) else "explorer:node-tier"
    context = {
        "change": change,
        "snapshot": snapshots[tier],
        "tabs": tabs,
        "is_latest": number == latest_number,
        "current_url": reverse(current_route, args=[slug, tier]),
        "tier_label": Tier(tier).label,
    }
    return render(request, "changes/version.html", context)


@reader_page
def article_version(request, slug, tier, number):
    articles = Article.objects.only("pk", "slug", "status")
    return version(request, articles, slug, tier, number, "changes:article-version")


@reader_page
def node_version(request, slug, tier, number):
    nodes = Node.objects.only("pk", "slug", "status")
    return version(request, nodes, slug, tier, number, "changes:node-version")
