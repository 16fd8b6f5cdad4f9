"""Reading `content/`: references.toml, articles/<slug>.md, explorer/nodes/<slug>.md and
explorer/edges.yaml, with every check made before anything is written.

`load_content` turns what the readers return into rows; writers.py turns rows back into files.
Nothing here touches the database. A file written by the writers reads back as the same rows,
and rows read from a written file write back byte for byte.
"""

import datetime
import os
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from apps.changes.models import SUMMARY_MAX_LENGTH
from apps.core.models import (
    Status,
    Tier,
    glossary_problems,
    normalise_reference,
    reference_problems,
)
from apps.core.rendering import MarkdownRefused, Rendered, find_line, render_markdown
from apps.explorer.models import Effect, Evidence, Grade, Kind, Timing, identifier_problem

REFERENCES_FILE = "references.toml"
ARTICLES_DIR = "articles"
GRAPH_DIR = "explorer"
NODES_DIR = "nodes"
EDGES_FILE = "edges.yaml"

TIER_MARKER = re.compile(r"^<!--\s*tier:\s*(?P<tier>[^\s>]*)\s*-->\s*$")
SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")

ARTICLE_FIELDS = ("title", "slug", "summary", "last_reviewed")
EDITORIAL_FIELDS = ("status", "next_review")
# The note on a page's latest published change (apps.changes), as an editor would write it.
CHANGE_NOTE_FIELDS = ("change_summary", "correction")
REFERENCE_REQUIRED = {"key", "authors", "year", "title", "journal"}
REFERENCE_OPTIONAL = {"volume", "issue", "pages", "doi", "pmid", "pmcid", "verified"}
# The order fields are written in.
REFERENCE_ORDER = (
    "key", "authors", "year", "title", "journal", "volume", "issue", "pages", "doi", "pmid",
    "pmcid", "verified",
)  # fmt: skip


class ContentError(Exception):
    def __init__(self, path, line, message):
        super().__init__(f"{path}:{line}: {message}")
        self.path, self.line, self.message = path, line, message


class ContentErrors(Exception):
    def __init__(self, errors):
        super().__init__("\n".join(str(error) for error in errors))
        self.errors = errors


@dataclass
class ArticleSource:
    path: str
    slug: str
    title: str
    summary: str
    last_reviewed: datetime.date
    slug_line: int
    bodies: dict[str, str] = field(default_factory=dict)  # tier -> Markdown
    status: str = Status.PUBLISHED
    next_review: datetime.date | None = None
    change_summary: str = ""
    correction: bool = False
    # tier -> the body rendered as it was checked, so a load renders each text only once
    rendered: dict[str, Rendered] = field(default_factory=dict, compare=False, repr=False)


def read_source(path: Path, shown: str) -> str:
    """The text of a content file; ContentErrors naming the file (and the line, for bytes that
    are not UTF-8) when it cannot be read as one."""
    if path.is_symlink() and not path.exists():
        message = f"is a link to {os.readlink(path)}, which does not exist"
        raise ContentErrors([ContentError(shown, 1, message)])
    if not path.is_file():
        message = "is not a file (a folder with a content file's name?)"
        raise ContentErrors([ContentError(shown, 1, message)])
    raw = path.read_bytes()
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        message = f"byte {raw[error.start]:#04x} is not UTF-8: save the file as UTF-8"
        raise ContentErrors([ContentError(shown, line, message)]) from None


def _display(path: Path, root: Path) -> str:
    try:
        return str(path.relative_to(root.parent))
    except ValueError:
        return str(path)


def _key_lines(node, line_offset):
    """Top-level keys of a YAML mapping node -> 1-based line in the file."""
    return {
        key.value: key.start_mark.line + 1 + line_offset
        for key, _value in getattr(node, "value", [])
        if isinstance(key, yaml.ScalarNode)
    }


class _DatesMayBeText:
    """An impossible date such as 2026-02-30 stays text, so the field's own check names its
    line instead of YAML raising a ValueError with none."""

    def construct_yaml_timestamp(self, node):
        try:
            return super().construct_yaml_timestamp(node)
        except ValueError:
            return self.construct_scalar(node)


class _Loader(_DatesMayBeText, yaml.SafeLoader):
    pass


# libyaml's parser, many times faster, reads valid files; when it finds a problem, the Python
# parser reads the file again for its clearer message ("expected ',' or ']', but got ':'").
class _FastLoader(_DatesMayBeText, getattr(yaml, "CSafeLoader", yaml.SafeLoader)):
    pass


for _loader in (_Loader, _FastLoader):
    _loader.add_constructor("tag:yaml.org,2002:timestamp", _loader.construct_yaml_timestamp)


