from django.apps import AppConfig


class ArticlesConfig(AppConfig):
    name = "apps.articles"
    verbose_name = "Articles"

    def ready(self):
        from apps.core.models import count_content_changes
        from apps.explorer.models import LINKING_ARTICLE_FINDERS

        from .models import Article

        count_content_changes(self)

        if Article.objects.linking_to not in LINKING_ARTICLE_FINDERS:  # ready() may run twice
            LINKING_ARTICLE_FINDERS.append(Article.objects.linking_to)
