"""References moved to the core app (core.0001): the articles app's state lets go of them.

Nothing in the database changes; the citations' column already points at the same table.
"""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0003_article_status_next_review"),
        ("core", "0001_initial"),
        # Every other app must point at core.Reference before this one forgets its own.
        ("explorer", "0003_reference_in_core"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="citation",
                    name="reference",
                    field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name="citations", to="core.reference"),
                ),
                migrations.AlterField(
                    model_name="articletier",
                    name="references",
                    field=models.ManyToManyField(related_name="tiers", through="articles.Citation", to="core.reference"),
                ),
                migrations.DeleteModel(name="Reference"),
            ],
            database_operations=[],
        ),
    ]
