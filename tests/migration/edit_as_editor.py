"""Give a freshly loaded database what a real one has besides content: an editor, their
sign-in, and their edits in the history and the admin's log.

Run once, from the root of the older `main`, to make the database the migration test starts from
(see README.md in this folder).
"""

import os
import sys

sys.path.insert(0, os.getcwd())
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("DJANGO_SECRET_KEY", "site-snapshot-only-secret-key-not-for-any-deployment")

import django

django.setup()

import reversion  # noqa: E402
from django.apps import apps  # noqa: E402
from django.contrib.admin.models import CHANGE, LogEntry  # noqa: E402
from django.contrib.auth.models import Group, User  # noqa: E402
from django.contrib.contenttypes.models import ContentType  # noqa: E402

editor = User.objects.create_user("alice", password="correct horse battery staple", is_staff=True)
editor.groups.add(Group.objects.get(name="Editors"))

Reference = apps.get_model("articles", "Reference")
Article = apps.get_model("articles", "Article")
Node = apps.get_model("explorer", "Node")
edited = [
    (Reference.objects.order_by("key").first(), "title"),
    (Article.objects.order_by("slug").first(), "summary"),
    (Node.objects.order_by("slug").first(), "name"),
]
for row, field in edited:
    with reversion.create_revision():
        setattr(row, field, getattr(row, field) + " (checked)")
        row.save()
        reversion.set_user(editor)
        reversion.set_comment(f"Changed {field}.")
    LogEntry.objects.log_actions(
        editor.pk, [row], CHANGE, change_message=f"Changed {field}.", single_object=True
    )
edited_kinds = ", ".join(str(ContentType.objects.get_for_model(row)) for row, _ in edited)
print(f"{editor.username} edited: {edited_kinds}")
