"""History editors can trust: a restore changes only the restored object and the rows it owns,
and its page lists exactly what it will change before anything is written."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.db import transaction
from django.urls import reverse
from reversion.models import Version

from apps.articles.models import Article, ArticleTier, Citation
from apps.content_sync.sync import content_files
from apps.core.models import GlossaryTerm, Reference
from apps.editors.history import restore, restore_plan
from apps.explorer.models import Edge, EdgeReference, Node, NodeCitation, NodeText, Walk, WalkStep
from tests.test_editors import change_url, editor_client, form_data, inline_index

pytestmark = pytest.mark.django_db

ARTICLE = "exercise-and-metabolic-health"

# Which row owns which, written out here rather than taken from the code under test: a row
# belongs to an object if it is the object, or its owner (followed upwards) is.
OWNER = {
    ArticleTier: "article_id",
    NodeText: "node_id",
    EdgeReference: "edge_id",
    Citation: "tier_id",
    NodeCitation: "text_id",
    ArticleTier.linked_nodes.through: "articletier_id",
}
OWNER_MODEL = {
    ArticleTier: Article,
    NodeText: Node,
    EdgeReference: Edge,
    Citation: ArticleTier,
    NodeCitation: NodeText,
    ArticleTier.linked_nodes.through: ArticleTier,
}
CONTENT_MODELS = [
    Reference, Article, ArticleTier, Citation, ArticleTier.linked_nodes.through,
    Node, NodeText, NodeCitation, Edge, EdgeReference,
]  # fmt: skip


def every_row():
    """{(model, pk): values} of every content row, read independently of the code under test."""
    return {(model, row["id"]): row for model in CONTENT_MODELS for row in model.objects.values()}


def belongs_to(key, rows, owner_model, owner_pk):
    model, pk = key
    while True:
        if (model, pk) == (owner_model, owner_pk):
            return True
        if model not in OWNER or (model, pk) not in rows:
            return False
        pk = rows[(model, pk)][OWNER[model]]
        model = OWNER_MODEL[model]


def changed_rows(before, after):
    statuses = {}
    for key in {*before, *after}:
        if key not in before:
            statuses[key] = "added"
        elif key not in after:
            statuses[key] = "removed"
        elif before[key] != after[key]:
            statuses[key] = "changed"
    return statuses


def save_in_the_admin(client, obj, form_id, edit):
    url = change_url(obj)
    data = form_data(client.get(url), form_id)
    edit(data)
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]


@pytest.fixture
def edited_history():
    """The shipped content/ loaded, then one article, one node and one arrow edited by an
    editor in the admin: the history the issue's reproduction starts from."""
    call_command("load_content", stdout=StringIO())
    editor = editor_client("alice")

    def edit_article(data):
        index = inline_index(data, "tiers", "tier", "fundamentals")
        field = f"tiers-{index}-body_markdown"
        data[field] = data[field].replace("When you eat", "Right after you eat")
        data["change_summary"] = "Said more exactly when the effect starts."

    def edit_node(data):
        index = inline_index(data, "texts", "tier", "intermediate")
        data[f"texts-{index}-body_markdown"] += "\nAn editor's added sentence.\n"
        data["aliases"] = data["aliases"] + "\nAn editor's alias"
        data["change_summary"] = "Added a sentence and an alias."

    def edit_arrow(data):
        data["grade"] = "C"
        # The arrow loses its first reference and keeps the rest.
        data["cited-0-DELETE"] = "on"

    save_in_the_admin(editor, Article.objects.get(slug=ARTICLE), "article_form", edit_article)
    save_in_the_admin(editor, Node.objects.get(slug="pgc-1a"), "node_form", edit_node)
    arrow = Edge.objects.filter(cited__isnull=False).distinct().order_by("position")[1]
    save_in_the_admin(editor, arrow, "edge_form", edit_arrow)
    return editor


