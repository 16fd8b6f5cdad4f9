from django.urls import path

from apps.core import converters  # noqa: F401 (registers <tier:…>)

from . import views

app_name = "explorer"
urlpatterns = [
    path("", views.explorer, name="explorer"),
    # The map as open data (README.md, "Open data").
    path("graph.json", views.graph_json, name="graph-json"),
    path("nodes.csv", views.nodes_csv, name="nodes-csv"),
    path("arrows.csv", views.arrows_csv, name="arrows-csv"),
    path("paths/", views.paths, name="paths"),
    path("compare/", views.compare, name="compare"),
    path("walks/", views.walks, name="walks"),
    path("walks/<slug:slug>/", views.walk, name="walk"),
    path("walks/<slug:slug>/<int:number>/", views.walk, name="walk-step"),
    path("walks/<slug:slug>/<int:number>/<tier:tier>/", views.walk, name="walk-step-tier"),
    path("<slug:slug>/", views.node, name="node"),
    path("<slug:slug>/preview/", views.node_preview, name="node-preview"),
    path("<slug:slug>/<tier:tier>/", views.node, name="node-tier"),
    # "Cite this page": the node at one tier, or the references its panel lists.
    path(
        "<slug:slug>/<tier:tier>/cite.<str:extension>",
        views.node_citation,
        {"what": "cite"},
        name="node-cite",
    ),
    path(
        "<slug:slug>/<tier:tier>/references.<str:extension>",
        views.node_citation,
        {"what": "references"},
        name="node-references",
    ),
]
