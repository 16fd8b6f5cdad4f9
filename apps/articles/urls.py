from django.urls import path

from apps.core import converters  # noqa: F401 (registers <tier:…>)

from . import views

app_name = "articles"
urlpatterns = [
    path("", views.home, name="home"),
    path("glossary/", views.glossary, name="glossary"),
    path("articles/<slug:slug>/", views.article, name="article"),
    path("articles/<slug:slug>/<tier:tier>/", views.article_tier, name="article-tier"),
    # "Cite this page": the tier itself, or the references it cites, as .bib, .ris or .json.
    path(
        "articles/<slug:slug>/<tier:tier>/cite.<str:extension>",
        views.article_citation,
        {"what": "cite"},
        name="article-cite",
    ),
    path(
        "articles/<slug:slug>/<tier:tier>/references.<str:extension>",
        views.article_citation,
        {"what": "references"},
        name="article-references",
    ),
]
