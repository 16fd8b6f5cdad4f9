from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("editors", "0002_content_sync"),
    ]

    operations = [
        migrations.AddField(
            model_name="contentsync",
            name="file_digests",
            field=models.JSONField(
                default=dict,
                help_text="content/ path → SHA-256 of the text the database held for it.",
            ),
        ),
    ]
