"""The map in the admin: nodes with their texts and arrows, arrows with their references."""

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db.models import Count

from apps.explorer.models import Edge, EdgeReference, Evidence, Node, NodeText, Walk, WalkStep

from ..forms import LinesField, TierFormSet, WholeTitleMixin
from .base import EditorialAdmin, PageAdmin, ReviewFilter, TierInline
from .changes import CHANGE_NOTE_FIELDSET, ChangeNoteForm, RecordsChangesMixin


class NodeTextInline(TierInline):
    model = NodeText
    verbose_name_plural = "What it is, at each reading depth"
    # One tab per tier with JavaScript (stacked without), each graded against its own aim.
    template = "editors/tier_tabs.html"
    formset = TierFormSet


class ArrowInline(admin.StackedInline):
    model = Edge
    extra = 0
    show_change_link = True
    autocomplete_fields = ["source", "target"]
    classes = ["collapse"]


class OutgoingArrowInline(ArrowInline):
    fk_name = "source"
    fields = [("target", "effect"), ("grade", "evidence", "timing"), "mechanism", "caveat"]
    verbose_name = "arrow out of this node"
    verbose_name_plural = (
        "Arrows out: what this node changes (open an arrow to edit its references)"
    )


class IncomingArrowInline(ArrowInline):
    fk_name = "target"
    fields = [("source", "effect"), ("grade", "evidence", "timing"), "mechanism", "caveat"]
    verbose_name = "arrow into this node"
    verbose_name_plural = "Arrows in: what changes this node"


class NodeForm(ChangeNoteForm):
    title_field = "name"
    texts_prefix = "texts"

    aliases = LinesField(
        help_text="One per line: other names readers may search for, such as PPARGC1A or PGC-1a."
    )

    class Meta:
        model = Node
        fields = [
            "name", "slug", "kind", "label", "aliases", "hgnc", "uniprot", "status",
            "last_reviewed", "next_review",
        ]  # fmt: skip

    def clean(self):
        """The loader's rule, here too: a name or alias may lead to only one node."""
        cleaned_data = super().clean()
        taken = {}
        for other in Node.objects.exclude(pk=self.instance.pk).only("slug", "name", "aliases"):
            for word in [other.slug, other.name, *other.aliases]:
                taken.setdefault(word.lower(), other)
        name = cleaned_data.get("name") or ""
        if name.lower() in taken:
            self.add_error("name", f"“{name}” already names another node: {taken[name.lower()]}.")
        clashes = [
            f"“{alias}” already names another node: {taken[alias.lower()]}."
            for alias in cleaned_data.get("aliases") or []
            if alias.lower() in taken
        ]
        if clashes:
            self.add_error("aliases", ValidationError(clashes))
        return cleaned_data


@admin.register(Node)
class NodeAdmin(RecordsChangesMixin, WholeTitleMixin, PageAdmin):
    form = NodeForm
    title_field = "name"
    list_display = ["name", "kind", "status", "arrows", "next_review"]
    list_filter = ["kind", "status", ReviewFilter]
    search_fields = ["name", "slug", "aliases", "label"]
    prepopulated_fields = {"slug": ["name"]}
    fieldsets = [
        (None, {"fields": ["name", "slug", "kind", "label", "aliases"]}),
        (
            "Gene and protein (only for a node that is one human gene)",
            {"fields": ["hgnc", "uniprot"]},
        ),
        ("Publishing and review", {"fields": ["status", "last_reviewed", "next_review"]}),
        CHANGE_NOTE_FIELDSET,
    ]
    inlines = [NodeTextInline, OutgoingArrowInline, IncomingArrowInline]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                arrow_count=Count("outgoing", distinct=True) + Count("incoming", distinct=True)
            )
        )

    @admin.display(description="arrows", ordering="arrow_count")
    def arrows(self, node):
        return node.arrow_count


class HumanEvidenceFilter(admin.SimpleListFilter):
    title = "human evidence"
    parameter_name = "human"

    def lookups(self, request, model_admin):
        return [
            ("yes", "Rests on human studies"),
            ("no", "No human study (animal or cell data only)"),
        ]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(evidence=Evidence.HUMAN)
        if self.value() == "no":
            return queryset.exclude(evidence=Evidence.HUMAN)
        return queryset


