"""sitemap.xml and robots.txt: every published page for search engines, and where the map is.

Each kind of page is one Sitemap below, and the `sitemaps` dict lists them. A page with a
fixed address is one line in StaticPages.url_names; a new kind of page is a Sitemap class and
one line in `sitemaps`. Each Sitemap reads its rows in one query (and the content version,
for `lastmod` where a page records no review date), so the file's queries do not grow with
the site. (Lists, not querysets: the sitemap's paginator would count a queryset first.)
Drafts are never listed.
"""

from django.contrib.sitemaps import Sitemap
from django.contrib.sitemaps.views import sitemap
from django.http import HttpResponse
from django.urls import path, reverse

from apps.articles.models import ArticleTier
from apps.core.models import ContentVersion, Status
from apps.core.readers import reader_page
from apps.explorer.models import Node, Walk


class ContentSitemap(Sitemap):
    """`lastmod` is the date a page was last reviewed, which the content records; a page
    without one gets the date the site's content last changed, which is never too early."""

    def content_changed(self):
        if not hasattr(self, "_content_changed"):
            _version, changed_at = ContentVersion.current()
            self._content_changed = changed_at.date() if changed_at else None
        return self._content_changed

    def lastmod(self, item):
        return getattr(item, "last_reviewed", None) or self.content_changed()


class StaticPages(ContentSitemap):
    """Pages with a fixed address, by URL name: add a page here with one line."""

    url_names = [
        "articles:home",
        "explorer:explorer",
        "explorer:walks",
        "explorer:compare",
        "changes:changes",
        "articles:glossary",
    ]

    def items(self):
        return self.url_names

    def location(self, item):
        return reverse(item)


class ArticleTiers(ContentSitemap):
    """Every tier of every published article: each has its own address."""

    def items(self):
        return list(
            ArticleTier.objects.filter(article__status=Status.PUBLISHED)
            .select_related("article")
            .order_by("article__slug", "position")
        )

    def lastmod(self, item):
        return item.article.last_reviewed


class Nodes(ContentSitemap):
    def items(self):
        return list(Node.objects.published().only("slug", "last_reviewed").order_by("slug"))


class Walks(ContentSitemap):
    def items(self):
        return list(Walk.objects.published().only("slug", "last_reviewed").order_by("slug"))


sitemaps = {
    "pages": StaticPages,
    "articles": ArticleTiers,
    "nodes": Nodes,
    "walks": Walks,
}


@reader_page
def robots_txt(request):
    """Crawl everything but the admin; the sitemap's address must be absolute."""
    lines = [
        "User-agent: *",
        "Disallow: /admin/",
        "",
        f"Sitemap: {request.build_absolute_uri(reverse('sitemap'))}",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")


urlpatterns = [
    path("sitemap.xml", reader_page(sitemap), {"sitemaps": sitemaps}, name="sitemap"),
    path("robots.txt", robots_txt, name="robots"),
]
