import itertools
import os
import shutil
from io import StringIO
from pathlib import Path

import pytest

from apps.articles.models import Article, ArticleTier
from apps.core.models import Reference, Tier

CHROMIUM = Path("/usr/bin/chromium")
BROWSER_REQUIRED = os.environ.get("BROWSER_TESTS") == "required"
# Playwright's sync API runs an event loop in the test thread; Django's ORM guard would
# otherwise refuse the test's own database calls.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

SKIPPED_BROWSER_TESTS = []


@pytest.fixture(autouse=True)
def empty_page_cache():
    """Each test starts with no cached pages. The content version is a database row, which
    every test's database starts afresh, so a page cached by an earlier test could otherwise
    be served under the same version number."""
    from django.core.cache import cache

    cache.clear()


def pytest_collection_modifyitems(config, items):
    if CHROMIUM.exists():
        return
    for item in items:
        if item.get_closest_marker("browser"):
            item.add_marker(pytest.mark.skip(reason=f"{CHROMIUM} is not installed"))
            SKIPPED_BROWSER_TESTS.append(item.nodeid)


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    if SKIPPED_BROWSER_TESTS:
        terminalreporter.write_sep("!", "BROWSER TESTS SKIPPED", red=True, bold=True)
        terminalreporter.write_line(
            f"{len(SKIPPED_BROWSER_TESTS)} browser tests did not run: {CHROMIUM} is missing. "
            "Install it with `apt-get install -y chromium` (or run `make test` as root).",
            red=True,
        )
        if BROWSER_REQUIRED:
            terminalreporter.write_line("BROWSER_TESTS=required: failing the run.", red=True)


@pytest.hookimpl(trylast=True)
def pytest_sessionfinish(session, exitstatus):
    if SKIPPED_BROWSER_TESTS and BROWSER_REQUIRED:
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


# Factories -----------------------------------------------------------------------------------


def make_reference(key="smith2020", **fields):
    values = {
        "authors": ["Smith J", "Jones K"],
        "year": 2020,
        "title": f"A study called {key}",
        "journal": "J Test Physiol",
        "volume": "12",
        "issue": "3",
        "pages": "100-110",
        "doi": f"10.1000/{key}",
        "pmid": None,
    }
    values.update(fields)
    return Reference.objects.create(key=key, **values)


def make_article(slug="exercise-basics", bodies=None, **fields):
    values = {
        "title": slug.replace("-", " ").capitalize(),
        "summary": f"What {slug} is about.",
        "last_reviewed": "2026-11-01",
    }
    values.update(fields)
    article = Article.objects.create(slug=slug, **values)
    bodies = bodies or {}
    for tier in Tier:
        body = bodies.get(
            tier.value, f"## {tier.label} heading\n\nText at the {tier.value} depth.\n"
        )
        ArticleTier.objects.create(article=article, tier=tier.value, body_markdown=body)
    return article


def make_node(slug, kind="signal", name=None, aliases=(), texts=None):
    from apps.explorer.models import Node, NodeText

    node = Node.objects.create(
        slug=slug, name=name or slug.replace("-", " ").capitalize(), kind=kind, aliases=[*aliases]
    )
    texts = texts or {}
    for tier in Tier:
        body = texts.get(tier.value, f"What {node.name} is, at the {tier.value} depth.")
        NodeText.objects.create(node=node, tier=tier.value, body_markdown=body)
    return node


def make_edge(source, target, references=(), **fields):
    from apps.explorer.models import Edge, EdgeReference

    values = {"effect": "increases", "grade": "A", "evidence": "human", "timing": "acute"}
    values.update(fields)
    values.setdefault("mechanism", f"{source.name} changes {target.name}.")
    edge = Edge.objects.create(source=source, target=target, **values)
    for position, reference in enumerate(references):
        EdgeReference.objects.create(edge=edge, reference=reference, position=position)
    return edge


def make_graph(copies=1):
    """A small map with every kind of node and arrow, repeated `copies` times.

    Copy n: exercise-n → sensor-n → switch-n → messenger-n → hormone-n → organ-n → result-n,
    plus a contested shortcut and a decrease. Returns the nodes of the first copy by role.
    """
    first = None
    for copy in range(copies):
        reference = make_reference(f"study{copy}")
        nodes = {
            "exercise": make_node(f"exercise-{copy}", "modality", f"Exercise {copy}"),
            "sensor": make_node(
                f"sensor-{copy}", "signal", f"Sensor {copy}",
                texts={"academic": f"Sensor mechanism [@study{copy}]."},
            ),
            "switch": make_node(f"switch-{copy}", "signal", f"Switch {copy}"),
            "messenger": make_node(f"messenger-{copy}", "myokine", f"Messenger {copy}"),
            "hormone": make_node(f"hormone-{copy}", "hormone", f"Hormone {copy}"),
            "organ": make_node(f"organ-{copy}", "tissue", f"Organ {copy}"),
            "result": make_node(f"result-{copy}", "outcome", f"Result {copy}"),
            "side": make_node(f"side-{copy}", "outcome", f"Side effect {copy}"),
        }  # fmt: skip
        chain = ["exercise", "sensor", "switch", "messenger", "hormone", "organ", "result"]
        for source, target in itertools.pairwise(chain):
            make_edge(nodes[source], nodes[target], [reference])
        make_edge(nodes["exercise"], nodes["messenger"], [reference], grade="D")
        make_edge(nodes["messenger"], nodes["side"], [reference], effect="decreases", grade="C")
        first = first or nodes
    return first


