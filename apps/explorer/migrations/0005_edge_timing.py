from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("explorer", "0004_diagram_layout"),
    ]

    operations = [
        migrations.AddField(
            model_name="edge",
            name="timing",
            # Arrows made before this field have no time course until content/ gives them one.
            field=models.CharField(
                choices=[
                    ("acute", "after one session (minutes to hours)"),
                    ("training", "with training (weeks of regular exercise)"),
                    ("both", "both after one session and with training"),
                ],
                default="",
                help_text="When the effect is seen. Where the sources leave it unclear, say so in the caveat.",
                max_length=10,
                verbose_name="time course",
            ),
            preserve_default=False,
        ),
    ]
