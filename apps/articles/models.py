import reversion
from django.db import models
from django.urls import reverse

from apps.core.models import Editorial, EditorialQuerySet, MarkdownBody, Reference, Tier
from apps.core.structured_data import LICENCE_URL, SITE_NAME, scholarly_article
from apps.explorer.models import Node


class ArticleQuerySet(EditorialQuerySet):
    def with_tiers(self):
        return self.prefetch_related(
            models.Prefetch("tiers", queryset=ArticleTier.objects.order_by("position"))
        )

    def linking_to(self, node, user):
        """The articles `user` may read that link to `node` with [[slug]]."""
        return self.visible_to(user).filter(tiers__linked_nodes=node).distinct()

    def sharing_nodes_with(self, article, nodes):
        """The other articles in this set that link to any of `nodes` (say, the nodes
        `article` links to), with `shared`, how many of them each links to; most shared first.
        One query."""
        return (
            self.exclude(pk=article.pk)
            .filter(tiers__linked_nodes__in=nodes)
            .annotate(shared=models.Count("tiers__linked_nodes", distinct=True))
            .order_by("-shared", "title")
        )


# A version of an article holds its three tiers, so restoring it restores the whole article.
@reversion.register(follow=["tiers"])
class Article(Editorial):
    slug = models.SlugField(unique=True)
    title = models.CharField(max_length=200)
    summary = models.TextField()
    last_reviewed = models.DateField()

    objects = ArticleQuerySet.as_manager()

    class Meta:
        ordering = ["title"]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("articles:article", args=[self.slug])


TIER_POSITIONS = {tier: position for position, tier in enumerate(Tier)}


@reversion.register()
class ArticleTier(MarkdownBody):
    """One article told at one depth."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="tiers")
    tier = models.CharField(max_length=20, choices=Tier.choices)
    position = models.PositiveSmallIntegerField(editable=False)
    toc_html = models.TextField(editable=False, blank=True)
    reading_minutes = models.PositiveSmallIntegerField(editable=False)
    references = models.ManyToManyField(Reference, through="Citation", related_name="tiers")
    linked_nodes = models.ManyToManyField(
        Node, related_name="article_tiers", blank=True, editable=False
    )

    class Meta:
        ordering = ["article", "position"]
        constraints = [
            models.UniqueConstraint(fields=["article", "tier"], name="one_body_per_tier"),
        ]

    def __str__(self):
        return f"{self.article} ({self.get_tier_display()})"

    def get_absolute_url(self):
        return reverse("articles:article-tier", args=[self.article.slug, self.tier])

    @property
    def label(self):
        return self.get_tier_display()

    @property
    def shows_toc(self):
        return self.tier != Tier.FUNDAMENTALS and bool(self.toc_html)

    def render(self, node_names_by_slug=None, rendered=None, glossary=None):
        rendered = super().render(node_names_by_slug, rendered, glossary)
        self.toc_html = rendered.toc_html
        self.reading_minutes = rendered.reading_minutes
        self.position = TIER_POSITIONS[Tier(self.tier)]
        return rendered

    def structured_data(self, page_url, site_url, references):
        """This tier as schema.org JSON-LD: the Academic tier is a ScholarlyArticle on a
        MedicalWebPage, the others a MedicalWebPage; `references` are what it cites, as
        (number, Reference). The content records when a page was last reviewed and no other
        date, so that is also when it was last modified. No reviewer is recorded, so there is
        no reviewedBy."""
        article = self.article
        page = {
            "@type": "MedicalWebPage",
            "url": page_url,
            "name": f"{article.title} ({self.label})",
            "description": article.summary,
            "inLanguage": "en",
            "educationalLevel": self.label,
            "lastReviewed": article.last_reviewed.isoformat(),
            "dateModified": article.last_reviewed.isoformat(),
            "license": LICENCE_URL,
            "isPartOf": {"@type": "WebSite", "name": SITE_NAME, "url": site_url},
        }
        cited = [scholarly_article(reference) for _number, reference in references]
        if self.tier != Tier.ACADEMIC:
            return {
                "@context": "https://schema.org",
                **page,
                **({"citation": cited} if cited else {}),
            }
        return {
            "@context": "https://schema.org",
            "@type": "ScholarlyArticle",
            "headline": article.title,
            "description": article.summary,
            "url": page_url,
            "inLanguage": "en",
            "dateModified": article.last_reviewed.isoformat(),
            "license": LICENCE_URL,
            "publisher": {"@type": "Organization", "name": SITE_NAME, "url": site_url},
            "mainEntityOfPage": page,
            "citation": cited,
        }

    def set_node_links(self, slugs):
        wanted = set(Node.objects.filter(slug__in=slugs).values_list("pk", flat=True))
        if set(self.linked_nodes.values_list("pk", flat=True)) != wanted:
            self.linked_nodes.set(wanted)


class Citation(models.Model):
    tier = models.ForeignKey(ArticleTier, on_delete=models.CASCADE, related_name="citations")
    reference = models.ForeignKey(Reference, on_delete=models.PROTECT, related_name="citations")
    number = models.PositiveSmallIntegerField()
    # How many markers in the text cite it: the reference list links back to each of them.
    uses = models.PositiveSmallIntegerField(default=1, editable=False)

    class Meta:
        ordering = ["tier", "number"]
        constraints = [
            models.UniqueConstraint(fields=["tier", "reference"], name="cite_reference_once"),
            models.UniqueConstraint(fields=["tier", "number"], name="one_reference_per_number"),
        ]

    def __str__(self):
        return f"{self.tier}: [{self.number}] {self.reference.key}"

    @property
    def backlinks(self):
        """(n, id) for each marker citing this reference: the ids number_citations gives."""
        return [(n, f"cite-{self.reference.key}-{n}") for n in range(1, self.uses + 1)]
