"""Published changes: every time readers are shown new text or a new title on an article or a
node of the map, a numbered Change records when, why (a one-line summary, and whether it
corrects an error) and, in its Snapshots, the page as it then read, so that a version's URL
shows the same text however the page is edited or re-rendered later.

A change is recorded in the transaction that makes it: by the admin's save (apps.editors) and
by load_content (apps.content_sync), both calling `record_change`.
"""

import datetime
import hashlib
import json

from django.db import models
from django.db.models import Prefetch
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from apps.articles.models import Article, ArticleTier, Citation
from apps.core.models import Status, Tier
from apps.core.versions import PageVersions
from apps.explorer.models import Node, NodeCitation, NodeText

SUMMARY_MAX_LENGTH = 200
FIRST_PUBLISHED = "First published."
UPDATED_FROM_FILES = "Revised by the editors."
UPDATED = "Updated."
# How long a page says "Updated <date>: <summary>" under its title.
RECENT = datetime.timedelta(days=60)


class ChangeQuerySet(models.QuerySet):
    def published(self):
        """Changes of pages readers may read now: a page taken back to draft hides its history
        too, since its text may have been withdrawn for a reason."""
        return self.filter(
            models.Q(article__status=Status.PUBLISHED) | models.Q(node__status=Status.PUBLISHED)
        )

    def newest_first(self):
        return self.order_by("-created_at", "-pk")

    def latest_by_page(self):
        """{("article" or "node", page id): its latest change}, in one query."""
        later = Change.objects.filter(number__gt=models.OuterRef("number"))
        latest_of_article = models.Q(article__isnull=False) & ~models.Exists(
            later.filter(article=models.OuterRef("article"))
        )
        latest_of_node = models.Q(node__isnull=False) & ~models.Exists(
            later.filter(node=models.OuterRef("node"))
        )
        return {
            change.page_key: change for change in self.filter(latest_of_article | latest_of_node)
        }


class Change(models.Model):
    """One published change of one page (an article with its three tiers, or a node with its
    texts). `number` counts a page's changes from 1 and is never given to another change of it."""

    article = models.ForeignKey(
        Article, null=True, blank=True, on_delete=models.CASCADE, related_name="changes"
    )
    node = models.ForeignKey(
        Node, null=True, blank=True, on_delete=models.CASCADE, related_name="changes"
    )
    number = models.PositiveIntegerField()
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    title = models.CharField(max_length=200, help_text="The page's title as it then was.")
    summary = models.CharField(max_length=SUMMARY_MAX_LENGTH)
    correction = models.BooleanField(default=False, help_text="The change fixes an error.")
    # Whether a person wrote the summary (in the admin or as change_summary in content/): only
    # such a summary is written back to content/ by export_content.
    written = models.BooleanField(default=False)
    # What the page said: a digest of its title and each tier's Markdown. A save that leaves
    # them as they were is not a change.
    digest = models.CharField(max_length=64)

    objects = ChangeQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["article", "number"], name="article_change_number"),
            models.UniqueConstraint(fields=["node", "number"], name="node_change_number"),
            models.CheckConstraint(
                condition=models.Q(article__isnull=True) ^ models.Q(node__isnull=True),
                name="change_of_one_page",
            ),
        ]

    def __str__(self):
        return f"{self.title}, version {self.number}: {self.summary}"

    def get_absolute_url(self):
        """The version's own page, at its first tier, as it then read."""
        return self.version_url(Tier.FUNDAMENTALS)

    def version_url(self, tier):
        if self.article_id:
            return reverse("changes:article-version", args=[self.article.slug, tier, self.number])
        return reverse("changes:node-version", args=[self.node.slug, tier, self.number])

    @property
    def page_key(self):
        return ("article", self.article_id) if self.article_id else ("node", self.node_id)

    @property
    def is_first(self):
        return self.number == 1

    @property
    def is_recent(self):
        return not self.is_first and timezone.now() - self.created_at <= RECENT

    def default_summary(self):
        return FIRST_PUBLISHED if self.is_first else UPDATED_FROM_FILES


