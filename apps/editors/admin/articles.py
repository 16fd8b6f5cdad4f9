"""Articles in the admin: each with its three tiers on one page."""

from django.contrib import admin

from apps.articles.models import Article, ArticleTier

from ..forms import TierFormSet, WholeTitleMixin
from .base import PageAdmin, ReviewFilter, TierInline


class ArticleTierInline(TierInline):
    model = ArticleTier
    verbose_name_plural = "Reading depths: the article written three times"
    # One tab per tier with JavaScript (stacked without), each graded against its own aim.
    template = "editors/tier_tabs.html"
    formset = TierFormSet


@admin.register(Article)
class ArticleAdmin(WholeTitleMixin, PageAdmin):
    list_display = ["title", "status", "last_reviewed", "next_review"]
    list_filter = ["status", ReviewFilter]
    search_fields = ["title", "slug", "summary", "tiers__body_markdown"]
    prepopulated_fields = {"slug": ["title"]}
    fieldsets = [
        (None, {"fields": ["title", "slug", "summary"]}),
        ("Publishing and review", {"fields": ["status", "last_reviewed", "next_review"]}),
    ]
    inlines = [ArticleTierInline]
