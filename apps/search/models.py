"""The search index: one row per thing a reader can find, kept in the database's own full-text
engine and rewritten in the same transaction as the content it is made from.

On SQLite, an FTS5 table (made by this app's migration) mirrors the rows through triggers; on
PostgreSQL, each row's `document` holds its tsvector, with a GIN index, and pg_trgm finds
names typed with a slip. The text is folded by words.py before either engine sees it, so
spellings of one name ("PGC-1a", "PGC1alpha", the Greek letter itself) are the same words to both.
"""

import html
import re
from dataclasses import dataclass, field

from django.contrib.postgres.search import (
    SearchQuery,
    SearchRank,
    SearchVector,
    SearchVectorField,
    TrigramWordSimilarity,
)
from django.db import connection, models, transaction
from django.urls import reverse
from django.utils.html import strip_tags

from apps.articles.models import Article, ArticleTier, Citation
from apps.core.models import Reference, Status, Tier, sees_drafts
from apps.explorer.models import Edge, EdgeReference, Node, NodeCitation, NodeText, node_url

from .words import index_terms, marked, one_edit_apart, query_terms

LONGEST_QUERY = 200  # characters; a longer query is cut, and the page says so
MOST_TERMS = 12  # words of one query: enough for any name, bounded work for the engine
CANDIDATES = 200  # rows read from the engine before titles and names are put first
SHOWN = 50  # results on the page
SHORTEST_TYPO = 4  # words shorter than this are too short to guess a slip in
# pg_trgm's word_similarity between the query and a name: one letter wrong in a name of four
# or more letters scores about 0.5 or more (crotisol/cortisol 0.56, ampq/ampk 0.6, cortsol/
# cortisol 0.75). It is asked only when no name holds the query's words.
TYPO_SIMILARITY = 0.5


class Kind(models.TextChoices):
    NODE = "node", "On the map"
    ARTICLE = "article", "Article"
    TIER = "tier", "Article"
    NODE_TEXT = "node-text", "On the map"
    ARROW = "arrow", "Arrow on the map"
    REFERENCE = "reference", "Reference"


# Among results whose title or name matches, in this order; then every other match, best first.
KIND_ORDER = [Kind.NODE, Kind.ARTICLE, Kind.ARROW, Kind.REFERENCE, Kind.TIER, Kind.NODE_TEXT]
# What a slip of one letter may find: the names people type.
NAMED_KINDS = [Kind.NODE, Kind.ARTICLE]


class SearchEntryQuerySet(models.QuerySet):
    def visible_to(self, user):
        return self.all() if sees_drafts(user) else self.filter(published=True)


class SearchEntry(models.Model):
    """One findable thing: a page, a tier or node text, an arrow or a reference.

    `group` names the content row it was made from ("article:12"); when that row changes, its
    group is written again. `title_terms` and `text_terms` are the folded words the engine
    searches; `title` and `text` are shown, with the match marked.
    """

    group = models.CharField(max_length=40, db_index=True)
    kind = models.CharField(max_length=10, choices=Kind.choices)
    object_id = models.PositiveIntegerField()
    tier = models.CharField(max_length=20, choices=Tier.choices, blank=True)
    published = models.BooleanField()
    title = models.CharField(max_length=500)
    detail = models.CharField(max_length=500, blank=True)
    text = models.TextField(blank=True)
    url = models.CharField(max_length=300, blank=True)
    title_terms = models.TextField(blank=True)
    text_terms = models.TextField(blank=True)
    # PostgreSQL only (filled by `written`): the folded words as a tsvector, titles weighted A.
    # SQLite keeps the column empty and searches its FTS5 table instead.
    document = SearchVectorField(null=True, editable=False)

    objects = SearchEntryQuerySet.as_manager()

    class Meta:
        verbose_name_plural = "search entries"

    def __str__(self):
        return f"{self.get_kind_display()}: {self.title}"

    @property
    def tier_label(self):
        return Tier(self.tier).label if self.tier else ""


# Building the rows ---------------------------------------------------------------------------


# A glossary term's definition is written into the stored HTML for its popup: it is not what
# the text says, so it is not searched (the term itself, in the link after it, is).
GLOSSARY_POPUP = re.compile(r'<span class="glossary-popup"[^>]*>[^<]*</span>')


