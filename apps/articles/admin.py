from django.contrib import admin

from .models import Article, ArticleTier, Reference


class ArticleTierInline(admin.StackedInline):
    model = ArticleTier
    extra = 0
    max_num = 3
    fields = ["tier", "body_markdown"]


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    list_display = ["title", "slug", "last_reviewed"]
    search_fields = ["title", "summary"]
    prepopulated_fields = {"slug": ["title"]}
    inlines = [ArticleTierInline]


@admin.register(Reference)
class ReferenceAdmin(admin.ModelAdmin):
    list_display = ["key", "first_author", "year", "title", "journal", "doi", "pmid"]
    list_filter = ["year"]
    search_fields = ["key", "title", "journal", "doi", "authors"]
