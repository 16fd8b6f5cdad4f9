"""The map is laid out when the graph changes, never while a page is served."""

import re

import pytest
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from django.db import transaction

from apps.explorer.graph import Graph, Layout
from apps.explorer.models import DiagramLayout, Edge, Node, lay_out_the_map, stored_layout
from tests.conftest import make_edge, make_graph, make_node

pytestmark = pytest.mark.django_db
HX = {"HX-Request": "true"}
MAP_PAGES = [
    ("/explorer/compare/", None),
    ("/explorer/compare/?timing=training", None),
    ("/explorer/", None),
    ("/explorer/?modality=exercise-0", None),
    ("/explorer/", HX),
    ("/explorer/sensor-0/", None),
    ("/explorer/sensor-0/academic/", HX),
    ("/explorer/paths/?from=exercise-0&to=result-0", None),
    ("/explorer/paths/?from=exercise-0&to=result-0&chain=2", HX),
    ("/explorer/compare/", None),
]


@pytest.fixture
def layouts_counted(monkeypatch):
    """Every time, from here on, that the map (or a part of it) is laid out or its comparison
    routes are worked out: ("work_out", graph) once per stored layout, and inside it a
    ("layout", graph) per part and ("comparison", graph) per time course."""
    calls = []

    def counting(owner, name, record, static=False):
        method = getattr(owner, name)

        def counted(*args, **kwargs):
            calls.append((record, args[0]))
            return method(*args, **kwargs)

        monkeypatch.setattr(owner, name, staticmethod(counted) if static else counted)

    counting(Graph, "layout", "layout")
    counting(Graph, "comparison", "comparison")
    counting(DiagramLayout, "work_out", "work_out", static=True)
    stored_layout.cache_clear()
    return calls


def laid_out(calls):
    """The graphs whose layouts were worked out and stored."""
    return [graph for record, graph in calls if record == "work_out"]


def current_digests():
    return {
        Edge.objects.graph(nodes).shape_digest()
        for nodes in (Node.objects.published(), Node.objects.all())
    }


def test_no_explorer_request_lays_out_a_stored_map(client, layouts_counted):
    make_graph()
    lay_out_the_map()
    layouts_counted.clear()
    for url, headers in MAP_PAGES:
        assert client.get(url, headers=headers).status_code == 200, url
    assert layouts_counted == []


# These two commit for real: the layout is worked out as a change commits.


@pytest.mark.django_db(transaction=True)
def test_a_change_lays_out_the_map_once_when_it_is_committed(client, layouts_counted):
    nodes = make_graph()  # saved outside any transaction: laid out after each save
    layouts_counted.clear()
    with transaction.atomic():
        renamed = nodes["sensor"]
        renamed.name = "Energy sensor"
        renamed.save()
        make_edge(nodes["exercise"], nodes["result"], effect="decreases")
        Edge.objects.filter(source=nodes["sensor"]).first().delete()
        assert layouts_counted == []  # nothing until the change is committed
    # Once for the map readers see and once for editors' (the same here, so laid out once),
    # however many rows the transaction wrote.
    assert len(laid_out(layouts_counted)) == 1
    assert set(DiagramLayout.objects.values_list("digest", flat=True)) == current_digests()

    layouts_counted.clear()
    html = client.get("/explorer/").content.decode()
    assert layouts_counted == []
    assert ">Energy sensor</tspan>" in html


@pytest.mark.django_db(transaction=True)
def test_a_draft_node_gets_a_layout_for_editors_and_readers_keep_theirs(layouts_counted):
    make_graph()
    Node.objects.create(slug="draft-idea", name="Draft idea", kind="signal", status="draft")
    assert DiagramLayout.objects.count() == 2
    assert set(DiagramLayout.objects.values_list("digest", flat=True)) == current_digests()


def test_load_content_lays_out_the_map(real_content_dir, layouts_counted, client):
    call_command("load_content", content_dir=real_content_dir, stdout=None)
    assert set(DiagramLayout.objects.values_list("digest", flat=True)) == current_digests()
    layouts_counted.clear()

    assert client.get("/explorer/hiit/").status_code == 200
    assert layouts_counted == []


def test_a_map_changed_behind_the_sites_back_is_laid_out_once_then_kept(client, layouts_counted):
    make_graph()
    lay_out_the_map()
    # A bulk update sends no signal, so nothing laid the new shape out.
    Node.objects.filter(slug="sensor-0").update(name="Renamed in bulk")
    layouts_counted.clear()

    client.get("/explorer/")
    client.get("/explorer/sensor-0/")

    assert len(laid_out(layouts_counted)) == 1
    assert DiagramLayout.objects.filter(digest__in=current_digests()).exists()


def test_a_stored_layout_draws_exactly_what_a_fresh_one_would():
    make_graph(copies=2)
    make_node("lonely", "tissue")
    graph = Edge.objects.graph()
    fresh = graph.layout()

    stored = Layout.from_data(graph, fresh.as_data())

    assert stored.as_data() == fresh.as_data()
    assert [(p.node, p.x, p.y, p.lines) for p in stored.nodes] == [
        (p.node, p.x, p.y, p.lines) for p in fresh.nodes
    ]
    assert [(p.edge, p.source, p.target, p.path) for p in stored.edges] == [
        (p.edge, p.source, p.target, p.path) for p in fresh.edges
    ]


def test_a_machine_without_graphviz_is_told_what_to_install(monkeypatch):
    monkeypatch.setenv("PATH", "/nonexistent")
    with pytest.raises(SystemCheckError, match=r"(?s)explorer\.E001.*apt-get install -y graphviz"):
        call_command("check")


def test_a_filtered_map_is_laid_out_compactly_for_what_it_shows(client):
    make_graph(copies=2)
    lay_out_the_map()

    def drawn(url):
        html = client.get(url).content.decode()
        width, height = re.search(r'<svg class="diagram" viewBox="0 0 (\d+) (\d+)"', html).groups()
        return int(width) * int(height), set(re.findall(r'id="node-([a-z0-9-]+)"', html))

    whole_area, whole_boxes = drawn("/explorer/")
    area, boxes = drawn("/explorer/?modality=exercise-0")

    assert boxes == {slug for slug in whole_boxes if slug.endswith("-0")}
    assert area < 0.7 * whole_area  # the second copy's place is not left blank
