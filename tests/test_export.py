"""export_content: the database written back to content/ reads back as the same rows.

Load → export is byte for byte, export → load reproduces what an editor changed in the admin,
and exporting twice writes nothing the second time.
"""

import datetime
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db.models import Q

from apps.articles.models import Article
from apps.content_sync.writers import section_heading
from apps.core.models import GlossaryTerm, Reference
from apps.explorer.models import Edge, EdgeReference, Node, Walk
from tests.conftest import VALID_ARTICLE, make_node, make_reference, node_file

pytestmark = pytest.mark.django_db


def load(content_dir):
    out = StringIO()
    call_command("load_content", content_dir=content_dir, stdout=out)
    return out.getvalue()


def export(content_dir):
    out = StringIO()
    call_command("export_content", content_dir=content_dir, stdout=out)
    return out.getvalue()


def files(root):
    """relative path -> bytes of every file under `root` except the format's README."""
    return {
        str(path.relative_to(root)): path.read_bytes()
        for path in sorted(root.rglob("*"))
        if path.is_file() and path.name != "README.md"
    }


def clear_content():
    """An empty database, as on a fresh machine (rows that cite go before what they cite)."""
    Walk.objects.all().delete()
    Edge.objects.all().delete()
    Article.objects.all().delete()
    Node.objects.all().delete()
    Reference.objects.all().delete()
    GlossaryTerm.objects.all().delete()


def snapshot():
    """What the content files hold, as plain values; edges in their order."""
    references = list(
        Reference.objects.order_by("key").values(
            "key", "authors", "year", "title", "journal", "volume", "issue", "pages", "doi",
            "pmid", "pmcid", "verified",
        )
    )  # fmt: skip
    articles = [
        (
            article.slug, article.title, article.summary, article.status,
            article.last_reviewed, article.next_review,
            {tier.tier: tier.body_markdown for tier in article.tiers.all()},
        )
        for article in Article.objects.order_by("slug").prefetch_related("tiers")
    ]  # fmt: skip
    nodes = [
        (
            node.slug, node.name, node.kind, node.label, node.aliases, node.status,
            node.last_reviewed, node.next_review,
            {text.tier: text.body_markdown for text in node.texts.all()},
        )
        for node in Node.objects.order_by("slug").prefetch_related("texts")
    ]  # fmt: skip
    edges = [
        (
            edge.source.slug, edge.target.slug, edge.effect, edge.grade, edge.evidence,
            edge.timing, edge.brief_id, edge.mechanism, edge.caveat, edge.section,
            list(edge.cited.order_by("position").values_list("reference__key", flat=True)),
        )
        for edge in Edge.objects.select_related("source", "target").order_by("position")
    ]  # fmt: skip
    walks = [
        (
            walk.slug, walk.title, walk.summary, walk.status,
            [(step.edge.source.slug, step.edge.target.slug, step.fundamentals, step.intermediate,
              step.academic) for step in walk.steps.select_related("edge__source", "edge__target")],
        )
        for walk in Walk.objects.order_by("slug")
    ]  # fmt: skip
    glossary = list(
        GlossaryTerm.objects.order_by("anchor").values("term", "aliases", "definition", "node")
    )
    return {
        "glossary": glossary,
        "references": references,
        "articles": articles,
        "nodes": nodes,
        "edges": edges,
        "walks": walks,
    }


# 1. The project's own content ------------------------------------------------------------------


def test_real_content_exports_byte_for_byte(real_content_dir, tmp_path):
    load(real_content_dir)
    target = tmp_path / "exported"
    output = export(target)

    original = files(real_content_dir)
    exported = files(target)
    assert sorted(exported) == sorted(original)
    for path, data in original.items():
        assert exported[path] == data, f"{path} differs after load → export"
    assert f"{len(original)} written, 0 unchanged, 0 removed." in output


