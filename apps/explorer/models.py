import functools
import re
from collections import defaultdict
from dataclasses import dataclass, field

import reversion
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from apps.core.links import LinkTargets
from apps.core.models import (
    Editorial,
    EditorialQuerySet,
    GlossaryTerm,
    MarkdownBody,
    Reference,
    Tier,
    json_list_contains,
)
from apps.core.structured_data import LICENCE_URL, SITE_NAME, scholarly_article

from .graph import Graph, Layout


class Kind(models.TextChoices):
    MODALITY = "modality", "Exercise"
    SIGNAL = "signal", "Signal or pathway"
    MYOKINE = "myokine", "Myokine"
    HORMONE = "hormone", "Hormone"
    TISSUE = "tissue", "Tissue"
    OUTCOME = "outcome", "Outcome"


class Effect(models.TextChoices):
    INCREASES = "increases", "increases"
    ACTIVATES = "activates", "activates"
    DECREASES = "decreases", "decreases"
    INHIBITS = "inhibits", "inhibits"
    NO_EFFECT = "no-effect", "does not change"

    @property
    def symbol(self):
        return EFFECT_SYMBOLS[self]


EFFECT_SYMBOLS = {
    Effect.INCREASES: "↑",
    Effect.ACTIVATES: "↑",
    Effect.DECREASES: "↓",
    Effect.INHIBITS: "⊣",
    Effect.NO_EFFECT: "∅",
}


class Grade(models.TextChoices):
    """The science brief's evidence grades; later letters are weaker."""

    A = "A", "A: consistent human trials or meta-analyses"
    B = "B", "B: some human data"
    C = "C", "C: mainly animal or cell data"
    D = "D", "D: contested or speculative"

    @property
    def meaning(self):
        return self.label.split(": ", 1)[1]


class Evidence(models.TextChoices):
    HUMAN = "human", "human"
    ANIMAL = "animal", "animal"
    CELL = "cell", "cell"


class Timing(models.TextChoices):
    """When an arrow's effect is seen: exercise endocrinology turns on the difference."""

    ACUTE = "acute", "after one session (minutes to hours)"
    TRAINING = "training", "with training (weeks of regular exercise)"
    BOTH = "both", "both after one session and with training"

    @classmethod
    def shown_at(cls, choice):
        """The timings an arrow may have to be shown when a reader asks for `choice`."""
        return {cls.ACUTE: {cls.ACUTE, cls.BOTH}, cls.TRAINING: {cls.TRAINING, cls.BOTH}}[choice]


class NodeQuerySet(EditorialQuerySet):
    def names(self):
        return dict(self.values_list("slug", "name"))

    def matching(self, query):
        """Nodes whose name, slug or an alias contains every word of `query`.

        Names and slugs starting with the first word come first.
        """
        words = query.split()
        if not words:
            return self.none()
        found = self
        for word in words:
            found = found.filter(
                models.Q(name__icontains=word)
                | models.Q(slug__icontains=word)
                | json_list_contains("aliases", word)
            )
        starts = models.Case(
            models.When(
                models.Q(name__istartswith=words[0]) | models.Q(slug__istartswith=words[0]), then=0
            ),
            default=1,
            output_field=models.IntegerField(),
        )
        return found.annotate(starts=starts).order_by("starts", "name")


HGNC_ID = re.compile(r"^HGNC:[1-9][0-9]*$")
# UniProt's published pattern for an accession: six characters, or ten for newer ones.
UNIPROT_ACCESSION = re.compile(
    r"^([OPQ][0-9][A-Z0-9]{3}[0-9]|[A-NR-Z][0-9]([A-Z][A-Z0-9]{2}[0-9]){1,2})$"
)


def identifier_problem(name, value):
    """What is wrong with a node's `hgnc` or `uniprot` value, in words, or None. Shared by the
    admin and load_content, so nothing one accepts stops the other."""
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)  # a bare number in YAML: say what it should look like
    if not isinstance(value, str):
        return f"{name} must be text"
    if name == "hgnc" and value and not HGNC_ID.match(value):
        return f"hgnc “{value}” must look like HGNC:9237 (HGNC: and the number, no spaces)"
    if name == "uniprot" and value and not UNIPROT_ACCESSION.match(value):
        return f"uniprot “{value}” is not a UniProt accession such as Q9UBK2 (capital letters)"
    return None


