"""A page's published changes, as its own page shows them ("Updated <date>: <summary>", a
link to the version being read).

Pages are below the app that records their changes (apps.changes), so that app registers
itself here when the site starts (apps/changes/apps.py) and nothing here imports it.
"""


class PageVersions:
    """Until the changes app registers its own, no page has a recorded change."""

    def latest(self, page):
        """The latest published change of an article or node (with `number`, `created_at`,
        `summary`, `correction` and `is_recent`), or None."""
        return None


_versions = PageVersions()


def register(versions: PageVersions):
    global _versions
    _versions = versions


def page_versions() -> PageVersions:
    return _versions
