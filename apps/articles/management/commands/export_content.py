from collections import defaultdict
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from apps.articles.content import (
    ARTICLES_DIR,
    REFERENCES_FILE,
    article_text,
    references_text,
    write_file,
)
from apps.articles.models import Article, Reference
from apps.explorer.content import EDGES_FILE, GRAPH_DIR, NODES_DIR, edges_text, node_text
from apps.explorer.models import Edge, EdgeReference, Node


class Command(BaseCommand):
    help = (
        "Write the database back to content/ in the format load_content reads, so edits made in "
        "the admin can be reviewed and committed like code. Files that would not change are "
        "left alone; files of articles and nodes no longer in the database are removed."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--content-dir",
            type=Path,
            default=settings.CONTENT_DIR,
            help="Folder to write (default: %(default)s).",
        )

    def handle(self, *args, content_dir, **options):
        if content_dir.exists() and not content_dir.is_dir():
            raise CommandError(f"{content_dir}: not a folder")
        files = content_files()
        written = [path for path, text in files.items() if write_file(content_dir / path, text)]
        removed = []
        for folder in (Path(ARTICLES_DIR), Path(GRAPH_DIR) / NODES_DIR):
            for path in sorted((content_dir / folder).glob("*.md")):
                if path.relative_to(content_dir) not in files:
                    path.unlink()
                    removed.append(path.relative_to(content_dir))
        for path in written:
            self.stdout.write(f"Wrote {path}")
        for path in removed:
            self.stdout.write(f"Removed {path}")
        unchanged = len(files) - len(written)
        summary = f"{len(written)} written, {unchanged} unchanged, {len(removed)} removed."
        self.stdout.write(self.style.SUCCESS(f"Exported to {content_dir}: {summary}"))


def content_files():
    """relative path -> text of every file the database writes, in a fixed number of queries."""
    files = {Path(REFERENCES_FILE): references_text(Reference.objects.order_by("key"))}
    for article in Article.objects.with_tiers().order_by("slug"):
        bodies = {tier.tier: tier.body_markdown for tier in article.tiers.all()}
        files[Path(ARTICLES_DIR) / f"{article.slug}.md"] = article_text(article, bodies)
    for node in Node.objects.prefetch_related("texts").order_by("slug"):
        bodies = {text.tier: text.body_markdown for text in node.texts.all()}
        files[Path(GRAPH_DIR) / NODES_DIR / f"{node.slug}.md"] = node_text(node, bodies)
    cited = defaultdict(list)
    for use in EdgeReference.objects.order_by("edge", "position").select_related("reference"):
        cited[use.edge_id].append(use.reference.key)
    edges = [
        (edge, edge.source.slug, edge.target.slug, cited[edge.pk])
        for edge in Edge.objects.select_related("source", "target").order_by("position")
    ]
    files[Path(GRAPH_DIR) / EDGES_FILE] = edges_text(edges)
    return files
