from urllib.parse import quote_plus

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.urls import reverse

from .rendering import find_line, render_markdown


class Tier(models.TextChoices):
    FUNDAMENTALS = "fundamentals", "Fundamentals"
    INTERMEDIATE = "intermediate", "Intermediate"
    ACADEMIC = "academic", "Academic"

    @property
    def blurb(self):
        return TIER_BLURBS[self]


TIER_BLURBS = {
    Tier.FUNDAMENTALS: "Plain language. Every term is explained; no background needed.",
    Tier.INTERMEDIATE: "Named hormones, pathways and training protocols, with key sources.",
    Tier.ACADEMIC: "Mechanisms, how strong the evidence is, and a citation for each claim.",
}
DEFAULT_TIER = Tier.FUNDAMENTALS


def as_sentence(text):
    """End with one full stop ("et al." and titles ending in ? or . keep their own)."""
    return text if text.endswith((".", "?", "!")) else f"{text}."


class Reference(models.Model):
    key = models.SlugField(max_length=64, unique=True, help_text="Cited in Markdown as [@key].")
    authors = models.JSONField(default=list, help_text='A list such as ["Pedersen BK"].')
    year = models.PositiveSmallIntegerField()
    title = models.CharField(max_length=500)
    journal = models.CharField(max_length=200)
    volume = models.CharField(max_length=20, blank=True)
    issue = models.CharField(max_length=20, blank=True)
    pages = models.CharField(max_length=40, blank=True)
    doi = models.CharField("DOI", max_length=200, blank=True)
    pmid = models.PositiveIntegerField("PMID", null=True, blank=True)
    pmcid = models.CharField("PMCID", max_length=20, blank=True)

    class Meta:
        ordering = ["key"]

    def __str__(self):
        return f"{self.first_author} {self.year}: {self.title}"

    @property
    def first_author(self):
        return self.authors[0].split()[0] if self.authors else ""

    @property
    def author_list(self):
        return as_sentence(", ".join(self.authors))

    @property
    def title_sentence(self):
        return as_sentence(self.title)

    @property
    def source(self):
        """Journal, volume(issue):pages, in the usual Vancouver order."""
        text = self.journal
        if self.volume:
            text += f" {self.volume}"
            if self.issue:
                text += f"({self.issue})"
        if self.pages:
            text += f":{self.pages}" if self.volume else f", {self.pages}"
        return text

    @property
    def doi_url(self):
        return f"https://doi.org/{self.doi}" if self.doi else ""

    @property
    def pubmed_url(self):
        if self.pmid:
            return f"https://pubmed.ncbi.nlm.nih.gov/{self.pmid}/"
        # PubMed goes straight to the record when a search matches one DOI.
        return f"https://pubmed.ncbi.nlm.nih.gov/?term={quote_plus(self.doi or self.title)}"

    @property
    def pmc_url(self):
        return f"https://pmc.ncbi.nlm.nih.gov/articles/{self.pmcid}/" if self.pmcid else ""


class ArticleQuerySet(models.QuerySet):
    def with_tiers(self):
        return self.prefetch_related(
            models.Prefetch("tiers", queryset=ArticleTier.objects.order_by("position"))
        )


class Article(models.Model):
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


def node_names():
    """slug -> name for every node of the mechanism explorer (what a bare [[slug]] shows)."""
    from django.apps import apps

    return apps.get_model("explorer", "Node").objects.names()


class MarkdownBody(models.Model):
    """A Markdown text with its stored, sanitised HTML and its numbered citations.

    The HTML is rendered here, on save, never per request. A subclass names the model that
    holds its citations (with a `number`, a `reference` and a foreign key back to the text).
    """

    body_markdown = models.TextField("body (Markdown)")
    body_html = models.TextField(editable=False)

    class Meta:
        abstract = True

    @transaction.atomic
    def save(self, *args, node_names_by_slug=None, **kwargs):
        rendered = self.render(node_names_by_slug)
        super().save(*args, **kwargs)
        self.set_citations(rendered.citation_keys)
        self.set_node_links(rendered.node_slugs)

    def render(self, node_names_by_slug=None):
        if node_names_by_slug is None:
            node_names_by_slug = node_names()
        rendered = render_markdown(self.body_markdown, node_names_by_slug)
        self.body_html = rendered.html
        return rendered

    def set_node_links(self, slugs):
        """Texts that record which nodes they link to override this."""

    def problems(self, rendered):
        """Plain-words problems with the text: unknown citation keys and node slugs."""
        cited = rendered.citation_keys
        known_keys = set(Reference.objects.filter(key__in=cited).values_list("key", flat=True))
        known_slugs = set(node_names())
        problems = [
            f"Line {find_line(self.body_markdown, f'@{key}')}: no reference has the key “{key}”."
            for key in cited
            if key not in known_keys
        ]
        problems += [
            f"Line {find_line(self.body_markdown, f'[[{slug}')}: no node of the map has the "
            f"slug “{slug}”."
            for slug in dict.fromkeys(rendered.node_slugs)
            if slug not in known_slugs
        ]
        return problems

    def clean(self):
        problems = self.problems(render_markdown(self.body_markdown))
        if problems:
            raise ValidationError({"body_markdown": problems})

    def set_citations(self, cited_keys):
        current = list(self.citations.order_by("number").values_list("reference__key", flat=True))
        if current == cited_keys:
            return
        references = Reference.objects.in_bulk(cited_keys, field_name="key")
        self.citations.all().delete()
        owner = self.citations.field.name
        self.citations.model.objects.bulk_create(
            self.citations.model(**{owner: self}, reference=references[key], number=number)
            for number, key in enumerate(cited_keys, start=1)
        )


TIER_POSITIONS = {tier: position for position, tier in enumerate(Tier)}


class ArticleTier(MarkdownBody):
    """One article told at one depth."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="tiers")
    tier = models.CharField(max_length=20, choices=Tier.choices)
    position = models.PositiveSmallIntegerField(editable=False)
    toc_html = models.TextField(editable=False, blank=True)
    reading_minutes = models.PositiveSmallIntegerField(editable=False)
    references = models.ManyToManyField(Reference, through="Citation", related_name="tiers")
    linked_nodes = models.ManyToManyField(
        "explorer.Node", related_name="article_tiers", blank=True, editable=False
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

    def render(self, node_names_by_slug=None):
        rendered = super().render(node_names_by_slug)
        self.toc_html = rendered.toc_html
        self.reading_minutes = rendered.reading_minutes
        self.position = TIER_POSITIONS[Tier(self.tier)]
        return rendered

    def set_node_links(self, slugs):
        from django.apps import apps

        Node = apps.get_model("explorer", "Node")
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
        return f"[{self.number}] {self.reference.key}"