def _load_yaml(text, loader_class):
    """(data, node): parsed once, for the data and for the lines of its keys."""
    loader = loader_class(text)
    try:
        node = loader.get_single_node()
        return (loader.construct_document(node) if node is not None else None), node
    finally:
        loader.dispose()


def _parse_yaml(text, path, line_offset=0):
    """(data, node) or raise ContentError at the line YAML complains about."""
    try:
        try:
            return _load_yaml(text, _FastLoader)
        except yaml.MarkedYAMLError:
            return _load_yaml(text, _Loader)
    except RecursionError:
        # Thousands of nested "[" or "{": name the line that opens the most of them.
        lines = text.split("\n")
        deepest = max(range(len(lines)), key=lambda i: lines[i].count("[") + lines[i].count("{"))
        raise ContentError(
            path, deepest + 1 + line_offset, "invalid YAML: lists or mappings nested too deeply"
        ) from None
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = mark.line + 1 + line_offset if mark else 1 + line_offset
        message = f"invalid YAML: {error.problem or error}"
        if error.context and error.context_mark:
            started = error.context_mark.line + 1 + line_offset
            message += f" ({error.context} that starts at line {started})"
        raise ContentError(path, line, message) from error


def read_references(root: Path):
    """Validated reference dicts from references.toml; raises ContentErrors."""
    path = root / REFERENCES_FILE
    shown = _display(path, root)
    if not path.exists():
        raise ContentErrors([ContentError(shown, 1, "file is missing")])
    tables, errors = _toml_tables(path, shown, "reference")
    references, first_seen = [], {}
    for entry, line, field_lines in tables:
        problems = _reference_problems(entry)
        errors += [
            ContentError(shown, field_lines.get(name, line), text) for name, text in problems
        ]
        key = entry.get("key")
        if isinstance(key, str) and key in first_seen:
            message = f"duplicate reference key “{key}” (first at line {first_seen[key]})"
            errors.append(ContentError(shown, line, message))
        elif isinstance(key, str):
            first_seen[key] = line
        if not problems:
            references.append(_normalise_reference(entry))
    if errors:
        raise ContentErrors(errors)
    return references


def _toml_tables(path, shown, table):
    """The [[table]] entries of a TOML file as (entry, line of its header, line of each field),
    and an error for each entry that is not a table. A file that is not TOML, or that holds any
    other section, raises ContentErrors naming the line."""
    text = read_source(path, shown)
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        where = re.search(r"\(at line (\d+), column \d+\)", str(error))
        line = int(where[1]) if where else text.count("\n") + 1
        message = re.sub(r"\s*\(at (line \d+, column \d+|end of document)\)", "", str(error))
        raise ContentErrors([ContentError(shown, line, f"invalid TOML: {message}")]) from error
    extra = sorted(data.keys() - {table})
    if extra:
        line = find_line(text, extra[0])
        raise ContentErrors([ContentError(shown, line, f"unknown section “{extra[0]}”")])
    entries = data.get(table, [])
    if not isinstance(entries, list):
        raise ContentErrors([ContentError(shown, 1, f"{table}s must be [[{table}]] tables")])
    lines = text.splitlines()
    headers = [number for number, line in enumerate(lines, 1) if line.strip() == f"[[{table}]]"]
    if len(headers) != len(entries):  # written as an inline array: no per-entry lines to give
        headers = [1] * len(entries)
    tables, errors = [], []
    for entry, line, next_line in zip(
        entries, headers, [*headers[1:], len(lines) + 1], strict=True
    ):
        if not isinstance(entry, dict):
            errors.append(ContentError(shown, line, f"each {table} must be a [[{table}]] table"))
            continue
        field_lines = {}
        for number in range(line, next_line):
            assignment = re.match(r"\s*([A-Za-z0-9_-]+)\s*=", lines[number - 1])
            if assignment:
                field_lines.setdefault(assignment[1], number)
        tables.append((entry, line, field_lines))
    return tables, errors


def _reference_problems(entry):
    """The file's own rules (required and known fields), then the rules every reference keeps
    wherever it is edited (apps/articles/models.py)."""
    problems = []
    for name in sorted(REFERENCE_REQUIRED - entry.keys()):
        problems.append((None, f"missing required field “{name}”"))
    for name in sorted(entry.keys() - REFERENCE_REQUIRED - REFERENCE_OPTIONAL):
        problems.append((name, f"unknown field “{name}”"))
    fields = REFERENCE_REQUIRED | REFERENCE_OPTIONAL
    known = {name: value for name, value in entry.items() if name in fields}
    return problems + reference_problems(normalise_reference(known))


