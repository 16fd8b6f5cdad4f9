from django.apps import AppConfig


class ChangesConfig(AppConfig):
    name = "apps.changes"
    verbose_name = "Published changes"

    def ready(self):
        from apps.core import versions
        from apps.core.models import count_content_changes

        from .models import ChangeLog

        # /changes/ and every version page are reader pages: a new change must refresh them.
        count_content_changes(self)
        versions.register(ChangeLog())
