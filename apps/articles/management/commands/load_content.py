from collections import Counter
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from apps.articles.content import ContentErrors, read_content
from apps.articles.models import Article, ArticleTier, Reference

ARTICLE_FIELDS = ("title", "summary", "last_reviewed")
TIER_FIELDS = ("body_markdown", "body_html", "toc_html", "reading_minutes", "position")


class Command(BaseCommand):
    help = (
        "Load content/ (articles and references) into the database. All or nothing: any error "
        "names its file and line and leaves the database as it was. Safe to run again."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--content-dir",
            type=Path,
            default=settings.CONTENT_DIR,
            help="Folder to read (default: %(default)s).",
        )

    def handle(self, *args, content_dir, **options):
        if not content_dir.is_dir():
            raise CommandError(f"{content_dir}: no such folder")
        try:
            references, articles = read_content(content_dir)
        except ContentErrors as errors:
            count = len(errors.errors)
            raise CommandError(
                f"{errors}\n{count} problem{'s' if count > 1 else ''} found; nothing was changed."
            ) from errors

        tally = {"references": Counter(), "articles": Counter(), "tiers": Counter()}
        with transaction.atomic():
            for data in references:
                tally["references"][sync_reference(data)] += 1
            for source in articles:
                article_result, tier_results = sync_article(source)
                tally["articles"][article_result] += 1
                tally["tiers"].update(tier_results)
            stale_articles = Article.objects.exclude(slug__in=[a.slug for a in articles])
            tally["articles"]["removed"] = stale_articles.count()
            stale_articles.delete()
            stale_references = Reference.objects.exclude(key__in=[r["key"] for r in references])
            tally["references"]["removed"] = stale_references.count()
            stale_references.delete()

        for kind in ("references", "articles", "tiers"):
            counts = tally[kind]
            self.stdout.write(
                f"{kind.capitalize()}: {counts['created']} created, {counts['updated']} updated, "
                f"{counts['unchanged']} unchanged, {counts['removed']} removed."
            )
        if not any(
            tally[kind][change] for kind in tally for change in ("created", "updated", "removed")
        ):
            self.stdout.write(self.style.SUCCESS("No changes."))
        else:
            self.stdout.write(self.style.SUCCESS("Content loaded."))


def sync_reference(data):
    reference = Reference.objects.filter(key=data["key"]).first()
    if reference is None:
        Reference.objects.create(**data)
        return "created"
    if all(getattr(reference, name) == value for name, value in data.items()):
        return "unchanged"
    for name, value in data.items():
        setattr(reference, name, value)
    reference.save()
    return "updated"


def sync_article(source):
    """Create or update one article and its tiers; returns its result and each tier's."""
    values = {name: getattr(source, name) for name in ARTICLE_FIELDS}
    article, created = Article.objects.get_or_create(slug=source.slug, defaults=values)
    result = "created" if created else "unchanged"
    if not created and any(getattr(article, name) != value for name, value in values.items()):
        Article.objects.filter(pk=article.pk).update(**values)
        result = "updated"

    existing = {tier.tier: tier for tier in article.tiers.all()}
    tier_results = []
    for tier_name, markdown in source.bodies.items():
        tier = existing.get(tier_name) or ArticleTier(article=article, tier=tier_name)
        stored = {name: getattr(tier, name, None) for name in TIER_FIELDS}
        stored_keys = (
            list(tier.citations.values_list("reference__key", flat=True)) if tier.pk else []
        )
        tier.body_markdown = markdown
        rendered = tier.render()
        if (
            tier.pk
            and stored == {name: getattr(tier, name) for name in TIER_FIELDS}
            and (stored_keys == rendered.citation_keys)
        ):
            tier_results.append("unchanged")
            continue
        tier_results.append("updated" if tier.pk else "created")
        tier.save()
    return result, tier_results
