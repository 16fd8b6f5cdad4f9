"""The "Editors" group: exactly the permissions to edit content, and nothing about users.

README.md lists the same permissions; tests/test_editors.py checks the two agree.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

EDITORS = "Editors"
CONTENT_MODELS = {
    "articles": ["article", "articletier", "reference"],
    "explorer": ["node", "nodetext", "edge", "edgereference"],
}
ACTIONS = ["add", "change", "delete", "view"]


def create_editors_group(apps, schema_editor):
    # Permissions are normally made after all migrations; make them now so the group can hold them.
    for app_label in CONTENT_MODELS:
        app_config = apps.get_app_config(app_label)
        # The migration state's app config has no models module; create_permissions needs one.
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name=EDITORS)
    codenames = [
        f"{action}_{model}"
        for models in CONTENT_MODELS.values()
        for model in models
        for action in ACTIONS
    ]
    permissions = Permission.objects.filter(
        content_type__app_label__in=CONTENT_MODELS, codename__in=codenames
    )
    group.permissions.set(permissions)


def remove_editors_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name=EDITORS).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("articles", "0003_article_status_next_review"),
        ("explorer", "0002_editorial_fields"),
    ]

    operations = [migrations.RunPython(create_editors_group, remove_editors_group)]
