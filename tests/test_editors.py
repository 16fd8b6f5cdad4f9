"""Editors in the admin: preview, refused saves, conflicts, drafts, history, review, sign-in."""

import datetime
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.contrib.auth.models import Group, User
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from reversion.models import Version

from apps.articles.models import Article, ArticleTier, Citation
from apps.core.models import Reference, Status, Tier
from apps.explorer.models import Edge, EdgeReference, Node, NodeText
from tests.conftest import make_article, make_edge, make_graph, make_node, make_reference

pytestmark = pytest.mark.django_db

README = Path(__file__).resolve().parent.parent / "README.md"
GOOD_PASSWORD = "violet-otter-harbour-93"


# Helpers -------------------------------------------------------------------------------------


def make_editor(username="editor"):
    """A user as `create_editor` makes one: staff, in the Editors group, not a superuser."""
    user = User.objects.create_user(username, password=GOOD_PASSWORD, is_staff=True)
    user.groups.add(Group.objects.get(name="Editors"))
    return user


def editor_client(username="editor"):
    client = Client()
    client.force_login(make_editor(username))
    return client


class FormReader(HTMLParser):
    """What a browser would submit from the form with this id, before the editor changes it."""

    def __init__(self, form_id):
        super().__init__(convert_charrefs=True)
        self.form_id = form_id
        self.inside = False
        self.fields = []  # (name, value) in document order
        self.textarea = None  # (name, [text parts])
        self.select = None  # (name, multiple, [selected values], [first value])

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.inside = attrs.get("id") == self.form_id
            return
        if not self.inside:
            return
        name = attrs.get("name")
        if tag == "input" and name:
            kind = attrs.get("type", "text")
            if kind in {"submit", "button", "image", "reset", "file"}:
                return
            if kind in {"checkbox", "radio"} and "checked" not in attrs:
                return
            self.fields.append((name, attrs.get("value") or ("on" if kind == "checkbox" else "")))
        elif tag == "textarea" and name:
            self.textarea = (name, [])
        elif tag == "select" and name:
            self.select = (name, "multiple" in attrs, [], [])
        elif tag == "option" and self.select:
            value = attrs.get("value", "")
            if not self.select[3]:
                self.select[3].append(value)
            if "selected" in attrs:
                self.select[2].append(value)

    def handle_data(self, data):
        if self.textarea:
            self.textarea[1].append(data)

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False
        elif tag == "textarea" and self.textarea:
            name, parts = self.textarea
            text = "".join(parts)
            # Browsers drop the newline that Django writes right after <textarea>.
            self.fields.append((name, text.removeprefix("\r\n").removeprefix("\n")))
            self.textarea = None
        elif tag == "select" and self.select:
            name, multiple, selected, first = self.select
            for value in selected or ([] if multiple else first):
                self.fields.append((name, value))
            self.select = None


def form_data(response, form_id):
    """The fields of a form in a response, as a dict ready to post back (lists for repeats)."""
    assert response.status_code == 200, response.status_code
    reader = FormReader(form_id)
    reader.feed(response.content.decode())
    data = {}
    for name, value in reader.fields:
        if "__prefix__" in name:  # the hidden template row Django copies for "add another"
            continue
        data.setdefault(name, []).append(value)
    assert data, f"no form with id {form_id!r}"
    return {name: values[0] if len(values) == 1 else values for name, values in data.items()}


def inline_index(data, prefix, field, value):
    """Which row of an inline has `field` set to `value` (e.g. the fundamentals tier)."""
    total = int(data[f"{prefix}-TOTAL_FORMS"])
    for index in range(total):
        if data.get(f"{prefix}-{index}-{field}") == str(value):
            return index
    raise AssertionError(f"no {prefix} row with {field}={value}")


def change_url(obj):
    opts = obj._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])


def element_inner(html, start_tag):
    """The inner HTML of the <div> that opens with exactly `start_tag`."""
    start = html.index(start_tag) + len(start_tag)
    depth = 1
    for match in re.finditer(r"<div\b|</div>", html[start:]):
        depth += 1 if match.group(0) == "<div" else -1
        if depth == 0:
            return html[start : start + match.start()]
    raise AssertionError(f"{start_tag} is not closed")


