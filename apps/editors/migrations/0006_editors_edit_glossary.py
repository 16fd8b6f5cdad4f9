"""The Editors group may edit the glossary, as it edits references and the rest of the content."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

ACTIONS = ["add", "change", "delete", "view"]


def let_editors_edit_glossary(apps, schema_editor):
    group = apps.get_model("auth", "Group").objects.filter(name="Editors").first()
    if group is None:  # removed on purpose: not ours to bring back
        return
    app_config = apps.get_app_config("core")
    # The migration state's app config has no models module; create_permissions needs one.
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    group.permissions.add(
        *apps.get_model("auth", "Permission").objects.filter(
            content_type__app_label="core",
            codename__in=[f"{action}_glossaryterm" for action in ACTIONS],
        )
    )


class Migration(migrations.Migration):
    dependencies = [
        ("editors", "0005_editors_edit_walks"),
        ("core", "0003_glossary"),
    ]

    operations = [migrations.RunPython(let_editors_edit_glossary, migrations.RunPython.noop)]
