"""The map as open data: every published node and arrow with its grade and references, as
JSON (/explorer/graph.json) and as two CSV files (/explorer/nodes.csv, /explorer/arrows.csv).

Drafts never appear, whoever asks: the files are for reuse, not for editing. A file takes at
most three queries whatever the size of the map (nodes, arrows, their references), and the
views are reader pages, so a repeat comes from the page cache until content changes.
README.md, "Open data", describes the format.
"""

import csv
import io
from collections import defaultdict

from apps.core.models import Status
from apps.core.structured_data import LICENCE_NAME, LICENCE_TITLE, LICENCE_URL, reference_data

from .models import Edge, EdgeReference, Effect, Evidence, Grade, Kind, Node, Timing, node_url

FORMAT_VERSION = 1
NODE_COLUMNS = ("slug", "name", "label", "kind", "aliases", "hgnc", "uniprot", "url")
ARROW_COLUMNS = (
    "source", "target", "effect", "grade", "evidence", "timing", "shown_with", "mechanism",
    "caveat", "section", "reference_keys", "reference_dois", "reference_pmids",
)  # fmt: skip
# Lists inside one CSV cell (aliases, kinds of exercise, references) are joined with this.
# Reference columns line up: the n-th DOI and PMID belong to the n-th key, empty when unknown.
LIST_SEPARATOR = "; "
BETWEEN_PUBLISHED_NODES = {"source__status": Status.PUBLISHED, "target__status": Status.PUBLISHED}


def published_nodes(absolute_url):
    """Every published node as plain values, by slug; one query. `absolute_url(path)` makes
    its page's address absolute."""
    return [
        {
            **row,
            "kind_label": Kind(row["kind"]).label,
            "url": absolute_url(node_url(row["slug"])),
        }
        for row in Node.objects.published()
        .order_by("slug")
        .values("slug", "name", "label", "kind", "aliases", "hgnc", "uniprot")
    ]


def published_arrows():
    """Every arrow between two published nodes, in the order edges.yaml lists them, each with
    its references in their order; two queries."""
    cited = defaultdict(list)
    uses = EdgeReference.objects.filter(
        **{f"edge__{name}": value for name, value in BETWEEN_PUBLISHED_NODES.items()}
    )
    for use in uses.select_related("reference").order_by("edge_id", "position"):
        cited[use.edge_id].append(reference_data(use.reference))
    fields = ("pk", "source__slug", "target__slug", *ARROW_COLUMNS[2:10])
    rows = Edge.objects.filter(**BETWEEN_PUBLISHED_NODES).order_by("position").values(*fields)
    return [
        {
            "source": row["source__slug"],
            "target": row["target__slug"],
            **{name: row[name] for name in ARROW_COLUMNS[2:10]},
            "references": cited[row["pk"]],
        }
        for row in rows
    ]


def graph_document(absolute_url, explorer_url, modified):
    """graph.json: what it is, its licence, what its codes mean, then the map. `modified` is
    when the site's content last changed (or None)."""
    return {
        "name": "Exercise Signals mechanism map",
        "description": (
            "How exercise changes hormones and cellular signalling: every published node of the "
            "map and every arrow between two of them, with its effect, evidence grade, kind of "
            "evidence, time course and the references it rests on."
        ),
        "url": explorer_url,
        "license": {"name": LICENCE_NAME, "title": LICENCE_TITLE, "url": LICENCE_URL},
        "attribution": "Exercise Signals mechanism map",
        "format_version": FORMAT_VERSION,
        "modified": modified.isoformat() if modified else None,
        "codes": {
            "kind": dict(Kind.choices),
            "effect": dict(Effect.choices),
            "grade": {grade.value: grade.meaning for grade in Grade},
            "evidence": dict(Evidence.choices),
            "timing": dict(Timing.choices),
        },
        "nodes": published_nodes(absolute_url),
        "arrows": published_arrows(),
    }


def csv_text(rows, columns):
    """`rows` (dicts) as CSV with a header line, every field as csv.writer quotes it."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([row[column] for column in columns])
    return out.getvalue()


def nodes_csv(absolute_url):
    return csv_text(
        (
            {**node, "aliases": LIST_SEPARATOR.join(node["aliases"])}
            for node in published_nodes(absolute_url)
        ),
        NODE_COLUMNS,
    )


def arrows_csv():
    def cells(arrow):
        references = arrow["references"]
        return {
            **arrow,
            "shown_with": LIST_SEPARATOR.join(arrow["shown_with"]),
            "reference_keys": LIST_SEPARATOR.join(ref["key"] for ref in references),
            "reference_dois": LIST_SEPARATOR.join(ref["doi"] for ref in references),
            "reference_pmids": LIST_SEPARATOR.join(str(ref["pmid"] or "") for ref in references),
        }

    return csv_text((cells(arrow) for arrow in published_arrows()), ARROW_COLUMNS)
