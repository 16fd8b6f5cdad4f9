from django.urls import path

from apps.core import converters  # noqa: F401 (registers <tier:…>)

from . import views

app_name = "articles"
urlpatterns = [
    path("", views.home, name="home"),
    path("glossary/", views.glossary, name="glossary"),
    path("articles/<slug:slug>/", views.article, name="article"),
    path("articles/<slug:slug>/<tier:tier>/", views.article_tier, name="article-tier"),
]