def _normalise_reference(entry):
    entry = normalise_reference(entry)
    return {
        "key": entry["key"],
        "authors": entry["authors"],
        "year": entry["year"],
        "title": entry["title"].strip(),
        "journal": entry["journal"].strip(),
        "volume": str(entry.get("volume") or ""),
        "issue": str(entry.get("issue") or ""),
        "pages": str(entry.get("pages") or ""),
        "doi": str(entry.get("doi") or ""),
        "pmid": entry.get("pmid"),
        "pmcid": str(entry.get("pmcid") or ""),
        "verified": str(entry.get("verified") or ""),
    }


def read_articles(root: Path, reference_keys, node_names=None):
    """Validated ArticleSource objects, one per articles/*.md file; raises ContentErrors.

    `node_names` maps each node's slug to its name: a text may link only to those nodes."""
    node_names = node_names or {}
    errors, articles, slug_files = [], [], {}
    for path in sorted((root / ARTICLES_DIR).glob("*.md")):
        shown = _display(path, root)
        try:
            article = _read_article(path, shown, reference_keys, node_names)
        except ContentErrors as error:
            errors.extend(error.errors)
            continue
        if article.slug in slug_files:
            errors.append(
                ContentError(
                    shown,
                    article.slug_line,
                    f"duplicate slug “{article.slug}” (also used by {slug_files[article.slug]})",
                )
            )
            continue
        slug_files[article.slug] = shown
        articles.append(article)
    if errors:
        raise ContentErrors(errors)
    return articles


def read_tiered_markdown(path, shown, fields, reference_keys, node_names, optional=()):
    """(front matter, its key lines, tier bodies, each body rendered) of a file of front matter
    and three tiers.

    Checks the front matter's keys (all of `fields`, any of `optional`) and every tier body;
    raises ContentErrors naming each problem's line. The caller checks the values.
    """
    lines = read_source(path, shown).splitlines()
    if not lines or lines[0].strip() != "---":
        raise ContentErrors([ContentError(shown, 1, "file must start with front matter (---)")])
    closing = next((i for i in range(1, len(lines)) if lines[i].strip() == "---"), None)
    if closing is None:
        raise ContentErrors([ContentError(shown, 1, "front matter is never closed with ---")])

    try:
        meta, node = _parse_yaml("\n".join(lines[1:closing]), shown, line_offset=1)
    except ContentError as error:
        raise ContentErrors([error]) from error
    if not isinstance(meta, dict):
        raise ContentErrors([ContentError(shown, 2, "front matter must be key: value pairs")])
    key_lines = _key_lines(node, 1)
    errors = [
        ContentError(shown, 1, f"front matter is missing “{name}”")
        for name in sorted(set(fields) - meta.keys())
    ]
    errors += [
        ContentError(shown, key_lines[name], f"unknown front matter field “{name}”")
        for name in sorted(meta.keys() - set(fields) - set(optional))
    ]
    for name in ("title", "summary", "name"):
        if name in meta and not (isinstance(meta[name], str) and meta[name].strip()):
            errors.append(ContentError(shown, key_lines[name], f"{name} must be text"))
    bodies, rendered, body_errors = _split_tiers(
        lines, closing + 1, shown, reference_keys, node_names
    )
    if errors or body_errors:
        raise ContentErrors(errors + body_errors)
    return meta, key_lines, bodies, rendered


def _read_article(path, shown, reference_keys, node_names):
    meta, key_lines, bodies, rendered = read_tiered_markdown(
        path,
        shown,
        ARTICLE_FIELDS,
        reference_keys,
        node_names,
        optional=(*EDITORIAL_FIELDS, *CHANGE_NOTE_FIELDS),
    )
    errors = editorial_errors(meta, key_lines, shown) + change_note_errors(meta, key_lines, shown)
    if meta["last_reviewed"] is None:  # required for articles; an empty value would crash
        message = "last_reviewed must be a date (YYYY-MM-DD)"
        errors.append(ContentError(shown, key_lines["last_reviewed"], message))
    slug = meta["slug"]
    if not (isinstance(slug, str) and SLUG.match(slug)):
        errors.append(
            ContentError(
                shown, key_lines["slug"], f"slug “{slug}” must be lowercase words joined by -"
            )
        )
    if errors:
        raise ContentErrors(errors)
    return ArticleSource(
        path=shown,
        slug=slug,
        title=meta["title"].strip(),
        summary=meta["summary"].strip(),
        last_reviewed=meta["last_reviewed"],
        slug_line=key_lines["slug"],
        bodies=bodies,
        status=meta.get("status", Status.PUBLISHED),
        next_review=meta.get("next_review"),
        change_summary=meta.get("change_summary", ""),
        correction=meta.get("correction", False),
        rendered=rendered,
    )