def validate_hgnc_id(value):
    if problem := identifier_problem("hgnc", value):
        raise ValidationError(problem[0].upper() + problem[1:] + ".")


def validate_uniprot_accession(value):
    if problem := identifier_problem("uniprot", value):
        raise ValidationError(problem[0].upper() + problem[1:] + ".")


@functools.lru_cache(maxsize=4096)
def node_url(slug):
    """A node's page. An explorer page links to every node, often more than once, and reverse()
    is slow next to the rest of drawing a link; a slug's URL never changes while the site runs."""
    return reverse("explorer:node", args=[slug])


class NodeWords:
    """How a node is named and linked: the same for the model and the map's record of it."""

    @property
    def hgnc_url(self):
        if self.hgnc:
            return f"https://www.genenames.org/data/gene-symbol-report/#!/hgnc_id/{self.hgnc}"
        return ""

    @property
    def uniprot_url(self):
        return f"https://www.uniprot.org/uniprotkb/{self.uniprot}/entry" if self.uniprot else ""

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return node_url(self.slug)

    @property
    def diagram_label(self):
        return self.label or self.name

    @property
    def kind_label(self):
        return Kind(self.kind).label


class ArrowWords:
    """What an arrow's coded values say in words: the same for the model and the map's record."""

    @property
    def grade_meaning(self):
        return Grade(self.grade).meaning

    @property
    def timing_label(self):
        return Timing(self.timing).label if self.timing else "time course not recorded"

    @property
    def effect_symbol(self):
        return Effect(self.effect).symbol


class MapRecord:
    """A row of the map read as plain values. An explorer page reads every node and arrow,
    and building a model instance for each costs more than the rest of the page on a large
    map; the map only needs their values, and a page that changes a node loads the model."""

    __slots__ = ()
    fields = ()

    def __init__(self, *values):
        for name, value in zip(self.fields, values, strict=True):
            setattr(self, name, value)

    def __eq__(self, other):
        return type(other) is type(self) and other.pk == self.pk

    def __hash__(self):
        return hash((type(self), self.pk))


class MapNode(NodeWords, MapRecord):
    fields = __slots__ = ("pk", "slug", "name", "label", "kind", "aliases")


class MapEdge(ArrowWords, MapRecord):
    fields = __slots__ = (
        "pk", "source_id", "target_id", "effect", "grade", "evidence", "timing", "shown_with",
        "mechanism", "caveat",
    )  # fmt: skip

    def get_effect_display(self):
        return Effect(self.effect).label