def preview(client, text, field="tiers-0-body_markdown"):
    response = client.post(reverse("admin:markdown-preview"), {"field": field, field: text})
    assert response.status_code == 200
    return response.content.decode()


def list_items(html, css_class):
    match = re.search(rf'<ul class="{css_class}">(.*?)</ul>', html, re.S)
    return re.findall(r"<li>(.*?)</li>", match.group(1), re.S) if match else []


def snapshot(*querysets):
    """Every stored value of these rows, to compare before and after a refused save."""
    return [list(queryset.order_by("pk").values()) for queryset in querysets]


def article_rows(article):
    return snapshot(
        Article.objects.filter(pk=article.pk),
        ArticleTier.objects.filter(article=article),
        Citation.objects.filter(tier__article=article),
        Version.objects.all(),
    )


def node_rows(node):
    return snapshot(
        Node.objects.all(),
        NodeText.objects.filter(node=node),
        Edge.objects.all(),
        EdgeReference.objects.all(),
        Version.objects.all(),
    )


def assert_refused(response, message, kept_text):
    html = response.content.decode()
    assert response.status_code == 200  # the form is shown again, not saved
    assert "Please correct the error" in html
    assert message in html
    assert kept_text in html


def result_pks(response, model_name):
    """The rows a changelist shows, by primary key."""
    html = response.content.decode()
    table = html[html.index('id="result_list"') :]
    return {
        int(pk) for pk in re.findall(rf'href="/admin/explorer/{model_name}/(\d+)/change/', table)
    }


# 1. The preview is the public page -----------------------------------------------------------


def test_preview_is_exactly_what_readers_get(client):
    make_reference("smith2020")
    make_node("ampk", name="AMPK")
    article = make_article("fuel-sensing")
    editor = editor_client()
    # Browsers send textareas (and htmx its form values) with CRLF line ends.
    text = (
        "## How muscle notices\r\n\r\n"
        "Hard work lowers the cell's fuel, and [[ampk]] reads it [@smith2020].\r\n\r\n"
        "- a *list*\r\n- of two\r\n"
    )

    shown = preview(editor, text)
    preview_html = element_inner(shown, '<div class="preview-body prose">')
    assert 'href="/explorer/ampk/"' in preview_html
    assert "citation" in preview_html
    assert "preview-errors" not in shown

    url = change_url(article)
    data = form_data(editor.get(url), "article_form")
    index = inline_index(data, "tiers", "tier", "fundamentals")
    data[f"tiers-{index}-body_markdown"] = text
    data["change_summary"] = "Explained how muscle notices hard work."
    assert editor.post(url, data).status_code == 302

    tier = ArticleTier.objects.get(article=article, tier="fundamentals")
    assert "reads it" in tier.body_html
    assert preview_html == tier.body_html
    public = Client().get("/articles/fuel-sensing/fundamentals/").content.decode()
    assert tier.body_html in element_inner(public, '<div class="prose">')
    assert list(tier.citations.values_list("reference__key", flat=True)) == ["smith2020"]


# 2. The preview names problems in plain words ------------------------------------------------


def test_preview_lists_problems_in_plain_words(client):
    make_reference("smith2020")
    make_node("ampk", name="AMPK")
    Node.objects.filter(pk=make_node("irisin").pk).update(status=Status.DRAFT)
    editor = editor_client()

    clean = preview(editor, "Fine text [@smith2020] about [[ampk]].")
    assert "preview-problems" not in clean

    text = (
        "Cited [@nobody1999].\n\n"
        "Linked to [[no-such-node]].\n\n"
        '<iframe src="https://example.com/"></iframe>\n\n'
        "See [[irisin]] too."
    )
    shown = preview(editor, text, field="texts-2-body_markdown")
    errors = list_items(shown, "preview-errors")
    warnings = list_items(shown, "preview-warnings")
    assert len(errors) == 2
    assert errors[0].startswith("Line 1: no reference has the key “nobody1999”.")
    assert errors[1] == "Line 3: no node of the map has the slug “no-such-node”."
    assert len(warnings) == 2
    assert "Line 5: the &lt;iframe&gt; tag is not allowed" in warnings[0]
    assert "Line 7: the node “irisin” is a draft" in warnings[1]
    assert "<iframe" not in element_inner(shown, '<div class="preview-body prose">')