def change_note_errors(meta, key_lines, shown):
    """Problems with the optional note on a page's latest change."""
    errors = []
    summary = meta.get("change_summary", "")
    if not isinstance(summary, str) or "\n" in summary.strip():
        message = "change_summary must be one line of text"
        errors.append(ContentError(shown, key_lines["change_summary"], message))
    elif summary != summary.strip() or "  " in summary:
        message = "change_summary must not start or end with spaces, or have two in a row"
        errors.append(ContentError(shown, key_lines["change_summary"], message))
    elif len(summary) > SUMMARY_MAX_LENGTH:
        message = f"change_summary is {len(summary)} characters long; at most {SUMMARY_MAX_LENGTH}"
        errors.append(ContentError(shown, key_lines["change_summary"], message))
    correction = meta.get("correction", False)
    if not isinstance(correction, bool):
        message = f"correction “{correction}” must be true or false"
        errors.append(ContentError(shown, key_lines["correction"], message))
    elif correction and not summary:
        message = "correction: true needs a change_summary saying what it fixes"
        errors.append(ContentError(shown, key_lines["correction"], message))
    return errors


def editorial_errors(meta, key_lines, shown):
    """Problems with the status and review dates that articles and nodes both carry."""
    errors = []
    status = meta.get("status", Status.PUBLISHED)
    if status not in Status.values:
        message = f"status “{status}” must be one of {', '.join(Status.values)}"
        errors.append(ContentError(shown, key_lines["status"], message))
    for name in ("last_reviewed", "next_review"):
        value = meta.get(name)
        # A time as well (2026-11-01 10:00) is a datetime, which a DateField never equals.
        if value is not None and type(value) is not datetime.date:
            message = f"{name} “{value}” must be a date (YYYY-MM-DD)"
            errors.append(ContentError(shown, key_lines[name], message))
    return errors


def _split_tiers(lines, start, shown, reference_keys, node_names):
    """Tier bodies keyed by tier, each rendered, and the errors found in them."""
    errors, bodies, starts, current, rendered = [], {}, {}, None, {}
    valid = {tier.value for tier in Tier}
    for index in range(start, len(lines)):
        line_number = index + 1
        marker = TIER_MARKER.match(lines[index])
        if marker:
            tier = marker["tier"]
            if tier not in valid:
                errors.append(
                    ContentError(
                        shown,
                        line_number,
                        f"unknown tier “{tier}” (use {', '.join(t.value for t in Tier)})",
                    )
                )
                current = None
            elif tier in bodies:
                errors.append(
                    ContentError(
                        shown,
                        line_number,
                        f"tier “{tier}” appears twice (first at line {starts[tier]})",
                    )
                )
                current = None
            else:
                bodies[tier], starts[tier], current = [], line_number, tier
        elif current:
            bodies[current].append(lines[index])
        elif lines[index].strip() and not errors:
            errors.append(
                ContentError(shown, line_number, "text before the first <!-- tier: … --> marker")
            )

    texts = {tier: "\n".join(body).strip("\n") + "\n" for tier, body in bodies.items()}
    for tier in Tier:
        if tier.value not in texts:
            if not errors:
                errors.append(ContentError(shown, len(lines), f"the {tier.value} tier is missing"))
            continue
        text = texts[tier.value]
        # The body was stripped of leading blank lines; find where it really starts.
        first_line = starts[tier.value] + 1
        while first_line <= len(lines) and not lines[first_line - 1].strip():
            first_line += 1
        if not text.strip():
            errors.append(
                ContentError(shown, starts[tier.value], f"the {tier.value} tier is empty")
            )
            continue
        try:
            rendered[tier.value] = render_markdown(text, node_names)
        except MarkdownRefused as refused:
            line = first_line + refused.line - 1
            errors.append(ContentError(shown, line, f"the {tier.value} tier: {refused.message}"))
            continue
        errors += _body_errors(
            text, rendered[tier.value], first_line, shown, reference_keys, node_names
        )
    return texts, rendered, errors


