"""Moving a model to another app of ours without copying a row.

The model keeps its table (`Meta.db_table`) and its migrations move it in Django's migration
state only. What else names it by its app label is relabelled here, in the migration of the app
it moves to: its content type, so its permissions (and the groups holding them), the admin's
log and its history stay attached to it; and the label inside each version of its history,
which django-reversion stores as serialised rows ("articles.reference").
"""

import json


def relabel(old_app_label, new_app_label, model_name):
    """A RunPython pair that relabels `model_name` from one app to the other, and back."""

    def forwards(apps, schema_editor):
        _relabel(apps, old_app_label, new_app_label, model_name)

    def backwards(apps, schema_editor):
        _relabel(apps, new_app_label, old_app_label, model_name)

    return forwards, backwards


def _relabel(apps, from_label, to_label, model_name):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Version = apps.get_model("reversion", "Version")
    moving = ContentType.objects.filter(app_label=from_label, model=model_name).first()
    if moving is None:  # a new database: content types are made after its migrations
        return
    # A content type made for the new label since (by a migrate stopped half-way) holds no
    # history yet; the old one holds it all, so the old one is kept.
    ContentType.objects.filter(app_label=to_label, model=model_name).delete()
    moving.app_label = to_label
    moving.save(update_fields=["app_label"])
    old_name, new_name = f"{from_label}.{model_name}", f"{to_label}.{model_name}"
    for version in Version.objects.filter(content_type=moving, format="json"):
        rows = json.loads(version.serialized_data)
        for row in rows:
            if row.get("model") == old_name:
                row["model"] = new_name
        # As Django's JSON serialiser writes it, so the text changes only in the label.
        version.serialized_data = json.dumps(rows, ensure_ascii=False)
        version.save(update_fields=["serialized_data"])