class Snapshot(models.Model):
    """One tier of a page as a change left it: its HTML, rendered once, with its references."""

    change = models.ForeignKey(Change, on_delete=models.CASCADE, related_name="snapshots")
    tier = models.CharField(max_length=20, choices=Tier.choices)
    html = models.TextField()

    class Meta:
        ordering = ["change", "tier"]
        constraints = [
            models.UniqueConstraint(fields=["change", "tier"], name="one_snapshot_per_tier"),
        ]

    def __str__(self):
        return f"{self.change.title} ({self.get_tier_display()}), version {self.change.number}"

    @property
    def label(self):
        return self.get_tier_display()


def page_texts(page):
    """The page's texts, one per tier in reading order, with their numbered references."""
    if isinstance(page, Article):
        texts = ArticleTier.objects.filter(article=page).order_by("position")
        citations = Citation.objects.select_related("reference").order_by("number")
    else:
        reading_order = {tier.value: index for index, tier in enumerate(Tier)}
        texts = NodeText.objects.filter(node=page)
        citations = NodeCitation.objects.select_related("reference").order_by("number")
        texts = sorted(
            texts.prefetch_related(Prefetch("citations", queryset=citations)),
            key=lambda text: reading_order[text.tier],
        )
        return texts
    return list(texts.prefetch_related(Prefetch("citations", queryset=citations)))


def page_title(page):
    return page.title if isinstance(page, Article) else page.name


def page_digest(title, texts):
    words = [title, *((text.tier, text.body_markdown) for text in texts)]
    return hashlib.sha256(json.dumps(words).encode()).hexdigest()


def page_filter(page):
    return {"article": page} if isinstance(page, Article) else {"node": page}


def record_change(page, summary="", correction=False, latest=None):
    """Record a published change of `page` (an Article or a Node, saved with its texts) if its
    title or text differ from its latest change, or it has just been published. Call it inside
    the transaction of the save. Returns the new Change, or None when there is nothing new.

    `summary` is what a person wrote (blank for none); `latest` is the page's latest change when
    the caller has already read it (load_content reads them all at once)."""
    if page.status != Status.PUBLISHED:
        return None  # drafts have no public history
    texts = page_texts(page)
    digest = page_digest(page_title(page), texts)
    if latest is None:
        latest = Change.objects.filter(**page_filter(page)).order_by("number").last()
    if latest is not None and latest.digest == digest:
        return None
    change = Change(
        **page_filter(page),
        number=latest.number + 1 if latest else 1,
        title=page_title(page)[:200],
        correction=bool(summary) and correction,
        written=bool(summary),
        digest=digest,
    )
    change.summary = summary or change.default_summary()
    change.save()
    Snapshot.objects.bulk_create(
        Snapshot(
            change=change,
            tier=text.tier,
            html=render_to_string(
                "changes/_snapshot.html",
                {
                    "text": text,
                    "references": [
                        (citation.number, citation.reference) for citation in text.citations.all()
                    ],
                },
            ),
        )
        for text in texts
    )
    return change


def record_loaded_change(page, changed, summary, correction, latest):
    """load_content's record of a page it loaded. `changed` says whether the load wrote the
    page; `summary` and `correction` come from the file's front matter (change_summary,
    correction), which describe the page's latest change; `latest` is that change, or None.

    A summary the latest change already has is not used again for a new change: the file still
    carries it from an earlier export. Where the text did not change, the file may still reword
    the latest change's note, and it then does, so that loading and exporting keep every file
    as it was. Only a page that was written, or whose note differs, costs any query."""
    same_note = (
        latest is not None
        and latest.written
        and (latest.summary, latest.correction) == (summary, correction)
    )
    change = None
    if changed:
        change = record_change(
            page, "" if same_note else summary, correction and not same_note, latest=latest
        )
    if change is not None or latest is None or same_note:
        return change
    if summary:
        latest.summary, latest.correction, latest.written = summary, correction, True
    elif latest.written:
        latest.summary, latest.correction, latest.written = latest.default_summary(), False, False
    else:
        return None
    latest.save(update_fields=["summary", "correction", "written"])
    return None


class ChangeLog(PageVersions):
    """What a page shows of its own history (registered in apps.py)."""

    def latest(self, page):
        return Change.objects.filter(**page_filter(page)).order_by("number").last()