def test_exporting_into_the_loaded_folder_touches_nothing(real_content_dir):
    load(real_content_dir)
    paths = [path for path in sorted(real_content_dir.rglob("*")) if path.is_file()]
    before = {path: (path.stat().st_mtime_ns, path.read_bytes()) for path in paths}

    output = export(real_content_dir)

    assert "Wrote" not in output
    assert "Removed" not in output
    assert f"0 written, {len(paths) - 1} unchanged, 0 removed." in output  # all but README.md
    after = [path for path in sorted(real_content_dir.rglob("*")) if path.is_file()]
    assert after == paths
    assert {path: (path.stat().st_mtime_ns, path.read_bytes()) for path in paths} == before


# 2. Admin edits survive export → load ----------------------------------------------------------


def unlinked_node():
    """A node of the real map that no text links to and no walk steps on, so it can be deleted."""
    texts = [
        *Article.objects.values_list("tiers__body_markdown", flat=True),
        *Node.objects.values_list("texts__body_markdown", flat=True),
    ]
    # A walk's arrows are protected, and so are their two ends.
    walked = Node.objects.filter(
        Q(outgoing__walk_steps__isnull=False) | Q(incoming__walk_steps__isnull=False)
    )
    for node in Node.objects.exclude(pk__in=walked).order_by("slug"):
        if not any(f"[[{node.slug}" in text for text in texts):
            return node
    raise AssertionError("every node is linked from some text")


def edit_like_the_admin():
    """Change the real content through the ORM, saving rows the way the admin does."""
    new_reference = make_reference(
        "newstudy2025",
        authors=["Newman A", "O'Brien B"],
        title='A "quoted" title: with a colon',
        pmid=40000001,
        pmcid="PMC1234567",
        issue="",
    )

    article = Article.objects.order_by("slug").first()
    article.status = "draft"
    article.next_review = datetime.date(2027, 1, 15)
    article.save()
    tier = article.tiers.get(tier="intermediate")
    tier.body_markdown += "\n## Added in the admin\r\n\r\nA new paragraph [@newstudy2025].\r\n"
    tier.save()

    node = Node.objects.get(slug="ampk")
    node.aliases = [*node.aliases, "fuel gauge: the cell's"]
    node.last_reviewed = datetime.date(2026, 12, 1)
    node.save()

    edge = Edge.objects.order_by("position").first()
    edge.grade = "D" if edge.grade != "D" else "C"
    edge.save()
    uses = list(edge.cited.order_by("position"))
    uses[0].delete()
    EdgeReference.objects.create(edge=edge, reference=new_reference, position=len(uses) + 5)

    added = make_node("new-signal", "signal", "New signal", aliases=["NS-1"])
    added.status = "draft"
    added.save()
    Edge.objects.create(
        source=node,
        target=added,
        effect="activates",
        grade="D",
        evidence="cell",
        mechanism="In cultured cells:  AMPK switches  it on.",
        section="Added in the admin",
    )

    GlossaryTerm.objects.create(
        term="Zone 2",
        aliases=["zone two", "Zone-2 training"],
        definition="An easy, steady pace at which you can still talk: a plain example, with a "
        'colon and "quotes".',
    )
    changed = GlossaryTerm.objects.get(anchor="ampk")
    changed.definition += " Edited in the admin."
    changed.aliases = []
    changed.save()
    GlossaryTerm.objects.get(anchor="hormesis").delete()

    unlinked_node().delete()


def test_admin_edits_export_and_load_back_on_a_fresh_database(real_content_dir):
    load(real_content_dir)
    edit_like_the_admin()
    edited = snapshot()

    output = export(real_content_dir)
    assert "Wrote references.toml" in output
    assert "Wrote explorer/edges.yaml" in output
    assert "Wrote explorer/nodes/new-signal.md" in output
    assert "Wrote glossary.toml" in output
    assert "Removed explorer/nodes/" in output
    assert ", 1 removed." in output

    clear_content()
    assert "Content loaded." in load(real_content_dir)
    assert snapshot() == edited

    written = files(real_content_dir)
    assert "0 written" in export(real_content_dir)
    assert files(real_content_dir) == written
    assert "No changes." in load(real_content_dir)


