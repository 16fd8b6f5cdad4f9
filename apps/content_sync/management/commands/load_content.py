from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path

import reversion
from django.conf import settings
from django.core.management.base import CommandError
from django.db import transaction
from django.db.models import Prefetch, prefetch_related_objects

from apps.articles.models import Article, ArticleTier
from apps.changes.models import Change, record_loaded_change
from apps.content_sync.models import ContentSync
from apps.content_sync.readers import ContentErrors, read_content
from apps.content_sync.sync import (
    LOAD_COMMENT,
    ContentSyncCommand,
    content_files,
    unsynced_changes,
)
from apps.core.models import (
    ContentVersion,
    GlossaryTerm,
    Reference,
    Tier,
    glossary_anchor,
    texts_rendered_by_caller,
)
from apps.explorer.models import (
    Edge,
    EdgeReference,
    Node,
    NodeText,
    Walk,
    WalkStep,
    lay_out_the_map,
)

ARTICLE_FIELDS = ("title", "summary", "status", "last_reviewed", "next_review")
TIER_FIELDS = ("body_markdown", "body_html", "toc_html", "reading_minutes", "position")
NODE_FIELDS = (
    "name", "kind", "label", "aliases", "hgnc", "uniprot", "status", "last_reviewed", "next_review",
)  # fmt: skip
WALK_FIELDS = ("title", "summary", "status", "last_reviewed", "next_review")
KINDS = (
    "references", "glossary terms", "nodes", "node texts", "edges", "articles", "tiers", "walks",
)  # fmt: skip
GLOSSARY_FIELDS = ("term", "aliases", "definition", "node")


class Command(ContentSyncCommand):
    help = (
        "Load content/ (references, the mechanism graph and articles) into the database. All or "
        "nothing: any error names its file and line and leaves the database as it was. Safe to "
        "run again."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--content-dir",
            type=Path,
            default=settings.CONTENT_DIR,
            help="Folder to read (default: %(default)s).",
        )
        parser.add_argument(
            "--discard-admin-edits",
            action="store_true",
            help="Replace admin edits that were never exported with what content/ holds.",
        )

    def handle(self, *args, content_dir, discard_admin_edits, **options):
        if not content_dir.is_dir():
            raise CommandError(f"{content_dir}: no such folder")
        try:
            content = read_content(content_dir)
        except ContentErrors as errors:
            count = len(errors.errors)
            raise CommandError(
                f"{errors}\n{count} problem{'s' if count > 1 else ''} found; nothing was changed."
            ) from errors

        tally = self.load(content, content_dir, discard_admin_edits)
        # A load that changed the map laid it out as it committed; this also lays out a map
        # that no change has touched since the database was made or migrated.
        lay_out_the_map()

        for kind in KINDS:
            counts = tally[kind]
            self.stdout.write(
                f"{kind.capitalize()}: {counts['created']} created, {counts['updated']} updated, "
                f"{counts['unchanged']} unchanged, {counts['removed']} removed."
            )
        if not any(
            tally[kind][change] for kind in tally for change in ("created", "updated", "removed")
        ):
            self.stdout.write(self.style.SUCCESS("No changes."))
        else:
            self.stdout.write(self.style.SUCCESS("Content loaded."))

    def load(self, content, content_dir, discard_admin_edits):
        """Write `content` in one transaction unless that would lose a change; returns a tally."""
        tally = {kind: Counter() for kind in KINDS}
        names = {node.slug: node.name for node in content.nodes}
        # The check runs inside the transaction, whose write lock keeps an admin save from
        # slipping in between the check and the writes.
        with transaction.atomic():
            if not discard_admin_edits:
                refuse_to_overwrite(unsynced_changes(content_dir), content_dir)
            # One entry in every changed object's history, so the admin shows loads beside edits,
            # and one raise of the content version for the whole load.
            # Every text is rendered below with the glossary being loaded, so a term's save
            # need not render again the texts that use it.
            with (
                reversion.create_revision(),
                ContentVersion.bumped_once(),
                texts_rendered_by_caller(),
            ):
                reversion.set_comment(f"{LOAD_COMMENT} {content_dir.name}/ by load_content.")
                # What the database holds, read once: a row per query would be thousands of
                # queries for a large content folder.
                held = HeldRows.read()
                for data in content.references:
                    tally["references"][sync_reference(data, held)] += 1
                glossary_terms = [sync_glossary_term(data, held) for data in content.glossary]
                for _term, result in glossary_terms:
                    tally["glossary terms"][result] += 1
                # Removed before the texts are rendered, so no text keeps a term that is gone.
                stale_terms = GlossaryTerm.objects.exclude(
                    pk__in=[term.pk for term, _result in glossary_terms]
                )
                tally["glossary terms"]["removed"] = stale_terms.count()
                stale_terms.delete()
                glossary = GlossaryTerm.objects.entries()
                nodes, node_results = {}, {}
                for source in content.nodes:
                    nodes[source.slug], node_results[source.slug] = sync_node(source, held)
                    tally["nodes"][node_results[source.slug]] += 1
                for source in content.nodes:
                    node = nodes[source.slug]
                    results = sync_node_texts(node, source, names, held, glossary)
                    tally["node texts"].update(results)
                    if set(results) - {"unchanged"}:
                        # A node's version holds its texts: record it whenever one changes.
                        record_version(node, "texts")
                    changed = bool({node_results[source.slug], *results} - {"unchanged"})
                    record_loaded_change(
                        node,
                        changed,
                        source.change_summary,
                        source.correction,
                        held.latest_changes.get(("node", node.pk)),
                    )
                edges = {}
                for position, source in enumerate(content.edges):
                    edge, result = sync_edge(source, position, nodes, held)
                    edges[source.source, source.target] = edge
                    tally["edges"][result] += 1
                for source in content.articles:
                    article, article_result, tier_results = sync_article(
                        source, names, held, glossary
                    )
                    tally["articles"][article_result] += 1
                    tally["tiers"].update(tier_results)
                    record_loaded_change(
                        article,
                        bool({article_result, *tier_results} - {"unchanged"}),
                        source.change_summary,
                        source.correction,
                        held.latest_changes.get(("article", article.pk)),
                    )
                for source in content.walks:
                    tally["walks"][sync_walk(source, edges, held)] += 1

                # Walks go first: a step keeps its arrow from being deleted.
                removals = {
                    "walks": Walk.objects.exclude(slug__in=[w.slug for w in content.walks]),
                    "edges": Edge.objects.exclude(pk__in=[edge.pk for edge in edges.values()]),
                    "articles": Article.objects.exclude(
                        slug__in=[a.slug for a in content.articles]
                    ),
                    "nodes": Node.objects.exclude(slug__in=names),
                    "references": Reference.objects.exclude(
                        key__in=[r["key"] for r in content.references]
                    ),
                }
                for kind, stale in removals.items():
                    tally[kind]["removed"] = stale.count()
                    stale.delete()
            ContentSync.record(ContentSync.Direction.LOAD, content_dir, content_files())
        return tally