@reversion.register(follow=["texts"])
class Node(NodeWords, Editorial):
    """A place on the map: an exercise, a signal, a messenger, a tissue or an outcome."""

    slug = models.SlugField(unique=True)
    name = models.CharField(max_length=80)
    label = models.CharField(
        max_length=40, blank=True, help_text="Shorter name for the diagram, if the name is long."
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)
    aliases = models.JSONField(
        default=list, blank=True, help_text='Other names readers may search for, e.g. ["PGC-1a"].'
    )
    # Only for a node that is one human gene and its protein: the node page links out to them.
    hgnc = models.CharField(
        "HGNC ID",
        max_length=16,
        blank=True,
        validators=[validate_hgnc_id],
        help_text="The gene's HGNC ID, such as HGNC:9237. Leave empty unless the node is one gene.",
    )
    uniprot = models.CharField(
        "UniProt accession",
        max_length=10,
        blank=True,
        validators=[validate_uniprot_accession],
        help_text="The human protein's UniProt accession, such as Q9UBK2. Leave empty unless the "
        "node is one protein.",
    )

    objects = NodeQuerySet.as_manager()

    class Meta:
        ordering = ["name"]

    def structured_data(self, page_url, site_url, panel):
        """The node's page as schema.org JSON-LD: a MedicalWebPage about the node, citing what
        its panel cites; a gene or protein names its HGNC and UniProt records."""
        about = {"@type": "Thing", "name": self.name, "description": self.get_kind_display()}
        if self.aliases:
            about["alternateName"] = list(self.aliases)
        same_as = [url for url in (self.hgnc_url, self.uniprot_url) if url]
        if same_as:
            about["sameAs"] = same_as
        data = {
            "@context": "https://schema.org",
            "@type": "MedicalWebPage",
            "url": page_url,
            "name": f"{self.name} · Mechanism explorer",
            "inLanguage": "en",
            "about": about,
            "license": LICENCE_URL,
            "isPartOf": {"@type": "WebSite", "name": SITE_NAME, "url": site_url},
        }
        if self.last_reviewed:
            data["lastReviewed"] = data["dateModified"] = self.last_reviewed.isoformat()
        if panel.references:
            data["citation"] = [scholarly_article(reference) for _n, reference in panel.references]
        return data

    def panel(self, graph, tier, user):
        """Everything the node's panel shows at one tier, in a fixed number of queries.

        The panel has one numbered reference list: the text's citations keep their numbers and
        each arrow's sources follow, numbered in the order the arrows are listed.
        """
        text = self.texts.filter(tier=tier).first()
        citations = list(text.citations.select_related("reference")) if text else []
        for citation in citations:  # the list links back to the text's markers (only)
            citation.reference.backlinks = citation.backlinks
        references = [(citation.number, citation.reference) for citation in citations]
        numbers = {reference.pk: number for number, reference in references}

        incoming, outgoing = graph.incoming[self.pk], graph.outgoing[self.pk]
        uses = defaultdict(list)
        for use in EdgeReference.objects.filter(
            edge__in=[edge.pk for edge in [*incoming, *outgoing]]
        ).select_related("reference"):
            uses[use.edge_id].append(use.reference)

        def arrows(edges):
            listed = []
            for edge in edges:
                cited = []
                for reference in uses[edge.pk]:
                    if reference.pk not in numbers:
                        numbers[reference.pk] = len(numbers) + 1
                        references.append((numbers[reference.pk], reference))
                    cited.append((numbers[reference.pk], reference))
                listed.append(
                    Arrow(
                        edge=edge,
                        source=graph.by_id[edge.source_id],
                        target=graph.by_id[edge.target_id],
                        references=cited,
                        shown_with=[
                            graph.by_slug[slug].name
                            for slug in edge.shown_with
                            if slug in graph.by_slug
                        ],
                    )
                )
            return listed

        return Panel(
            text=text,
            incoming=arrows(incoming),
            outgoing=arrows(outgoing),
            references=references,
            articles=[article for find in LINKING_ARTICLE_FINDERS for article in find(self, user)],
        )


# The articles that link to a node, for its panel. The articles app adds its finder when the
# site starts (apps/articles/apps.py): articles link into the map, so the map must not import
# them. Each finder takes (node, user) and returns the articles that user may read.
LINKING_ARTICLE_FINDERS = []


class NodeLinks(LinkTargets):
    """[[slug]] links in any text point to the nodes of the map (registered in apps.py)."""

    def names(self):
        return Node.objects.names()

    def statuses(self, slugs):
        return dict(Node.objects.filter(slug__in=slugs).values_list("slug", "status"))

    def url(self, slug):
        try:
            return reverse("explorer:node", args=[slug])
        except NoReverseMatch:
            return None


@dataclass
class Arrow:
    edge: "Edge"
    source: Node
    target: Node
    references: list = field(default_factory=list)  # (number, Reference)
    shown_with: list = field(default_factory=list)  # names of the kinds of exercise, if only some


@dataclass
class Panel:
    text: "NodeText | None"
    incoming: list[Arrow]
    outgoing: list[Arrow]
    references: list  # (number, Reference), in number order
    articles: list