def test_admin_edits_are_visible_in_the_exported_files(real_content_dir):
    load(real_content_dir)
    edit_like_the_admin()
    export(real_content_dir)

    edges = (real_content_dir / "explorer" / "edges.yaml").read_text(encoding="utf-8")
    assert edges.endswith(
        f"\n{section_heading('Added in the admin')}\n\n"
        "- from: ampk\n"
        "  to: new-signal\n"
        "  effect: activates\n"
        "  grade: D\n"
        "  evidence: cell\n"
        "  mechanism: 'In cultured cells: AMPK switches it on.'\n"
        "  references: []\n"
    )
    node = (real_content_dir / "explorer" / "nodes" / "new-signal.md").read_text()
    assert node.startswith(
        "---\nname: New signal\nkind: signal\naliases: [NS-1]\nstatus: draft\n---\n"
    )
    references = (real_content_dir / "references.toml").read_text(encoding="utf-8")
    assert (
        '[[reference]]\nkey = "newstudy2025"\nauthors = [\n    "Newman A",\n    "O\'Brien B",\n]\n'
    ) in references


# 3. Drafts -------------------------------------------------------------------------------------


def test_a_draft_is_written_and_read_back_as_a_draft(content_dir, tmp_path):
    load(content_dir)
    Article.objects.filter(slug="test-article").update(status="draft")
    Node.objects.filter(slug="ampk").update(status="draft")
    target = tmp_path / "exported"
    export(target)

    article = (target / "articles" / "test-article.md").read_text(encoding="utf-8")
    front_matter = article.split("\n---\n")[0]
    assert "\nstatus: draft" in front_matter
    node = (target / "explorer" / "nodes" / "ampk.md").read_text(encoding="utf-8")
    assert "\nstatus: draft" in node.split("\n---\n")[0]
    hiit = (target / "explorer" / "nodes" / "hiit.md").read_text(encoding="utf-8")
    assert "\nstatus: published" in hiit.split("\n---\n")[0]

    clear_content()
    load(target)
    assert Article.objects.get(slug="test-article").status == "draft"
    assert Node.objects.get(slug="ampk").status == "draft"
    assert Node.objects.get(slug="hiit").status == "published"


# 4. Deletions ----------------------------------------------------------------------------------


def test_export_removes_files_of_deleted_rows_and_load_then_removes_the_rows(content_dir, tmp_path):
    load(content_dir)
    target = tmp_path / "exported"
    export(target)
    article_file = target / "articles" / "test-article.md"
    node_path = target / "explorer" / "nodes" / "glucose-uptake.md"
    assert article_file.exists()
    assert node_path.exists()

    Article.objects.get(slug="test-article").delete()
    Node.objects.get(slug="glucose-uptake").delete()  # its arrow goes with it
    output = export(target)
    assert "Removed articles/test-article.md" in output
    assert "Removed explorer/nodes/glucose-uptake.md" in output
    assert "Wrote explorer/edges.yaml" in output
    assert "2 removed." in output
    assert not article_file.exists()
    assert not node_path.exists()
    assert (target / "articles").is_dir()  # the folder stays for the next article

    # The rows come back, as on another machine that has not pulled yet. The two folders now
    # disagree, and the database was last synced with each in turn, so switching folders over
    # a database takes the explicit override both ways.
    call_command(
        "load_content", content_dir=content_dir, discard_admin_edits=True, stdout=StringIO()
    )
    assert Article.objects.filter(slug="test-article").exists()
    with pytest.raises(CommandError, match=r"test-article\.md: exists only in the database"):
        load(target)
    output = StringIO()
    call_command("load_content", content_dir=target, discard_admin_edits=True, stdout=output)
    output = output.getvalue()
    assert "Articles: 0 created, 0 updated, 0 unchanged, 1 removed." in output
    assert "Nodes: 0 created, 0 updated, 2 unchanged, 1 removed." in output
    assert "Edges: 0 created, 0 updated, 1 unchanged, 1 removed." in output
    assert not Article.objects.exists()
    assert not Node.objects.filter(slug="glucose-uptake").exists()


# 5. Errors in the new front matter fields ------------------------------------------------------


