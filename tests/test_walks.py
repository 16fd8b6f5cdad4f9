"""Guided walks: a route through the map one arrow at a time, told at each depth, with Next
and Previous as links, kept in content/ and edited in the admin like everything else."""

import re
import shutil
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db.models import ProtectedError

from apps.explorer.models import Edge, Walk, WalkStep
from tests.conftest import make_graph
from tests.test_editors import editor_client

pytestmark = pytest.mark.django_db
HX = {"HX-Request": "true"}
CONTENT = Path(__file__).resolve().parent.parent / "content"


def make_walk(nodes, slug="sensing-fuel", status="published", pairs=None):
    pairs = pairs or [("exercise", "sensor"), ("sensor", "switch"), ("switch", "messenger")]
    walk = Walk.objects.create(
        slug=slug, title="How exercise reaches the messenger", summary="Three steps.", status=status
    )
    for position, (source, target) in enumerate(pairs):
        WalkStep.objects.create(
            walk=walk,
            position=position,
            edge=Edge.objects.get(source=nodes[source], target=nodes[target]),
            fundamentals=f"Plain words about {source} and {target}.",
            intermediate=f"Named molecules for {source} and {target}.",
            academic=f"Mechanism and evidence for {source} and {target}.",
        )
    return walk


def load(folder):
    output = StringIO()
    call_command("load_content", content_dir=folder, stdout=output)
    return output.getvalue()


def test_each_step_has_its_own_url_with_next_and_previous_links(client):
    make_walk(make_graph())

    first = client.get("/explorer/walks/sensing-fuel/").content.decode()
    assert "Step 1 of 3" in first
    assert "Plain words about exercise and sensor." in first
    assert 'rel="next" href="/explorer/walks/sensing-fuel/2/"' in first
    assert 'rel="prev"' not in first

    second = client.get("/explorer/walks/sensing-fuel/2/").content.decode()
    assert "Step 2 of 3" in second
    assert 'rel="prev" href="/explorer/walks/sensing-fuel/"' in second
    assert 'rel="next" href="/explorer/walks/sensing-fuel/3/"' in second

    last = client.get("/explorer/walks/sensing-fuel/3/").content.decode()
    assert 'rel="next"' not in last
    assert "Back to all walks" in last


def test_a_step_highlights_the_arrows_walked_so_far(client):
    nodes = make_graph()
    make_walk(nodes)
    html = client.get("/explorer/walks/sensing-fuel/2/").content.decode()
    walked = [Edge.objects.get(source=nodes[a], target=nodes[b]).pk for a, b in
              [("exercise", "sensor"), ("sensor", "switch")]]  # fmt: skip
    ahead = Edge.objects.get(source=nodes["switch"], target=nodes["messenger"]).pk
    for pk in walked:
        assert re.search(rf'class="edge [^"]*is-active" data-edge="{pk}"', html)
    assert re.search(rf'class="edge [^"]*is-dimmed" data-edge="{ahead}"', html)
    assert re.search(r'id="node-switch-0" class="node kind-signal is-selected"', html)


def test_a_step_is_told_at_the_chosen_depth_and_remembers_it(client):
    make_walk(make_graph())
    response = client.get("/explorer/walks/sensing-fuel/2/academic/")
    assert "Mechanism and evidence for sensor and switch." in response.content.decode()
    assert response.cookies["tier"].value == "academic"
    # the next step opens at the same depth
    assert "Mechanism and evidence for switch and messenger." in (
        client.get("/explorer/walks/sensing-fuel/3/").content.decode()
    )


def test_a_step_shows_its_arrows_grade_and_sources(client):
    make_walk(make_graph())
    html = client.get("/explorer/walks/sensing-fuel/").content.decode()
    assert "Grade A" in html
    assert "Sources for this step" in html
    assert 'id="ref-study0"' in html


def test_htmx_swaps_only_the_walk_and_says_so_in_vary(client):
    make_walk(make_graph())
    response = client.get("/explorer/walks/sensing-fuel/2/", headers=HX)
    html = response.content.decode()
    assert html.lstrip().startswith("<title>")
    assert '<div id="walk" class="walk">' in html
    assert "<h1>" not in html
    assert "HX-Request" in response["Vary"]


