"""load_content: idempotent, all-or-nothing, and every error names its file and line."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from apps.articles.models import Article, ArticleTier, Citation
from apps.core.models import Reference
from tests.conftest import VALID_ARTICLE

pytestmark = pytest.mark.django_db


def load(content_dir):
    out = StringIO()
    call_command("load_content", content_dir=content_dir, stdout=out)
    return out.getvalue()


def snapshot():
    """Everything the loader writes, as plain values."""
    return (
        list(Reference.objects.values().order_by("key")),
        list(Article.objects.values().order_by("slug")),
        list(ArticleTier.objects.values().order_by("article__slug", "tier")),
        list(Citation.objects.values_list("tier__tier", "reference__key", "number")),
    )


def test_first_load_creates_everything(content_dir):
    output = load(content_dir)
    assert "References: 2 created, 0 updated, 0 unchanged, 0 removed." in output
    assert "Articles: 1 created" in output
    assert "Tiers: 3 created" in output
    article = Article.objects.get(slug="test-article")
    intermediate = article.tiers.get(tier="intermediate")
    assert list(intermediate.citations.values_list("reference__key", "number")) == [
        ("alpha2020", 1),
        ("beta2021", 2),
    ]
    assert '<a href="#ref-beta2021" id="cite-beta2021-1">2</a>' in intermediate.body_html


def test_second_load_changes_nothing(content_dir):
    load(content_dir)
    before = snapshot()
    output = load(content_dir)
    assert "References: 0 created, 0 updated, 2 unchanged, 0 removed." in output
    assert "Articles: 0 created, 0 updated, 1 unchanged, 0 removed." in output
    assert "Tiers: 0 created, 0 updated, 3 unchanged, 0 removed." in output
    assert "No changes." in output
    assert snapshot() == before


def test_edits_are_reported_as_updates(content_dir):
    load(content_dir)
    path = content_dir / "articles" / "test-article.md"
    path.write_text(path.read_text().replace("Mechanisms", "Deeper mechanisms"))
    output = load(content_dir)
    assert "Tiers: 0 created, 1 updated, 2 unchanged, 0 removed." in output
    assert "Deeper mechanisms" in ArticleTier.objects.get(tier="academic").body_html


def test_files_removed_from_content_are_removed(content_dir):
    load(content_dir)
    (content_dir / "articles" / "test-article.md").unlink()
    output = load(content_dir)
    assert "Articles: 0 created, 0 updated, 0 unchanged, 1 removed." in output
    assert not Article.objects.exists()


def test_the_project_content_loads(real_content_dir):
    output = load(real_content_dir)
    assert "Content loaded." in output
    assert Article.objects.count() >= 2
    assert ArticleTier.objects.count() == 3 * Article.objects.count()
    assert "No changes." in load(real_content_dir)


BAD_ARTICLES = [
    pytest.param(
        VALID_ARTICLE.replace("slug: test-article", "slug: [unclosed"),
        4,
        "invalid YAML: expected ',' or ']', but got ':' "
        "(while parsing a flow sequence that starts at line 3)",
        id="broken-front-matter",
    ),
    pytest.param(
        VALID_ARTICLE.replace("---\n\n<!-- tier: fundamentals", "\n<!-- tier: fundamentals"),
        1,
        "front matter is never closed",
        id="unclosed-front-matter",
    ),
    pytest.param(
        VALID_ARTICLE.replace("summary: A short summary.\n", ""),
        1,
        "front matter is missing “summary”",
        id="missing-field",
    ),
    pytest.param(
        VALID_ARTICLE.replace("last_reviewed: 2026-11-01", "last_reviewed: last week"),
        5,
        "last_reviewed “last week” must be a date",
        id="bad-date",
    ),
    pytest.param(
        VALID_ARTICLE.replace("<!-- tier: academic -->", "<!-- tier: expert -->"),
        24,
        "unknown tier “expert”",
        id="unknown-tier",
    ),
    pytest.param(
        VALID_ARTICLE.replace("<!-- tier: academic -->", "<!-- tier: fundamentals -->"),
        24,
        "tier “fundamentals” appears twice (first at line 8)",
        id="duplicate-tier",
    ),
    pytest.param(
        VALID_ARTICLE.replace("Named pathways [@alpha2020;", "Named pathways [@nobody1999;"),
        18,
        "unknown citation key “nobody1999”",
        id="unknown-citation",
    ),
    pytest.param(
        VALID_ARTICLE.replace("## Deep", "# Deep"),
        26,
        "use ## or deeper for headings",
        id="h1-in-body",
    ),
    pytest.param(
        VALID_ARTICLE.replace("<!-- tier: fundamentals -->", "Stray text."),
        8,
        "text before the first <!-- tier: … --> marker",
        id="text-before-first-tier",
    ),
]


@pytest.mark.parametrize(("text", "line", "message"), BAD_ARTICLES)
def test_bad_article_names_file_and_line_and_changes_nothing(content_dir, text, line, message):
    load(content_dir)
    before = snapshot()
    (content_dir / "articles" / "test-article.md").write_text(text, encoding="utf-8")
    with pytest.raises(CommandError) as error:
        load(content_dir)
    assert f"content/articles/test-article.md:{line}: {message}" in str(error.value)
    assert "nothing was changed" in str(error.value)
    assert snapshot() == before


def test_duplicate_slug_names_both_files(content_dir):
    load(content_dir)
    before = snapshot()
    (content_dir / "articles" / "zz-copy.md").write_text(VALID_ARTICLE, encoding="utf-8")
    with pytest.raises(CommandError) as error:
        load(content_dir)
    assert (
        "content/articles/zz-copy.md:3: duplicate slug “test-article” "
        "(also used by content/articles/test-article.md)"
    ) in str(error.value)
    assert snapshot() == before


def test_one_bad_file_stops_good_changes_in_other_files(content_dir):
    load(content_dir)
    before = snapshot()
    good = content_dir / "articles" / "test-article.md"
    good.write_text(good.read_text().replace("Plain words", "Changed words"))
    (content_dir / "articles" / "broken.md").write_text("no front matter\n")
    with pytest.raises(CommandError, match=r"content/articles/broken.md:1: file must start"):
        load(content_dir)
    assert snapshot() == before


GOOD_ENTRY = 'key = "alpha2020"\nauthors = ["A A"]\nyear = 2020\ntitle = "T"\njournal = "J"\n'

BAD_REFERENCES = [
    pytest.param(
        '[[reference]]\nkey = "alpha2020"\ntitle = "unclosed\n',
        3,
        "invalid TOML: Illegal character",
        id="broken-toml",
    ),
    pytest.param(
        '[[reference]]\nkey = "alpha2020"\nauthors = ["A A"]\nyear = 2020\ntitle = "T"\n',
        1,
        "missing required field “journal”",
        id="missing-journal",
    ),
    pytest.param(
        "[[reference]]\n" + GOOD_ENTRY.replace('"alpha2020"', '"Alpha 2020"'),
        2,
        "key “Alpha 2020” must be lowercase letters and digits",
        id="bad-key",
    ),
    pytest.param(
        "[[reference]]\n" + GOOD_ENTRY + 'doi = "doi.org/10.1/x"\n',
        7,
        "DOI “doi.org/10.1/x” should look like 10.1234/abc",
        id="bad-doi",
    ),
    pytest.param(
        "[[reference]]\n" + GOOD_ENTRY + 'jornal = "typo"\n',
        7,
        "unknown field “jornal”",
        id="unknown-field",
    ),
    pytest.param(
        "[[reference]]\n" + GOOD_ENTRY + "\n[[reference]]\n" + GOOD_ENTRY,
        8,
        "duplicate reference key “alpha2020” (first at line 1)",
        id="duplicate-key",
    ),
    pytest.param(
        "reference = [1, 2]\n",
        1,
        "each reference must be a [[reference]] table",
        id="not-a-table",
    ),
    pytest.param(
        "[[reference]]\n" + GOOD_ENTRY.replace("2020\n", '"twenty"\n', 1),
        4,
        "year “twenty” must be a year from 1800 to ",
        id="bad-year",
    ),
]


@pytest.mark.parametrize(("text", "line", "message"), BAD_REFERENCES)
def test_bad_references_name_file_and_line_and_change_nothing(content_dir, text, line, message):
    load(content_dir)
    before = snapshot()
    (content_dir / "references.toml").write_text(text, encoding="utf-8")
    with pytest.raises(CommandError) as error:
        load(content_dir)
    assert f"content/references.toml:{line}: {message}" in str(error.value)
    assert snapshot() == before


def test_missing_content_folder_is_a_clear_error(tmp_path):
    with pytest.raises(CommandError, match="no such folder"):
        load(tmp_path / "nowhere")


@pytest.mark.django_db
def test_a_load_renders_each_text_once(content_dir, monkeypatch):
    """Checked and stored from one rendering: on ten times the content, rendering each text
    three times (to check it, to compare it, to save it) took most of a load."""
    from apps.content_sync import readers
    from apps.core import models as core_models

    rendered = []
    real_render = readers.render_markdown

    def counting_render(text, *args, **kwargs):
        rendered.append(text)
        return real_render(text, *args, **kwargs)

    monkeypatch.setattr(readers, "render_markdown", counting_render)
    monkeypatch.setattr(core_models, "render_markdown", counting_render)
    call_command("load_content", content_dir=content_dir, stdout=StringIO())
    assert len(rendered) == 12  # one article and three nodes, three tiers each
    assert ArticleTier.objects.get(tier="fundamentals").body_html.count('class="node-link"') == 1
