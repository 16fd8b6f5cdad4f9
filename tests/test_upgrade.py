"""A database made by an older `main` migrates forward with everything it held, and the site
serves it exactly as that `main` did.

tests/migration/ holds the database (made as its README says) and what the older code served
from it and read from its history. Here the code of the day migrates a copy and reads it again.
"""

import gzip
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "migration"
# Before the apps were layered: references lived in `articles`, the sync record in `editors`.
BEFORE = "main-738d8f8"
RELABELLED = {
    "articles.reference": "core.reference",
    "editors.contentsync": "content_sync.contentsync",
}


def run(command, database):
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DJANGO_DEBUG": "false",
        "DJANGO_SECRET_KEY": "site-snapshot-only-secret-key-not-for-any-deployment",
        "DJANGO_ALLOWED_HOSTS": "testserver",
        "DATABASE_URL": f"sqlite:///{database}",
    }
    result = subprocess.run(
        [sys.executable, *command], cwd=ROOT, env=environment, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return result.stdout


@pytest.fixture(scope="module")
def upgraded(tmp_path_factory):
    """(what the older main served and held, the same after migrating), and migrate's output."""
    database = tmp_path_factory.mktemp("upgrade") / "site.sqlite3"
    database.write_bytes(gzip.decompress((FIXTURES / f"{BEFORE}.sqlite3.gz").read_bytes()))
    migrated = run(["manage.py", "migrate", "--noinput"], database)
    after = json.loads(run(["tests/migration/site_snapshot.py"], database))
    before = json.loads(gzip.decompress((FIXTURES / f"{BEFORE}.json.gz").read_bytes()))
    return before, after, migrated


def test_the_older_database_needed_the_moves(upgraded):
    _, _, migrated = upgraded
    for migration in ("core.0001_initial", "articles.0004_reference_in_core"):
        assert f"Applying {migration}... OK" in migrated
    assert "content_sync.0001_initial" in migrated


# The explorer's pages were redrawn on purpose after 738d8f8 (issue 11: the map's markup, its
# filters, chains and comparison), and the article pages (issue 15: the end of each tier, and
# reference lists that link back to each citation), so only their status and headers are
# compared with before.
REDRAWN = ("/explorer/", "/articles/")
# Tables that gained a column since (the arrow's time course, the exercise its evidence comes
# from, a node's HGNC and UniProt identifiers; how many markers cite each reference; where a
# reference was verified), or whose
# stored HTML gained ids on its citation markers (issue 15): their row counts are compared,
# and the fields of their rows through the history's versions below.
WIDENED = {
    "explorer_edge", "explorer_node", "articles_citation", "explorer_nodecitation",
    "articles_articletier", "explorer_nodetext", "articles_reference",
}  # fmt: skip
# Tables whose rows change on purpose, in the app labels of the models that moved.
RELABELLED_TABLES = {"django_content_type", "reversion_version"}


def as_served_before(page):
    """A page as the older main would have served it. Since then reader pages are gzipped
    (issue 11), so they also vary on Accept-Encoding, and cached (issue 12), so they say how
    long a shared cache may keep them, and their policy names where browsers report what it
    blocks (issue 14); nothing else about them changed."""
    headers = dict(page["headers"])
    if headers.get("Content-Security-Policy"):
        directives = headers["Content-Security-Policy"].split("; ")
        kept = [d for d in directives if d != "report-uri /csp-report/"]
        headers["Content-Security-Policy"] = "; ".join(kept)
    if headers.get("Vary"):
        kept = [name for name in headers["Vary"].split(", ") if name != "Accept-Encoding"]
        headers["Vary"] = ", ".join(kept) or None
    if headers.get("Cache-Control") == READER_CACHE_CONTROL:
        headers["Cache-Control"] = None
    return {**page, "headers": headers}


READER_CACHE_CONTROL = "public, max-age=0, s-maxage=60, stale-while-revalidate=300"


def test_every_page_is_served_as_before(upgraded):
    before, after, _ = upgraded
    assert len(before["pages"]) > 500  # every article, node and tier, and their htmx swaps
    after_pages = {url: as_served_before(page) for url, page in after["pages"].items()}
    changed = [
        url
        for url, page in before["pages"].items()
        if not url.startswith(REDRAWN) and after_pages.get(url) != page
    ]
    assert changed == []
    assert any(not url.startswith(REDRAWN) for url in before["pages"])
    served_differently = [
        url
        for url, page in before["pages"].items()
        if (page["status"], page["headers"])
        != (after_pages[url]["status"], after_pages[url]["headers"])
    ]
    assert served_differently == []


# Tables that new models add rows to: their content types and permissions, and the Editors
# group's permissions (editors.0005 lets it edit the guided walks added since).
GROWN = {"django_content_type", "auth_permission", "auth_group_permissions"}


def test_every_row_is_kept(upgraded):
    before, after, _ = upgraded
    counts_before = {table: held["rows"] for table, held in before["tables"].items()}
    counts_after = {table: after["tables"][table]["rows"] for table in before["tables"]}
    assert {t: n for t, n in counts_after.items() if t not in GROWN} == {
        t: n for t, n in counts_before.items() if t not in GROWN
    }
    assert all(counts_after[table] >= counts_before[table] for table in GROWN)
    kept = set(before["tables"]) - RELABELLED_TABLES - WIDENED - GROWN
    assert [
        table for table in sorted(kept) if after["tables"][table] != before["tables"][table]
    ] == []


def test_every_version_of_the_history_reads_as_before(upgraded):
    """Every version holds what it held; a field added since reads as its empty default."""
    before, after, _ = upgraded
    assert len(before["versions"]) > 500
    assert {v["user"] for v in before["versions"].values()} == {None, "alice"}
    assert after["versions"].keys() == before["versions"].keys()
    for pk, version in before["versions"].items():
        read_now = after["versions"][pk]
        assert {name: read_now["fields"][name] for name in version["fields"]} == version["fields"]
        added = set(read_now["fields"]) - set(version["fields"])
        assert {read_now["fields"][name] for name in added} <= {"''", "[]"}, pk
        assert {key: read_now[key] for key in version if key != "fields"} == {
            key: value for key, value in version.items() if key != "fields"
        }


def test_the_editor_signs_in_with_the_same_permissions_under_the_new_labels(upgraded):
    before, after, _ = upgraded

    def relabelled(permission):
        app, codename = permission.split(".")
        model = codename.split("_", 1)[1]
        moved = RELABELLED.get(f"{app}.{model}")
        return f"{moved.split('.')[0]}.{codename}" if moved else permission

    assert after["editor"]["admin_index"] == 200
    kept = {relabelled(permission) for permission in before["editor"]["permissions"]}
    assert kept <= set(after["editor"]["permissions"])
    assert "core.change_reference" in after["editor"]["permissions"]
    # What editors may do since: edit the guided walks added to the map later, and the
    # glossary (issue 15).
    added = set(after["editor"]["permissions"]) - kept
    assert {permission.split("_", 1)[1] for permission in added} <= {
        "walk",
        "walkstep",
        "glossaryterm",
    }
