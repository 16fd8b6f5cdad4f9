"""The explorer over HTTP: full pages and HTMX partials, deep links, filter, paths, comparison."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.core.models import ContentVersion
from apps.explorer.models import Edge, lay_out_the_map, stored_layout
from tests.conftest import make_article, make_graph

pytestmark = pytest.mark.django_db

HX = {"HX-Request": "true"}


def region(html, element_id):
    """The outer HTML of the element with this id, up to the end of the response."""
    start = html.index(f'<div id="{element_id}"')
    return html[start:]


def explorer_region(html):
    start = html.index('<div id="explorer"')
    end = html.index("</section>", html.index('class="twin"')) + len("</section>")
    return html[start:end]


@pytest.mark.parametrize(
    "url",
    ["/explorer/", "/explorer/sensor-0/", "/explorer/?modality=exercise-0",
     "/explorer/paths/?from=exercise-0&to=result-0"],
)  # fmt: skip
def test_full_page_and_htmx_partial(client, url):
    make_graph()
    full = client.get(url)
    partial = client.get(url, headers=HX)
    assert full.status_code == partial.status_code == 200
    assert "<html" in full.content.decode()
    body = partial.content.decode()
    assert "<html" not in body
    assert body.lstrip().startswith("<title>")
    assert 'id="explorer"' in body or 'id="paths-region"' in body
    for response in (full, partial):
        assert "HX-Request" in response["Vary"]


def test_diagram_has_a_focusable_named_link_for_every_node(client):
    make_graph()
    html = client.get("/explorer/").content.decode()
    for slug, name, kind in [("exercise-0", "Exercise 0", "exercise"),
                             ("result-0", "Result 0", "outcome")]:  # fmt: skip
        link = re.search(rf'<a href="/explorer/{slug}/" id="node-{slug}"[^>]*>', html, re.S)
        assert link, slug
        assert f'aria-label="{name} ({kind})"' in link.group(0)
        assert 'hx-get="/explorer/' in link.group(0)
    assert html.count('class="node kind-') == 8
    assert 'class="edge effect-decreases grade-c' in html
    assert 'class="edge effect-increases grade-d' in html  # contested: drawn dashed by CSS
    assert "How to read the map" in html


def test_deep_link_renders_the_same_state_as_the_htmx_swap(client):
    make_graph()
    full = client.get("/explorer/switch-0/").content.decode()
    partial = client.get("/explorer/switch-0/", headers=HX).content.decode()
    assert explorer_region(full) == explorer_region(partial)
    assert re.search(r'id="node-switch-0" class="node kind-signal is-selected"', full)
    assert re.search(r'id="node-sensor-0" class="node kind-signal is-active"', full)
    assert re.search(r'id="node-result-0" class="node kind-outcome is-dimmed"', full)
    assert '<h2 id="panel-heading" class="panel-title" tabindex="-1">Switch 0</h2>' in full
    assert "<title>Switch 0 · Mechanism explorer · Exercise Signals</title>" in full


def test_node_panel_shows_text_arrows_grades_references_and_linking_articles(client):
    nodes = make_graph()
    make_article("fuel", bodies={"fundamentals": "Read about [[sensor-0|the sensor]]."})
    html = client.get("/explorer/sensor-0/academic/").content.decode()
    assert "Sensor mechanism" in html
    assert "What changes it" in html
    assert "What it changes" in html
    assert "Exercise 0 changes Sensor 0." in html
    assert "Grade A" in html
    assert "human evidence" in html
    assert 'href="https://doi.org/10.1000/study0"' in html
    assert 'href="#ref-study0"' in html
    assert '<a href="/articles/fuel/">Fuel</a>' in html
    assert nodes["sensor"].article_tiers.count() == 1


def test_node_tier_is_remembered_like_the_articles(client):
    make_graph()
    response = client.get("/explorer/sensor-0/intermediate/")
    assert response.cookies["tier"].value == "intermediate"
    html = client.get("/explorer/sensor-0/").content.decode()
    assert "What Sensor 0 is, at the intermediate depth." in html
    assert re.search(r'id="tab-intermediate"[^>]*aria-selected="true"', html, re.S)
    assert "Cookie" in client.get("/explorer/sensor-0/")["Vary"]


def test_unknown_node_is_a_404(client):
    make_graph()
    assert client.get("/explorer/no-such-node/").status_code == 404
    assert client.get("/explorer/no-such-node/preview/", headers=HX).status_code == 404


def test_filter_shows_only_what_the_modality_reaches(client):
    make_graph(copies=2)
    html = client.get("/explorer/?modality=exercise-0").content.decode()
    assert 'id="node-result-0"' in html
    assert 'id="node-result-1"' not in html
    assert 'id="node-exercise-1"' not in html
    assert re.search(r'href="/explorer/\?modality=exercise-0"[^>]*aria-current="true"', html)
    # node links keep the filter, and the twin lists only what is shown
    assert 'href="/explorer/sensor-0/?modality=exercise-0"' in html
    assert "Showing only what Exercise 0 reaches." in html


def test_unknown_filter_says_so_and_shows_everything(client):
    make_graph()
    for value in ("nothing", "result-0"):
        html = client.get(f"/explorer/?modality={value}").content.decode()
        assert f"The map has no kind of exercise called “{value}”" in html
        assert 'id="node-result-0"' in html


def test_a_long_unknown_filter_is_cut_short_where_it_is_echoed(client):
    make_graph()
    html = client.get(f"/explorer/?modality={'x' * 3000}").content.decode()
    assert f"called “{'x' * 59}…”" in html
    assert "x" * 61 not in html


def test_a_box_the_filter_does_not_reach_shows_the_whole_map_and_says_why(client):
    make_graph(copies=2)
    html = client.get("/explorer/result-1/?modality=exercise-0").content.decode()
    assert "Exercise 0 does not reach Result 1 on the map, so all of it is shown." in html
    assert "Showing only what Exercise 0 reaches." not in html
    assert 'id="node-exercise-1"' in html  # the whole map
    assert re.search(r'id="node-result-1" class="node kind-outcome is-selected"', html)

    reached = client.get("/explorer/result-0/?modality=exercise-0").content.decode()
    assert "Showing only what Exercise 0 reaches." in reached
    assert "does not reach" not in reached


def test_choosing_a_chain_brings_the_map_into_view(client):
    make_graph()
    html = client.get("/explorer/paths/?from=exercise-0&to=hormone-0").content.decode()
    assert 'href="/explorer/paths/?from=exercise-0&amp;to=hormone-0&amp;chain=2#chain-map"' in html
    assert 'hx-swap="outerHTML show:#chain-map:top"' in html
    assert '<figure class="map" id="chain-map">' in html


def test_paths_lists_chains_shortest_first_with_weakest_grade(client):
    make_graph()
    html = client.get("/explorer/paths/?from=exercise-0&to=hormone-0").content.decode()
    assert "2 chains from Exercise 0 to Hormone 0" in html
    steps = re.findall(r"(\d) steps?[,:] ", html)
    assert steps == ["2", "4"]  # the contested shortcut is shorter, so it comes first
    strengths = re.findall(r"Chain strength ([A-D])", html)
    assert strengths == ["D", "A"]
    assert re.search(r'id="node-exercise-0" class="node kind-modality is-active"', html)
    assert re.search(r'id="node-sensor-0" class="node kind-signal is-dimmed"', html)


def test_paths_chain_choice_moves_the_highlight(client):
    make_graph()
    html = client.get("/explorer/paths/?from=exercise-0&to=hormone-0&chain=2").content.decode()
    assert re.search(r'id="node-sensor-0" class="node kind-signal is-active"', html)
    assert "4 steps, shown on the map" in html


def test_paths_net_effect_follows_the_signs(client):
    make_graph()
    html = client.get("/explorer/paths/?from=exercise-0&to=side-0").content.decode()
    assert (
        "Along this route, Exercise 0 lowers Side effect 0: one step reverses the direction "
        "(Messenger 0 decreases Side effect 0)." in html
    )


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("from=exercise-0&to=nowhere", "The map has no node called “nowhere”"),
        ("from=&to=result-0", "Choose where to start."),
        ("from=result-0&to=result-0", "Choose a different node from the starting point."),
        ("from=result-0&to=exercise-0", "The map has no chain of arrows from Result 0"),
        ("from=exercise-0&to=result-0&chain=zero", "4 steps, shown on the map"),
        ("from=exercise-0&to=result-0&chain=99", "4 steps, shown on the map"),
    ],
)
def test_paths_explain_bad_input_instead_of_failing(client, query, message):
    make_graph()
    response = client.get(f"/explorer/paths/?{query}")
    assert response.status_code == 200
    assert message in response.content.decode()


def test_paths_form_keeps_working_without_a_query(client):
    make_graph()
    html = client.get("/explorer/paths/").content.decode()
    assert '<select name="from"' in html
    assert "chains from" not in html
    # a link from a node page fills in one end and shows no error yet
    html = client.get("/explorer/paths/?from=sensor-0").content.decode()
    assert '<option value="sensor-0" selected>' in html
    assert "Choose where to end." not in html


def test_comparison_is_built_from_the_graph(client):
    nodes = make_graph()
    html = client.get("/explorer/compare/").content.decode()
    sensor_row = re.search(
        r"<tr>\s*<th scope=\"row\"><a[^>]*>Sensor 0</a></th>(.*?)</tr>", html, re.S
    )
    assert "increases" in sensor_row.group(1)
    assert ">A</span>" in sensor_row.group(1)
    switch_row = re.search(
        r"<tr>\s*<th scope=\"row\"><a[^>]*>Switch 0</a></th>(.*?)</tr>", html, re.S
    )
    # no arrow of its own: the strongest chain that reaches it, linked to that chain
    assert "raises" in switch_row.group(1)
    assert (
        '<a class="route" href="/explorer/paths/?from=exercise-0&amp;to=switch-0">via 2 steps'
        in (switch_row.group(1))
    )
    # change the graph and the table follows
    Edge.objects.filter(source=nodes["exercise"], target=nodes["sensor"]).update(
        effect="decreases", grade="B"
    )
    ContentVersion.bump()  # what a script that bulk-updates rows must do (README)
    html = client.get("/explorer/compare/").content.decode()
    sensor_row = re.search(r"Sensor 0</a></th>(.*?)</tr>", html, re.S)
    assert "decreases" in sensor_row.group(1)
    assert ">B</span>" in sensor_row.group(1)


def test_preview_card_is_an_htmx_fragment(client):
    make_graph()
    response = client.get("/explorer/sensor-0/preview/", headers=HX)
    html = response.content.decode()
    assert "<html" not in html
    assert "Sensor 0" in html
    assert "at the fundamentals depth" in html
    redirect = client.get("/explorer/sensor-0/preview/")
    assert redirect.status_code == 302
    assert redirect["Location"] == "/explorer/sensor-0/"


def test_article_links_into_the_map(client):
    make_graph()
    make_article("fuel", bodies={"fundamentals": "Read about [[sensor-0]] and [[switch-0|it]]."})
    html = client.get("/articles/fuel/fundamentals/").content.decode()
    assert '<a class="node-link" href="/explorer/sensor-0/">Sensor 0</a>' in html
    assert '<a class="node-link" href="/explorer/switch-0/">it</a>' in html


def count_queries(client, url, headers=None):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, headers=headers or {})
    assert response.status_code == 200, url
    return len(queries)


# Pages with the map read its stored layout once (then it is held in memory): one query more.
PAGES = [
    ("/explorer/", None, 3),
    ("/explorer/?modality=exercise-0", None, 3),
    ("/explorer/sensor-0/", None, 8),
    ("/explorer/sensor-0/academic/", HX, 8),
    ("/explorer/paths/?from=exercise-0&to=result-0", None, 3),
    ("/explorer/compare/", None, 3),
    ("/explorer/sensor-0/preview/", HX, 1),
]


def count_page_queries(client):
    lay_out_the_map()  # as a commit that changes the graph does
    stored_layout.cache_clear()
    return {url: count_queries(client, url, headers) for url, headers, _ in PAGES}


def test_query_counts_do_not_grow_with_the_graph(client, django_assert_max_num_queries):
    make_graph(copies=1)
    small = count_page_queries(client)
    make_graph_tenfold()
    large = count_page_queries(client)
    assert small == large
    for url, headers, limit in PAGES:
        stored_layout.cache_clear()
        with django_assert_max_num_queries(limit):
            client.get(url, headers=headers or {})


def make_graph_tenfold():
    """Nine more copies of the graph, so the map is ten times larger."""
    from apps.explorer.models import Node

    before = Node.objects.count()
    for copy in range(1, 10):
        nodes = make_graph_copy(copy)
        assert nodes
    assert Node.objects.count() == before * 10


def make_graph_copy(copy):
    from tests.conftest import make_edge, make_node, make_reference

    reference = make_reference(f"extra{copy}")
    kinds = ["modality", "signal", "signal", "myokine", "hormone", "tissue", "outcome", "outcome"]
    nodes = [make_node(f"copy{copy}-{i}", kind) for i, kind in enumerate(kinds)]
    for i in range(6):
        make_edge(nodes[i], nodes[i + 1], [reference])
    make_edge(nodes[0], nodes[3], [reference], grade="D")
    make_edge(nodes[3], nodes[7], [reference], effect="decreases")
    return nodes


@pytest.mark.parametrize(
    "query",
    [None, {"from": "exercise-0", "to": "exercise-0"}, {"from": "<b>nope</b>", "to": ""}],
    ids=["empty", "same node twice", "unknown and missing"],
)
def test_the_node_selects_write_what_djangos_select_would(query):
    from django import forms
    from django.test.html import parse_html

    from apps.explorer.forms import PathForm

    make_graph()
    graph = Edge.objects.graph()
    ours, django_s = PathForm(graph, query), PathForm(graph, query)
    for name in ("from", "to"):
        django_s.fields[name].widget = forms.Select(choices=django_s.fields[name].choices)
        assert parse_html(str(ours[name])) == parse_html(str(django_s[name]))


def test_a_panel_says_which_exercise_an_arrows_evidence_comes_from(client):
    make_graph()
    Edge.objects.filter(source__slug="sensor-0").update(shown_with=["exercise-0"])
    lay_out_the_map()
    html = client.get("/explorer/sensor-0/").content.decode()
    assert "shown only with Exercise 0" in html


@pytest.mark.parametrize(
    ("shown_with", "message"),
    [(["organ-0"], "“organ-0” is not a kind of exercise on the map. Use one of: exercise-0."),
     ("exercise-0", "Give a list of kinds of exercise, or [].")],
    ids=["not exercise", "not a list"],
)  # fmt: skip
def test_an_editor_is_told_when_shown_with_names_no_exercise(shown_with, message):
    from django.core.exceptions import ValidationError

    make_graph()
    edge = Edge.objects.get(source__slug="sensor-0")
    edge.shown_with = shown_with
    with pytest.raises(ValidationError) as error:
        edge.full_clean()
    assert error.value.message_dict["shown_with"] == [message]
