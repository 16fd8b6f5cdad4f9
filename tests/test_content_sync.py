"""load_content never silently overwrites a change that exists only in the database.

The guard compares content, not authors: whatever changed the database since the last load or
export (an admin edit or deletion, an editor whose account is gone, a script) counts.
"""

from io import StringIO

import pytest
import reversion
from django.contrib.auth.models import User
from django.core.management import CommandError, call_command
from django.urls import reverse

from apps.articles.models import ArticleTier
from apps.content_sync.models import ContentSync
from apps.content_sync.sync import content_files
from apps.core.models import Reference
from apps.explorer.models import Edge
from tests.test_editors import editor_client

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


def refused_load(folder):
    """Load `folder`, expecting a refusal; returns its message after checking nothing changed."""
    before = content_files()
    with pytest.raises(CommandError) as error:
        load(folder)
    assert content_files() == before
    message = str(error.value)
    assert "Loading would overwrite these changes, so nothing was changed." in message
    assert "export_content" in message
    assert "--discard-admin-edits" in message
    return message


def delete_in_the_admin(client, row):
    opts = row._meta
    url = reverse(f"admin:{opts.app_label}_{opts.model_name}_delete", args=[row.pk])
    assert client.post(url, {"post": "yes"}).status_code == 302
    assert not type(row).objects.filter(pk=row.pk).exists()


def test_a_load_that_would_overwrite_an_unexported_admin_edit_changes_nothing(content_dir):
    load(content_dir)
    edit_as("ed", fundamentals(), body_markdown="Words only the admin has.\n")

    message = refused_load(content_dir)

    assert f"{content_dir}/articles/test-article.md: changed in the database" in message
    assert "the database has “Words only the admin has.”" in message
    assert "last saved in the admin by ed on " in message
    assert fundamentals().body_markdown == "Words only the admin has.\n"


def test_an_arrow_deleted_in_the_admin_is_not_brought_back(content_dir):
    load(content_dir)
    arrow = Edge.objects.get(source__slug="hiit", target__slug="ampk")
    delete_in_the_admin(editor_client(), arrow)

    message = refused_load(content_dir)

    assert f"{content_dir}/explorer/edges.yaml: changed in the database" in message
    assert "content/ has “- from: hiit" in message
    assert not Edge.objects.filter(source__slug="hiit", target__slug="ampk").exists()


def test_a_reference_deleted_in_the_admin_is_not_brought_back(content_dir):
    references = content_dir / "references.toml"
    references.write_text(
        references.read_text()
        + '\n[[reference]]\nkey = "gamma2022"\nauthors = ["Gamma G"]\nyear = 2022\n'
        'title = "An uncited study"\njournal = "J Test"\n',
        encoding="utf-8",
    )
    load(content_dir)
    export(content_dir)  # content/ as the project keeps it: in the exporter's own layout
    delete_in_the_admin(editor_client(), Reference.objects.get(key="gamma2022"))

    message = refused_load(content_dir)

    assert f"{content_dir}/references.toml: changed in the database" in message
    assert 'content/ has “[[reference]] / key = "gamma2022"' in message
    assert not Reference.objects.filter(key="gamma2022").exists()


def test_an_edit_by_a_since_deleted_editor_is_still_protected(content_dir):
    load(content_dir)
    edit_as("ed", fundamentals(), body_markdown="Words only the admin has.\n")
    User.objects.filter(username="ed").delete()

    message = refused_load(content_dir)

    assert f"{content_dir}/articles/test-article.md: changed in the database" in message
    assert "by an account that no longer exists, or outside the admin" in message
    assert fundamentals().body_markdown == "Words only the admin has.\n"


def test_a_row_changed_straight_in_the_database_is_protected(content_dir):
    load(content_dir)
    Edge.objects.filter(source__slug="hiit").update(grade="D")  # no save, no signal, no revision

    message = refused_load(content_dir)

    assert f"{content_dir}/explorer/edges.yaml: changed in the database" in message
    assert "content/ has “grade: A”, the database has “grade: D”" in message
    assert "no admin save records it" in message
    assert Edge.objects.get(source__slug="hiit").grade == "D"


def test_a_page_added_in_the_database_is_protected(content_dir):
    from tests.conftest import make_article

    load(content_dir)
    make_article("written-in-the-admin")

    message = refused_load(content_dir)

    assert f"{content_dir}/articles/written-in-the-admin.md: exists only in the database" in message


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


def test_a_change_only_in_content_loads_normally(content_dir):
    load(content_dir)
    path = content_dir / "articles/test-article.md"
    path.write_text(path.read_text().replace("Plain words", "Simple words"))

    assert "Content loaded." in load(content_dir)
    assert "Simple words" in fundamentals().body_markdown


def test_discard_admin_edits_replaces_them_with_content(content_dir):
    load(content_dir)
    edit_as("ed", Edge.objects.get(source__slug="hiit"), grade="D")

    with pytest.raises(CommandError, match=r"explorer/edges\.yaml: changed in the database"):
        load(content_dir)
    load(content_dir, "--discard-admin-edits")

    assert Edge.objects.get(source__slug="hiit").grade == "A"
    assert "No changes." in load(content_dir)


def test_an_export_to_another_folder_does_not_count_for_content(content_dir, tmp_path):
    load(content_dir)
    edit_as("ed", fundamentals(), body_markdown="Words only the admin has.\n")
    export(tmp_path / "elsewhere")

    with pytest.raises(CommandError, match=r"articles/test-article\.md: changed in the database"):
        load(content_dir)
    assert ContentSync.objects.filter(direction="export").count() == 1


def test_a_database_with_no_record_of_its_last_load_is_compared_with_content(real_content_dir):
    """A database from before loads recorded their files: any difference is kept, not lost."""
    load(real_content_dir)
    ContentSync.objects.update(file_digests={})
    assert "No changes." in load(real_content_dir)  # nothing differs, so nothing can be lost

    ContentSync.objects.update(file_digests={})
    Edge.objects.filter(source__slug="hiit", target__slug="energy-stress").update(grade="D")
    message = refused_load(real_content_dir)
    assert "explorer/edges.yaml: changed in the database" in message


def test_only_the_latest_sync_of_a_folder_keeps_its_record_of_files(content_dir, tmp_path):
    load(content_dir)
    load(content_dir)
    export(tmp_path / "elsewhere")
    export(content_dir)

    recorded = ContentSync.objects.exclude(file_digests={})
    assert ContentSync.objects.count() == 4
    assert sorted(sync.folder for sync in recorded) == sorted(
        [str(content_dir.resolve()), str((tmp_path / "elsewhere").resolve())]
    )
    assert recorded.get(folder=str(content_dir.resolve())).direction == "export"