def db_state():
    return (
        list(Article.objects.values().order_by("slug")),
        list(Node.objects.values().order_by("slug")),
        list(Edge.objects.values().order_by("position")),
    )


ARTICLE_FILE = "articles/test-article.md"
NODE_FILE = "explorer/nodes/pgc.md"
NODE = node_file("PGC", "signal")


@pytest.mark.parametrize(
    ("path", "text", "line", "message"),
    [
        (ARTICLE_FILE, VALID_ARTICLE.replace("summary:", "status: maybe\nsummary:"), 4,
         "status “maybe” must be one of draft, published"),
        (ARTICLE_FILE, VALID_ARTICLE.replace("---\n\n", "next_review: soon\n---\n\n", 1), 6,
         "next_review “soon” must be a date (YYYY-MM-DD)"),
        (ARTICLE_FILE, VALID_ARTICLE.replace("2026-11-01", "2026-11"), 5,
         "last_reviewed “2026-11” must be a date (YYYY-MM-DD)"),
        (ARTICLE_FILE, VALID_ARTICLE.replace("---\n\n", "next_review: 2027-02-30\n---\n\n", 1),
         6, "next_review “2027-02-30” must be a date (YYYY-MM-DD)"),
        (ARTICLE_FILE, VALID_ARTICLE.replace(" 2026-11-01", ""), 5,
         "last_reviewed must be a date (YYYY-MM-DD)"),
        (ARTICLE_FILE, VALID_ARTICLE.replace("2026-11-01", "2026-11-01 10:30:00"), 5,
         "last_reviewed “2026-11-01 10:30:00” must be a date (YYYY-MM-DD)"),
        (NODE_FILE, NODE.replace("aliases: []", "aliases: []\nstatus: maybe"), 5,
         "status “maybe” must be one of draft, published"),
        (NODE_FILE, NODE.replace("aliases: []", "aliases: []\nlast_reviewed: 12"), 5,
         "last_reviewed “12” must be a date (YYYY-MM-DD)"),
        (NODE_FILE, NODE.replace("kind: signal", "kind: signal\nnext_review: next spring"), 4,
         "next_review “next spring” must be a date (YYYY-MM-DD)"),
        (NODE_FILE, NODE.replace("aliases: []", "aliases: []\nlast_reviewed: 2026-13-01"), 5,
         "last_reviewed “2026-13-01” must be a date (YYYY-MM-DD)"),
    ],
    ids=["article-status", "article-next-review", "article-partial-date",
         "article-impossible-date", "article-empty-last-reviewed", "article-date-and-time",
         "node-status", "node-last-reviewed", "node-next-review", "node-impossible-date"],
)  # fmt: skip
def test_bad_editorial_fields_name_file_and_line_and_change_nothing(
    content_dir, path, text, line, message
):
    load(content_dir)
    before = db_state()
    (content_dir / path).write_text(text, encoding="utf-8")
    with pytest.raises(CommandError) as error:
        load(content_dir)
    assert f"content/{path}:{line}: {message}" in str(error.value)
    assert "nothing was changed" in str(error.value)
    assert db_state() == before


def test_editorial_fields_are_optional_and_read_when_given(content_dir):
    node = content_dir / "explorer" / "nodes" / "ampk.md"
    node.write_text(
        node.read_text().replace(
            "aliases: [PRKAA1]",
            "aliases: [PRKAA1]\nstatus: draft\nlast_reviewed: 2026-10-01\nnext_review: 2027-04-01",
        )
    )
    article = content_dir / "articles" / "test-article.md"
    article.write_text(VALID_ARTICLE.replace("---\n\n", "next_review: 2027-05-01\n---\n\n", 1))
    load(content_dir)

    ampk = Node.objects.get(slug="ampk")
    assert (ampk.status, ampk.last_reviewed, ampk.next_review) == (
        "draft",
        datetime.date(2026, 10, 1),
        datetime.date(2027, 4, 1),
    )
    hiit = Node.objects.get(slug="hiit")
    assert (hiit.status, hiit.last_reviewed, hiit.next_review) == ("published", None, None)
    loaded = Article.objects.get()
    assert (loaded.status, loaded.next_review) == ("published", datetime.date(2027, 5, 1))