def _body_errors(text, rendered, first_line, shown, reference_keys, node_names):
    errors, in_fence = [], False
    for offset, line in enumerate(text.splitlines()):
        if line.lstrip().startswith(("```", "~~~")):
            in_fence = not in_fence
        elif not in_fence and re.match(r"^#\s", line):
            errors.append(
                ContentError(
                    shown,
                    first_line + offset,
                    "use ## or deeper for headings (the page title is the only #)",
                )
            )
    for key in rendered.citation_keys:
        if key not in reference_keys:
            line = first_line + find_line(text, f"@{key}") - 1
            errors.append(ContentError(shown, line, f"unknown citation key “{key}”"))
    for slug in dict.fromkeys(rendered.node_slugs):
        if slug not in node_names:
            line = first_line + find_line(text, f"[[{slug}") - 1
            errors.append(ContentError(shown, line, f"unknown node “{slug}” in [[{slug}]]"))
    return errors


# The mechanism explorer's files: explorer/nodes/<slug>.md and explorer/edges.yaml.

NODE_FIELDS = ("name", "kind")
NODE_OPTIONAL = (
    "label",
    "aliases",
    "hgnc",
    "uniprot",
    "last_reviewed",
    *EDITORIAL_FIELDS,
    *CHANGE_NOTE_FIELDS,
)
EDGE_REQUIRED = ("from", "to", "effect", "grade", "evidence", "mechanism", "references")
EDGE_OPTIONAL = ("timing", "shown_with", "caveat", "brief")
BRIEF_ID = re.compile(r"^E[1-9][0-9]?$")
# "# --- Heading ----": the arrows below it, until the next heading, are filed under it.
SECTION_HEADING = re.compile(r"^# --- (?P<title>.*?)\s*-*\s*$")


@dataclass
class NodeSource:
    path: str
    slug: str
    name: str
    kind: str
    label: str = ""
    aliases: list[str] = field(default_factory=list)
    hgnc: str = ""
    uniprot: str = ""
    bodies: dict[str, str] = field(default_factory=dict)  # tier -> Markdown
    aliases_line: int = 1
    status: str = Status.PUBLISHED
    last_reviewed: datetime.date | None = None
    next_review: datetime.date | None = None
    change_summary: str = ""
    correction: bool = False
    rendered: dict[str, Rendered] = field(default_factory=dict, compare=False, repr=False)


@dataclass
class EdgeSource:
    line: int
    source: str
    target: str
    effect: str
    grade: str
    evidence: str
    mechanism: str
    references: list[str]
    caveat: str = ""
    brief_id: str = ""
    section: str = ""
    timing: str = ""
    shown_with: list[str] = field(default_factory=list)


def read_graph(root: Path, reference_keys):
    """(nodes, edges) from content/explorer/, or ContentErrors naming every problem."""
    folder = root / GRAPH_DIR
    paths = sorted((folder / NODES_DIR).glob("*.md"))
    node_names = {path.stem: _declared_name(path) for path in paths}
    errors, nodes = [], []
    for path in paths:
        shown = _display(path, root)
        try:
            nodes.append(_read_node(path, shown, reference_keys, node_names))
        except ContentErrors as error:
            errors.extend(error.errors)
    errors += _alias_clashes(nodes)
    edges_path = folder / EDGES_FILE
    if edges_path.exists():
        try:
            modalities = {node.slug for node in nodes if node.kind == Kind.MODALITY}
            edges = _read_edges(
                edges_path, _display(edges_path, root), node_names, reference_keys, modalities
            )
        except ContentErrors as error:
            errors.extend(error.errors)
    else:
        edges = []
    if errors:
        raise ContentErrors(errors)
    return nodes, edges


def _declared_name(path):
    """The name a node file's front matter gives, read before any text is checked, so that
    each text is rendered once, with the names its bare [[slug]] links show. A file whose
    front matter is broken gets its slug here; reading it properly then reports why."""
    if not path.is_file():  # reading it properly says what it is
        return path.stem
    lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
    closing = next((i for i in range(1, len(lines)) if lines[i].strip() == "---"), None)
    if not lines or lines[0].strip() != "---" or closing is None:
        return path.stem
    try:
        meta, _node = _parse_yaml("\n".join(lines[1:closing]), str(path))
    except ContentError:
        return path.stem
    name = meta.get("name") if isinstance(meta, dict) else None
    return name.strip() if isinstance(name, str) and name.strip() else path.stem


