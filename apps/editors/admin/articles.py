"""Articles in the admin: each with its three tiers on one page."""

from django.contrib import admin

from apps.articles.models import Article, ArticleTier

from ..forms import TierFormSet, WholeTitleMixin
from .base import PageAdmin, ReviewFilter, TierInline
from .changes import CHANGE_NOTE_FIELDSET, ChangeNoteForm, RecordsChangesMixin


class ArticleTierInline(TierInline):
    model = ArticleTier
    verbose_name_plural = "Reading depths: the article written three times"
    # One tab per tier with JavaScript (stacked without), each graded against its own aim.
    template = "editors/tier_tabs.html"
    formset = TierFormSet


class ArticleForm(ChangeNoteForm):
    class Meta:
        model = Article
        fields = ["title", "slug", "summary", "status", "last_reviewed", "next_review"]


@admin.register(Article)
class ArticleAdmin(RecordsChangesMixin, WholeTitleMixin, PageAdmin):
    form = ArticleForm
    list_display = ["title", "status", "last_reviewed", "next_review"]
    list_filter = ["status", ReviewFilter]
    search_fields = ["title", "slug", "summary", "tiers__body_markdown"]
    prepopulated_fields = {"slug": ["title"]}
    fieldsets = [
        (None, {"fields": ["title", "slug", "summary"]}),
        ("Publishing and review", {"fields": ["status", "last_reviewed", "next_review"]}),
        CHANGE_NOTE_FIELDSET,
    ]
    inlines = [ArticleTierInline]