# 6. Edge sections and empty reference lists ----------------------------------------------------

SECTIONED_EDGES = """\
- from: hiit
  to: ampk
  effect: activates
  grade: A
  evidence: human
  mechanism: Before any heading.
  references: [alpha2020]

# --- First group ---

- from: ampk
  to: glucose-uptake
  effect: increases
  grade: C
  evidence: animal
  mechanism: Under the first heading.
  references: [beta2021]

# --- Second group: waiting for a source -----------------------------

- from: hiit
  to: glucose-uptake
  effect: increases
  grade: D
  evidence: human
  mechanism: Under the second heading.
  references: []
"""


def test_edges_keep_their_section_and_empty_references(content_dir, tmp_path):
    (content_dir / "explorer" / "edges.yaml").write_text(SECTIONED_EDGES, encoding="utf-8")
    load(content_dir)
    edges = Edge.objects.order_by("position")
    assert [edge.section for edge in edges] == [
        "",
        "First group",
        "Second group: waiting for a source",
    ]
    waiting = Edge.objects.get(source__slug="hiit", target__slug="glucose-uptake")
    assert not waiting.cited.exists()
    assert waiting in Edge.objects.for_review()

    target = tmp_path / "exported"
    export(target)
    text = (target / "explorer" / "edges.yaml").read_text(encoding="utf-8")
    body = text.split("\n\n", 1)[1]  # after the header comment
    assert body == (
        "- from: hiit\n  to: ampk\n  effect: activates\n  grade: A\n  evidence: human\n"
        "  mechanism: Before any heading.\n  references: [alpha2020]\n"
        f"\n{section_heading('First group')}\n\n"
        "- from: ampk\n  to: glucose-uptake\n  effect: increases\n  grade: C\n"
        "  evidence: animal\n  mechanism: Under the first heading.\n  references: [beta2021]\n"
        f"\n{section_heading('Second group: waiting for a source')}\n\n"
        "- from: hiit\n  to: glucose-uptake\n  effect: increases\n  grade: D\n"
        "  evidence: human\n  mechanism: Under the second heading.\n  references: []\n"
    )
    assert section_heading("First group").startswith("# --- First group ---")
    assert len(section_heading("First group")) == 100

    before = snapshot()
    clear_content()
    load(target)
    assert snapshot() == before


def test_a_section_heading_moves_with_its_edges(content_dir, tmp_path):
    (content_dir / "explorer" / "edges.yaml").write_text(SECTIONED_EDGES, encoding="utf-8")
    load(content_dir)
    Edge.objects.filter(section="First group").update(section="Renamed group")
    target = tmp_path / "exported"
    export(target)
    clear_content()
    load(target)
    assert list(Edge.objects.order_by("position").values_list("section", flat=True)) == [
        "",
        "Renamed group",
        "Second group: waiting for a source",
    ]


# 7. Values YAML would misread unless quoted ----------------------------------------------------

AWKWARD = {
    "title": "'Quoted' start: a title with a colon",
    "summary": "Ranked #1 in trials # not a comment: really.",
    "alias": "no: 1",
    "label": "yes",
    "mechanism": "Two steps: first [this], then {that} - and 50% more.",
    "caveat": "# Starts like a comment; ends with a colon:",
}