def _read_node(path, shown, reference_keys, node_names):
    if not SLUG.match(path.stem):
        message = "the file name must be the node's slug: lowercase words joined by -"
        raise ContentErrors([ContentError(shown, 1, message)])
    meta, key_lines, bodies, rendered = read_tiered_markdown(
        path, shown, NODE_FIELDS, reference_keys, node_names, optional=NODE_OPTIONAL
    )
    errors = editorial_errors(meta, key_lines, shown) + change_note_errors(meta, key_lines, shown)
    if meta["kind"] not in Kind.values:
        errors.append(
            ContentError(
                shown,
                key_lines["kind"],
                f"kind “{meta['kind']}” must be one of {', '.join(Kind.values)}",
            )
        )
    aliases = meta.get("aliases") or []
    if not (isinstance(aliases, list) and all(isinstance(a, str) and a.strip() for a in aliases)):
        errors.append(ContentError(shown, key_lines["aliases"], "aliases must be a list of names"))
    label = meta.get("label") or ""
    if not isinstance(label, str):
        errors.append(ContentError(shown, key_lines["label"], "label must be text"))
    identifiers = {name: meta.get(name) or "" for name in ("hgnc", "uniprot")}
    for name, value in identifiers.items():
        if problem := identifier_problem(name, value):
            errors.append(ContentError(shown, key_lines[name], problem))
    if errors:
        raise ContentErrors(errors)
    return NodeSource(
        path=shown,
        slug=path.stem,
        name=meta["name"].strip(),
        kind=meta["kind"],
        label=label.strip(),
        aliases=[alias.strip() for alias in aliases],
        **identifiers,
        bodies=bodies,
        aliases_line=key_lines.get("aliases", 1),
        status=meta.get("status", Status.PUBLISHED),
        last_reviewed=meta.get("last_reviewed"),
        next_review=meta.get("next_review"),
        change_summary=meta.get("change_summary", ""),
        correction=meta.get("correction", False),
        rendered=rendered,
    )


def _alias_clashes(nodes):
    """A name, slug or alias may lead to only one node, or "PGC-1a" would be ambiguous."""
    owner, errors = {}, []
    for node in nodes:
        for slug_or_name in {node.slug.lower(), node.name.lower()}:
            owner.setdefault(slug_or_name, node)
    for node in nodes:
        for alias in node.aliases:
            other = owner.setdefault(alias.lower(), node)
            if other is not node:
                errors.append(
                    ContentError(
                        node.path,
                        node.aliases_line,
                        f"alias “{alias}” already names another node ({other.path})",
                    )
                )
    return errors


def _read_edges(path, shown, node_slugs, reference_keys, modalities=frozenset()):
    text = read_source(path, shown)
    try:
        data, document = _parse_yaml(text, shown)
    except ContentError as error:
        raise ContentErrors([error]) from error
    if data is None:
        return []
    if not isinstance(data, list):
        raise ContentErrors(
            [ContentError(shown, 1, "the file must be a list of edges, each starting “- from:”")]
        )
    headings = [
        (number, heading["title"])
        for number, text_line in enumerate(text.splitlines(), start=1)
        if (heading := SECTION_HEADING.match(text_line))
    ]
    errors, edges, first_seen = [], [], {}
    for item, item_node in zip(data, document.value, strict=True):
        line = item_node.start_mark.line + 1
        section = next((title for number, title in reversed(headings) if number < line), "")
        if not isinstance(item, dict):
            errors.append(ContentError(shown, line, "each edge must be a set of key: value pairs"))
            continue
        key_lines = _key_lines(item_node, 0)
        problems = _edge_problems(item, node_slugs, reference_keys, modalities)
        errors += [ContentError(shown, key_lines.get(name, line), text) for name, text in problems]
        pair = (item.get("from"), item.get("to"))
        if pair in first_seen:
            errors.append(
                ContentError(
                    shown,
                    line,
                    f"duplicate edge {pair[0]} → {pair[1]} (first at line {first_seen[pair]})",
                )
            )
        elif all(isinstance(end, str) for end in pair):
            first_seen[pair] = line
        if not problems:
            edges.append(
                EdgeSource(
                    line=line,
                    source=item["from"],
                    target=item["to"],
                    effect=item["effect"],
                    grade=item["grade"],
                    evidence=item["evidence"],
                    mechanism=" ".join(item["mechanism"].split()),
                    references=item["references"],
                    caveat=" ".join((item.get("caveat") or "").split()),
                    brief_id=item.get("brief") or "",
                    section=section,
                    timing=item.get("timing") or "",
                    shown_with=item.get("shown_with") or [],
                )
            )
    if errors:
        raise ContentErrors(errors)
    return edges


