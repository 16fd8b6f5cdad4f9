from django.apps import AppConfig


class CoreConfig(AppConfig):
    """What every page of the site shares: tiers, drafts and review dates, references, and the
    one Markdown → safe HTML function. It imports no other app of ours."""

    name = "apps.core"
    verbose_name = "Sources"

    def ready(self):
        from django.db.models.signals import post_delete, post_save, pre_save

        from .models import (
            ContentVersion,
            GlossaryTerm,
            count_content_changes,
            remember_term_before_change,
            render_texts_after_term_change,
        )

        count_content_changes(self, ContentVersion)
        # A term added, changed or removed: the texts that use it are rendered again.
        pre_save.connect(
            remember_term_before_change, sender=GlossaryTerm, dispatch_uid="glossary-remember"
        )
        for signal in (post_save, post_delete):
            signal.connect(
                render_texts_after_term_change,
                sender=GlossaryTerm,
                dispatch_uid=f"glossary-render-{signal is post_save}",
            )
