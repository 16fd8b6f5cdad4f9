"""References moved to the core app (core.0001); the columns that point at them are unchanged."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0001_initial"),
        ("explorer", "0002_editorial_fields"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="edgereference",
                    name="reference",
                    field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name="edge_uses", to="core.reference"),
                ),
                migrations.AlterField(
                    model_name="edge",
                    name="references",
                    field=models.ManyToManyField(related_name="edges", through="explorer.EdgeReference", to="core.reference"),
                ),
                migrations.AlterField(
                    model_name="nodecitation",
                    name="reference",
                    field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name="node_citations", to="core.reference"),
                ),
                migrations.AlterField(
                    model_name="nodetext",
                    name="references",
                    field=models.ManyToManyField(related_name="node_texts", through="explorer.NodeCitation", to="core.reference"),
                ),
            ],
            database_operations=[],
        ),
    ]