# 3. A refused save changes nothing and keeps the editor's text -------------------------------


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("New claim [@nobody1999].", "no reference has the key “nobody1999”"),
        ("See [[no-such-node]] for more.", "no node of the map has the slug “no-such-node”"),
    ],
)
def test_article_tier_with_a_broken_reference_is_refused(body, message):
    make_reference("smith2020")
    article = make_article("fuel-sensing")
    editor = editor_client()
    url = change_url(article)
    data = form_data(editor.get(url), "article_form")
    index = inline_index(data, "tiers", "tier", "intermediate")
    data[f"tiers-{index}-body_markdown"] = f"Kept words from the editor. {body}"
    data["summary"] = "A changed summary that must not be stored."
    before = article_rows(article)

    response = editor.post(url, data)

    assert_refused(response, message, f"Kept words from the editor. {body}")
    assert "A changed summary that must not be stored." in response.content.decode()
    assert article_rows(article) == before

    # The editor fixes the text in the form they were shown and saves it.
    again = form_data(response, "article_form")
    assert again[f"tiers-{index}-body_markdown"] == f"Kept words from the editor. {body}"
    again[f"tiers-{index}-body_markdown"] = "Kept words from the editor [@smith2020]."
    again["change_summary"] = "Cited the study behind the claim."
    assert editor.post(url, again).status_code == 302
    assert article.tiers.get(tier="intermediate").body_markdown == (
        "Kept words from the editor [@smith2020].\n"
    )


def test_node_text_with_an_unknown_key_is_refused():
    nodes = make_graph()
    node = nodes["sensor"]
    editor = editor_client()
    url = change_url(node)
    data = form_data(editor.get(url), "node_form")
    index = inline_index(data, "texts", "tier", "academic")
    data[f"texts-{index}-body_markdown"] = "Sensor text the editor wrote [@nobody1999]."
    before = node_rows(node)

    response = editor.post(url, data)

    assert_refused(
        response,
        "no reference has the key “nobody1999”",
        "Sensor text the editor wrote [@nobody1999].",
    )
    assert node_rows(node) == before


def test_duplicate_arrow_is_refused_in_the_edge_form():
    nodes = make_graph()
    editor = editor_client()
    url = reverse("admin:explorer_edge_add")
    data = form_data(editor.get(url), "edge_form")
    data.update(
        source=nodes["exercise"].pk,
        target=nodes["sensor"].pk,
        effect="decreases",
        grade="B",
        evidence="animal",
        mechanism="A second arrow the editor wrote.",
    )
    before = node_rows(nodes["exercise"])

    response = editor.post(url, data)

    assert_refused(
        response,
        "There is already an arrow from Exercise 0 to Sensor 0.",
        "A second arrow the editor wrote.",
    )
    assert node_rows(nodes["exercise"]) == before


def test_duplicate_arrow_is_refused_in_the_node_outgoing_inline():
    nodes = make_graph()
    node = nodes["exercise"]
    editor = editor_client()
    url = change_url(node)
    data = form_data(editor.get(url), "node_form")
    row = int(data["outgoing-TOTAL_FORMS"])
    assert row == 2  # exercise-0 → sensor-0 and the contested shortcut to messenger-0
    data["outgoing-TOTAL_FORMS"] = str(row + 1)
    data.update(
        {
            f"outgoing-{row}-target": nodes["sensor"].pk,
            f"outgoing-{row}-effect": "activates",
            f"outgoing-{row}-grade": "C",
            f"outgoing-{row}-evidence": "cell",
            f"outgoing-{row}-mechanism": "The same pair again, typed in the node form.",
        }
    )
    before = node_rows(node)

    response = editor.post(url, data)

    assert_refused(
        response,
        "There is already an arrow from Exercise 0 to Sensor 0.",
        "The same pair again, typed in the node form.",
    )
    assert node_rows(node) == before


