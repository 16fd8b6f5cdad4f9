"""manage.py generate_content: the larger content set the benchmark loads (`--content=10x`)."""

import io

import pytest
from django.core.management import CommandError, call_command

from apps.articles.models import Article, ArticleTier
from apps.core.models import Reference
from apps.explorer.models import Edge, Node, NodeText

pytestmark = pytest.mark.django_db


def generate(content_dir, output, times):
    out = io.StringIO()
    call_command("generate_content", output, times=times, content_dir=content_dir, stdout=out)
    return out.getvalue()


def test_copies_load_and_each_links_to_its_own_nodes_and_sources(content_dir, tmp_path):
    output = tmp_path / "grown"
    message = generate(content_dir, output, times=3)
    assert "3 articles, 9 nodes, 10 arrows, 6 references" in message  # 2 a copy, 4 joins

    call_command("load_content", content_dir=output, stdout=io.StringIO())

    assert Article.objects.count() == 3
    assert Node.objects.count() == 9
    assert Reference.objects.count() == 6
    assert Edge.objects.count() == 10
    third = ArticleTier.objects.get(article__slug="test-article-3", tier="fundamentals")
    assert 'href="/explorer/ampk-3/"' in third.body_html
    assert [c.reference.key for c in third.citations.all()] == ["alpha2020x3"]
    sensor = NodeText.objects.get(node__slug="ampk-2", tier="academic")
    assert 'href="/explorer/hiit-2/"' in sensor.body_html
    assert Node.objects.get(slug="ampk-2").name == "AMPK 2"
    assert Node.objects.get(slug="ampk-2").aliases == ["PRKAA1 2"]
    # Each later copy's first arrow also reaches into the first copy, joining the map.
    assert Edge.objects.filter(source__slug="hiit-3", target__slug="ampk").exists()
    assert list(
        Edge.objects.get(source__slug="ampk-2", target__slug="glucose-uptake-2").cited.values_list(
            "reference__key", flat=True
        )
    ) == ["beta2021x2"]


def test_the_shipped_content_copies_with_its_walks(real_content_dir, tmp_path):
    output = tmp_path / "grown"
    generate(real_content_dir, output, times=2)
    walks = sorted(path.name for path in (output / "explorer" / "walks").iterdir())
    originals = sorted(path.stem for path in (real_content_dir / "explorer" / "walks").iterdir())
    assert walks == sorted([f"{w}.yaml" for w in originals] + [f"{w}-2.yaml" for w in originals])
    call_command("load_content", content_dir=output, stdout=io.StringIO())
    assert Node.objects.filter(slug="hiit-2").exists()


def test_it_refuses_a_folder_that_holds_anything(content_dir, tmp_path):
    output = tmp_path / "grown"
    output.mkdir()
    (output / "notes.txt").write_text("mine", encoding="utf-8")
    with pytest.raises(CommandError, match="not an empty folder; nothing was written"):
        generate(content_dir, output, times=2)
    assert [path.name for path in output.iterdir()] == ["notes.txt"]


def test_it_names_the_file_and_line_of_broken_content(content_dir, tmp_path):
    (content_dir / "references.toml").write_text("[[reference]\n", encoding="utf-8")
    with pytest.raises(CommandError, match=r"references\.toml:1: invalid TOML"):
        generate(content_dir, tmp_path / "grown", times=2)
    assert not (tmp_path / "grown").exists()