# Content folders -----------------------------------------------------------------------------

VALID_REFERENCES = """\
[[reference]]
key = "alpha2020"
authors = ["Alpha A", "Beta B"]
year = 2020
title = "First study"
journal = "J Test"
volume = "1"
pages = "1-9"
doi = "10.1000/alpha"
pmid = 123456

[[reference]]
key = "beta2021"
authors = ["Beta B"]
year = 2021
title = "Second study"
journal = "J Test"
"""

VALID_ARTICLE = """\
---
title: Test article
slug: test-article
summary: A short summary.
last_reviewed: 2026-11-01
---

<!-- tier: fundamentals -->

## Basics

Plain words about [[ampk|a fuel gauge]] [@alpha2020].

<!-- tier: intermediate -->

## Middle

Named pathways [@alpha2020; @beta2021].

### Detail

More.

<!-- tier: academic -->

## Deep

Mechanisms [@beta2021].
"""


def node_file(name, kind, aliases="[]", academic="Deep text [@alpha2020]."):
    return f"""\
---
name: {name}
kind: {kind}
aliases: {aliases}
---

<!-- tier: fundamentals -->

Plain text about {name}.

<!-- tier: intermediate -->

Middle text about {name}.

<!-- tier: academic -->

{academic}
"""


VALID_NODES = {
    "hiit": node_file("HIIT", "modality", "[interval training]"),
    "ampk": node_file("AMPK", "signal", "[PRKAA1]", "Sensor [@beta2021], see [[hiit]]."),
    "glucose-uptake": node_file("Glucose uptake", "outcome"),
}

VALID_EDGES = """\
- from: hiit
  to: ampk
  effect: activates
  grade: A
  evidence: human
  brief: E1
  mechanism: Hard work shifts the energy balance that AMPK reads.
  references: [alpha2020, beta2021]

- from: ampk
  to: glucose-uptake
  effect: increases
  grade: C
  evidence: animal
  mechanism: AMPK helps move glucose transporters to the surface.
  caveat: Not essential in mice.
  references: [beta2021]
"""


@pytest.fixture
def content_dir(tmp_path):
    """A small valid content/ folder to load or break."""
    root = tmp_path / "content"
    (root / "articles").mkdir(parents=True)
    (root / "explorer" / "nodes").mkdir(parents=True)
    (root / "references.toml").write_text(VALID_REFERENCES, encoding="utf-8")
    (root / "articles" / "test-article.md").write_text(VALID_ARTICLE, encoding="utf-8")
    for slug, text in VALID_NODES.items():
        (root / "explorer" / "nodes" / f"{slug}.md").write_text(text, encoding="utf-8")
    (root / "explorer" / "edges.yaml").write_text(VALID_EDGES, encoding="utf-8")
    return root


@pytest.fixture
def real_content_dir(tmp_path):
    """A copy of the project's own content/, safe to modify."""
    target = tmp_path / "content"
    shutil.copytree(Path(__file__).resolve().parent.parent / "content", target)
    return target


# Browser -------------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    """Debian's Chromium, with the flags it needs on a machine with no outside network."""
    return {
        **browser_type_launch_args,
        "executable_path": str(CHROMIUM),
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
        ],
    }


@pytest.fixture
def console_errors(page):
    """Console errors and uncaught exceptions (CSP violations included) seen during a test."""
    errors = []
    page.on(
        "console", lambda message: errors.append(message.text) if message.type == "error" else None
    )
    page.on("pageerror", lambda error: errors.append(str(error)))
    yield errors
    assert errors == []


@pytest.fixture
def site(transactional_db, live_server, console_errors):
    """The live site with the project's real content loaded; yields its base URL."""
    from django.core.management import call_command

    call_command("load_content", stdout=StringIO())
    return live_server.url


# Real servers, started once per test session (tests/services.py) ------------------------------


@pytest.fixture(scope="session")
def postgres_server():
    from tests.services import PostgresServer

    server = PostgresServer().start()
    yield server
    server.remove()


@pytest.fixture(scope="session")
def redis_server():
    from tests.services import RedisServer

    server = RedisServer().start()
    yield server
    server.remove()


@pytest.fixture(scope="session")
def served_settings(tmp_path_factory):
    """Settings for gunicorn and manage.py run as separate processes (tests/sites.py)."""
    from tests.sites import Settings

    return Settings.build(tmp_path_factory.mktemp("served"))
