"""The record of each content sync moves here from the editors app, keeping its table and rows.

The table was made by editors' migrations; here Django's state learns that the model belongs
to this app now, and its content type is relabelled (apps/core/model_moves.py). editors.0004
then drops it from the editors app's state.
"""

import django.utils.timezone
from django.db import migrations, models

from apps.core.model_moves import relabel


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("editors", "0003_contentsync_file_digests"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("reversion", "0002_add_index_on_version_for_content_type_and_db"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="ContentSync",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("direction", models.CharField(choices=[("load", "content/ loaded into the database"), ("export", "database exported to content/")], max_length=10)),
                        ("folder", models.CharField(help_text="The content folder, as an absolute path.", max_length=500)),
                        ("finished_at", models.DateTimeField(default=django.utils.timezone.now)),
                        ("file_digests", models.JSONField(default=dict, help_text="content/ path → SHA-256 of the text the database held for it.")),
                    ],
                    options={
                        "verbose_name": "content sync",
                        "db_table": "editors_contentsync",
                        "get_latest_by": "finished_at",
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(*relabel("editors", "content_sync", "contentsync")),
    ]
