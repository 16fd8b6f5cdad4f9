from django.urls import path

from apps.core import converters  # noqa: F401 (registers <tier:…>)

from . import views

app_name = "explorer"
urlpatterns = [
    path("", views.explorer, name="explorer"),
    path("paths/", views.paths, name="paths"),
    path("compare/", views.compare, name="compare"),
    path("<slug:slug>/", views.node, name="node"),
    path("<slug:slug>/preview/", views.node_preview, name="node-preview"),
    path("<slug:slug>/<tier:tier>/", views.node, name="node-tier"),
]
