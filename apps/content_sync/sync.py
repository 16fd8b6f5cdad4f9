"""The database as `content/` files: what export_content writes, which changes a load would
overwrite, and the lock that keeps loads and exports one at a time."""

import fcntl
import hashlib
import os
import tempfile
from collections import defaultdict
from contextlib import contextmanager
from difflib import SequenceMatcher
from pathlib import Path

from django.core.exceptions import ObjectDoesNotExist
from django.core.management.base import BaseCommand, CommandError
from django.core.serializers.base import DeserializationError
from django.db import connection
from django.db.models import Prefetch
from django.utils import timezone
from reversion.models import Revision

from apps.articles.models import Article, ArticleTier
from apps.changes.models import Change
from apps.core.models import GlossaryTerm, Reference
from apps.explorer.models import Edge, EdgeReference, Node, NodeText, Walk, WalkStep

from .models import ContentSync, digest
from .readers import (
    ARTICLES_DIR,
    EDGES_FILE,
    GLOSSARY_FILE,
    GRAPH_DIR,
    NODES_DIR,
    REFERENCES_FILE,
    WALKS_DIR,
)
from .writers import (
    article_text,
    edges_text,
    glossary_text,
    node_text,
    references_text,
    walk_text,
)

EDGES_PATH = Path(GRAPH_DIR) / EDGES_FILE
LOAD_COMMENT = "Loaded from"  # how load_content's revisions start


def content_files():
    """relative path -> text of every file the database writes, in a fixed number of queries."""
    files = {Path(REFERENCES_FILE): references_text(Reference.objects.order_by("key"))}
    latest_changes = Change.objects.latest_by_page()
    for article in Article.objects.with_tiers().order_by("slug"):
        bodies = {tier.tier: tier.body_markdown for tier in article.tiers.all()}
        change = latest_changes.get(("article", article.pk))
        files[article_path(article)] = article_text(article, bodies, change)
    for node in Node.objects.prefetch_related("texts").order_by("slug"):
        bodies = {text.tier: text.body_markdown for text in node.texts.all()}
        change = latest_changes.get(("node", node.pk))
        files[node_path(node)] = node_text(node, bodies, change)
    cited = defaultdict(list)
    for use in EdgeReference.objects.order_by("edge", "position").select_related("reference"):
        cited[use.edge_id].append(use.reference.key)
    edges = [
        (edge, edge.source.slug, edge.target.slug, cited[edge.pk])
        for edge in Edge.objects.select_related("source", "target").order_by("position")
    ]
    files[EDGES_PATH] = edges_text(edges)
    steps = WalkStep.objects.select_related("edge__source", "edge__target").order_by("position")
    for walk in Walk.objects.prefetch_related(Prefetch("steps", queryset=steps)).order_by("slug"):
        files[walk_path(walk)] = walk_text(
            walk,
            [(step, step.edge.source.slug, step.edge.target.slug) for step in walk.steps.all()],
        )
    glossary = glossary_text(GlossaryTerm.objects.all())
    if glossary is not None:  # a site with no glossary has no glossary.toml
        files[Path(GLOSSARY_FILE)] = glossary
    return files


def article_path(article):
    return Path(ARTICLES_DIR) / f"{article.slug}.md"


def node_path(node):
    return Path(GRAPH_DIR) / NODES_DIR / f"{node.slug}.md"


def walk_path(walk):
    return Path(GRAPH_DIR) / WALKS_DIR / f"{walk.slug}.yaml"


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
    if isinstance(row, Walk):
        return walk_path(row)
    if isinstance(row, WalkStep):
        return walk_path(row.walk)
    if isinstance(row, Reference):
        return Path(REFERENCES_FILE)
    if isinstance(row, GlossaryTerm):
        return Path(GLOSSARY_FILE)
    raise TypeError(f"{type(row).__name__} is not stored in content/")


def unsynced_changes(content_dir: Path):
    """Files that a load of `content_dir` would overwrite although the database changed them.

    A file is listed when what the database holds for it differs from what it held at the last
    load or export (an edit, an addition or a deletion, whoever or whatever made it) and from
    what `content_dir` holds (so the change was never exported there). Returns
    {relative path: a sentence saying what differs and, where a revision records it, who}.
    """
    if not database_has_content():
        return {}  # nothing to lose: a new database, or one whose content was cleared
    last = ContentSync.last_recorded(content_dir)
    recorded = last.file_digests if last else {}  # no record: every difference counts
    files = content_files()
    paths = sorted({*files, *map(Path, recorded)}, key=str)
    changed = {}
    for path in paths:
        held = files.get(path)
        if (digest(held) if held is not None else None) == recorded.get(str(path)):
            continue
        on_disk = content_dir / path
        current = on_disk.read_text(encoding="utf-8") if on_disk.exists() else None
        if current != held:
            changed[path] = difference(held, current)
    if changed:
        editors = last_editors(last.finished_at if last else None)
        for path in changed:
            changed[path] += "; " + editors.get(path, "no admin save records it")
    return changed