def refuse_to_overwrite(unsynced, content_dir):
    """Stop before a load replaces changes that exist only in the database."""
    if not unsynced:
        return
    lines = [f"{content_dir / path}: {what}" for path, what in sorted(unsynced.items())]
    raise CommandError(
        "\n".join(lines) + "\nLoading would overwrite these changes, so nothing was changed. Run "
        "`manage.py export_content` to write them to content/ (then review and commit them), or "
        "load again with --discard-admin-edits to replace them with content/."
    )


@dataclass
class HeldRows:
    """The rows a load may update, as the database holds them as it starts."""

    references: dict
    nodes: dict
    node_texts: dict  # node id -> {tier: NodeText}
    edges: dict  # (source id, target id) -> Edge
    articles: dict
    walks: dict
    latest_changes: dict  # ("article" or "node", id) -> its latest published Change
    glossary: dict  # anchor -> GlossaryTerm

    @classmethod
    def read(cls):
        node_texts = defaultdict(dict)
        for text in NodeText.objects.all():
            node_texts[text.node_id][text.tier] = text
        return cls(
            references=Reference.objects.in_bulk(field_name="key"),
            nodes=Node.objects.in_bulk(field_name="slug"),
            node_texts=node_texts,
            edges={(edge.source_id, edge.target_id): edge for edge in Edge.objects.all()},
            articles=Article.objects.in_bulk(field_name="slug"),
            walks=Walk.objects.in_bulk(field_name="slug"),
            latest_changes=Change.objects.latest_by_page(),
            glossary=GlossaryTerm.objects.in_bulk(field_name="anchor"),
        )


def record_version(row, *followed):
    """Add `row` to the load's revision again, now that what its version follows is written.

    django-reversion reads the followed rows with one query each and names every one of them
    (its __str__ reads its parent): fetched here with the parent set, that is one query."""
    prefetch_related_objects([row], *followed)
    reversion.add_to_revision(row)


def sync_fields(model, held_row, lookup, values):
    """Create or update one row so it holds `values`; returns (row, what happened).
    `held_row` is the row as the database holds it (HeldRows), or None."""
    if held_row is None:
        return model.objects.create(**(lookup | values)), "created"
    row = held_row
    if all(getattr(row, name) == value for name, value in values.items()):
        return row, "unchanged"
    for name, value in values.items():
        setattr(row, name, value)
    row.save()
    return row, "updated"


