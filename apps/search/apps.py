from django.apps import AppConfig


class SearchConfig(AppConfig):
    name = "apps.search"
    verbose_name = "Search"

    def ready(self):
        from django.db.models.signals import post_delete, post_migrate, post_save

        from apps.core.models import changed_in_bulk

        from . import signals

        for model in signals.groups_of():
            uid = f"search-index-{model._meta.label_lower}"
            post_save.connect(signals.reindex_after_change, sender=model, dispatch_uid=uid)
            post_delete.connect(
                signals.reindex_after_change, sender=model, dispatch_uid=f"{uid}-delete"
            )
        changed_in_bulk.connect(signals.rebuild_after_load, dispatch_uid="search-index-load")
        post_migrate.connect(signals.build_if_missing, sender=self, dispatch_uid="search-index")