def database_has_content():
    return any(model.objects.exists() for model in (Reference, Article, Node, Edge, GlossaryTerm))


def difference(held, on_disk):
    """The first lines where the database's text and content/'s differ, in plain words."""
    if held is None:
        return "deleted in the database since the last load or export"
    if on_disk is None:
        return "exists only in the database (added since the last load or export)"
    lines = []
    disk_lines, held_lines = on_disk.splitlines(), held.splitlines()
    matcher = SequenceMatcher(None, disk_lines, held_lines, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        ours = shorten(" / ".join(filter(str.strip, disk_lines[i1:i2]))) or "nothing"
        theirs = shorten(" / ".join(filter(str.strip, held_lines[j1:j2]))) or "nothing"
        lines.append(f"line {i1 + 1}: content/ has “{ours}”, the database has “{theirs}”")
    more = f" (and {len(lines) - 2} more)" if len(lines) > 2 else ""
    return "changed in the database since the last load or export: " + "; ".join(lines[:2]) + more


def shorten(text, width=70):
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"


def last_editors(since):
    """path -> who last saved a change to it in the admin after `since` (None: ever)."""
    revisions = Revision.objects.select_related("user").prefetch_related("version_set")
    if since is not None:
        revisions = revisions.filter(date_created__gt=since)
    editors = {}
    for revision in revisions.order_by("pk"):
        for version in revision.version_set.all():
            try:
                path = content_path(version._object_version.object)
            except (ObjectDoesNotExist, TypeError, DeserializationError):
                continue  # a row of a deleted page, or one not stored in content/
            editors[path] = describe(revision)
    return editors


def describe(revision):
    when = timezone.localtime(revision.date_created).strftime("%-d %B %Y, %H:%M")
    if revision.user_id is None:
        if revision.comment.startswith(LOAD_COMMENT):
            return f"last written by load_content on {when}"
        return f"last saved on {when} by an account that no longer exists, or outside the admin"
    return f"last saved in the admin by {revision.user.get_username()} on {when}"


class SyncInProgress(Exception):
    pass


# The key of PostgreSQL's advisory lock for loads and exports: any number the site uses once.
CONTENT_SYNC_LOCK_KEY = int.from_bytes(
    hashlib.sha256(b"exercise-signals:content-sync").digest()[:8], "big", signed=True
)


@contextmanager
def content_sync_lock():
    """Hold the one lock that loads and exports of this database take, or raise SyncInProgress.

    Two loads at once would each check the database, then write it in turn; the second would
    find the first one's rows and refuse or, worse, interleave. On PostgreSQL the lock is the
    database's own (an advisory lock), so it holds between app servers on different machines;
    on SQLite it is a lock file beside the database (or in the temp folder for one in memory).
    """
    if connection.vendor == "postgresql":
        with _advisory_lock():
            yield
        return
    name = str(connection.settings_dict["NAME"])
    if not connection.is_in_memory_db():
        lock_path = Path(f"{name}.content-lock")
    else:  # an in-memory database belongs to one process
        key = hashlib.sha256(f"{os.getpid()}:{name}".encode()).hexdigest()[:16]
        lock_path = Path(tempfile.gettempdir()) / f"exercise-signals-{key}.content-lock"
    with open(lock_path, "a+") as lock_file:
        try:
            fcntl.flock(lock_file, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as error:
            raise SyncInProgress from error
        try:
            yield
        finally:
            fcntl.flock(lock_file, fcntl.LOCK_UN)


@contextmanager
def _advisory_lock():
    """A session-level advisory lock: held by this connection until released (a transaction
    rolling back does not release it), and let go by the server if the process dies."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s)", [CONTENT_SYNC_LOCK_KEY])
        if not cursor.fetchone()[0]:
            raise SyncInProgress
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_unlock(%s)", [CONTENT_SYNC_LOCK_KEY])


class ContentSyncCommand(BaseCommand):
    """A command that reads or writes content/ against the database: one at a time.

    The lock is taken before Django's system checks run. Those checks already start a
    transaction, which on SQLite (IMMEDIATE mode) waits for a running load's write lock, so a
    second load would queue behind the first instead of stopping at once.
    """

    busy_message = "Another load or export of this database is running"

    def execute(self, *args, **options):
        try:
            with content_sync_lock():
                return super().execute(*args, **options)
        except SyncInProgress:
            name = self.__module__.rpartition(".")[2]
            raise CommandError(
                f"{self.busy_message}, so nothing was changed. Wait for it to finish, then run "
                f"{name} again."
            ) from None