@reversion.register()
class NodeText(MarkdownBody):
    """What one node is, told at one depth."""

    node = models.ForeignKey(Node, on_delete=models.CASCADE, related_name="texts")
    tier = models.CharField(max_length=20, choices=Tier.choices)
    references = models.ManyToManyField(
        Reference, through="NodeCitation", related_name="node_texts"
    )

    class Meta:
        ordering = ["node", "tier"]
        constraints = [
            models.UniqueConstraint(fields=["node", "tier"], name="one_node_text_per_tier"),
        ]

    def __str__(self):
        return f"{self.node} ({self.get_tier_display()})"


class NodeCitation(models.Model):
    text = models.ForeignKey(NodeText, on_delete=models.CASCADE, related_name="citations")
    reference = models.ForeignKey(
        Reference, on_delete=models.PROTECT, related_name="node_citations"
    )
    number = models.PositiveSmallIntegerField()
    # How many markers in the text cite it: the reference list links back to each of them.
    uses = models.PositiveSmallIntegerField(default=1, editable=False)

    class Meta:
        ordering = ["text", "number"]
        constraints = [
            models.UniqueConstraint(fields=["text", "reference"], name="node_cites_once"),
            models.UniqueConstraint(fields=["text", "number"], name="node_number_once"),
        ]

    def __str__(self):
        return f"{self.text}: [{self.number}] {self.reference.key}"

    @property
    def backlinks(self):
        """(n, id) for each marker citing this reference: the ids number_citations gives."""
        return [(n, f"cite-{self.reference.key}-{n}") for n in range(1, self.uses + 1)]


class EdgeQuerySet(models.QuerySet):
    def graph(self, nodes=None):
        """The map as a Graph of MapNode and MapEdge records, two queries whatever its size.

        Given `nodes` (a queryset, such as the nodes a reader may see), only they and the arrows
        between them are drawn.
        """
        nodes = Node.objects.all() if nodes is None else nodes
        nodes = [MapNode(*row) for row in nodes.values_list(*MapNode.fields)]
        ids = {node.pk for node in nodes}
        # Kept in Python: on SQLite, "source and target among these nodes" as two subqueries
        # costs more than reading the few arrows that touch a draft.
        edges = [
            MapEdge(*row)
            for row in self.order_by("position").values_list(*MapEdge.fields)
            if row[1] in ids and row[2] in ids
        ]
        return Graph(nodes, edges)

    def for_review(self):
        """Arrows an editor should look at again: graded D, or resting on no reference."""
        return (
            self.annotate(reference_count=models.Count("cited"))
            .filter(models.Q(grade=Grade.D) | models.Q(reference_count=0))
            .select_related("source", "target")
        )