def plain_text(body_html):
    return " ".join(html.unescape(strip_tags(GLOSSARY_POPUP.sub(" ", body_html))).split())


def entry(group, kind, object_id, title, published, title_terms="", text="", also="", **values):
    """A row; `also` is words found but not shown (a reference's key)."""
    return SearchEntry(
        group=group,
        kind=kind,
        object_id=object_id,
        title=title[:500],
        published=published,
        text=text,
        title_terms=index_terms(title_terms),
        text_terms=index_terms(f"{text} {also}"),
        **values,
    )


def article_entries(article, tiers):
    group = f"article:{article.pk}"
    published = article.status == Status.PUBLISHED
    yield entry(
        group, Kind.ARTICLE, article.pk, article.title, published,
        title_terms=article.title, text=article.summary, url=article.get_absolute_url(),
    )  # fmt: skip
    for tier in tiers:
        yield entry(
            group, Kind.TIER, tier.pk, article.title, published,
            text=plain_text(tier.body_html), tier=tier.tier,
            url=reverse("articles:article-tier", args=[article.slug, tier.tier]),
        )  # fmt: skip


def node_entries(node, texts):
    group = f"node:{node.pk}"
    published = node.status == Status.PUBLISHED
    names = [node.name, node.label, node.slug, *node.aliases]
    yield entry(
        group, Kind.NODE, node.pk, node.name, published,
        title_terms=" · ".join(name for name in names if name),
        text=", ".join(node.aliases), detail=node.kind_label, url=node_url(node.slug),
    )  # fmt: skip
    for text in texts:
        yield entry(
            group, Kind.NODE_TEXT, text.pk, node.name, published,
            text=plain_text(text.body_html), tier=text.tier, detail=node.kind_label,
            url=reverse("explorer:node-tier", args=[node.slug, text.tier]),
        )  # fmt: skip


def edge_entries(edge):
    title = f"{edge.source.name} {edge.get_effect_display()} {edge.target.name}"
    published = edge.source.status == edge.target.status == Status.PUBLISHED
    text = f"{edge.mechanism} Caveat: {edge.caveat}" if edge.caveat else edge.mechanism
    # An arrow is listed on the page of the node it starts from.
    url = f"{node_url(edge.source.slug)}#arrow-{edge.pk}"
    yield entry(
        f"edge:{edge.pk}", Kind.ARROW, edge.pk, title, published,
        title_terms=title, text=text, detail=f"Grade {edge.grade}", url=url,
    )  # fmt: skip


def reference_entries(reference):
    identifiers = [reference.doi and f"DOI {reference.doi}", reference.pmid and "PMID"]
    text = " ".join(
        filter(None, [reference.author_list, str(reference.year), reference.source, *identifiers])
    )
    if reference.pmid:
        text += f" {reference.pmid}"
    # Where it is cited is looked up when it is found (link_references): citations are
    # written after the text that makes them is saved, so they are not known here yet.
    yield entry(
        f"reference:{reference.pk}", Kind.REFERENCE, reference.pk, reference.title, True,
        title_terms=reference.title, text=text, also=reference.key,
        url=reference.doi_url or reference.pubmed_url,
    )  # fmt: skip


def group_entries(group):
    """The rows for one group as the database holds it now (none if its row is gone)."""
    name, pk = group.split(":")
    if name == "article":
        article = Article.objects.filter(pk=pk).first()
        if article:
            return article_entries(article, ArticleTier.objects.filter(article=article))
    elif name == "node":
        node = Node.objects.filter(pk=pk).first()
        if node:
            return node_entries(node, NodeText.objects.filter(node=node))
    elif name == "edge":
        edge = Edge.objects.filter(pk=pk).select_related("source", "target").first()
        if edge:
            return edge_entries(edge)
    elif name == "reference":
        reference = Reference.objects.filter(pk=pk).first()
        if reference:
            return reference_entries(reference)
    return []


def all_entries():
    tiers = {}
    for tier in ArticleTier.objects.order_by("article", "position"):
        tiers.setdefault(tier.article_id, []).append(tier)
    texts = {}
    for text in NodeText.objects.order_by("node", "tier"):
        texts.setdefault(text.node_id, []).append(text)
    for article in Article.objects.all():
        yield from article_entries(article, tiers.get(article.pk, []))
    for node in Node.objects.all():
        yield from node_entries(node, texts.get(node.pk, []))
    for edge in Edge.objects.select_related("source", "target"):
        yield from edge_entries(edge)
    for reference in Reference.objects.all():
        yield from reference_entries(reference)