def test_every_version_restores_only_its_own_rows_and_its_page_lists_exactly_them(
    edited_history,
):
    versions = list(Version.objects.select_related("content_type").order_by("pk"))
    assert {version._model for version in versions} == {
        Reference, Article, ArticleTier, Node, NodeText, Edge, EdgeReference, Walk, WalkStep,
        GlossaryTerm,
    }  # fmt: skip
    restored_something = 0
    for version in versions:
        before = every_row()
        plan = restore_plan(version)
        assert not plan.error, f"{version.object_repr}: {plan.error}"
        assert every_row() == before, "working out the plan changed the database"

        with transaction.atomic():
            restore(version)
            after = every_row()
            transaction.set_rollback(True)

        changed = changed_rows(before, after)
        owner = (version._model, version._model._meta.pk.to_python(version.object_id))
        strays = [
            key
            for key in changed
            if not belongs_to(key, before, *owner) and not belongs_to(key, after, *owner)
        ]
        assert strays == [], f"restoring {version.object_repr} changed rows it does not own"
        listed = {(change.model, change.pk): change.status for change in plan.changes}
        assert listed == changed, f"the page for {version.object_repr} lists other changes"
        restored_something += bool(changed)
    assert restored_something >= 4  # the edited article, tier, node text and arrow at least


def versioned_ids(model):
    """Ids of the rows with a version (Version keeps them as text, whatever the model's type)."""
    ids = Version.objects.get_for_model(model).values_list("object_id", flat=True)
    return [model._meta.pk.to_python(pk) for pk in ids]


def test_restore_pages_show_the_plan_the_restore_then_carries_out(edited_history, client):
    """The page for a version lists the plan; pressing the button changes exactly that."""
    editor = edited_history
    for model in (Article, Node, Edge):
        obj = model.objects.filter(pk__in=versioned_ids(model)).order_by("pk").last()
        for version in Version.objects.get_for_object(obj):
            url = reverse(
                f"admin:{model._meta.app_label}_{model._meta.model_name}_revision",
                args=[obj.pk, version.pk],
            )
            page = editor.get(url)
            assert page.status_code == 200
            plan = page.context["plan"]
            for change in plan.changes:
                assert str(change.label) in page.text.replace("&#x27;", "'")

        oldest = Version.objects.get_for_object(obj).last()
        url = reverse(
            f"admin:{model._meta.app_label}_{model._meta.model_name}_revision",
            args=[obj.pk, oldest.pk],
        )
        page = editor.get(url)
        plan = page.context["plan"]
        before = every_row()
        response = editor.post(url, form_data(page, "restore_form"), follow=True)
        after = every_row()
        assert "was restored to the version saved on" in response.text
        listed = {(change.model, change.pk): change.status for change in plan.changes}
        assert listed == changed_rows(before, after)


def test_restoring_an_articles_first_version_keeps_every_arrows_references(edited_history):
    """The issue's reproduction: the load's version of an article once deleted the sources of
    every arrow on the map (132 → 0), because the load's revision holds every object."""
    editor = edited_history
    article = Article.objects.get(slug=ARTICLE)
    references_before = EdgeReference.objects.count()
    files_before = content_files()
    loaded = Version.objects.get_for_object(article).last()
    assert loaded.revision.get_comment().startswith("Loaded from")
    url = reverse("admin:articles_article_revision", args=[article.pk, loaded.pk])
    page = editor.get(url)
    restore_section = page.text[page.text.index('id="changes-restore-heading"') :]
    assert "<del>Right after</del>" in restore_section
    assert "Edge reference" not in restore_section

    response = editor.post(url, form_data(page, "restore_form"), follow=True)

    assert "was restored to the version saved on" in response.text
    assert EdgeReference.objects.count() == references_before
    assert not Edge.objects.filter(cited__isnull=True).exclude(
        pk__in=Edge.objects.for_review().values("pk")
    )
    tier = ArticleTier.objects.get(article=article, tier="fundamentals")
    assert "When you eat" in tier.body_markdown
    changed = {path for path, text in content_files().items() if files_before.get(path) != text}
    assert [str(path) for path in changed] == [f"articles/{ARTICLE}.md"]