def _edge_problems(item, node_slugs, reference_keys, modalities=frozenset()):
    """(field, message) for each problem in one edge."""
    problems = [(None, f"edge is missing “{name}”") for name in EDGE_REQUIRED if name not in item]
    problems += [
        (name, f"unknown edge field “{name}”")
        for name in item
        if name not in EDGE_REQUIRED + EDGE_OPTIONAL
    ]
    for end in ("from", "to"):
        slug = item.get(end)
        if end in item and slug not in node_slugs:
            problems.append((end, f"unknown node “{slug}” (no nodes/{slug}.md)"))
    if "from" in item and item.get("from") == item.get("to"):
        problems.append(("to", f"edge from “{item['from']}” to itself"))
    choices = {
        "effect": Effect.values,
        "grade": Grade.values,
        "evidence": Evidence.values,
        "timing": Timing.values,
    }
    for name, allowed in choices.items():
        if name in item and item[name] not in allowed:
            problems.append((name, f"{name} “{item[name]}” must be one of {', '.join(allowed)}"))
    for name in ("mechanism", "caveat"):
        if item.get(name) is not None and not (isinstance(item[name], str) and item[name].strip()):
            problems.append((name, f"{name} must be text"))
    references = item.get("references")
    if "references" in item:
        # An arrow may wait for its source ([]); the review queue lists it until it has one.
        if not isinstance(references, list):
            problems.append(("references", "references must be a list of keys, such as [a, b]"))
        else:
            problems += [
                ("references", f"unknown reference key “{key}”")
                for key in references
                if key not in reference_keys
            ]
    shown_with = item.get("shown_with")
    if shown_with is not None:
        if not (isinstance(shown_with, list) and all(isinstance(s, str) for s in shown_with)):
            problems.append(("shown_with", "shown_with must be a list of kinds of exercise"))
        else:
            problems += [
                (
                    "shown_with",
                    f"shown_with “{slug}” is not a kind of exercise "
                    f"(one of: {', '.join(sorted(modalities))})",
                )
                for slug in shown_with
                if slug not in modalities
            ]
    brief = item.get("brief")
    if brief is not None and not (isinstance(brief, str) and BRIEF_ID.match(brief)):
        problems.append(("brief", f"brief “{brief}” should be a row of the brief such as E12"))
    return problems


# Guided walks: explorer/walks/<slug>.yaml, each a route through the map's arrows.

WALKS_DIR = "walks"
WALK_FIELDS = ("title", "summary", "steps")
WALK_OPTIONAL = ("last_reviewed", *EDITORIAL_FIELDS)
STEP_FIELDS = ("from", "to", *(tier.value for tier in Tier))
WALK_LIMITS = {"title": 80, "summary": 300}


@dataclass
class StepSource:
    line: int
    source: str
    target: str
    texts: dict[str, str]  # tier -> one line of plain text


@dataclass
class WalkSource:
    path: str
    slug: str
    title: str
    summary: str
    steps: list[StepSource]
    status: str = Status.PUBLISHED
    last_reviewed: datetime.date | None = None
    next_review: datetime.date | None = None


def read_walks(root: Path, edge_pairs):
    """The guided walks in content/explorer/walks/, or ContentErrors naming every problem.

    `edge_pairs` holds (from, to) of every arrow: a step must be one of them."""
    errors, walks = [], []
    for path in sorted((root / GRAPH_DIR / WALKS_DIR).glob("*.yaml")):
        shown = _display(path, root)
        try:
            walks.append(_read_walk(path, shown, edge_pairs))
        except ContentErrors as error:
            errors.extend(error.errors)
    if errors:
        raise ContentErrors(errors)
    return walks


def _read_walk(path, shown, edge_pairs):
    if not SLUG.match(path.stem):
        raise ContentErrors(
            [ContentError(shown, 1, f"file name “{path.name}” must be a slug such as my-walk")]
        )
    try:
        data, document = _parse_yaml(read_source(path, shown), shown)
    except ContentError as error:
        raise ContentErrors([error]) from error
    if not isinstance(data, dict):
        raise ContentErrors([ContentError(shown, 1, "a walk must be a set of key: value pairs")])
    key_lines = _key_lines(document, 0)
    errors = [
        ContentError(shown, 1, f"walk is missing “{name}”")
        for name in WALK_FIELDS
        if name not in data
    ]
    errors += [
        ContentError(shown, key_lines[name], f"unknown walk field “{name}”")
        for name in data
        if name not in WALK_FIELDS + WALK_OPTIONAL
    ]
    for name, limit in WALK_LIMITS.items():
        value = data.get(name)
        if name in data and not (isinstance(value, str) and value.strip()):
            errors.append(ContentError(shown, key_lines[name], f"{name} must be text"))
        elif isinstance(value, str) and len(value) > limit:
            message = f"{name} is {len(value)} characters long; at most {limit}"
            errors.append(ContentError(shown, key_lines[name], message))
    errors += editorial_errors(data, key_lines, shown)
    steps = []
    if "steps" in data:
        items = data["steps"]
        if not (isinstance(items, list) and items):
            errors.append(ContentError(shown, key_lines["steps"], "steps must be a list of arrows"))
            items = []
        step_nodes = next(value for key, value in document.value if key.value == "steps")
        for item, item_node in zip(items, getattr(step_nodes, "value", []), strict=False):
            line = item_node.start_mark.line + 1
            step, step_errors = _read_step(item, item_node, line, shown, edge_pairs)
            errors += step_errors
            if step is not None:
                steps.append(step)
    if errors:
        raise ContentErrors(errors)
    return WalkSource(
        path=shown,
        slug=path.stem,
        title=" ".join(data["title"].split()),
        summary=" ".join(data["summary"].split()),
        steps=steps,
        status=data.get("status", Status.PUBLISHED),
        last_reviewed=data.get("last_reviewed"),
        next_review=data.get("next_review"),
    )


