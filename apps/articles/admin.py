from django import forms
from django.contrib import admin
from django.db.models import Count

from apps.editors.admin import EditorialAdmin, PageAdmin, ReviewFilter, TierInline
from apps.editors.forms import LinesField

from .models import Article, ArticleTier, Reference


class ArticleTierInline(TierInline):
    model = ArticleTier
    verbose_name_plural = "Reading depths: the article written three times"


@admin.register(Article)
class ArticleAdmin(PageAdmin):
    list_display = ["title", "status", "last_reviewed", "next_review"]
    list_filter = ["status", ReviewFilter]
    search_fields = ["title", "slug", "summary", "tiers__body_markdown"]
    prepopulated_fields = {"slug": ["title"]}
    fieldsets = [
        (None, {"fields": ["title", "slug", "summary"]}),
        ("Publishing and review", {"fields": ["status", "last_reviewed", "next_review"]}),
    ]
    inlines = [ArticleTierInline]


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