def test_a_page_drawn_before_another_change_restores_nothing(edited_history):
    editor = edited_history
    article = Article.objects.get(slug=ARTICLE)
    loaded = Version.objects.get_for_object(article).last()
    url = reverse("admin:articles_article_revision", args=[article.pk, loaded.pk])
    page = editor.get(url)

    tier = ArticleTier.objects.get(article=article, tier="academic")
    tier.body_markdown += "\nA sentence saved in the meantime.\n"
    tier.save()
    before = every_row()
    response = editor.post(url, form_data(page, "restore_form"))

    assert response.status_code == 200
    assert "Something changed since this page was drawn, so nothing was restored" in response.text
    assert every_row() == before
    assert "A sentence saved in the meantime." in response.text  # now part of the plan


def test_a_version_that_cites_a_deleted_reference_is_refused_in_plain_words(edited_history):
    editor = edited_history
    node = Node.objects.get(slug="pgc-1a")
    cited = NodeText.objects.filter(node=node).values_list("citations__reference", flat=True)
    reference = Reference.objects.get(pk=next(pk for pk in cited if pk))
    Reference.objects.filter(pk=reference.pk).update(key="renamed-away")  # the key it cites
    version = Version.objects.get_for_object(node).last()
    url = reverse("admin:explorer_node_revision", args=[node.pk, version.pk])

    page = editor.get(url)

    assert f"no reference has the key “{reference.key}”" in page.text
    assert "Restore this version" not in page.text
    before = every_row()
    assert editor.post(url, {"plan": ""}).status_code == 200
    assert every_row() == before


def test_big_versions_are_summarised_not_dumped(edited_history):
    editor = edited_history
    reference = Reference.objects.order_by("pk").first()
    version = Version.objects.get_for_object(reference).last()  # the load: 700 objects saved
    url = reverse("admin:core_reference_revision", args=[reference.pk, version.pk])
    page = editor.get(url)
    assert page.status_code == 200
    assert len(page.content) < 30_000
    assert "The same save also recorded " in page.text
    loaded = version.revision.version_set.get_for_model(EdgeReference).count()
    assert loaded > 100
    assert f"{loaded} edge references" in page.text


def test_a_deleted_arrow_is_recovered_with_its_references(edited_history):
    editor = edited_history
    # An arrow no guided walk uses: those cannot be deleted while a walk needs them.
    arrows = Edge.objects.filter(cited__isnull=False, walk_steps__isnull=True).distinct()
    arrow = arrows.order_by("position").first()
    cited = list(arrow.cited.values_list("reference__key", flat=True))
    url = reverse("admin:explorer_edge_delete", args=[arrow.pk])
    assert editor.post(url, {"post": "yes"}).status_code == 302
    recover_list = editor.get(reverse("admin:explorer_edge_recoverlist"))
    version = Version.objects.get_for_object_reference(Edge, arrow.pk).first()
    recover_url = reverse("admin:explorer_edge_recover", args=[version.pk])
    assert recover_url in recover_list.text
    # Its history page for a version answers 404 while it is deleted: recovering is the way back.
    version_page = reverse("admin:explorer_edge_revision", args=[arrow.pk, version.pk])
    assert editor.get(version_page).status_code == 404

    page = editor.get(recover_url)
    assert "Added:" in page.text
    response = editor.post(recover_url, form_data(page, "restore_form"), follow=True)

    assert "was restored to the version saved on" in response.text
    recovered = Edge.objects.get(pk=arrow.pk)
    assert list(recovered.cited.values_list("reference__key", flat=True)) == cited
    assert editor.get(version_page).status_code == 200
