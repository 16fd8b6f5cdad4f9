from django.apps import AppConfig


class ExplorerConfig(AppConfig):
    name = "apps.explorer"
    verbose_name = "Mechanism explorer"

    def ready(self):
        from apps.core import links

        from . import checks  # noqa: F401  (registers the system checks)
        from .models import NodeLinks

        links.register(NodeLinks())