@pytest.mark.parametrize(
    "url",
    [
        "/explorer/walks/nowhere/",
        "/explorer/walks/sensing-fuel/4/",
        "/explorer/walks/sensing-fuel/0/",
    ],
)
def test_unknown_walks_and_steps_are_404(client, url):
    make_walk(make_graph())
    assert client.get(url).status_code == 404


def test_draft_walks_are_for_editors_only(client):
    make_walk(make_graph(), status="draft")
    assert client.get("/explorer/walks/sensing-fuel/").status_code == 404
    assert "How exercise reaches" not in client.get("/explorer/walks/").content.decode()
    editor = editor_client()
    assert editor.get("/explorer/walks/sensing-fuel/").status_code == 200
    assert "How exercise reaches" in editor.get("/explorer/walks/").content.decode()


def test_the_walks_page_lists_each_walk_with_its_length(client):
    make_walk(make_graph())
    html = client.get("/explorer/walks/").content.decode()
    assert '<a href="/explorer/walks/sensing-fuel/">How exercise reaches the messenger</a>' in html
    assert "3 steps" in html


def test_an_arrow_a_walk_uses_cannot_be_deleted_from_under_it():
    nodes = make_graph()
    make_walk(nodes)
    with pytest.raises(ProtectedError):
        Edge.objects.get(source=nodes["exercise"], target=nodes["sensor"]).delete()


def test_the_shipped_walks_load_export_and_load_again_unchanged(tmp_path):
    content = tmp_path / "content"
    shutil.copytree(CONTENT, content)
    output = load(content)
    shipped = sorted(path.stem for path in (content / "explorer" / "walks").glob("*.yaml"))
    assert len(shipped) >= 3
    assert f"Walks: {len(shipped)} created" in output
    before = {path: path.read_bytes() for path in content.rglob("*") if path.is_file()}

    exported = StringIO()
    call_command("export_content", content_dir=content, stdout=exported)

    assert "0 written" in exported.getvalue()
    assert {path: path.read_bytes() for path in content.rglob("*") if path.is_file()} == before
    assert "No changes." in load(content)


def test_a_walk_changed_in_the_admin_is_exported(tmp_path):
    content = tmp_path / "content"
    shutil.copytree(CONTENT, content)
    load(content)
    step = WalkStep.objects.filter(walk__slug="lifting-builds-muscle").order_by("position").first()
    step.fundamentals = "An editor's plainer sentence about pulling on muscle fibres."
    step.save()

    call_command("export_content", content_dir=content, stdout=StringIO())

    text = (content / "explorer" / "walks" / "lifting-builds-muscle.yaml").read_text()
    assert "fundamentals: An editor's plainer sentence about pulling on muscle fibres." in text


BAD_STEPS = [
    ("    fundamentals: Plain.\n", "", "step is missing “fundamentals”"),
    ("  - from: hiit\n    to: energy-stress\n", "  - from: hiit\n    to: ampk\n",
     "the map has no arrow from “hiit” to “ampk”"),
    ("    academic: Deep.\n", "    academic: Deep.\n    source: me\n",
     "unknown step field “source”"),
]  # fmt: skip


@pytest.mark.parametrize(("old", "new", "message"), BAD_STEPS)
def test_a_bad_walk_names_file_and_line_and_changes_nothing(tmp_path, old, new, message):
    content = tmp_path / "content"
    shutil.copytree(CONTENT, content)
    load(content)
    before = list(WalkStep.objects.values_list("pk", "fundamentals"))
    walk = (
        "title: A test walk\nsummary: Two lines.\nsteps:\n"
        "  - from: hiit\n    to: energy-stress\n"
        "    fundamentals: Plain.\n    intermediate: Named.\n    academic: Deep.\n"
    )
    (content / "explorer" / "walks" / "test-walk.yaml").write_text(walk.replace(old, new))

    with pytest.raises(CommandError) as error:
        load(content)

    assert re.search(rf"content/explorer/walks/test-walk.yaml:\d+: {message}", str(error.value))
    assert "nothing was changed" in str(error.value)
    assert list(WalkStep.objects.values_list("pk", "fundamentals")) == before


def test_the_admin_edits_a_walk_with_its_steps():
    walk = make_walk(make_graph())
    editor = editor_client()
    page = editor.get(f"/admin/explorer/walk/{walk.pk}/change/")
    assert page.status_code == 200
    assert "Steps (each an arrow of the map, walked in this order)" in page.content.decode()
    assert editor.get("/admin/explorer/walk/").status_code == 200