def test_arrow_from_a_node_to_itself_is_refused():
    nodes = make_graph()
    edge = Edge.objects.get(source=nodes["sensor"], target=nodes["switch"])
    editor = editor_client()
    url = change_url(edge)
    data = form_data(editor.get(url), "edge_form")
    data["target"] = nodes["sensor"].pk
    data["mechanism"] = "The sensor switches itself on."
    before = node_rows(nodes["sensor"])

    response = editor.post(url, data)

    assert_refused(
        response,
        "An arrow cannot start and end at the same node (Sensor 0).",
        "The sensor switches itself on.",
    )
    assert node_rows(nodes["sensor"]) == before


def test_alias_that_names_another_node_is_refused():
    nodes = make_graph()
    node = nodes["exercise"]
    editor = editor_client()
    url = change_url(node)
    data = form_data(editor.get(url), "node_form")
    data["aliases"] = "interval work\r\nsensor 0"
    before = node_rows(node)

    response = editor.post(url, data)

    assert_refused(response, "“sensor 0” already names another node: Sensor 0.", "interval work")
    assert node_rows(node) == before


# 4. Two editors at once ----------------------------------------------------------------------


def test_stale_form_is_refused_and_keeps_both_changes_apart():
    article = make_article("fuel-sensing")
    untouched = dict(article.tiers.values_list("tier", "body_markdown"))
    first, second = editor_client("alice"), editor_client("bruno")
    url = change_url(article)
    alice = form_data(first.get(url), "article_form")
    bruno = form_data(second.get(url), "article_form")
    assert alice["loaded_fingerprint"] == bruno["loaded_fingerprint"] != ""

    # Bruno edits one tier and saves first.
    index = inline_index(bruno, "tiers", "tier", "academic")
    bruno[f"tiers-{index}-body_markdown"] = "Bruno's academic text."
    bruno["change_summary"] = "Bruno rewrote the academic text."
    assert second.post(url, bruno).status_code == 302

    # Alice, still on the page she loaded, edits a different tier.
    index = inline_index(alice, "tiers", "tier", "fundamentals")
    alice[f"tiers-{index}-body_markdown"] = "Alice's plain text."
    alice["change_summary"] = "Alice simplified the plain text."
    response = first.post(url, alice)

    html = response.content.decode()
    assert response.status_code == 200
    assert "Someone else saved this article while you were editing it (bruno, " in html
    latest = Version.objects.get_for_object(article).first()
    revision_url = reverse("admin:articles_article_revision", args=[article.pk, latest.pk])
    assert f'<a href="{revision_url}">See the other change</a>' in html
    assert "Alice&#x27;s plain text." in html
    tiers = dict(article.tiers.values_list("tier", "body_markdown"))
    assert tiers["academic"] == "Bruno's academic text.\n"
    assert tiers["fundamentals"] == untouched["fundamentals"]

    # Reloading the page picks up Bruno's change; Alice's edit then goes through.
    fresh = form_data(first.get(url), "article_form")
    assert fresh["loaded_fingerprint"] != alice["loaded_fingerprint"]
    fresh[f"tiers-{index}-body_markdown"] = "Alice's plain text."
    fresh["change_summary"] = "Alice simplified the plain text."
    assert first.post(url, fresh).status_code == 302
    tiers = dict(article.tiers.values_list("tier", "body_markdown"))
    assert tiers == {
        "fundamentals": "Alice's plain text.\n",
        "intermediate": untouched["intermediate"],
        "academic": "Bruno's academic text.\n",
    }


