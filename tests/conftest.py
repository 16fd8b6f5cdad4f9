import os
import shutil
from io import StringIO
from pathlib import Path

import pytest

from apps.articles.models import Article, ArticleTier, Reference, Tier

CHROMIUM = Path("/usr/bin/chromium")
BROWSER_REQUIRED = os.environ.get("BROWSER_TESTS") == "required"
# Playwright's sync API runs an event loop in the test thread; Django's ORM guard would
# otherwise refuse the test's own database calls.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

SKIPPED_BROWSER_TESTS = []


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

Plain words [@alpha2020].

<!-- tier: intermediate -->

## Middle

Named pathways [@alpha2020; @beta2021].

### Detail

More.

<!-- tier: academic -->

## Deep

Mechanisms [@beta2021].
"""


@pytest.fixture
def content_dir(tmp_path):
    """A small valid content/ folder to load or break."""
    root = tmp_path / "content"
    (root / "articles").mkdir(parents=True)
    (root / "references.toml").write_text(VALID_REFERENCES, encoding="utf-8")
    (root / "articles" / "test-article.md").write_text(VALID_ARTICLE, encoding="utf-8")
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
