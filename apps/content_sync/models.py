import hashlib

from django.db import models
from django.utils import timezone


def digest(text):
    return hashlib.sha256(text.encode()).hexdigest()


class ContentSync(models.Model):
    """A moment when the database and content/ agreed: the end of a load or an export.

    It records what the database held then, as the digest of each file it would write, so a
    later load can tell every change made since (in the admin, by a restore, by a script or
    straight in the database) from what content/ already has.
    """

    class Direction(models.TextChoices):
        LOAD = "load", "content/ loaded into the database"
        EXPORT = "export", "database exported to content/"

    direction = models.CharField(max_length=10, choices=Direction.choices)
    folder = models.CharField(max_length=500, help_text="The content folder, as an absolute path.")
    finished_at = models.DateTimeField(default=timezone.now)
    file_digests = models.JSONField(
        default=dict, help_text="content/ path → SHA-256 of the text the database held for it."
    )

    class Meta:
        # The sync record began in the editors app; the table kept its name when it moved here,
        # so no existing database had to copy a row.
        db_table = "editors_contentsync"
        get_latest_by = "finished_at"
        verbose_name = "content sync"

    def __str__(self):
        return f"{self.get_direction_display()} at {self.finished_at:%Y-%m-%d %H:%M}"

    @classmethod
    def record(cls, direction, folder, files):
        """Note that the database, as `files` ({path: text}) shows it, agrees with `folder`."""
        sync = cls.objects.create(
            direction=direction,
            folder=str(folder.resolve()),
            file_digests={str(path): digest(text) for path, text in files.items()},
        )
        # Only the latest record of a folder is ever compared with; older ones keep their date.
        cls.objects.filter(folder=sync.folder).exclude(pk=sync.pk).update(file_digests={})
        return sync

    @classmethod
    def last_recorded(cls, folder):
        """The latest sync with `folder` that recorded the database's files (older ones did not).

        For a folder never synced, the latest sync with any folder: the database then held
        what that folder held, and anything changed since is still a change of the database.
        """
        recorded = cls.objects.exclude(file_digests={}).order_by("-finished_at", "-pk")
        return recorded.filter(folder=str(folder.resolve())).first() or recorded.first()