@reversion.register(follow=["cited"])
class Edge(ArrowWords, models.Model):
    """An arrow of the map: what one node does to another, how we know, and how well."""

    source = models.ForeignKey(Node, on_delete=models.CASCADE, related_name="outgoing")
    target = models.ForeignKey(Node, on_delete=models.CASCADE, related_name="incoming")
    effect = models.CharField(max_length=20, choices=Effect.choices)
    grade = models.CharField(max_length=1, choices=Grade.choices)
    evidence = models.CharField("kind of evidence", max_length=10, choices=Evidence.choices)
    timing = models.CharField(
        "time course",
        max_length=10,
        choices=Timing.choices,
        help_text="When the effect is seen. Where the sources leave it unclear, say so in the "
        "caveat.",
    )
    shown_with = models.JSONField(
        "shown only with",
        default=list,
        blank=True,
        help_text="Only when the evidence comes from some kinds of exercise: their slugs, e.g. "
        '["endurance-training"]. A chain from another kind of exercise through this arrow is '
        "untested, and counts as grade D.",
    )
    mechanism = models.TextField(help_text="One sentence: how the source changes the target.")
    caveat = models.TextField(blank=True)
    brief_id = models.CharField(
        "brief row", max_length=5, blank=True, help_text="E1 to E29 in the science brief."
    )
    section = models.CharField(
        max_length=120,
        blank=True,
        help_text="The heading this arrow is filed under in content/explorer/edges.yaml.",
    )
    position = models.PositiveIntegerField(default=0, editable=False)
    references = models.ManyToManyField(Reference, through="EdgeReference", related_name="edges")

    objects = EdgeQuerySet.as_manager()

    class Meta:
        ordering = ["position"]
        constraints = [
            models.UniqueConstraint(fields=["source", "target"], name="one_edge_per_pair"),
            models.CheckConstraint(
                condition=~models.Q(source=models.F("target")), name="edge_not_a_loop"
            ),
        ]

    def __str__(self):
        return f"{self.source} {self.get_effect_display()} {self.target}"

    def save(self, *args, **kwargs):
        # One line each, as edges.yaml stores them.
        self.mechanism, self.caveat = (
            " ".join(text.split()) for text in (self.mechanism, self.caveat)
        )
        if self._state.adding and not self.position:
            last = Edge.objects.aggregate(last=models.Max("position"))["last"]
            self.position = 0 if last is None else last + 1
        super().save(*args, **kwargs)

    def clean(self):
        """The two ways an arrow can break the map, reported on the field that causes them."""
        if self.source_id is None or self.target_id is None:
            return
        if self.source_id == self.target_id:
            raise ValidationError(
                {"target": f"An arrow cannot start and end at the same node ({self.source})."}
            )
        if not isinstance(self.shown_with, list):
            raise ValidationError({"shown_with": "Give a list of kinds of exercise, or []."})
        modalities = set(Node.objects.filter(kind=Kind.MODALITY).values_list("slug", flat=True))
        unknown = [slug for slug in self.shown_with if slug not in modalities]
        if unknown:
            raise ValidationError(
                {
                    "shown_with": f"“{unknown[0]}” is not a kind of exercise on the map. "
                    f"Use one of: {', '.join(sorted(modalities))}."
                }
            )
        twin = Edge.objects.filter(source_id=self.source_id, target_id=self.target_id)
        if twin.exclude(pk=self.pk).exists():
            raise ValidationError(
                {
                    "target": f"There is already an arrow from {self.source} to {self.target}. "
                    "Edit that arrow instead of adding a second one."
                }
            )

    def validate_constraints(self, exclude=None):
        # clean() already reports both constraints, in plain words and on the target field.
        super().validate_constraints(exclude={*(exclude or ()), "source", "target"})


@reversion.register()
class EdgeReference(models.Model):
    edge = models.ForeignKey(Edge, on_delete=models.CASCADE, related_name="cited")
    reference = models.ForeignKey(Reference, on_delete=models.PROTECT, related_name="edge_uses")
    position = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ["edge", "position"]
        constraints = [
            models.UniqueConstraint(fields=["edge", "reference"], name="edge_cites_once"),
        ]

    def __str__(self):
        return f"{self.edge}: {self.reference.key}"


@reversion.register(follow=["steps"])
class Walk(Editorial):
    """A guided walk: a short route through the map, one arrow at a time, told at each depth."""

    slug = models.SlugField(unique=True)
    title = models.CharField(max_length=80)
    summary = models.TextField(max_length=300)

    objects = EditorialQuerySet.as_manager()

    class Meta:
        ordering = ["title"]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("explorer:walk", args=[self.slug])


@reversion.register()
class WalkStep(models.Model):
    """One step of a walk: an arrow of the map, with a sentence or two at each depth."""

    walk = models.ForeignKey(Walk, on_delete=models.CASCADE, related_name="steps")
    position = models.PositiveSmallIntegerField()
    # An arrow a walk uses cannot be deleted until the walk stops using it.
    edge = models.ForeignKey(Edge, on_delete=models.PROTECT, related_name="walk_steps")
    fundamentals = models.TextField()
    intermediate = models.TextField()
    academic = models.TextField()

    class Meta:
        ordering = ["walk", "position"]
        constraints = [
            models.UniqueConstraint(fields=["walk", "position"], name="one_step_per_position"),
        ]

    def __str__(self):
        return f"{self.walk}: step {self.position + 1}"

    def save(self, *args, **kwargs):
        # One line each, as the walk's file stores them.
        for tier in Tier:
            setattr(self, tier.value, " ".join(getattr(self, tier.value).split()))
        super().save(*args, **kwargs)

    def text(self, tier):
        return getattr(self, Tier(tier).value)


