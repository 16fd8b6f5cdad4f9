from django.apps import AppConfig


class CoreConfig(AppConfig):
    """What every page of the site shares: tiers, drafts and review dates, references, and the
    one Markdown → safe HTML function. It imports no other app of ours."""

    name = "apps.core"
    verbose_name = "Sources"

    def ready(self):
        from .models import ContentVersion, count_content_changes

        count_content_changes(self, ContentVersion)