def test_arrow_saved_elsewhere_makes_an_open_node_form_stale():
    nodes = make_graph()
    node = nodes["switch"]
    first, second = editor_client("alice"), editor_client("bruno")
    node_url = change_url(node)
    alice = form_data(first.get(node_url), "node_form")

    # Bruno edits an arrow into this node on the arrow's own page.
    edge = Edge.objects.get(source=nodes["sensor"], target=node)
    bruno = form_data(second.get(change_url(edge)), "edge_form")
    bruno["mechanism"] = "Bruno's better sentence."
    assert second.post(change_url(edge), bruno).status_code == 302

    alice["name"] = "Master switch"
    response = first.post(node_url, alice)

    html = response.content.decode()
    assert response.status_code == 200
    assert "Someone else saved this node while you were editing it (bruno," in html
    # The other change was saved on the arrow's page, so the link opens that arrow's version.
    version = Version.objects.get_for_object(edge).first()
    revision_url = reverse("admin:explorer_edge_revision", args=[edge.pk, version.pk])
    assert f'<a href="{revision_url}">See the other change</a>' in html
    assert "Master switch</textarea>" in html
    assert Node.objects.get(pk=node.pk).name == "Switch 0"
    assert Edge.objects.get(pk=edge.pk).mechanism == "Bruno's better sentence."


# 5. Drafts -----------------------------------------------------------------------------------


def test_draft_article_is_hidden_from_readers_and_shown_to_editors(client):
    make_article("public-one")
    make_article("secret-plan", status=Status.DRAFT)

    assert client.get("/articles/secret-plan/fundamentals/").status_code == 404
    assert client.get("/articles/secret-plan/").status_code == 404
    home = client.get("/").content.decode()
    assert "/articles/public-one/" in home
    assert "/articles/secret-plan/" not in home

    editor = editor_client()
    page = editor.get("/articles/secret-plan/fundamentals/")
    assert page.status_code == 200
    bar = re.search(r'<aside class="editor-bar editor-bar--draft".*?</aside>', page.text, re.S)
    assert bar
    assert "Draft" in bar.group(0)
    assert "editor-bar--draft" not in editor.get("/articles/public-one/fundamentals/").text
    assert "/articles/secret-plan/" in editor.get("/").text

    article = Article.objects.get(slug="secret-plan")
    data = form_data(editor.get(change_url(article)), "article_form")
    data["status"] = Status.PUBLISHED
    assert editor.post(change_url(article), data).status_code == 302
    assert client.get("/articles/secret-plan/fundamentals/").status_code == 200
    assert "/articles/secret-plan/" in client.get("/").text


def test_draft_node_is_hidden_from_readers_and_shown_to_editors(client):
    nodes = make_graph()
    secret = make_node("secret-signal", "signal", "Secret signal")
    make_edge(nodes["sensor"], secret)
    Node.objects.filter(pk=secret.pk).update(status=Status.DRAFT)

    assert client.get("/explorer/secret-signal/").status_code == 404
    assert client.get("/explorer/sensor-0/").status_code == 200
    explorer = client.get("/explorer/").text
    assert 'id="node-sensor-0"' in explorer
    assert 'id="node-secret-signal"' not in explorer
    assert "Secret signal" not in explorer

    editor = editor_client()
    page = editor.get("/explorer/secret-signal/")
    assert page.status_code == 200
    assert re.search(r'class="editor-bar editor-bar--draft".*?Draft', page.text, re.S)
    assert 'id="node-secret-signal"' in editor.get("/explorer/").text

    data = form_data(editor.get(change_url(secret)), "node_form")
    data["status"] = Status.PUBLISHED
    assert editor.post(change_url(secret), data).status_code == 302
    assert client.get("/explorer/secret-signal/").status_code == 200
    assert 'id="node-secret-signal"' in client.get("/explorer/").text


def test_old_addresses_of_reference_pages_lead_to_their_new_ones():
    reference = make_reference()
    client = editor_client()

    listed = client.get("/admin/articles/reference/?q=smith")
    changed = client.get(f"/admin/articles/reference/{reference.pk}/change/")

    assert listed.status_code == 301
    assert listed["Location"] == reverse("admin:core_reference_changelist") + "?q=smith"
    assert changed["Location"] == reverse("admin:core_reference_change", args=[reference.pk])
    assert client.get(changed["Location"]).status_code == 200


# 6. The Editors group ------------------------------------------------------------------------


