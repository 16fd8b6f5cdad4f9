from django import forms
from django.contrib import admin
from django.db.models import Count

from apps.editors.admin import EditorialAdmin, EditorialInline, ReviewFilter
from apps.editors.forms import LinesField

from .models import Article, ArticleTier, Reference, Tier


class ArticleTierInline(EditorialInline):
    model = ArticleTier
    fields = ["tier", "body_markdown"]
    max_num = len(Tier)
    can_delete = False
    verbose_name = "reading depth"
    verbose_name_plural = "Reading depths: the article written three times"

    def get_extra(self, request, obj=None, **kwargs):
        return len(Tier) - (obj.tiers.count() if obj else 0)


@admin.register(Article)
class ArticleAdmin(EditorialAdmin):
    list_display = ["title", "status", "last_reviewed", "next_review"]
    list_filter = ["status", ReviewFilter]
    search_fields = ["title", "slug", "summary", "tiers__body_markdown"]
    prepopulated_fields = {"slug": ["title"]}
    fieldsets = [
        (None, {"fields": ["title", "slug", "summary"]}),
        ("Publishing and review", {"fields": ["status", "last_reviewed", "next_review"]}),
    ]
    inlines = [ArticleTierInline]

    def get_readonly_fields(self, request, obj=None):
        # The slug is the article's address and its file name in content/: fixed once made.
        return ["slug"] if obj else []

    def get_prepopulated_fields(self, request, obj=None):
        return {} if obj else self.prepopulated_fields

    def get_formset_kwargs(self, request, obj, inline, prefix):
        kwargs = super().get_formset_kwargs(request, obj, inline, prefix)
        if isinstance(inline, ArticleTierInline):
            written = set(obj.tiers.values_list("tier", flat=True)) if obj.pk else set()
            kwargs["initial"] = [{"tier": tier} for tier in Tier if tier not in written]
        return kwargs


class ReferenceForm(forms.ModelForm):
    authors = LinesField(required=True, help_text="One author per line, e.g. Pedersen BK.")

    class Meta:
        model = Reference
        fields = [
            "key", "authors", "year", "title", "journal", "volume", "issue", "pages",
            "doi", "pmid", "pmcid",
        ]  # fmt: skip


@admin.register(Reference)
class ReferenceAdmin(EditorialAdmin):
    form = ReferenceForm
    list_display = ["key", "first_author", "year", "title", "journal", "doi", "times_cited"]
    list_filter = ["year", "journal"]
    search_fields = ["key", "title", "journal", "doi", "authors"]
    fieldsets = [
        (None, {"fields": ["key", "authors", "year", "title"]}),
        ("Where it was published", {"fields": ["journal", "volume", "issue", "pages"]}),
        ("Identifiers", {"fields": ["doi", "pmid", "pmcid"]}),
    ]

    def get_readonly_fields(self, request, obj=None):
        # Texts cite the key ([@key]); renaming it would break every one of them.
        return ["key"] if obj else []

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                text_uses=Count("citations", distinct=True)
                + Count("node_citations", distinct=True),
                arrow_uses=Count("edge_uses", distinct=True),
            )
        )

    @admin.display(description="cited by")
    def times_cited(self, reference):
        return f"{reference.text_uses} texts, {reference.arrow_uses} arrows"
