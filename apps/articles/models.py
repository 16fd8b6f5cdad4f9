import reversion
from django.db import models
from django.urls import reverse

from apps.core.models import Editorial, EditorialQuerySet, MarkdownBody, Reference, Tier
from apps.explorer.models import Node


class ArticleQuerySet(EditorialQuerySet):
    def with_tiers(self):
        return self.prefetch_related(
            models.Prefetch("tiers", queryset=ArticleTier.objects.order_by("position"))
        )

    def linking_to(self, node, user):
        """The articles `user` may read that link to `node` with [[slug]]."""
        return self.visible_to(user).filter(tiers__linked_nodes=node).distinct()


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

    def set_node_links(self, slugs):
        wanted = set(Node.objects.filter(slug__in=slugs).values_list("pk", flat=True))
        if set(self.linked_nodes.values_list("pk", flat=True)) != wanted:
            self.linked_nodes.set(wanted)


class Citation(models.Model):
    tier = models.ForeignKey(ArticleTier, on_delete=models.CASCADE, related_name="citations")
    reference = models.ForeignKey(Reference, on_delete=models.PROTECT, related_name="citations")
    number = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ["tier", "number"]
        constraints = [
            models.UniqueConstraint(fields=["tier", "reference"], name="cite_reference_once"),
            models.UniqueConstraint(fields=["tier", "number"], name="one_reference_per_number"),
        ]

    def __str__(self):
        return f"{self.tier}: [{self.number}] {self.reference.key}"
