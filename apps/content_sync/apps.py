from django.apps import AppConfig


class ContentSyncConfig(AppConfig):
    """content/ ↔ database, both ways: its readers and writers, load_content and export_content,
    and the record of each sync that guards against overwriting a change."""

    name = "apps.content_sync"
    verbose_name = "Content sync"
