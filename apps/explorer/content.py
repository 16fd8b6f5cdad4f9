"""The mechanism graph's files in `content/explorer/`: nodes/<slug>.md and edges.yaml.

Like the rest of the content format, this reads (checking everything) and writes; nothing here
touches the database.
"""

import datetime
import re
from dataclasses import dataclass, field
from pathlib import Path

from apps.articles.content import (
    EDITORIAL_FIELDS,
    SLUG,
    ContentError,
    ContentErrors,
    _display,
    _key_lines,
    _parse_yaml,
    editorial_errors,
    read_tiered_markdown,
    tiered_text,
    yaml_value,
)
from apps.articles.models import Status

from .models import Effect, Evidence, Grade, Kind

GRAPH_DIR = "explorer"
NODES_DIR = "nodes"
EDGES_FILE = "edges.yaml"

NODE_FIELDS = ("name", "kind")
NODE_OPTIONAL = ("label", "aliases", "last_reviewed", *EDITORIAL_FIELDS)
EDGE_REQUIRED = ("from", "to", "effect", "grade", "evidence", "mechanism", "references")
EDGE_OPTIONAL = ("caveat", "brief")
BRIEF_ID = re.compile(r"^E[1-9][0-9]?$")
# "# --- Heading ----": the arrows below it, until the next heading, are filed under it.
SECTION_HEADING = re.compile(r"^# --- (?P<title>.*?)\s*-*\s*$")
SECTION_WIDTH = 100


@dataclass
class NodeSource:
    path: str
    slug: str
    name: str
    kind: str
    label: str = ""
    aliases: list[str] = field(default_factory=list)
    bodies: dict[str, str] = field(default_factory=dict)  # tier -> Markdown
    aliases_line: int = 1
    status: str = Status.PUBLISHED
    last_reviewed: datetime.date | None = None
    next_review: datetime.date | None = None


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


def read_graph(root: Path, reference_keys):
    """(nodes, edges) from content/explorer/, or ContentErrors naming every problem."""
    folder = root / GRAPH_DIR
    paths = sorted((folder / NODES_DIR).glob("*.md"))
    node_slugs = {path.stem for path in paths}
    errors, nodes = [], []
    for path in paths:
        shown = _display(path, root)
        try:
            nodes.append(_read_node(path, shown, reference_keys, node_slugs))
        except ContentErrors as error:
            errors.extend(error.errors)
    errors += _alias_clashes(nodes)
    edges_path = folder / EDGES_FILE
    if edges_path.exists():
        try:
            edges = _read_edges(edges_path, _display(edges_path, root), node_slugs, reference_keys)
        except ContentErrors as error:
            errors.extend(error.errors)
    else:
        edges = []
    if errors:
        raise ContentErrors(errors)
    return nodes, edges


def _read_node(path, shown, reference_keys, node_slugs):
    if not SLUG.match(path.stem):
        message = "the file name must be the node's slug: lowercase words joined by -"
        raise ContentErrors([ContentError(shown, 1, message)])
    meta, key_lines, bodies = read_tiered_markdown(
        path, shown, NODE_FIELDS, reference_keys, node_slugs, optional=NODE_OPTIONAL
    )
    errors = editorial_errors(meta, key_lines, shown)
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
    if errors:
        raise ContentErrors(errors)
    return NodeSource(
        path=shown,
        slug=path.stem,
        name=meta["name"].strip(),
        kind=meta["kind"],
        label=label.strip(),
        aliases=[alias.strip() for alias in aliases],
        bodies=bodies,
        aliases_line=key_lines.get("aliases", 1),
        status=meta.get("status", Status.PUBLISHED),
        last_reviewed=meta.get("last_reviewed"),
        next_review=meta.get("next_review"),
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


def _read_edges(path, shown, node_slugs, reference_keys):
    text = path.read_text(encoding="utf-8")
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
        problems = _edge_problems(item, node_slugs, reference_keys)
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
                )
            )
    if errors:
        raise ContentErrors(errors)
    return edges


def _edge_problems(item, node_slugs, reference_keys):
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
    choices = {"effect": Effect.values, "grade": Grade.values, "evidence": Evidence.values}
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
    brief = item.get("brief")
    if brief is not None and not (isinstance(brief, str) and BRIEF_ID.match(brief)):
        problems.append(("brief", f"brief “{brief}” should be a row of the brief such as E12"))
    return problems


EDGES_HEADER = """\
# The arrows of the mechanism explorer. See content/README.md for the format.
# `brief` ties an arrow to its row (E1 to E29) in the science brief it was checked against.
# Written by `manage.py export_content`: edit here or in the admin, then load or export.
"""


def node_text(node, bodies):
    return tiered_text(
        {
            "name": node.name,
            "kind": node.kind,
            "label": node.label,
            "aliases": node.aliases,
            "status": node.status,
            "last_reviewed": node.last_reviewed,
            "next_review": node.next_review,
        },
        bodies,
    )


def section_heading(title):
    heading = f"# --- {title} "
    return heading + "-" * max(3, SECTION_WIDTH - len(heading))


def edges_text(edges):
    """edges.yaml for `edges`: (Edge, source slug, target slug, [reference keys]) in order.

    Arrows are grouped under their headings, headings in the order they first appear.
    """
    sections = {"": []}  # arrows without a heading must come first, or they would join one
    for entry in edges:
        sections.setdefault(entry[0].section, []).append(entry)
    text = EDGES_HEADER
    for title, entries in sections.items():
        if title:
            text += f"\n{section_heading(title)}\n"
        for edge, source, target, references in entries:
            fields = {
                "from": source,
                "to": target,
                "effect": edge.effect,
                "grade": edge.grade,
                "evidence": edge.evidence,
                "brief": edge.brief_id,
                "mechanism": edge.mechanism,
                "caveat": edge.caveat,
            }
            lines = [f"{name}: {yaml_value(value)}" for name, value in fields.items() if value]
            lines.append(f"references: {yaml_value(references)}")
            text += "\n- " + "\n  ".join(lines) + "\n"
    return text
