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


def test_every_page_is_served_byte_for_byte_as_before(upgraded):
    before, after, _ = upgraded
    assert len(before["pages"]) > 500  # every article, node and tier, and their htmx swaps
    changed = [url for url, page in before["pages"].items() if after["pages"].get(url) != page]
    assert changed == []


def test_every_row_is_kept(upgraded):
    before, after, _ = upgraded
    assert {table: held["rows"] for table, held in after["tables"].items()} == {
        table: held["rows"] for table, held in before["tables"].items()
    }
    # Two tables change on purpose, in the app labels of the models that moved; tested below.
    kept = set(before["tables"]) - {"django_content_type", "reversion_version"}
    assert [
        table for table in sorted(kept) if after["tables"][table] != before["tables"][table]
    ] == []


def test_every_version_of_the_history_reads_as_before(upgraded):
    before, after, _ = upgraded
    assert len(before["versions"]) > 500
    assert {v["user"] for v in before["versions"].values()} == {None, "alice"}
    assert after["versions"] == before["versions"]


def test_the_editor_signs_in_with_the_same_permissions_under_the_new_labels(upgraded):
    before, after, _ = upgraded

    def relabelled(permission):
        app, codename = permission.split(".")
        model = codename.split("_", 1)[1]
        moved = RELABELLED.get(f"{app}.{model}")
        return f"{moved.split('.')[0]}.{codename}" if moved else permission

    assert after["editor"]["admin_index"] == 200
    assert after["editor"]["permissions"] == sorted(
        relabelled(permission) for permission in before["editor"]["permissions"]
    )
    assert "core.change_reference" in after["editor"]["permissions"]
