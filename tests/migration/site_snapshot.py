"""Print, as JSON, what readers are served and what the database holds.

Run from a checkout's root with DATABASE_URL naming a database:

    DATABASE_URL=sqlite:////tmp/site.sqlite3 python tests/migration/site_snapshot.py > out.json

The migration test runs it on a database made by an older `main`, after migrating it with the
code of the day, and compares the result with what the older code printed for that database
(kept in this folder). So it uses only what every version of the site has: app labels through
`apps.get_model`, URLs as text, and the tables as the database names them.
"""

import hashlib
import json
import os
import re
import sys

sys.path.insert(0, os.getcwd())
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("DJANGO_SECRET_KEY", "site-snapshot-only-secret-key-not-for-any-deployment")
os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "testserver")

import django

django.setup()

from django.apps import apps  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import override_settings  # noqa: E402
from reversion.models import Version  # noqa: E402

TIERS = ("fundamentals", "intermediate", "academic")
# Headers a reader's browser or a cache acts on.
HEADERS = ("Content-Type", "Vary", "Location", "Cache-Control", "Content-Security-Policy")


def reader_urls():
    Article = apps.get_model("articles", "Article")
    Node = apps.get_model("explorer", "Node")
    urls = ["/", "/explorer/", "/explorer/compare/", "/explorer/paths/", "/no-such-page/"]
    for slug in Article.objects.order_by("slug").values_list("slug", flat=True):
        urls.append(f"/articles/{slug}/")
        urls += [f"/articles/{slug}/{tier}/" for tier in TIERS]
    nodes = list(Node.objects.order_by("slug").values_list("slug", "kind"))
    for slug, _kind in nodes:
        urls += [f"/explorer/{slug}/", f"/explorer/{slug}/preview/"]
        urls += [f"/explorer/{slug}/{tier}/" for tier in TIERS]
    modalities = [slug for slug, kind in nodes if kind == "modality"]
    outcomes = [slug for slug, kind in nodes if kind == "outcome"]
    for modality in modalities:
        urls.append(f"/explorer/?modality={modality}")
        urls += [f"/explorer/paths/?from={modality}&to={outcome}" for outcome in outcomes]
    return urls


# A CSRF token differs on every request, so it is left out of what is compared.
CSRF_TOKEN = re.compile(rb'(name="csrfmiddlewaretoken" value=")[^"]*')
# What every page's <head> has said about itself since issue 15 (its canonical address, Open
# Graph, schema.org JSON-LD) is left out too, so pages compare with those from before it.
PAGE_META = re.compile(
    rb'  \n  <link rel="canonical" href="[^"]*">\n'
    rb'(?:  <meta property="og:[a-z_]+" content="[^"]*">\n)+'
    rb'  (?:<script type="application/ld\+json">[^\n]*</script>)?\n'
)


# Added since the older main (issue 15): the search box in the header of every page, the
# footer's links (the glossary, what changed) and "Cite this page" on every article tier. They
# are left out, so the rest of each page must be exactly as the older main served it.
ADDED_SINCE = re.compile(
    rb'\s*<form class="site-search".*?</form>|<details class="cite-block">.*?</details>\n'
    rb'|\s*<ul class="footer-links">.*?</ul>',
    re.DOTALL,
)


def served(client, url, **headers):
    response = client.get(url, headers=headers)
    body = ADDED_SINCE.sub(b"", PAGE_META.sub(b"", CSRF_TOKEN.sub(rb"\1", response.content)))
    return {
        "status": response.status_code,
        "headers": {name: response.headers.get(name) for name in HEADERS},
        "body": hashlib.sha256(body).hexdigest(),
    }


def pages():
    client = Client()
    found = {}
    for url in reader_urls():
        found[url] = served(client, url)
        if url.count("/") >= 4 and url.startswith(("/articles/", "/explorer/")):
            found[f"{url} (htmx)"] = served(client, url, HX_Request="true")
    return found


def tables():
    """Every table's rows, as a digest of its sorted rows, so nothing can go missing unseen."""
    held = {}
    with connection.cursor() as cursor:
        for table in sorted(connection.introspection.table_names()):
            if table == "django_migrations":
                continue
            quoted = connection.ops.quote_name(table)
            cursor.execute(f"SELECT * FROM {quoted}")
            rows = sorted(repr(row) for row in cursor.fetchall())
            held[table] = {
                "rows": len(rows),
                "digest": hashlib.sha256("\n".join(rows).encode()).hexdigest(),
            }
    return held


def versions():
    """What each version of the history holds, as the code of the day reads it."""
    return {
        str(version.pk): {
            "model": version.content_type.model,
            "object": version.object_id,
            "revision": version.revision_id,
            "user": version.revision.user.username if version.revision.user else None,
            "fields": {name: repr(value) for name, value in version.field_dict.items()},
        }
        for version in Version.objects.select_related("content_type", "revision__user")
    }


def editor():
    """Whether the editor made by edit_as_editor.py still signs in, and what they may do."""
    User = apps.get_model("auth", "User")
    client = Client()
    client.post(
        "/admin/login/?next=/admin/",
        {"username": "alice", "password": "correct horse battery staple"},
    )
    return {
        "admin_index": client.get("/admin/").status_code,
        "permissions": sorted(User.objects.get(username="alice").get_all_permissions()),
    }


def main():
    static = "django.contrib.staticfiles.storage.StaticFilesStorage"
    with override_settings(
        STORAGES={
            "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
            "staticfiles": {"BACKEND": static},
        }
    ):
        snapshot = {"pages": pages(), "tables": tables(), "versions": versions()}
        snapshot["editor"] = editor()
    json.dump(snapshot, sys.stdout, indent=1, sort_keys=True)


if __name__ == "__main__":
    main()
