from django.apps import AppConfig


class ExplorerConfig(AppConfig):
    name = "apps.explorer"
    verbose_name = "Mechanism explorer"

    def ready(self):
        from apps.core import links
        from apps.core.models import count_content_changes

        from . import checks  # noqa: F401  (registers the system checks)
        from .models import DiagramLayout, NodeLinks

        count_content_changes(self, DiagramLayout)

        links.register(NodeLinks())