class ReferencedFilter(admin.SimpleListFilter):
    title = "references"
    parameter_name = "referenced"

    def lookups(self, request, model_admin):
        return [("no", "No reference yet"), ("yes", "At least one reference")]

    def queryset(self, request, queryset):
        if self.value() == "no":
            return queryset.filter(reference_count=0)
        if self.value() == "yes":
            return queryset.filter(reference_count__gt=0)
        return queryset


class EdgeReferenceForm(forms.ModelForm):
    position = forms.IntegerField(
        required=False, min_value=0, help_text="Leave empty to add it at the end."
    )

    class Meta:
        model = EdgeReference
        fields = ["reference", "position"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The key first: static/js/editor.js names the move buttons after it.
        self.fields["reference"].label_from_instance = lambda ref: f"{ref.key}: {ref}"

    def clean_position(self):
        # An empty place sorts after every other; save_related then numbers them 0, 1, 2…
        position = self.cleaned_data["position"]
        return 10_000 if position is None else position


class EdgeReferenceInline(admin.StackedInline):
    model = EdgeReference
    form = EdgeReferenceForm
    extra = 0
    autocomplete_fields = ["reference"]
    fields = ["reference", "position"]
    verbose_name_plural = "References (listed in this order)"
    # static/js/editor.js gives each row move up/down buttons and fills in the positions.
    classes = ["reorder-rows"]


@admin.register(Edge)
class EdgeAdmin(EditorialAdmin):
    list_display = ["arrow", "grade", "evidence", "reference_total", "brief_id", "section"]
    list_filter = [
        "grade",
        HumanEvidenceFilter,
        "evidence",
        "effect",
        "timing",
        ReferencedFilter,
        ("source__kind", admin.ChoicesFieldListFilter),
        ("target__kind", admin.ChoicesFieldListFilter),
        "section",
    ]
    list_select_related = ["source", "target"]
    search_fields = [
        "source__name",
        "source__slug",
        "source__aliases",
        "target__name",
        "target__slug",
        "target__aliases",
        "mechanism",
        "brief_id",
    ]
    autocomplete_fields = ["source", "target"]
    fieldsets = [
        (None, {"fields": [("source", "effect", "target"), "mechanism", "caveat"]}),
        ("Evidence", {"fields": [("grade", "evidence", "timing"), "shown_with"]}),
        ("Filing", {"fields": [("brief_id", "section")]}),
    ]
    inlines = [EdgeReferenceInline]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(reference_count=Count("cited"))

    @admin.display(description="arrow", ordering="position")
    def arrow(self, edge):
        return f"{edge.source} {edge.effect_symbol} {edge.target}"

    @admin.display(description="references", ordering="reference_count")
    def reference_total(self, edge):
        return edge.reference_count

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        # Keep the order the editor gave, numbered without gaps, as the file stores it.
        for position, use in enumerate(form.instance.cited.order_by("position", "pk")):
            if use.position != position:
                use.position = position
                use.save(update_fields=["position"])


class WalkStepInline(admin.StackedInline):
    model = WalkStep
    extra = 0
    min_num = 1
    autocomplete_fields = ["edge"]
    fields = ["edge", "fundamentals", "intermediate", "academic", "position"]
    verbose_name = "step"
    verbose_name_plural = "Steps (each an arrow of the map, walked in this order)"
    # static/js/editor.js gives each row move up/down buttons and fills in the positions.
    classes = ["reorder-rows"]


@admin.register(Walk)
class WalkAdmin(PageAdmin):
    list_display = ["title", "status", "step_count", "next_review"]
    list_filter = ["status", ReviewFilter]
    search_fields = ["title", "slug", "summary"]
    prepopulated_fields = {"slug": ["title"]}
    fieldsets = [
        (None, {"fields": ["title", "slug", "summary"]}),
        ("Publishing and review", {"fields": ["status", "last_reviewed", "next_review"]}),
    ]
    inlines = [WalkStepInline]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(step_total=Count("steps"))

    @admin.display(description="steps", ordering="step_total")
    def step_count(self, walk):
        return walk.step_total
