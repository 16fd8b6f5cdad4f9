"""Editors keeps no models of its own now: the content sync record moved to the content_sync
app (content_sync.0001) and references to core (core.0001), both keeping their tables.

The Editors group is given its permissions again under the models' new app labels. A database
migrated from before already has them (the content types were relabelled, not replaced); a new
database may have made the group before references moved, and so needs this.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

EDITORS = "Editors"
CONTENT_MODELS = {
    "core": ["reference"],
    "articles": ["article", "articletier"],
    "explorer": ["node", "nodetext", "edge", "edgereference"],
}
ACTIONS = ["add", "change", "delete", "view"]


def give_editors_their_permissions(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group = Group.objects.filter(name=EDITORS).first()
    if group is None:  # removed on purpose: not ours to bring back
        return
    # Permissions are normally made after all migrations; make them now so the group can hold them.
    for app_label in CONTENT_MODELS:
        app_config = apps.get_app_config(app_label)
        # The migration state's app config has no models module; create_permissions needs one.
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    for app_label, models in CONTENT_MODELS.items():
        codenames = [f"{action}_{model}" for model in models for action in ACTIONS]
        group.permissions.add(
            *Permission.objects.filter(content_type__app_label=app_label, codename__in=codenames)
        )


class Migration(migrations.Migration):
    dependencies = [
        ("editors", "0003_contentsync_file_digests"),
        ("content_sync", "0001_initial"),
        ("articles", "0004_reference_in_core"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="ContentSync")],
            database_operations=[],
        ),
        migrations.RunPython(give_editors_their_permissions, migrations.RunPython.noop),
    ]
