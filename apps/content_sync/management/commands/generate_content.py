import dataclasses
import re
from pathlib import Path
from types import SimpleNamespace

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from apps.content_sync.readers import (
    ARTICLES_DIR,
    EDGES_FILE,
    GLOSSARY_FILE,
    GRAPH_DIR,
    NODES_DIR,
    REFERENCE_ORDER,
    REFERENCES_FILE,
    WALKS_DIR,
    ContentErrors,
    read_content,
)
from apps.content_sync.writers import (
    article_text,
    edges_text,
    glossary_text,
    node_text,
    references_text,
    walk_text,
    write_file,
)
from apps.core.models import glossary_anchor

NODE_LINK = re.compile(r"\[\[(?P<slug>[a-z0-9-]+)")
CITATION = re.compile(r"@(?P<key>[a-z0-9]+)")
JOINS_PER_COPY = 12


class Copy:
    """The names of one numbered copy of the content; copy 1 keeps the original names."""

    def __init__(self, number, node_slugs, reference_keys):
        self.number = number
        self.node_slugs = node_slugs
        self.reference_keys = reference_keys

    def slug(self, slug):
        return slug if self.number == 1 else f"{slug}-{self.number}"

    def key(self, key):  # a citation key is letters and digits only
        return key if self.number == 1 else f"{key}x{self.number}"

    def name(self, name):
        return name if self.number == 1 else f"{name} {self.number}"

    def markdown(self, text):
        """The text with its map links and citations pointing at this copy's nodes and sources."""
        text = NODE_LINK.sub(
            lambda m: "[[" + (self.slug(m["slug"]) if m["slug"] in self.node_slugs else m["slug"]),
            text,
        )
        return CITATION.sub(
            lambda m: "@" + (self.key(m["key"]) if m["key"] in self.reference_keys else m["key"]),
            text,
        )

    def bodies(self, bodies):
        return {tier: self.markdown(text) for tier, text in bodies.items()}


class WalkStepText(SimpleNamespace):
    def text(self, tier):
        return self.texts[tier.value]


class Command(BaseCommand):
    help = (
        "Write a larger content folder for benchmarks: numbered copies of every reference, node, "
        "arrow, article and guided walk in content/, with each copy's links and citations "
        "pointing at its own copies, plus arrows joining each copy to the first. The result "
        "loads with `load_content --content-dir`. Ten copies of today's content give 20 articles, "
        "520 nodes, 1,008 arrows and 670 references."
    )

    def add_arguments(self, parser):
        parser.add_argument("output", type=Path, help="Folder to write; must be empty or new.")
        parser.add_argument(
            "--times", type=int, default=10, help="How many copies (default: %(default)s)."
        )
        parser.add_argument(
            "--content-dir",
            type=Path,
            default=settings.CONTENT_DIR,
            help="Folder to copy (default: %(default)s).",
        )

    def handle(self, *args, output, times, content_dir, **options):
        if times < 1:
            raise CommandError("--times must be 1 or more.")
        if output.exists() and (not output.is_dir() or any(output.iterdir())):
            raise CommandError(f"{output}: not an empty folder; nothing was written.")
        try:
            content = read_content(content_dir)
        except ContentErrors as errors:
            raise CommandError(f"{errors}\nnothing was written.") from errors

        files, arrows = grown_files(content, times)
        for path, text in files.items():
            write_file(output / path, text)
        counts = {
            "articles": len(content.articles) * times,
            "nodes": len(content.nodes) * times,
            "arrows": arrows,
            "references": len(content.references) * times,
        }
        summary = ", ".join(f"{count} {kind}" for kind, count in counts.items())
        self.stdout.write(self.style.SUCCESS(f"Wrote {output}: {summary}."))


def grown_files(content, times):
    """({relative path: text}, number of arrows) of `times` copies of `content`, as the
    writers write them."""
    node_slugs = {node.slug for node in content.nodes}
    keys = {reference["key"] for reference in content.references}
    copies = [Copy(number, node_slugs, keys) for number in range(1, times + 1)]
    files = {}

    references = []
    for copy in copies:
        for entry in content.references:
            fields = {name: entry.get(name, "") for name in REFERENCE_ORDER}
            references.append(SimpleNamespace(**fields | {"key": copy.key(entry["key"])}))
    files[Path(REFERENCES_FILE)] = references_text(references)

    for copy in copies:
        for article in content.articles:
            grown = dataclasses.replace(
                article,
                slug=copy.slug(article.slug),
                title=copy.name(article.title),
                status=str(article.status),  # a plain string, as the writers get from a row
            )
            files[Path(ARTICLES_DIR) / f"{grown.slug}.md"] = article_text(
                grown, copy.bodies(article.bodies)
            )
        for node in content.nodes:
            grown = dataclasses.replace(
                node,
                slug=copy.slug(node.slug),
                name=copy.name(node.name),
                aliases=[copy.name(alias) for alias in node.aliases],
                status=str(node.status),
            )
            files[Path(GRAPH_DIR) / NODES_DIR / f"{grown.slug}.md"] = node_text(
                grown, copy.bodies(node.bodies)
            )
        for walk in content.walks:
            steps = [
                (WalkStepText(texts=step.texts), copy.slug(step.source), copy.slug(step.target))
                for step in walk.steps
            ]
            grown = dataclasses.replace(walk, title=copy.name(walk.title), status=str(walk.status))
            files[Path(GRAPH_DIR) / WALKS_DIR / f"{copy.slug(walk.slug)}.yaml"] = walk_text(
                grown, steps
            )

    edges = [
        (
            dataclasses.replace(
                edge,
                section=copy.name(edge.section) if edge.section else "",
                shown_with=[copy.slug(slug) for slug in edge.shown_with],
            ),
            copy.slug(edge.source),
            copy.slug(edge.target),
            [copy.key(key) for key in edge.references],
        )
        for copy in copies
        for edge in content.edges
    ]
    # Join the copies into one map: each later copy's first arrows also reach the first copy's
    # nodes (with ten copies of today's content, 1,008 arrows in all).
    edges += [
        (edge, copy.slug(edge.source), edge.target, edge.references)
        for copy in copies[1:]
        for edge in content.edges[:JOINS_PER_COPY]
    ]
    files[Path(GRAPH_DIR) / EDGES_FILE] = edges_text(edges)
    # One glossary for all copies (every copy's texts use the same words); its terms name the
    # first copy's nodes, which keep their slugs.
    glossary = glossary_text(
        SimpleNamespace(**term, anchor=glossary_anchor(term["term"])) for term in content.glossary
    )
    if glossary is not None:
        files[Path(GLOSSARY_FILE)] = glossary
    return files, len(edges)
