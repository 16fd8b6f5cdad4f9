from django.db import models
from django.utils import timezone
from reversion.models import Revision


class ContentSync(models.Model):
    """A moment when the database and content/ agreed: the end of a load or an export.

    Admin edits saved after the latest one may exist only in the database, so load_content
    checks them before it would overwrite anything.
    """

    class Direction(models.TextChoices):
        LOAD = "load", "content/ loaded into the database"
        EXPORT = "export", "database exported to content/"

    direction = models.CharField(max_length=10, choices=Direction.choices)
    folder = models.CharField(max_length=500, help_text="The content folder, as an absolute path.")
    finished_at = models.DateTimeField(default=timezone.now)

    class Meta:
        get_latest_by = "finished_at"
        verbose_name = "content sync"

    def __str__(self):
        return f"{self.get_direction_display()} at {self.finished_at:%Y-%m-%d %H:%M}"


def admin_revisions_since_sync(folder):
    """Revisions saved by editors since `folder` last agreed with the database, oldest first."""
    revisions = Revision.objects.exclude(user=None)
    last = ContentSync.objects.filter(folder=folder).order_by("-finished_at").first()
    if last is not None:
        revisions = revisions.filter(date_created__gt=last.finished_at)
    return revisions.select_related("user").prefetch_related("version_set").order_by("pk")
