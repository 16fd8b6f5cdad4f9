from pathlib import Path

from django.conf import settings
from django.core.management.base import CommandError
from django.db import transaction

from apps.content_sync.models import ContentSync
from apps.content_sync.readers import (
    ARTICLES_DIR,
    GLOSSARY_FILE,
    GRAPH_DIR,
    NODES_DIR,
    WALKS_DIR,
)
from apps.content_sync.sync import ContentSyncCommand, content_files
from apps.content_sync.writers import write_file


class Command(ContentSyncCommand):
    busy_message = "A load or another export of this database is running"

    help = (
        "Write the database back to content/ in the format load_content reads, so edits made in "
        "the admin can be reviewed and committed like code. Files that would not change are "
        "left alone; files of articles and nodes no longer in the database are removed."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--content-dir",
            type=Path,
            default=settings.CONTENT_DIR,
            help="Folder to write (default: %(default)s).",
        )

    def handle(self, *args, content_dir, **options):
        if content_dir.exists() and not content_dir.is_dir():
            raise CommandError(f"{content_dir}: not a folder")
        with transaction.atomic():
            files = content_files()
            written, removed = self.write(files, content_dir)
            ContentSync.record(ContentSync.Direction.EXPORT, content_dir, files)
        for path in written:
            self.stdout.write(f"Wrote {path}")
        for path in removed:
            self.stdout.write(f"Removed {path}")
        unchanged = len(files) - len(written)
        summary = f"{len(written)} written, {unchanged} unchanged, {len(removed)} removed."
        self.stdout.write(self.style.SUCCESS(f"Exported to {content_dir}: {summary}"))

    def write(self, files, content_dir):
        written = [path for path, text in files.items() if write_file(content_dir / path, text)]
        removed = []
        folders = [
            (Path(ARTICLES_DIR), "*.md"),
            (Path(GRAPH_DIR) / NODES_DIR, "*.md"),
            (Path(GRAPH_DIR) / WALKS_DIR, "*.yaml"),
        ]
        # A glossary emptied in the admin: its file goes too, as the database writes none.
        glossary = content_dir / GLOSSARY_FILE
        if Path(GLOSSARY_FILE) not in files and glossary.is_file():
            glossary.unlink()
            removed.append(Path(GLOSSARY_FILE))
        for folder, pattern in folders:
            for path in sorted((content_dir / folder).glob(pattern)):
                if path.relative_to(content_dir) not in files:
                    path.unlink()
                    removed.append(path.relative_to(content_dir))
        return written, removed
