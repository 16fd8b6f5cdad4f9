"""[[slug]] links: how any text of the site links to a page of the mechanism explorer.

The foundation renders and checks these links but does not know the map. The map registers
itself as their target when the site starts (apps/explorer/apps.py), so nothing here imports it.
"""


class LinkTargets:
    """What [[slug]] links point to. Until the map registers its own, no slug exists."""

    def names(self) -> dict[str, str]:
        """slug → the name a bare [[slug]] shows, for every target."""
        return {}

    def statuses(self, slugs) -> dict[str, str]:
        """slug → draft or published, for those of `slugs` that exist."""
        return {}

    def url(self, slug) -> str | None:
        """Where [[slug]] links to; None when `slug` cannot name a page at all."""
        return None


_targets = LinkTargets()


def register(targets: LinkTargets):
    global _targets
    _targets = targets


def link_targets() -> LinkTargets:
    return _targets
