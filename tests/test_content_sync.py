"""load_content never silently overwrites admin edits that were not exported."""

from io import StringIO

import pytest
import reversion
from django.contrib.auth.models import User
from django.core.management import CommandError, call_command

from apps.articles.models import ArticleTier
from apps.editors.models import ContentSync
from apps.explorer.models import Edge

pytestmark = pytest.mark.django_db


def load(folder, *options):
    output = StringIO()
    call_command("load_content", "--content-dir", str(folder), *options, stdout=output)
    return output.getvalue()


def export(folder):
    call_command("export_content", "--content-dir", str(folder), stdout=StringIO())


def edit_as(username, row, **changes):
    """Save `row` the way the admin does: inside a revision that names the editor."""
    editor = User.objects.get_or_create(username=username, defaults={"is_staff": True})[0]
    with reversion.create_revision():
        reversion.set_user(editor)
        for name, value in changes.items():
            setattr(row, name, value)
        row.save()


def fundamentals():
    return ArticleTier.objects.get(article__slug="test-article", tier="fundamentals")


def test_a_load_that_would_overwrite_an_unexported_admin_edit_changes_nothing(content_dir):
    load(content_dir)
    edit_as("ed", fundamentals(), body_markdown="Words only the admin has.\n")

    with pytest.raises(CommandError) as error:
        load(content_dir)

    message = str(error.value)
    assert "articles/test-article.md: edited in the admin by ed" in message
    assert "nothing was changed" in message
    assert "export_content" in message
    assert fundamentals().body_markdown == "Words only the admin has.\n"


def test_after_an_export_the_edit_is_in_content_and_a_load_changes_nothing(content_dir):
    load(content_dir)
    edit_as("ed", fundamentals(), body_markdown="Words only the admin has.\n")
    export(content_dir)

    assert "Words only the admin has." in (content_dir / "articles/test-article.md").read_text()
    assert "No changes." in load(content_dir)


def test_a_change_made_in_git_after_an_export_loads_normally(content_dir):
    load(content_dir)
    edit_as("ed", fundamentals(), body_markdown="Words only the admin has.\n")
    export(content_dir)
    path = content_dir / "articles/test-article.md"
    path.write_text(path.read_text().replace("Words only the admin has.", "Reviewed words."))

    load(content_dir)

    assert fundamentals().body_markdown == "Reviewed words.\n"


def test_discard_admin_edits_replaces_them_with_content(content_dir):
    load(content_dir)
    edit_as("ed", Edge.objects.get(source__slug="hiit"), grade="D")

    with pytest.raises(CommandError, match=r"explorer/edges\.yaml: edited in the admin by ed"):
        load(content_dir)
    load(content_dir, "--discard-admin-edits")

    assert Edge.objects.get(source__slug="hiit").grade == "A"


def test_an_export_to_another_folder_does_not_count_for_content(content_dir, tmp_path):
    load(content_dir)
    edit_as("ed", fundamentals(), body_markdown="Words only the admin has.\n")
    export(tmp_path / "elsewhere")

    with pytest.raises(CommandError, match="not exported yet"):
        load(content_dir)
    assert ContentSync.objects.filter(direction="export").count() == 1
