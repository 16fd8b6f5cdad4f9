"""Writing `content/`: the text of each file as the database holds it.

Each writer gives the text of one file; `write_file` changes a file only when that text differs,
so an export that changes nothing touches nothing. readers.py reads these files back.
"""

import datetime
import math
from pathlib import Path

import tomli_w
import yaml

from apps.core.models import Tier

from .readers import GLOSSARY_ORDER, REFERENCE_ORDER

SECTION_WIDTH = 100  # a section heading's dashes run to this column

REFERENCES_HEADER = """\
# Every source that articles, node texts and arrows cite, checked against the science brief.
# Identifiers appear only where they were verified. Written by `manage.py export_content`; see
# README.md for the format.

"""


# libyaml's emitter when PyYAML has it: an export writes thousands of values, and the Python
# emitter took most of the time of writing a large content folder. Both write the same text,
# except that libyaml escapes a character beyond U+FFFF (an emoji) where the Python emitter
# writes it as it is, so such values still go to the Python emitter. libyaml never wraps a
# line when the width is negative; the Python emitter needs infinity for the same.
_FAST_DUMPER = getattr(yaml, "CSafeDumper", None)


def _dumper_and_width(value):
    texts = value if isinstance(value, list) else [value]
    astral = any(isinstance(text, str) and max(text, default="\0") > "\uffff" for text in texts)
    if _FAST_DUMPER is None or astral:
        return yaml.SafeDumper, math.inf
    return _FAST_DUMPER, -1


def yaml_value(value):
    """One YAML value on one line, quoted only when YAML needs it."""
    if isinstance(value, datetime.date):
        return value.isoformat()
    # A line break would carry the value onto more lines (where a "---" line would end the
    # front matter, and U+2028 is lost); double quotes write it as an escape instead.
    style = '"' if isinstance(value, str) and value.splitlines() != [value] else None
    dumper, width = _dumper_and_width(value)
    dumped = yaml.dump(
        value,
        Dumper=dumper,
        allow_unicode=True,
        width=width,
        default_flow_style=True,
        sort_keys=False,
        default_style=style,
    )
    return dumped.removesuffix("\n...\n").removesuffix("\n")


def front_matter(fields):
    """`fields` as front matter, skipping empty optional values (given as None or "")."""
    lines = [
        f"{name}: {yaml_value(value)}"
        for name, value in fields.items()
        if value not in ("", None, [])
    ]
    return "---\n" + "\n".join(lines) + "\n---\n"


def tiered_text(fields, bodies):
    """A front matter block, then each tier's Markdown under its marker, in reading order."""
    text = front_matter(fields)
    for tier in Tier:
        if tier.value in bodies:
            text += f"\n<!-- tier: {tier.value} -->\n\n" + bodies[tier.value].strip("\n") + "\n"
    return text


def change_note(page, change):
    """The front matter keys of a page's latest published change (apps.changes), when a person
    wrote its summary; a summary the site wrote itself ("First published.") is not kept. A
    draft has no public changes, and a load records none for it, so its file keeps no note
    (one kept would be lost on the next load into a new database, and the round trip with it)."""
    if change is None or not change.written or page.is_draft:
        return {}
    return {"change_summary": change.summary, "correction": True if change.correction else None}


def article_text(article, bodies, change=None):
    return tiered_text(
        {
            "title": article.title,
            "slug": article.slug,
            "summary": article.summary,
            "status": article.status,
            "last_reviewed": article.last_reviewed,
            "next_review": article.next_review,
            **change_note(article, change),
        },
        bodies,
    )


def references_text(references):
    entries = []
    for reference in references:
        entry = {name: getattr(reference, name) for name in REFERENCE_ORDER}
        entries.append({name: value for name, value in entry.items() if value not in ("", None)})
    return REFERENCES_HEADER + tomli_w.dumps({"reference": entries})


def write_file(path: Path, text: str):
    """Write `text` to `path` unless it already holds exactly that; returns whether it wrote."""
    if path.exists() and path.read_text(encoding="utf-8") == text:
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8", newline="\n")
    return True


EDGES_HEADER = """\
# The arrows of the mechanism explorer. See content/README.md for the format.
# `brief` ties an arrow to its row (E1 to E29) in the science brief it was checked against.
# Written by `manage.py export_content`: edit here or in the admin, then load or export.
"""


def node_text(node, bodies, change=None):
    return tiered_text(
        {
            "name": node.name,
            "kind": node.kind,
            "label": node.label,
            "aliases": node.aliases,
            "hgnc": node.hgnc,
            "uniprot": node.uniprot,
            "status": node.status,
            "last_reviewed": node.last_reviewed,
            "next_review": node.next_review,
            **change_note(node, change),
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
                "timing": edge.timing,
                "shown_with": edge.shown_with,
                "brief": edge.brief_id,
                "mechanism": edge.mechanism,
                "caveat": edge.caveat,
            }
            lines = [f"{name}: {yaml_value(value)}" for name, value in fields.items() if value]
            lines.append(f"references: {yaml_value(references)}")
            text += "\n- " + "\n  ".join(lines) + "\n"
    return text


def walk_text(walk, steps):
    """A guided walk's file. `steps`: (WalkStep, from slug, to slug), in order."""
    fields = {
        "title": walk.title,
        "summary": walk.summary,
        "status": walk.status,
        "last_reviewed": walk.last_reviewed,
        "next_review": walk.next_review,
    }
    lines = [f"{name}: {yaml_value(value)}" for name, value in fields.items() if value]
    lines.append("steps:")
    for step, source, target in steps:
        lines += [f"  - from: {yaml_value(source)}", f"    to: {yaml_value(target)}"]
        lines += [f"    {tier.value}: {yaml_value(step.text(tier))}" for tier in Tier]
    return "\n".join(lines) + "\n"


GLOSSARY_HEADER = """\
# The glossary: a plain definition of each word a reader may not know, shown on /glossary/ and
# beside the first use of the word in every text. See README.md for the format. Written by
# `manage.py export_content`.

"""


def glossary_text(terms):
    """glossary.toml for `terms`, in alphabetical order of their addresses; None for none."""
    entries = []
    for term in sorted(terms, key=lambda term: term.anchor):
        entry = {name: getattr(term, name) for name in GLOSSARY_ORDER}
        entries.append({name: value for name, value in entry.items() if value not in ("", [])})
    return GLOSSARY_HEADER + tomli_w.dumps({"term": entries}) if entries else None