def test_editors_group_has_exactly_the_permissions_the_readme_lists():
    text = README.read_text(encoding="utf-8")
    listed = re.search(
        r"<!-- editors-permissions.*?-->(.*?)<!-- /editors-permissions -->", text, re.S
    )
    assert listed, "README.md has lost its editors-permissions markers"
    documented = set(re.findall(r"`(\w+\.\w+)`", listed.group(1)))

    group = Group.objects.get(name="Editors")
    granted = {
        f"{permission.content_type.app_label}.{permission.codename}"
        for permission in group.permissions.select_related("content_type")
    }
    assert len(granted) == 40  # ten models, four permissions each
    assert granted == documented
    assert not any(name.startswith("auth.") for name in granted)


# 7. History ----------------------------------------------------------------------------------


def test_history_shows_readable_changes_and_restores_an_old_version(client):
    make_reference("smith2020")
    make_reference("jones2021")
    make_node("ampk", name="AMPK")
    article = make_article("fuel-sensing")
    editor = editor_client("alice")
    url = change_url(article)

    def save_fundamentals(text):
        data = form_data(editor.get(url), "article_form")
        index = inline_index(data, "tiers", "tier", "fundamentals")
        data[f"tiers-{index}-body_markdown"] = text
        data["change_summary"] = "Rewrote the plain text."
        assert editor.post(url, data).status_code == 302

    save_fundamentals("## First\n\nMuscle burns sugar quickly [@smith2020].\n\nSee [[ampk]].")
    save_fundamentals("## First\n\nMuscle burns fat slowly [@jones2021].")
    tier = ArticleTier.objects.get(article=article, tier="fundamentals")
    assert list(tier.citations.values_list("reference__key", flat=True)) == ["jones2021"]
    assert not tier.linked_nodes.exists()

    history = editor.get(reverse("admin:articles_article_history", args=[article.pk])).text
    rows = re.findall(r"<tr>\s*<th scope=\"row\">.*?</tr>", history, re.S)
    assert len(rows) == 2
    assert all("<td>alice</td>" in row for row in rows)

    versions = Version.objects.get_for_object(article)
    first_version = versions.last()
    revision_url = reverse("admin:articles_article_revision", args=[article.pk, first_version.pk])
    assert revision_url in history
    revision = editor.get(revision_url)
    restore_section = revision.text[revision.text.index('id="changes-restore-heading"') :]
    assert "<del>fat slowly [@jones2021].</del>" in restore_section
    assert "<ins>sugar quickly [@smith2020].</ins>" in restore_section
    assert "<ins>See [[ampk]].</ins>" in restore_section

    data = form_data(revision, "restore_form")
    restored = editor.post(revision_url, data, follow=True)
    assert "was restored to the version saved on" in restored.text

    tier.refresh_from_db()
    assert tier.body_markdown == (
        "## First\n\nMuscle burns sugar quickly [@smith2020].\n\nSee [[ampk]].\n"
    )
    assert "sugar quickly" in tier.body_html
    # What is worked out from the Markdown on save comes back with it.
    assert list(tier.citations.values_list("reference__key", flat=True)) == ["smith2020"]
    assert list(tier.linked_nodes.values_list("slug", flat=True)) == ["ampk"]
    public = client.get("/articles/fuel-sensing/fundamentals/").text
    assert "Muscle burns sugar quickly" in public
    assert "fat slowly" not in public
    references = public[public.index('id="references-heading"') :]
    assert "A study called smith2020" in references
    assert "A study called jones2021" not in references
    assert Version.objects.get_for_object(article).count() == 3


# 8. Review queue -----------------------------------------------------------------------------


def test_review_queue_lists_what_needs_an_editor():
    today = timezone.localdate()  # the date the review queue goes by
    nodes = make_graph()
    make_article("overdue-one", title="Overdue one", next_review=today - datetime.timedelta(10))
    make_article("fresh-one", title="Fresh one", next_review=today + datetime.timedelta(100))
    make_article("draft-one", title="Draft one", status=Status.DRAFT, next_review=today)
    unreferenced = make_edge(nodes["sensor"], nodes["result"])
    contested = Edge.objects.get(source=nodes["exercise"], target=nodes["messenger"])
    editor = editor_client()

    queue = editor.get(reverse("admin:review-queue")).text
    due = queue[queue.index('id="due-heading"') : queue.index('id="edges-heading"')]
    assert "Due for review (2)" in due
    assert "Overdue one" in due
    assert "Fresh one" not in due
    arrows = queue[queue.index('id="edges-heading"') : queue.index('id="unscheduled-heading"')]
    assert "(2)" in arrows
    assert change_url(unreferenced) in arrows
    assert change_url(contested) in arrows
    assert "<strong>none</strong>" in arrows
    drafts = queue[queue.index('id="drafts-heading"') :]
    assert "Drafts (1)" in drafts
    assert "Draft one" in drafts
    assert "Overdue one" not in drafts

    index = editor.get(reverse("admin:index")).text
    assert "2 pages due for review and 2 arrows graded D or without a reference." in index
    assert reverse("admin:review-queue") in index


