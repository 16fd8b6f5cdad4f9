"""The database as `content/` files: what export_content writes, and which admin edits a load
would overwrite."""

from collections import defaultdict
from pathlib import Path

from django.utils import timezone

from apps.editors.models import admin_revisions_since_sync
from apps.explorer.content import EDGES_FILE, GRAPH_DIR, NODES_DIR, edges_text, node_text
from apps.explorer.models import Edge, EdgeReference, Node, NodeText

from .content import ARTICLES_DIR, REFERENCES_FILE, article_text, references_text
from .models import Article, ArticleTier, Reference

EDGES_PATH = Path(GRAPH_DIR) / EDGES_FILE


def content_files():
    """relative path -> text of every file the database writes, in a fixed number of queries."""
    files = {Path(REFERENCES_FILE): references_text(Reference.objects.order_by("key"))}
    for article in Article.objects.with_tiers().order_by("slug"):
        bodies = {tier.tier: tier.body_markdown for tier in article.tiers.all()}
        files[article_path(article)] = article_text(article, bodies)
    for node in Node.objects.prefetch_related("texts").order_by("slug"):
        bodies = {text.tier: text.body_markdown for text in node.texts.all()}
        files[node_path(node)] = node_text(node, bodies)
    cited = defaultdict(list)
    for use in EdgeReference.objects.order_by("edge", "position").select_related("reference"):
        cited[use.edge_id].append(use.reference.key)
    edges = [
        (edge, edge.source.slug, edge.target.slug, cited[edge.pk])
        for edge in Edge.objects.select_related("source", "target").order_by("position")
    ]
    files[EDGES_PATH] = edges_text(edges)
    return files


def article_path(article):
    return Path(ARTICLES_DIR) / f"{article.slug}.md"


def node_path(node):
    return Path(GRAPH_DIR) / NODES_DIR / f"{node.slug}.md"


def content_path(row):
    """The file of content/ that holds `row`."""
    if isinstance(row, Article):
        return article_path(row)
    if isinstance(row, ArticleTier):
        return article_path(row.article)
    if isinstance(row, Node):
        return node_path(row)
    if isinstance(row, NodeText):
        return node_path(row.node)
    if isinstance(row, Edge | EdgeReference):
        return EDGES_PATH
    if isinstance(row, Reference):
        return Path(REFERENCES_FILE)
    raise TypeError(f"{type(row).__name__} is not stored in content/")


def unexported_edits(content_dir: Path):
    """Files that admin edits since the last load or export would change, with who made them.

    Returns {relative path: the latest such revision}. A file whose text already equals what the
    database would write holds the edit (it was exported), so it is not listed.
    """
    edited = {}
    for revision in admin_revisions_since_sync(str(content_dir.resolve())):
        for version in revision.version_set.all():
            row = version.object
            if row is not None:
                edited[content_path(row)] = revision
    if not edited:
        return {}
    files = content_files()
    unexported = {}
    for path, revision in edited.items():
        on_disk = content_dir / path
        current = on_disk.read_text(encoding="utf-8") if on_disk.exists() else None
        if current != files.get(path):
            unexported[path] = revision
    return unexported


def describe(revision):
    when = timezone.localtime(revision.date_created).strftime("%-d %B %Y, %H:%M")
    return f"edited in the admin by {revision.user.get_username()} on {when}"
