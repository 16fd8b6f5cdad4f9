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

from .models import Change

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


@reader_page
def article_version(request, slug, tier, number):
    """One tier of an article as a published change left it, whatever has happened since."""
    articles = Article.objects.visible_to(visitor(request)).only("pk", "slug", "title")
    article = get_object_or_404(articles, slug=slug)
    versions = Change.objects.filter(article=article)
    change = get_object_or_404(versions, number=number)
    snapshots = {snapshot.tier: snapshot for snapshot in change.snapshots.all()}
    if tier not in snapshots:
        raise Http404("This version of the article has no such tier.")
    latest_number = versions.order_by("-number").values_list("number", flat=True).first()
    tabs = [
        {
            "tier": Tier(name),
            "url": reverse("changes:article-version", args=[slug, name, number]),
            "current": name == tier,
        }
        for name in Tier.values
        if name in snapshots
    ]
    context = {
        "article": article,
        "change": change,
        "snapshot": snapshots[tier],
        "tabs": tabs,
        "is_latest": number == latest_number,
        "current_url": reverse("articles:article-tier", args=[slug, tier]),
        "tier_label": Tier(tier).label,
    }
    return render(request, "changes/version.html", context)
