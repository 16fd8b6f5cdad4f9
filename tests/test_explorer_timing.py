"""Acute response or training adaptation: every arrow says when its effect is seen, and the
map, a node's panel, chains and the comparison show either or both, saying which."""

import re

import pytest

from apps.explorer.models import Edge
from tests.conftest import make_edge, make_graph

pytestmark = pytest.mark.django_db
HX = {"HX-Request": "true"}


@pytest.fixture
def timed_map():
    """make_graph's map, with exercise → sensor → switch … seen after one session, the
    contested shortcut exercise → messenger only with training, and the rest both."""
    nodes = make_graph()
    Edge.objects.update(timing="both")
    Edge.objects.filter(source=nodes["exercise"], target=nodes["sensor"]).update(timing="acute")
    Edge.objects.filter(source=nodes["exercise"], target=nodes["messenger"]).update(
        timing="training"
    )
    return nodes


def edge_id(nodes, source, target):
    return Edge.objects.get(source=nodes[source], target=nodes[target]).pk


def test_the_map_hides_arrows_of_the_other_time_course(client, timed_map):
    acute = edge_id(timed_map, "exercise", "sensor")
    training = edge_id(timed_map, "exercise", "messenger")

    html = client.get("/explorer/?timing=training").content.decode()

    assert f'data-edge="{training}"' in html
    assert f'data-edge="{acute}"' not in html
    assert 'id="node-sensor-0"' in html  # boxes stay; only arrows are filtered
    assert re.search(r'href="/explorer/\?timing=training"[^>]*aria-current="true"', html)
    assert "Showing only arrows whose effect is seen with training" in html
    # links keep the choice: boxes, the other filter, and the whole map
    assert 'href="/explorer/sensor-0/?timing=training"' in html
    assert 'href="/explorer/?modality=exercise-0&amp;timing=training"' in html


def test_any_time_course_shows_every_arrow(client, timed_map):
    html = client.get("/explorer/").content.decode()
    assert html.count('class="edge ') == Edge.objects.count()
    assert re.search(r'href="/explorer/"[^>]*aria-current="true"[^>]*>Any time course', html)


def test_a_panel_lists_only_the_arrows_seen_at_that_time(client, timed_map):
    html = client.get("/explorer/exercise-0/?timing=acute", headers=HX).content.decode()
    panel = html[html.index('id="panel-heading"') :]
    assert "Sensor 0" in panel
    assert "Messenger 0" not in panel.split("References")[0]
    assert "seen after one session (minutes to hours)" in panel


def test_chains_follow_only_arrows_of_the_chosen_time_course(client, timed_map):
    url = "/explorer/paths/?from=exercise-0&to=hormone-0"
    both = client.get(url).content.decode()
    assert "2 chains from Exercise 0 to Hormone 0" in both

    acute = client.get(f"{url}&timing=acute").content.decode()
    assert "1 chain from Exercise 0 to Hormone 0" in acute
    assert "after one session (minutes to hours)" in acute  # each step says when
    assert '<input type="hidden" name="timing" value="acute">' in acute
    assert (
        'href="/explorer/paths/?from=exercise-0&amp;to=hormone-0&amp;timing=acute#chain-map"'
        in (acute)
    )

    training = client.get(f"{url}&timing=training").content.decode()
    assert "1 chain from Exercise 0 to Hormone 0" in training
    assert "2 steps" in training


def test_compare_reaches_through_chains_of_the_chosen_time_course(client, timed_map):
    html = client.get("/explorer/compare/?timing=training").content.decode()
    sensor = re.search(r"Sensor 0</a></th>(.*?)</tr>", html, re.S).group(1)
    hormone = re.search(r"Hormone 0</a></th>(.*?)</tr>", html, re.S).group(1)
    assert "no route" in sensor  # its only arrow is seen after one session
    assert "raises" in hormone
    assert "via 2 steps" in hormone
    assert "timing=training" in hormone


def test_compare_says_when_a_route_carries_nothing(client, timed_map):
    Edge.objects.filter(source=timed_map["messenger"], target=timed_map["hormone"]).update(
        effect="no-effect"
    )
    html = client.get("/explorer/compare/").content.decode()
    hormone = re.search(r"Hormone 0</a></th>(.*?)</tr>", html, re.S).group(1)
    assert "carries no effect" in hormone


@pytest.mark.parametrize("url", ["/explorer/", "/explorer/paths/", "/explorer/compare/"])
def test_an_unknown_time_course_says_so_and_shows_every_arrow(client, timed_map, url):
    html = client.get(f"{url}?timing={'y' * 500}").content.decode()
    assert f"There is no time course called “{'y' * 59}…”" in html
    assert "y" * 61 not in html


def test_compare_shows_both_when_routes_disagree(client, timed_map):
    # A second, stronger route from Exercise 0 to Hormone 0 that lowers it.
    make_edge(timed_map["exercise"], timed_map["side"], grade="A", timing="both")
    make_edge(timed_map["side"], timed_map["hormone"], effect="inhibits", grade="A", timing="both")
    html = client.get("/explorer/compare/").content.decode()
    hormone = re.search(r"Hormone 0</a></th>(.*?)</tr>", html, re.S).group(1)
    assert "Routes disagree:" in hormone
    assert hormone.index("raises") < hormone.index("lowers")
    assert "via 2 steps" in hormone