def sync_walk(source, edges, held):
    """The walk and its steps as `source` has them; steps are replaced when any differs."""
    walk, result = sync_fields(
        Walk,
        held.walks.get(source.slug),
        {"slug": source.slug},
        {name: getattr(source, name) for name in WALK_FIELDS},
    )
    wanted = [
        (edges[step.source, step.target].pk, *(step.texts[tier.value] for tier in Tier))
        for step in source.steps
    ]
    held = list(walk.steps.order_by("position").values_list("edge", *(tier.value for tier in Tier)))
    if held != wanted:
        walk.steps.all().delete()
        WalkStep.objects.bulk_create(
            WalkStep(
                walk=walk,
                position=position,
                edge_id=edge_id,
                **dict(zip(Tier.values, texts, strict=True)),
            )
            for position, (edge_id, *texts) in enumerate(wanted)
        )
        result = "updated" if result == "unchanged" else result
        # bulk_create saves no signal: record the walk again now that its steps are there.
        record_version(walk, "steps")
    return result


def sync_reference(data, held):
    return sync_fields(Reference, held.references.get(data["key"]), {"key": data["key"]}, data)[1]


def sync_glossary_term(data, held):
    """The term as glossary.toml has it; returns (term, what happened)."""
    anchor = glossary_anchor(data["term"])
    values = {name: data[name] for name in GLOSSARY_FIELDS}
    return sync_fields(GlossaryTerm, held.glossary.get(anchor), {}, values)


def sync_node(source, held):
    return sync_fields(
        Node,
        held.nodes.get(source.slug),
        {"slug": source.slug},
        {name: getattr(source, name) for name in NODE_FIELDS},
    )


def sync_texts(existing, source, make, compared_fields, names, glossary):
    """Save each tier's Markdown unless its rendering and citations are already stored."""
    results = []
    for tier_name, markdown in source.bodies.items():
        text = existing.get(tier_name) or make(tier_name)
        stored = {name: getattr(text, name, None) for name in compared_fields}
        stored_keys = (
            list(text.citations.order_by("number").values_list("reference__key", flat=True))
            if text.pk
            else []
        )
        text.body_markdown = markdown
        rendered = text.render(names, source.rendered.get(tier_name), glossary)
        unchanged = stored == {name: getattr(text, name) for name in compared_fields}
        if text.pk and unchanged and stored_keys == rendered.citation_keys:
            results.append("unchanged")
            continue
        results.append("updated" if text.pk else "created")
        text.save(rendered=rendered, glossary=glossary)
    return results


def sync_node_texts(node, source, names, held, glossary):
    return sync_texts(
        held.node_texts.get(node.pk, {}),
        source,
        lambda tier: NodeText(node=node, tier=tier),
        ("body_markdown", "body_html"),
        names,
        glossary,
    )


def sync_edge(source, position, nodes, held):
    values = {
        "effect": source.effect,
        "grade": source.grade,
        "evidence": source.evidence,
        "timing": source.timing,
        "shown_with": source.shown_with,
        "mechanism": source.mechanism,
        "caveat": source.caveat,
        "brief_id": source.brief_id,
        "section": source.section,
        "position": position,
    }
    lookup = {"source": nodes[source.source], "target": nodes[source.target]}
    held_edge = held.edges.get((lookup["source"].pk, lookup["target"].pk))
    edge, result = sync_fields(Edge, held_edge, lookup, values)
    cited = (
        list(edge.cited.order_by("position").values_list("reference__key", flat=True))
        if held_edge
        else []
    )
    if cited != source.references:
        references = Reference.objects.in_bulk(source.references, field_name="key")
        edge.cited.all().delete()
        EdgeReference.objects.bulk_create(
            EdgeReference(edge=edge, reference=references[key], position=index)
            for index, key in enumerate(source.references)
        )
        result = "updated" if result == "unchanged" else result
        # bulk_create saves no signal, so record the arrow again now that its references are
        # there: its version must hold them, or restoring it would lose them.
        record_version(edge, Prefetch("cited", EdgeReference.objects.select_related("reference")))
    return edge, result


def sync_article(source, names, held, glossary):
    """Create or update one article and its tiers; returns it, its result and each tier's."""
    held_article = held.articles.get(source.slug)
    article, result = sync_fields(
        Article,
        held_article,
        {"slug": source.slug},
        {name: getattr(source, name) for name in ARTICLE_FIELDS},
    )
    tier_results = sync_texts(
        {tier.tier: tier for tier in article.tiers.all()} if held_article else {},
        source,
        lambda tier: ArticleTier(article=article, tier=tier),
        TIER_FIELDS,
        names,
        glossary,
    )
    if set(tier_results) - {"unchanged"}:
        record_version(article, "tiers")  # an article's version holds its tiers
    return article, result, tier_results
