from django.contrib import admin
from django.urls import path, re_path

from . import views


class EditorsAdminSite(admin.AdminSite):
    site_header = "Exercise Signals editors"
    site_title = "Exercise Signals admin"
    index_title = "Content"
    index_template = "editors/index.html"

    def get_urls(self):
        return [
            path("preview/", self.admin_view(views.markdown_preview), name="markdown-preview"),
            path(
                "glossary-preview/",
                self.admin_view(views.glossary_preview),
                name="glossary-preview",
            ),
            path(
                "suggestions/",
                self.admin_view(views.editor_suggestions),
                name="editor-suggestions",
            ),
            path("review/", self.admin_view(views.review_queue), name="review-queue"),
            re_path(r"^articles/reference/(?P<rest>.*)$", self.admin_view(views.moved_references)),
            *super().get_urls(),
        ]

    def index(self, request, extra_context=None):
        context = {"review_counts": views.review_counts(), **(extra_context or {})}
        return super().index(request, context)