class DiagramLayout(models.Model):
    """Where the diagram puts every box and arrow, for one shape of the graph.

    Laying the map out (Graphviz's dot: ordering layers to keep crossings few, routing arrows)
    and finding the comparison's routes cost far more than drawing the page, so they are worked
    out when the graph changes, once the change is committed, and stored; pages only read them,
    and highlighting and filtering reuse them.
    """

    digest = models.CharField(max_length=64, unique=True, help_text="Graph.shape_digest()")
    data = models.JSONField(help_text="Layout.as_data()")
    computed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "diagram layout"

    def __str__(self):
        return f"Layout {self.digest[:12]} ({self.computed_at:%Y-%m-%d %H:%M})"

    @classmethod
    def for_graph(cls, graph, focus=None):
        """The stored layout of `graph`; given a kind of exercise as `focus`, the compact one of
        the part of the map it reaches, so a filtered map has no gaps where the rest was."""
        data = cls.data_for(graph)
        if focus is not None:
            return Layout.from_data(graph.reached_by(focus), data["focus"][str(focus.pk)])
        return Layout.from_data(graph, data)

    @classmethod
    def data_for(cls, graph):
        """What is stored for `graph`. What a change made outside the site's own saves left
        unlaid (a script's bulk update, say) is worked out once, here, and kept."""
        digest = graph.shape_digest()
        try:
            return stored_layout(digest)
        except cls.DoesNotExist:
            data = cls.work_out(graph)
            cls.objects.get_or_create(digest=digest, defaults={"data": data})
            return data

    @staticmethod
    def work_out(graph):
        """The layout; one for the part of the map each kind of exercise reaches (the modality
        filter shows it); and the comparison's routes at each time course a reader can choose."""
        data = graph.layout().as_data()
        data["focus"] = {
            str(modality.pk): graph.reached_by(modality).layout().as_data()
            for modality in graph.of_kind(Kind.MODALITY)
        }
        data["comparison"] = {
            "any": graph.comparison(),
            **{
                choice.value: graph.limited_to(Timing.shown_at(choice)).comparison()
                for choice in (Timing.ACUTE, Timing.TRAINING)
            },
        }
        return data


@functools.lru_cache(maxsize=8)
def stored_layout(digest):
    """A stored layout's data. Kept in memory once read: a digest names one shape of the graph,
    so what it names never changes. (A miss raises, and lru_cache keeps no exceptions.)"""
    data = DiagramLayout.objects.filter(digest=digest).values_list("data", flat=True).first()
    if data is None:
        raise DiagramLayout.DoesNotExist(digest)
    return data


def lay_out_the_map():
    """Store the layouts of the map as readers see it (published nodes) and as editors see it
    (drafts too), and forget the others."""
    digests = []
    for nodes in (Node.objects.published(), Node.objects.all()):
        graph = Edge.objects.graph(nodes)
        digest = graph.shape_digest()
        if digest not in digests and not DiagramLayout.objects.filter(digest=digest).exists():
            DiagramLayout.objects.create(digest=digest, data=DiagramLayout.work_out(graph))
        digests.append(digest)
    DiagramLayout.objects.exclude(digest__in=digests).delete()


@receiver([post_save, post_delete], sender=Node, dispatch_uid="lay-out-after-node-change")
@receiver([post_save, post_delete], sender=Edge, dispatch_uid="lay-out-after-edge-change")
def lay_out_after_commit(**kwargs):
    """Lay the map out again once the change that touched it is committed: once per
    transaction, however many nodes and arrows a load or a restore writes."""
    connection = transaction.get_connection()
    if not any(entry[1] is lay_out_the_map for entry in connection.run_on_commit):
        transaction.on_commit(lay_out_the_map)


@receiver(post_delete, sender=Node, dispatch_uid="glossary-forgets-deleted-node")
def glossary_forgets_deleted_node(sender, instance, **kwargs):
    """A glossary term names its node by slug (the foundation holds no key into the map): the
    terms of a deleted node stop linking to it, so the exported glossary still loads."""
    GlossaryTerm.objects.filter(node=instance.slug).update(node="")