# 9. Filters and search -----------------------------------------------------------------------


def test_two_clicks_find_weak_arrows_and_aliases_find_nodes():
    nodes = make_graph()
    prkaa = make_node("ampk", name="AMPK", aliases=["PRKAA1"])
    animal_d = make_edge(nodes["sensor"], nodes["hormone"], grade="D", evidence="animal")
    cell_d = make_edge(prkaa, nodes["organ"], grade="D", evidence="cell")
    make_edge(nodes["exercise"], nodes["organ"], grade="C", evidence="animal")
    to_ampk = make_edge(nodes["switch"], prkaa, grade="B", evidence="human")
    editor = editor_client()
    changelist = reverse("admin:explorer_edge_changelist")

    response = editor.get(changelist, {"grade__exact": "D", "human": "no"})
    assert result_pks(response, "edge") == {animal_d.pk, cell_d.pk}
    all_d = editor.get(changelist, {"grade__exact": "D"})
    assert len(result_pks(all_d, "edge")) == 3  # with the graph's human-evidence D arrow

    found = editor.get(changelist, {"q": "prkaa1"})
    assert result_pks(found, "edge") == {cell_d.pk, to_ampk.pk}

    nodes_found = editor.get(reverse("admin:explorer_node_changelist"), {"q": "PRKAA1"})
    assert result_pks(nodes_found, "node") == {prkaa.pk}


# 10. Signing in ------------------------------------------------------------------------------


def test_sign_in_is_locked_after_five_wrong_passwords(client):
    make_editor("alice")
    wrong = {"username": "alice", "password": "not-her-password"}
    for _ in range(4):
        response = client.post("/admin/login/", wrong)
        assert response.status_code == 200
        assert "Please enter the correct username and password" in response.text
    # The fifth wrong password reaches AXES_FAILURE_LIMIT: that answer is already the lockout.
    assert client.post("/admin/login/", wrong).status_code == 429

    response = client.post("/admin/login/", {"username": "alice", "password": GOOD_PASSWORD})
    assert response.status_code == 429
    assert "Too many failed sign-in attempts" in response.text
    assert client.get("/admin/").status_code == 302  # still signed out


def test_create_editor_refuses_a_weak_password(monkeypatch):
    monkeypatch.setenv("DJANGO_EDITOR_PASSWORD", "short1")
    with pytest.raises(CommandError, match="This password is too short"):
        call_command("create_editor", "newbie", "--no-input")
    assert not User.objects.filter(username="newbie").exists()


def test_created_editor_can_edit_content_but_not_users(monkeypatch, client):
    monkeypatch.setenv("DJANGO_EDITOR_PASSWORD", GOOD_PASSWORD)
    call_command("create_editor", "newbie", "--email", "newbie@example.org", "--no-input")
    user = User.objects.get(username="newbie")
    assert user.is_staff
    assert not user.is_superuser
    assert list(user.groups.values_list("name", flat=True)) == ["Editors"]

    response = client.post("/admin/login/", {"username": "newbie", "password": GOOD_PASSWORD})
    assert response.status_code == 302
    assert client.get("/admin/").status_code == 200
    assert client.get(reverse("admin:articles_article_changelist")).status_code == 200
    assert client.get("/admin/auth/user/").status_code == 403

    with pytest.raises(CommandError, match="already exists"):
        call_command("create_editor", "newbie", "--no-input")


# 11. A new article ---------------------------------------------------------------------------