@transaction.atomic  # (a savepoint when the change that calls it has its own transaction)
def written(entries, replacing):
    """Replace the rows `replacing` selects with `entries`, in the caller's transaction."""
    replacing.delete()
    created = SearchEntry.objects.bulk_create(entries, batch_size=500)
    if connection.vendor == "postgresql" and created:
        SearchEntry.objects.filter(pk__in=[row.pk for row in created]).update(
            document=SearchVector("title_terms", weight="A", config="simple")
            + SearchVector("text_terms", weight="B", config="simple")
        )


def reindex(groups):
    """Write the rows of these groups again from the content as it is now."""
    groups = list(dict.fromkeys(groups))
    written(
        [row for group in groups for row in group_entries(group)],
        SearchEntry.objects.filter(group__in=groups),
    )


def rebuild():
    """Write the whole index again: one pass after a load, however many rows it changed."""
    written(list(all_entries()), SearchEntry.objects.all())


# Searching -----------------------------------------------------------------------------------


@dataclass
class Hit:
    entry: SearchEntry
    title: list  # (piece, is_match) pairs
    snippet: list
    url: str
    title_match: bool = False


@dataclass
class Results:
    query: str
    terms: list
    hits: list = field(default_factory=list)
    cut: bool = False  # the query was longer than LONGEST_QUERY
    more: bool = False  # there were more than SHOWN

    @property
    def searchable(self):
        return bool(self.terms)


def search(query, user):
    """What `user` finds for `query`, titles and names first, in a fixed number of queries."""
    query = query.strip()
    cut = len(query) > LONGEST_QUERY
    query = query[:LONGEST_QUERY]
    terms = query_terms(query)[:MOST_TERMS]
    results = Results(query=query, terms=terms, cut=cut)
    if not terms:
        return results
    if connection.vendor == "postgresql":
        found = postgres_matches(terms, user)
    else:
        found = sqlite_matches(terms, user)
    order = {kind: position for position, kind in enumerate(KIND_ORDER)}
    # Titles and names first (by kind), then the rest as the engine ranked them (sort is stable).
    ranked = sorted(
        ((title_matches(row, terms), row) for row in found),
        key=lambda pair: (not pair[0], order[pair[1].kind] if pair[0] else 0),
    )
    results.more = len(ranked) > SHOWN
    results.hits = [hit(row, terms, title_match) for title_match, row in ranked[:SHOWN]]
    link_references(results.hits, user)
    return results


def sqlite_matches(terms, user):
    """FTS5, best first by bm25 with a title word worth ten of the text's.

    A slip of one letter: FTS5 has no fuzzy match, and its trigram tokenizer finds pieces of
    words rather than near-misses (and needs three letters in a row right). So each word of
    the query that starts no word of any name is also looked for as the names' words one edit
    away (Damerau-Levenshtein: a letter added, dropped, changed or two swapped). The names of
    nodes and articles are a few hundred words, read in one query, so this costs little and
    only ever suggests real names.
    """
    vocabulary = {
        word
        for terms_of_name in SearchEntry.objects.filter(kind__in=NAMED_KINDS).values_list(
            "title_terms", flat=True
        )
        for word in terms_of_name.split()
    }
    clauses = []
    for term in terms:
        # Each term is letters and digits only (words.py), so quoting it makes it a plain
        # word to FTS5: nothing a reader types can be read as FTS5 syntax.
        options = [f'"{term}"*']
        if len(term) >= SHORTEST_TYPO and not any(word.startswith(term) for word in vocabulary):
            options += [f'"{word}"' for word in sorted(vocabulary) if one_edit_apart(term, word)]
        clauses.append(f"({' OR '.join(options)})")
    table = SearchEntry._meta.db_table
    readers_only = "" if sees_drafts(user) else "AND entry.published "
    return list(
        SearchEntry.objects.raw(
            f"SELECT entry.* FROM search_fts JOIN {table} AS entry ON entry.id = search_fts.rowid "
            f"WHERE search_fts MATCH %s {readers_only}"
            "ORDER BY bm25(search_fts, 10.0, 1.0) LIMIT %s",
            [" AND ".join(clauses), CANDIDATES],
        )
    )


