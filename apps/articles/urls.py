from django.urls import path, register_converter

from . import views
from .models import Tier


class TierConverter:
    regex = "|".join(tier.value for tier in Tier)

    def to_python(self, value):
        return Tier(value)

    def to_url(self, value):
        return str(value)


register_converter(TierConverter, "tier")

app_name = "articles"
urlpatterns = [
    path("", views.home, name="home"),
    path("articles/<slug:slug>/", views.article, name="article"),
    path("articles/<slug:slug>/<tier:tier>/", views.article_tier, name="article-tier"),
]