def test_values_that_need_quoting_survive_export_and_load(content_dir, tmp_path):
    load(content_dir)
    Article.objects.filter(slug="test-article").update(
        title=AWKWARD["title"], summary=AWKWARD["summary"]
    )
    Node.objects.filter(slug="ampk").update(
        aliases=["PRKAA1", AWKWARD["alias"], "2026", "null"], label=AWKWARD["label"]
    )
    Edge.objects.filter(source__slug="hiit").update(
        mechanism=AWKWARD["mechanism"], caveat=AWKWARD["caveat"]
    )
    Reference.objects.filter(key="beta2021").update(title='Say "no": a [trial]')
    edited = snapshot()

    target = tmp_path / "exported"
    export(target)
    article = (target / "articles" / "test-article.md").read_text(encoding="utf-8")
    assert "title: '''Quoted'' start: a title with a colon'\n" in article
    assert "summary: 'Ranked #1 in trials # not a comment: really.'\n" in article
    node = (target / "explorer" / "nodes" / "ampk.md").read_text(encoding="utf-8")
    assert "aliases: [PRKAA1, 'no: 1', '2026', 'null']\n" in node

    clear_content()
    load(target)
    assert snapshot() == edited
    article = Article.objects.get()
    assert (article.title, article.summary) == (AWKWARD["title"], AWKWARD["summary"])
    ampk = Node.objects.get(slug="ampk")
    assert ampk.aliases == ["PRKAA1", "no: 1", "2026", "null"]
    assert ampk.label == "yes"
    edge = Edge.objects.get(source__slug="hiit")
    assert (edge.mechanism, edge.caveat) == (AWKWARD["mechanism"], AWKWARD["caveat"])

    written = files(target)
    assert "0 written" in export(target)
    assert files(target) == written


@pytest.mark.parametrize(
    "summary",
    [
        "First line.\nSecond line.",
        "Above a rule.\n---\nBelow it.",  # a bare --- line would end the front matter
        "Joined by a line separator\u2028that splitlines() would break.",
        "Windows line ends\r\nfrom a textarea.",
    ],
    ids=["newline", "dashes-line", "u2028", "crlf"],
)
def test_a_summary_with_line_breaks_is_written_on_one_line(content_dir, tmp_path, summary):
    load(content_dir)
    Article.objects.filter(slug="test-article").update(summary=summary)
    target = tmp_path / "exported"
    export(target)
    text = (target / "articles" / "test-article.md").read_text(encoding="utf-8")
    assert text.split("\n")[3].startswith('summary: "')
    assert text.split("\n")[4] == "status: published"

    clear_content()
    load(target)
    assert Article.objects.get().summary == summary


def test_export_into_a_file_path_is_refused(tmp_path):
    path = tmp_path / "not-a-folder"
    path.write_text("")
    with pytest.raises(CommandError, match="not a folder"):
        export(path)


@pytest.mark.parametrize(
    "value",
    [
        "plain",
        "a: b",
        "yes",
        "",
        "PGC-1\N{GREEK SMALL LETTER ALPHA} and “quotes”",
        "emoji 😀 beyond U+FFFF",
        ["x", "y: z"],
    ],
)
def test_a_value_is_written_as_the_python_yaml_emitter_writes_it(value):
    """yaml_value uses libyaml's faster emitter; a file must not change with which one ran."""
    import math

    import yaml

    from apps.content_sync.writers import yaml_value

    one_line = not isinstance(value, str) or value.splitlines() == [value]
    python_emitter = yaml.dump(
        value,
        Dumper=yaml.SafeDumper,
        allow_unicode=True,
        width=math.inf,
        default_flow_style=True,
        sort_keys=False,
        default_style=None if one_line else '"',
    )
    assert yaml_value(value) == python_emitter.removesuffix("\n...\n").removesuffix("\n")


def test_a_glossary_emptied_in_the_admin_takes_its_file_with_it(real_content_dir):
    load(real_content_dir)
    GlossaryTerm.objects.all().delete()

    output = export(real_content_dir)

    assert "Removed glossary.toml" in output
    assert not (real_content_dir / "glossary.toml").exists()
    clear_content()
    assert "Content loaded." in load(real_content_dir)
    assert not GlossaryTerm.objects.exists()
    assert "0 written" in export(real_content_dir)


def test_a_deleted_node_leaves_its_glossary_term_without_a_link(real_content_dir):
    load(real_content_dir)
    term = GlossaryTerm.objects.create(term="Gut hormone", definition="A messenger.", node="gut")
    Node.objects.get(slug="gut").delete()

    term.refresh_from_db()
    assert term.node == ""
    export(real_content_dir)
    clear_content()
    assert "Content loaded." in load(real_content_dir)
