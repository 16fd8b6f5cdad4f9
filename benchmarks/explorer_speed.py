"""Server time of the explorer's pages against an article page, on the shipped map and on a
generated map ten times larger.

    .venv/bin/python benchmarks/explorer_speed.py [--repeat 15]

Each page is fetched through Django's test client (no network, no server process), after one
warm-up request and with the page cache emptied before each, and the median of the repeats is
printed with its ratio to the article page measured in the same run: the machine is shared and
noisy, so ratios are what to compare.
The database is a throwaway SQLite file loaded from content/.
"""

import argparse
import io
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
database = Path(tempfile.mkdtemp()) / "bench.sqlite3"
os.environ.update(
    DJANGO_SETTINGS_MODULE="config.settings",
    DJANGO_SECRET_KEY="benchmark-only-secret-key-not-for-any-deployment",
    DJANGO_ALLOWED_HOSTS="testserver",
    DATABASE_URL=f"sqlite:///{database}",
)

import django  # noqa: E402

django.setup()

from django.core.cache import cache  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import override_settings  # noqa: E402

from apps.explorer.models import (  # noqa: E402
    DiagramLayout,
    Edge,
    Node,
    lay_out_the_map,
    stored_layout,
)

HX = {"HX-Request": "true"}
ARTICLE = ("article page (Academic)", "/articles/long-term-hormonal-adaptations/academic/", None)


def explorer_pages(node, modality, outcome):
    return [
        ("explorer", "/explorer/", None),
        ("explorer, one exercise", f"/explorer/?modality={modality}", None),
        ("node page", f"/explorer/{node}/", None),
        ("node page, htmx swap", f"/explorer/{node}/academic/", HX),
        ("paths", f"/explorer/paths/?from={modality}&to={outcome}", None),
        ("paths, htmx swap", f"/explorer/paths/?from={modality}&to={outcome}&chain=2", HX),
        ("compare", "/explorer/compare/", None),
        ("compare, with training", "/explorer/compare/?timing=training", None),
        ("guided walk, a step", "/explorer/walks/lifting-builds-muscle/3/", None),
    ]


def server_time(client, url, headers, repeat):
    """Median time to render `url`: the page cache is emptied first, or this would time it."""
    assert client.get(url, headers=headers).status_code == 200, url
    times = []
    for _ in range(repeat):
        cache.clear()
        started = time.perf_counter()
        client.get(url, headers=headers)
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def report(title, pages, repeat):
    client = Client()
    article = server_time(client, ARTICLE[1], ARTICLE[2], repeat)
    nodes, edges = Node.objects.count(), Edge.objects.count()
    print(f"\n{title}: {nodes} nodes, {edges} arrows")
    print(f"  {ARTICLE[0]:<28} {article * 1000:7.1f} ms   1.00 x article")
    for name, url, headers in pages:
        seconds = server_time(client, url, headers, repeat)
        print(f"  {name:<28} {seconds * 1000:7.1f} ms  {seconds / article:5.2f} x article")


def grow_tenfold():
    """Nine more copies of every node and arrow, each copy's exercise also reaching the first
    copy's signals, so the map is about ten times larger and the copies are linked."""
    originals = list(Node.objects.all())
    arrows = list(Edge.objects.all())
    first_targets = [edge for edge in arrows if edge.source.kind == "modality"]
    for copy in range(2, 11):
        twin = {}
        for node in originals:
            twin[node.pk] = Node.objects.create(
                slug=f"{node.slug}-{copy}", name=f"{node.name} {copy}", kind=node.kind
            )
        Edge.objects.bulk_create(
            Edge(
                source=twin[edge.source_id],
                target=twin[edge.target_id],
                effect=edge.effect,
                grade=edge.grade,
                evidence=edge.evidence,
                mechanism=edge.mechanism,
                position=copy * 1000 + edge.position,
            )
            for edge in arrows
        )
        Edge.objects.bulk_create(
            Edge(
                source=twin[edge.source_id],
                target_id=edge.target_id,
                effect=edge.effect,
                grade=edge.grade,
                evidence=edge.evidence,
                mechanism=edge.mechanism,
                position=copy * 1000 + 999,
            )
            for edge in first_targets[:1]
        )


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=15)
    repeat = parser.parse_args().repeat
    static = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
    with override_settings(
        STORAGES={
            "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
            "staticfiles": static,
        }
    ):
        call_command("migrate", verbosity=0)
        call_command("load_content", verbosity=0, stdout=io.StringIO())
        pages = explorer_pages("ampk", "hiit", "insulin-sensitivity")
        report("Shipped map", pages, repeat)

        with transaction.atomic():  # laid out once, as the change commits
            grow_tenfold()
        # Timed again from nothing stored: what a change to the larger map costs, once.
        DiagramLayout.objects.all().delete()
        stored_layout.cache_clear()
        started = time.perf_counter()
        lay_out_the_map()
        seconds = time.perf_counter() - started
        print(
            f"\nLaying out the larger map and its comparison routes (once, when it changes): "
            f"{seconds:.2f} s"
        )
        report("Ten times larger map", pages, repeat)


if __name__ == "__main__":
    main()
