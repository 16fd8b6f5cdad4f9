from django.urls import path

from apps.core import converters  # noqa: F401 (registers <tier:…>)

from . import views

app_name = "changes"
urlpatterns = [
    path("changes/", views.changes, name="changes"),
    path("changes/feed/", views.changes_feed, name="feed"),
    path(
        "articles/<slug:slug>/<tier:tier>/v/<int:number>/",
        views.article_version,
        name="article-version",
    ),
    path(
        "explorer/<slug:slug>/<tier:tier>/v/<int:number>/",
        views.node_version,
        name="node-version",
    ),
]