def test_new_article_starts_as_a_draft_until_published(client):
    editor = editor_client()
    add_url = reverse("admin:articles_article_add")
    data = form_data(editor.get(add_url), "article_form")
    assert data["status"] == Status.DRAFT
    assert data["tiers-TOTAL_FORMS"] == "3"
    data.update(
        title="Sleep and recovery",
        slug="sleep-and-recovery",
        summary="Why rest days matter.",
        last_reviewed="2026-11-01",
    )
    for tier in ("fundamentals", "intermediate", "academic"):
        index = inline_index(data, "tiers", "tier", tier)
        data[f"tiers-{index}-body_markdown"] = f"## Rest\n\nThe {tier} story of sleep."

    assert editor.post(add_url, data).status_code == 302

    article = Article.objects.get(slug="sleep-and-recovery")
    assert article.status == Status.DRAFT
    assert dict(article.tiers.values_list("tier", "body_markdown")) == {
        tier: f"## Rest\n\nThe {tier} story of sleep.\n"
        for tier in ("fundamentals", "intermediate", "academic")
    }
    assert client.get("/articles/sleep-and-recovery/academic/").status_code == 404
    assert editor.get("/articles/sleep-and-recovery/academic/").status_code == 200

    data = form_data(editor.get(change_url(article)), "article_form")
    data["status"] = Status.PUBLISHED
    assert editor.post(change_url(article), data).status_code == 302
    page = client.get("/articles/sleep-and-recovery/academic/")
    assert page.status_code == 200
    assert "The academic story of sleep." in page.text


def test_reference_is_edited_with_one_author_per_line():
    reference = make_reference("smith2020")
    editor = editor_client()
    url = change_url(reference)
    data = form_data(editor.get(url), "reference_form")
    assert data["authors"] == "Smith J\nJones K"
    data["authors"] = "Smith J\r\n\r\nJones K\r\nLee M\r\n"
    assert editor.post(url, data).status_code == 302
    assert Reference.objects.get(pk=reference.pk).authors == ["Smith J", "Jones K", "Lee M"]


def test_only_pages_computed_for_an_editor_vary_on_the_session_cookie(client):
    article = make_article()
    url = reverse("articles:article-tier", args=[article.slug, "fundamentals"])

    reader = client.get(url)
    editor = editor_client().get(url)

    # A reader's page does not depend on cookies, so Back can show it from the browser's cache.
    assert "Cookie" not in reader.headers["Vary"]
    assert "editor-bar" not in reader.content.decode()
    # An editor's page does (it may show a draft): no cache may hand it to anyone else.
    assert "Cookie" in editor.headers["Vary"]
    assert "editor-bar" in editor.content.decode()


def test_tier_texts_are_listed_in_reading_order():
    node = make_node("ampk", texts={"academic": "Deep.", "fundamentals": "Plain."})
    article = make_article()
    client = editor_client()

    node_form = form_data(client.get(change_url(node)), "node_form")
    article_form = form_data(client.get(change_url(article)), "article_form")

    for form, prefix in ((node_form, "texts"), (article_form, "tiers")):
        assert [form[f"{prefix}-{row}-tier"] for row in range(3)] == [tier.value for tier in Tier]


@pytest.mark.parametrize("fingerprint", [None, "", "0" * 64], ids=["missing", "empty", "altered"])
def test_a_form_without_its_own_fingerprint_is_refused_as_stale(fingerprint):
    article = make_article("fuel-sensing")
    before = dict(article.tiers.values_list("tier", "body_markdown"))
    editor = editor_client()
    url = change_url(article)
    data = form_data(editor.get(url), "article_form")
    index = inline_index(data, "tiers", "tier", "fundamentals")
    data[f"tiers-{index}-body_markdown"] = "Text from a form that skipped the check."
    if fingerprint is None:
        del data["loaded_fingerprint"]
    else:
        data["loaded_fingerprint"] = fingerprint

    response = editor.post(url, data)

    assert response.status_code == 200
    assert "Someone else saved this article while you were editing it" in response.text
    assert "Text from a form that skipped the check." in response.text
    assert dict(article.tiers.values_list("tier", "body_markdown")) == before
