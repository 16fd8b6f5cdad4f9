"""System checks: what the explorer needs from the machine it runs on."""

import shutil

from django.core import checks


@checks.register()
def graphviz_is_installed(app_configs, **kwargs):
    """The map is laid out by Graphviz's dot whenever the graph changes; without it, a save or
    `load_content` could not store a layout. Say so before anything starts."""
    if shutil.which("dot"):
        return []
    return [
        checks.Error(
            "Graphviz's dot program is not installed, and the mechanism map is laid out with it.",
            hint="Install Debian's graphviz package: apt-get install -y graphviz "
            "(make run and make test do this when they can).",
            id="explorer.E001",
        )
    ]
