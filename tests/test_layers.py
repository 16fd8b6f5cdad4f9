"""The code's layers (README.md, "How the code is layered"): each app depends only on those
below it, and nothing of ours imports itself in a circle.

`make lint` runs import-linter on the same contracts; these tests show that they hold, that they
fail when broken, and add what an import checker cannot see: models named in strings.
"""

import ast
import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import grimp
import pytest
from django.apps import apps

ROOT = Path(__file__).resolve().parent.parent
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def layers():
    """Our app labels, lowest layer first, as pyproject.toml's layers contract orders them.

    Apps that share a layer (written "a | b") share a rank, and must not know each other.
    """
    contracts = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]
    layered = next(c for c in contracts["contracts"] if c["type"] == "layers")
    rank = {}
    for position, layer in enumerate(reversed(layered["layers"])):
        for package in layer.split("|"):
            rank[package.strip().removeprefix("apps.")] = position
    return rank


def our_apps():
    return {
        config.label: config for config in apps.get_app_configs() if config.name.startswith("apps.")
    }


def app_of(module):
    """The app label of a module of ours, "config", or None for the `apps` package itself."""
    parts = module.removesuffix(".__init__").split(".")
    if parts[0] == "apps":
        return parts[1] if len(parts) > 1 else None
    return parts[0]


def run_lint_imports(root):
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache"],
        cwd=root,
        env={"PYTHONPATH": str(root), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
    )


def copy_of_the_code(tmp_path):
    for name in ("apps", "config"):
        shutil.copytree(ROOT / name, tmp_path / name, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path)
    return tmp_path


def test_every_app_is_in_a_layer():
    assert set(our_apps()) | {"config"} == set(layers())


def test_lint_imports_keeps_every_contract():
    result = run_lint_imports(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


LAYERS_BROKEN = "Each layer imports only the layers below it BROKEN"
FOUNDATION_BROKEN = "The foundation imports no other app of ours BROKEN"
CYCLES_BROKEN = "No import cycles between modules or packages of ours, at any depth BROKEN"


@pytest.mark.parametrize(
    ("module", "added_import", "broken"),
    [
        pytest.param(
            "apps/core/links.py",
            "from apps.explorer.models import Node",
            [LAYERS_BROKEN, FOUNDATION_BROKEN, "apps.core.links -> apps.explorer.models"],
            id="the foundation imports the map",
        ),
        pytest.param(
            "apps/explorer/views.py",
            "from apps.articles.models import Article",
            [LAYERS_BROKEN, "apps.explorer.views -> apps.articles.models"],
            id="the map imports articles",
        ),
        pytest.param(
            "apps/content_sync/sync.py",
            "from apps.editors.history import restore",
            [LAYERS_BROKEN, "apps.content_sync.sync -> apps.editors.history"],
            id="content sync imports the admin",
        ),
        pytest.param(
            "apps/explorer/graph.py",  # explorer.models imports graph
            "from apps.explorer import models",
            [CYCLES_BROKEN],
            id="an import cycle inside an app",
        ),
    ],
)
def test_lint_imports_fails_when_a_contract_is_broken(tmp_path, module, added_import, broken):
    code = copy_of_the_code(tmp_path)
    path = code / module
    path.write_text(f"{path.read_text()}\n{added_import}  # noqa\n")

    result = run_lint_imports(code)

    assert result.returncode == 1
    for line in broken:
        assert line in result.stdout


@pytest.fixture(scope="module")
def import_graph():
    return grimp.build_graph("apps", "config", cache_dir=None)


def test_no_module_of_ours_imports_itself_through_others(import_graph):
    cycles = [
        (importer, imported)
        for importer in import_graph.modules
        for imported in import_graph.find_modules_directly_imported_by(importer)
        if import_graph.find_shortest_chain(importer=imported, imported=importer)
    ]
    assert cycles == []


def string_references(path, labels):
    """App labels that a module names in a string: "app.Model", apps.get_model("app", …),
    apps.get_app_config("app"), or the bare label. (A bare label may be a folder's name too;
    counting it anyway can only make this test stricter.)"""
    model_names = {
        label: {model._meta.model_name for model in config.get_models(include_auto_created=True)}
        for label, config in our_apps().items()
    }
    named = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if not (isinstance(node, ast.Constant) and isinstance(node.value, str)):
            continue
        if node.value in labels:
            named.add(node.value)
        match = re.fullmatch(r"([a-z_]+)\.([A-Za-z]\w*)", node.value)
        if match and match[2].lower() in model_names.get(match[1], ()):
            named.add(match[1])
    return named


def test_no_two_apps_depend_on_each_other_counting_models_named_in_strings(import_graph):
    rank = layers()
    depends_on = {label: set() for label in [*rank, None]}
    for importer in import_graph.modules:
        for imported in import_graph.find_modules_directly_imported_by(importer):
            depends_on[app_of(importer)].add(app_of(imported))
    # Migrations are history: they name the apps a model was in when they were written.
    for path in [*ROOT.glob("apps/**/*.py"), *ROOT.glob("config/*.py")]:
        if "migrations" not in path.parts:
            module = ".".join(path.relative_to(ROOT).with_suffix("").parts)
            depends_on[app_of(module)] |= string_references(path, set(rank))

    both_ways = {
        tuple(sorted((app, other)))
        for app, others in depends_on.items()
        for other in others
        if other not in (app, None) and app in depends_on[other]
    }
    upwards = {
        (app, other)
        for app, others in depends_on.items()
        for other in others
        if app is not None and other not in (app, None) and rank[other] >= rank[app]
    }
    assert both_ways == set()
    assert upwards == set(), "each app may depend only on apps in lower layers"
