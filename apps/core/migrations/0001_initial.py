"""References move here from the articles app, keeping their table and every row.

The table was made by articles' first migration; here Django's state learns that the model
belongs to this app now, and its content type and history are relabelled (apps/core/
model_moves.py). articles.0004 then drops it from the articles app's state.
"""

from django.db import migrations, models

from apps.core.model_moves import relabel


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("articles", "0003_article_status_next_review"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("reversion", "0002_add_index_on_version_for_content_type_and_db"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="Reference",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("key", models.SlugField(help_text="Cited in Markdown as [@key].", max_length=64, unique=True)),
                        ("authors", models.JSONField(default=list, help_text='A list such as ["Pedersen BK"].')),
                        ("year", models.PositiveSmallIntegerField()),
                        ("title", models.CharField(max_length=500)),
                        ("journal", models.CharField(max_length=200)),
                        ("volume", models.CharField(blank=True, max_length=20)),
                        ("issue", models.CharField(blank=True, max_length=20)),
                        ("pages", models.CharField(blank=True, max_length=40)),
                        ("doi", models.CharField(blank=True, max_length=200, verbose_name="DOI")),
                        ("pmid", models.PositiveIntegerField(blank=True, null=True, verbose_name="PMID")),
                        ("pmcid", models.CharField(blank=True, max_length=20, verbose_name="PMCID")),
                    ],
                    options={
                        "db_table": "articles_reference",
                        "ordering": ["key"],
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(*relabel("articles", "core", "reference")),
    ]