def _read_step(item, item_node, line, shown, edge_pairs):
    """(StepSource or None, [ContentError]) for one step of a walk."""
    if not isinstance(item, dict):
        return None, [ContentError(shown, line, "each step must be a set of key: value pairs")]
    key_lines = _key_lines(item_node, 0)
    errors = [
        ContentError(shown, line, f"step is missing “{name}”")
        for name in STEP_FIELDS
        if name not in item
    ]
    errors += [
        ContentError(shown, key_lines[name], f"unknown step field “{name}”")
        for name in item
        if name not in STEP_FIELDS
    ]
    for tier in Tier:
        value = item.get(tier.value)
        if tier.value in item and not (isinstance(value, str) and value.strip()):
            errors.append(ContentError(shown, key_lines[tier.value], f"{tier.value} must be text"))
    pair = (item.get("from"), item.get("to"))
    if "from" in item and "to" in item and pair not in edge_pairs:
        message = f"the map has no arrow from “{pair[0]}” to “{pair[1]}”"
        errors.append(ContentError(shown, key_lines["from"], message))
    if errors:
        return None, errors
    texts = {tier.value: " ".join(item[tier.value].split()) for tier in Tier}
    return StepSource(line=line, source=pair[0], target=pair[1], texts=texts), []


@dataclass
class Content:
    references: list
    nodes: list
    edges: list
    articles: list
    walks: list = field(default_factory=list)
    glossary: list = field(default_factory=list)  # dicts: term, aliases, definition, node


def read_content(root: Path):
    """Everything in a content folder, checked, or ContentErrors naming every problem."""
    references = read_references(root)
    reference_keys = {reference["key"] for reference in references}
    nodes, edges = read_graph(root, reference_keys)
    articles = read_articles(root, reference_keys, {node.slug: node.name for node in nodes})
    walks = read_walks(root, {(edge.source, edge.target) for edge in edges})
    glossary = read_glossary(root, {node.slug for node in nodes})
    return Content(references, nodes, edges, articles, walks, glossary)


# --- The glossary: glossary.toml --------------------------------------------------------------

GLOSSARY_FILE = "glossary.toml"
GLOSSARY_REQUIRED = {"term", "definition"}
GLOSSARY_ORDER = ("term", "aliases", "definition", "node")  # the order fields are written in


@dataclass
class _ReadTerm:  # what glossary_problems compares a term with
    term: str
    aliases: list


def read_glossary(root: Path, node_slugs):
    """Term dicts from glossary.toml (none when there is no such file), each checked by the
    rules the admin uses too; raises ContentErrors naming file and line."""
    path = root / GLOSSARY_FILE
    shown = _display(path, root)
    if not path.exists() and not path.is_symlink():
        return []
    tables, errors = _toml_tables(path, shown, "term")
    terms, read = [], []
    for entry, line, field_lines in tables:
        problems = [
            (None, f"missing required field “{name}”")
            for name in sorted(GLOSSARY_REQUIRED - entry.keys())
        ]
        problems += [
            (name, f"unknown field “{name}”") for name in sorted(entry.keys() - set(GLOSSARY_ORDER))
        ]
        values = {
            "term": entry.get("term"),
            "aliases": entry.get("aliases", []),
            "definition": entry.get("definition"),
            "node": entry.get("node", ""),
        }
        if not problems:
            problems = glossary_problems(values, read, node_slugs)
        errors += [
            ContentError(shown, field_lines.get(name, line), message) for name, message in problems
        ]
        if isinstance(values["term"], str) and isinstance(values["aliases"], list):
            aliases = [alias for alias in values["aliases"] if isinstance(alias, str)]
            read.append(_ReadTerm(values["term"], aliases))
        if not problems:
            terms.append(values)
    if errors:
        raise ContentErrors(errors)
    return terms