def postgres_matches(terms, user):
    """PostgreSQL's full-text search, best first by ts_rank with titles weighted; then, if no
    name or title holds the words, pg_trgm for a slip: the nodes and articles whose names are
    closest to the query."""
    visible = SearchEntry.objects.visible_to(user)
    # Letters and digits only (words.py): safe as a raw tsquery; each a prefix, all required.
    search_query = SearchQuery(
        " & ".join(f"{term}:*" for term in terms), search_type="raw", config="simple"
    )
    found = list(
        visible.filter(document=search_query)
        .annotate(rank=SearchRank(models.F("document"), search_query))
        .order_by("-rank", "pk")[:CANDIDATES]
    )
    if max(len(term) for term in terms) < SHORTEST_TYPO or any(
        names_match(row, terms) for row in found
    ):
        return found
    similarity = TrigramWordSimilarity(" ".join(terms), "title_terms")
    return found + list(
        visible.filter(kind__in=NAMED_KINDS)
        .exclude(pk__in=[row.pk for row in found])
        .annotate(similarity=similarity)
        .filter(similarity__gte=TYPO_SIMILARITY)
        .order_by("-similarity", "pk")[:CANDIDATES]
    )


def names_match(row, terms):
    """Whether every term starts a word of the row's title or names."""
    title_words = row.title_terms.split()
    return bool(title_words) and all(
        any(word.startswith(term) for word in title_words) for term in terms
    )


def title_matches(row, terms):
    """Whether every term starts a word of the row's title or names, or is a slip for one."""
    title_words = row.title_terms.split()
    return bool(title_words) and all(
        any(word.startswith(term) or one_edit_apart(term, word) for word in title_words)
        for term in terms
    )


def hit(row, terms, title_match):
    """A found row with its title and a stretch of its text, the matching words marked."""
    words = f" {row.title_terms} {row.text_terms}"
    marks = list(terms)
    for term in terms:
        if len(term) >= SHORTEST_TYPO and f" {term}" not in words:
            # Found by a slip of one letter: mark the words of this row it stands for.
            marks += [word for word in set(words.split()) if one_edit_apart(term, word)]
    return Hit(
        entry=row,
        title=marked(row.title, marks, whole=True),
        snippet=marked(row.text, marks) if row.text else [],
        url=row.url,
        title_match=title_match,
    )


def link_references(hits, user):
    """A found reference links to the first page `user` may read that cites it: an article's
    tier, a node's text, or the node an arrow citing it starts from. Three queries at most,
    however many references were found."""
    wanted = {h.entry.object_id: h for h in hits if h.entry.kind == Kind.REFERENCE}
    if not wanted:
        return
    articles = Article.objects.visible_to(user)
    nodes = Node.objects.visible_to(user)
    places = {}
    cited_in_articles = (
        Citation.objects.filter(reference__in=wanted, tier__article__in=articles)
        .order_by("tier__article__title", "tier__position")
        .values_list("reference_id", "reference__key", "tier__article__slug", "tier__tier")
    )
    for pk, key, slug, tier in cited_in_articles:
        url = reverse("articles:article-tier", args=[slug, tier])
        places.setdefault(pk, f"{url}#ref-{key}")
    cited_in_nodes = (
        NodeCitation.objects.filter(reference__in=wanted, text__node__in=nodes)
        .order_by("text__node__name", "text__tier")
        .values_list("reference_id", "reference__key", "text__node__slug", "text__tier")
    )
    for pk, key, slug, tier in cited_in_nodes:
        url = reverse("explorer:node-tier", args=[slug, tier])
        places.setdefault(pk, f"{url}#ref-{key}")
    cited_by_arrows = (
        EdgeReference.objects.filter(
            reference__in=wanted, edge__source__in=nodes, edge__target__in=nodes
        )
        .order_by("edge__position")
        .values_list("reference_id", "reference__key", "edge__source__slug")
    )
    for pk, key, slug in cited_by_arrows:
        places.setdefault(pk, f"{node_url(slug)}#ref-{key}")
    for pk, found in wanted.items():
        found.url = places.get(pk, found.url)  # cited nowhere a reader can see: its DOI
