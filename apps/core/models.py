"""What every page of the site shares: the reading depths (Tier), draft or published and review
dates (Editorial), references and the rules for their values, and the base of every tiered
Markdown text (MarkdownBody), rendered on save by rendering.py."""

import contextlib
import contextvars
import datetime
import json
import re
from dataclasses import dataclass
from urllib.parse import quote_plus, unquote

import reversion
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import connection, models, transaction
from django.dispatch import Signal
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify

from .links import link_targets
from .rendering import (
    GlossaryEntry,
    MarkdownRefused,
    find_line,
    mark_glossary_terms,
    normalise_markdown,
    render_markdown,
)


class Tier(models.TextChoices):
    FUNDAMENTALS = "fundamentals", "Fundamentals"
    INTERMEDIATE = "intermediate", "Intermediate"
    ACADEMIC = "academic", "Academic"

    @property
    def blurb(self):
        return TIER_BLURBS[self]


TIER_BLURBS = {
    Tier.FUNDAMENTALS: "Plain language. Every term is explained; no background needed.",
    Tier.INTERMEDIATE: "Named hormones, pathways and training protocols, with key sources.",
    Tier.ACADEMIC: "Mechanisms, how strong the evidence is, and a citation for each claim.",
}
DEFAULT_TIER = Tier.FUNDAMENTALS


def as_sentence(text):
    """End with one full stop ("et al." and titles ending in ? or . keep their own)."""
    return text if text.endswith((".", "?", "!")) else f"{text}."


class ReferenceQuerySet(models.QuerySet):
    def matching(self, query):
        """References whose key, authors, title or year contain every word of `query`.

        Keys starting with the first word come first: an editor usually types the key.
        """
        words = query.split()
        if not words:
            return self.none()
        found = self
        for word in words:
            match = (
                models.Q(key__icontains=word)
                | models.Q(title__icontains=word)
                | json_list_contains("authors", word)
            )
            if word.isdigit():
                match |= models.Q(year__startswith=word)
            found = found.filter(match)
        starts = models.Case(
            models.When(key__istartswith=words[0], then=0),
            default=1,
            output_field=models.IntegerField(),
        )
        return found.annotate(starts=starts).order_by("starts", "key")


def json_list_contains(field, word):
    """A JSON list of strings holding `word` in any item, whatever its case.

    The list is stored as JSON text, where non-ASCII letters are escaped (Greek alpha as \\u03b1),
    so the escaped spelling is searched too.
    """
    escaped = json.dumps(word)[1:-1]
    return models.Q(**{f"{field}__icontains": word}) | models.Q(**{f"{field}__icontains": escaped})


@reversion.register()
class Reference(models.Model):
    key = models.SlugField(max_length=64, unique=True, help_text="Cited in Markdown as [@key].")
    authors = models.JSONField(default=list, help_text='A list such as ["Pedersen BK"].')
    year = models.PositiveSmallIntegerField()
    title = models.CharField(max_length=500)
    journal = models.CharField(max_length=200)
    volume = models.CharField(max_length=20, blank=True)
    issue = models.CharField(max_length=20, blank=True)
    pages = models.CharField(max_length=40, blank=True)
    doi = models.CharField("DOI", max_length=200, blank=True)
    pmid = models.PositiveIntegerField("PMID", null=True, blank=True)
    pmcid = models.CharField("PMCID", max_length=20, blank=True)
    verified = models.CharField(
        "verified against",
        max_length=20,
        blank=True,
        choices=[
            ("pubmed", "its PubMed record"),
            ("pmc", "its full text on PubMed Central"),
            ("publisher", "the publisher's page"),
        ],
        help_text="Where an editor checked the authors, title, year, journal, DOI and PMID "
        "against the paper's own record. Blank for the sources taken from the science brief.",
    )

    objects = ReferenceQuerySet.as_manager()

    class Meta:
        # References were first part of the articles app; the table kept its name when they
        # moved here, so no existing database had to copy a row.
        db_table = "articles_reference"
        ordering = ["key"]

    def __str__(self):
        return f"{self.first_author} {self.year}: {self.title}"

    @property
    def first_author(self):
        return self.authors[0].split()[0] if self.authors else ""

    @property
    def author_list(self):
        return as_sentence(", ".join(self.authors))

    @property
    def title_sentence(self):
        return as_sentence(self.title)

    @property
    def source(self):
        """Journal, volume(issue):pages, in the usual Vancouver order."""
        text = self.journal
        if self.volume:
            text += f" {self.volume}"
            if self.issue:
                text += f"({self.issue})"
        if self.pages:
            text += f":{self.pages}" if self.volume else f", {self.pages}"
        return text

    @property
    def doi_url(self):
        return f"https://doi.org/{self.doi}" if self.doi else ""

    @property
    def pubmed_url(self):
        if self.pmid:
            return f"https://pubmed.ncbi.nlm.nih.gov/{self.pmid}/"
        # PubMed goes straight to the record when a search matches one DOI.
        return f"https://pubmed.ncbi.nlm.nih.gov/?term={quote_plus(self.doi or self.title)}"

    @property
    def pmc_url(self):
        return f"https://pmc.ncbi.nlm.nih.gov/articles/{self.pmcid}/" if self.pmcid else ""


# One set of rules for a reference's values, used by the admin form and by load_content alike,
# so nothing the admin accepts can make a later load (and so `make run`) fail.

REFERENCE_KEY = re.compile(r"^[a-z0-9]+$")
DOI = re.compile(r"^10\.\d{4,9}/\S+$")
DOI_LINK = re.compile(r"^(?:https?://(?:dx\.)?doi\.org/|doi:\s*)", re.IGNORECASE)
PMCID = re.compile(r"^PMC\d+$")
LARGEST_PMID = 99_999_999  # PubMed numbers have at most eight digits
OLDEST_YEAR = 1800


def normalise_reference(values):
    """`values` with identifiers in the one form the site stores and links: a DOI without the
    https://doi.org/ (or doi:) in front of it, a PMCID in capitals (pmc1234 → PMC1234)."""
    values = dict(values)
    if isinstance(values.get("doi"), str):
        values["doi"] = unquote(DOI_LINK.sub("", values["doi"].strip()))
    if isinstance(values.get("pmcid"), str):
        values["pmcid"] = values["pmcid"].strip().upper()
    return values


def reference_problems(values):
    """(field, message) for each value of a normalised reference that the site cannot use.

    `values` maps field names to values (as a form cleans them or a file holds them); fields
    that are absent are not checked here.
    """
    problems = []
    key = values.get("key")
    if "key" in values and not (isinstance(key, str) and REFERENCE_KEY.match(key)):
        message = f"key “{key}” must be lowercase letters and digits, e.g. smith2020"
        problems.append(("key", message))
    authors = values.get("authors")
    if "authors" in values and not (
        isinstance(authors, list)
        and authors
        and all(isinstance(name, str) and name.strip() for name in authors)
    ):
        problems.append(("authors", "authors must be a non-empty list of names"))
    year = values.get("year")
    latest = datetime.date.today().year + 1  # in press
    if "year" in values and not (
        isinstance(year, int) and not isinstance(year, bool) and OLDEST_YEAR <= year <= latest
    ):
        problems.append(("year", f"year “{year}” must be a year from {OLDEST_YEAR} to {latest}"))
    for name in ("title", "journal"):
        if name in values and not (isinstance(values[name], str) and values[name].strip()):
            problems.append((name, f"{name} must be text"))
    doi = values.get("doi")
    if doi not in (None, "") and not DOI.match(str(doi)):
        problems.append(
            ("doi", f"DOI “{doi}” should look like 10.1234/abc: the part after https://doi.org/")
        )
    pmid = values.get("pmid")
    if pmid is not None and not (
        isinstance(pmid, int) and not isinstance(pmid, bool) and 1 <= pmid <= LARGEST_PMID
    ):
        problems.append(("pmid", f"PMID “{pmid}” must be PubMed's number, e.g. 18719068"))
    pmcid = values.get("pmcid")
    if pmcid not in (None, "") and not PMCID.match(str(pmcid)):
        problems.append(("pmcid", f"PMCID “{pmcid}” should look like PMC1234567"))
    verified = values.get("verified")
    known = [value for value, _label in Reference._meta.get_field("verified").choices]
    if verified not in (None, "") and verified not in known:
        message = f"verified “{verified}” must be one of {', '.join(known)}"
        problems.append(("verified", message))
    for name, value in values.items():
        try:
            max_length = Reference._meta.get_field(name).max_length
        except FieldDoesNotExist:
            continue
        if max_length and isinstance(value, str) and len(value) > max_length:
            problems.append((name, f"{name} is {len(value)} characters long; at most {max_length}"))
    return problems


class Status(models.TextChoices):
    DRAFT = "draft", "Draft"
    PUBLISHED = "published", "Published"


def sees_drafts(user):
    """Editors (anyone who may use the admin) read drafts on the real pages; readers never do."""
    return user.is_active and user.is_staff


class EditorialQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status=Status.PUBLISHED)

    def visible_to(self, user):
        return self.all() if sees_drafts(user) else self.published()

    def due_for_review(self, today):
        return self.filter(next_review__lte=today)


class Editorial(models.Model):
    """What editors track on every page they publish: its status and when it is next checked."""

    # Rows made in code or from content/ are published unless they say otherwise; the admin's
    # add form starts new pages as drafts.
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PUBLISHED)
    last_reviewed = models.DateField(null=True, blank=True)
    next_review = models.DateField(
        null=True, blank=True, help_text="When an editor should check it against new research."
    )

    class Meta:
        abstract = True

    @property
    def is_draft(self):
        return self.status == Status.DRAFT


@dataclass
class Problems:
    errors: list[str]  # the text cannot be saved until these are fixed
    warnings: list[str]  # it can, but readers will not see what the editor wrote


def markdown_problems(text, rendered):
    """What is wrong with a Markdown text, in plain words with line numbers."""
    cited = rendered.citation_keys
    known_keys = set(Reference.objects.filter(key__in=cited).values_list("key", flat=True))
    linked = list(dict.fromkeys(rendered.node_slugs))
    statuses = link_targets().statuses(linked)
    errors = [
        f"Line {find_line(text, f'@{key}')}: no reference has the key “{key}”. Add it under "
        "References first, or fix the spelling."
        for key in cited
        if key not in known_keys
    ]
    errors += [
        f"Line {find_line(text, f'[[{slug}')}: no node of the map has the slug “{slug}”."
        for slug in linked
        if slug not in statuses
    ]
    warnings = [
        f"Line {find_line(text, f'<{tag}')}: the <{tag}> tag is not allowed, so it will be "
        "removed (any text inside it stays)."
        for tag in rendered.dropped_tags
    ]
    warnings += [
        f"Line {find_line(text, f'[[{slug}')}: the node “{slug}” is a draft, so readers who "
        "follow this link will find no page until it is published."
        for slug, status in statuses.items()
        if status == Status.DRAFT
    ]
    return Problems(errors, warnings)


class MarkdownBody(models.Model):
    """A Markdown text with its stored, sanitised HTML and its numbered citations.

    The HTML is rendered here, on save, never per request. A subclass names the model that
    holds its citations (with a `number`, a `reference` and a foreign key back to the text).
    """

    body_markdown = models.TextField("body (Markdown)")
    body_html = models.TextField(editable=False)

    class Meta:
        abstract = True

    @transaction.atomic
    def save(self, *args, node_names_by_slug=None, rendered=None, glossary=None, **kwargs):
        rendered = self.render(node_names_by_slug, rendered, glossary)
        new = self._state.adding
        super().save(*args, **kwargs)
        self.set_citations(rendered.citation_keys, new=new, uses=rendered.citation_uses)
        self.set_node_links(rendered.node_slugs)

    def render(self, node_names_by_slug=None, rendered=None, glossary=None):
        """Render the Markdown into the stored HTML; returns what render_markdown gave.

        `rendered` is this very text already rendered with these node names (load_content
        renders each text once, as it checks it), so it is not rendered again. The first use
        of each term of `glossary` (GlossaryTerm.objects.entries(); by default the stored
        glossary) is marked in the stored HTML.
        """
        self.body_markdown = normalise_markdown(self.body_markdown)
        if rendered is None:
            if node_names_by_slug is None:
                node_names_by_slug = link_targets().names()
            rendered = render_markdown(self.body_markdown, node_names_by_slug)
        if glossary is None:
            glossary = GlossaryTerm.objects.entries()
        self.body_html = mark_glossary_terms(rendered.html, glossary)
        return rendered

    def set_node_links(self, slugs):
        """Texts that record which nodes they link to override this."""

    def clean(self):
        try:
            rendered = render_markdown(self.body_markdown)
        except MarkdownRefused as refused:
            where = f" (line {refused.line})" if refused.line > 1 else ""
            raise ValidationError({"body_markdown": refused.message + where}) from None
        errors = markdown_problems(self.body_markdown, rendered).errors
        if errors:
            raise ValidationError({"body_markdown": errors})

    def set_citations(self, cited_keys, new=False, uses=None):
        """Number the text's citations as `cited_keys` lists them. A `new` text has none yet.
        `uses` says how many markers cite each key (for the reference list's back-links)."""
        uses = uses or {}
        wanted = [(key, uses.get(key, 1)) for key in cited_keys]
        current = (
            []
            if new
            else list(self.citations.order_by("number").values_list("reference__key", "uses"))
        )
        if current == wanted:
            return
        references = Reference.objects.in_bulk(cited_keys, field_name="key")
        if current:
            self.citations.all().delete()
        owner = self.citations.field.name
        self.citations.model.objects.bulk_create(
            self.citations.model(
                **{owner: self}, reference=references[key], number=number, uses=times
            )
            for number, (key, times) in enumerate(wanted, start=1)
        )


class ContentVersion(models.Model):
    """One counter for the whole site, raised by every change to content (a save, a delete or
    a restore in the admin, `load_content`). Cached reader pages are keyed by it, so a change
    makes every one of them stale at once, in every worker process.

    It lives in the database, not the cache: the cache is each process's own memory, or a
    Redis that may be restarted (and lose it) or be down, while every process on every app
    server reads this one row, written in the same transaction as the change that raised it.
    """

    number = models.PositiveBigIntegerField(default=1)
    changed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "content version"

    def __str__(self):
        return f"Content version {self.number}"

    @classmethod
    def current(cls):
        """(number, when it last changed): one query. (0, None) before any change.

        Plain SQL, because every reader request asks it: building the same query with the ORM
        took half the time of serving a cached page.
        """
        table = connection.ops.quote_name(cls._meta.db_table)
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT number, changed_at FROM {table} WHERE id = 1")
            row = cursor.fetchone()
        if row is None:
            return (0, None)
        number, changed_at = row
        if timezone.is_naive(changed_at):  # SQLite keeps UTC without saying so
            changed_at = timezone.make_aware(changed_at, datetime.UTC)
        return number, changed_at

    @classmethod
    def bump(cls):
        now = timezone.now()
        if not cls.objects.filter(pk=1).update(number=models.F("number") + 1, changed_at=now):
            cls.objects.get_or_create(pk=1, defaults={"number": 1, "changed_at": now})

    @classmethod
    @contextlib.contextmanager
    def bumped_once(cls):
        """Raise the version once as the block ends, if anything in it changed content, instead
        of once per changed row: a load of thousands of rows would otherwise spend seconds on
        it. Use it inside the transaction that makes the changes."""
        changes = []
        token = _gathered_changes.set(changes)
        try:
            yield
        finally:
            _gathered_changes.reset(token)
        if changes:
            cls.bump()
            changed_in_bulk.send(sender=cls)


# Sent as a ContentVersion.bumped_once() block that changed content ends, inside its
# transaction: what is worked out from content row by row (the search index) skips the rows
# while gathering_changes() and works everything out once here instead.
changed_in_bulk = Signal()


def gathering_changes():
    """Whether a ContentVersion.bumped_once() block is running."""
    return _gathered_changes.get() is not None


# While ContentVersion.bumped_once() runs: the list the changes in its block are noted in.
_gathered_changes = contextvars.ContextVar("gathered_content_changes", default=None)


def bump_content_version(sender, action=None, **kwargs):
    """Raise the content version with every change to content, inside the transaction that
    makes it: readers see the new number exactly when they can see the change."""
    if action is not None and not action.startswith("post_"):
        return  # m2m_changed fires before and after; once is enough
    gathered = _gathered_changes.get()
    if gathered is None:
        ContentVersion.bump()
    elif not gathered:
        gathered.append(sender)


def count_content_changes(app_config, *derived):
    """Raise the content version whenever a row of this app's models changes (their link
    tables included), except the `derived` models, which are worked out from content. Each
    app that holds content calls this from its ready()."""
    from django.db.models.signals import m2m_changed, post_delete, post_save

    for model in app_config.get_models(include_auto_created=True):
        if model in derived:
            continue
        uid = f"content-version-{model._meta.label_lower}"
        post_save.connect(bump_content_version, sender=model, dispatch_uid=f"{uid}-save")
        post_delete.connect(bump_content_version, sender=model, dispatch_uid=f"{uid}-delete")
        m2m_changed.connect(bump_content_version, sender=model, dispatch_uid=f"{uid}-m2m")


# --- The glossary ---------------------------------------------------------------------------
# Terms live in the foundation, beside references: every text of every app uses them, and a
# term names its map node by slug, checked through links.py's link_targets() like a [[slug]]
# link, so core imports no app above it.

MAX_DEFINITION_CHARACTERS = 300
# Greek letters in names such as PGC-1 alpha and TNF-alpha, spelt out for the term's address.
_GREEK = str.maketrans({"\u03b1": "a", "\u03b2": "b", "\u03b3": "g", "\u03b4": "d", "\u03ba": "k"})
_SPELLING_FORBIDDEN = re.compile(r"[<>&\"'\[\]\n]")


def glossary_anchor(term):
    """The term's id on /glossary/: "PGC-1\u03b1" → "pgc-1a", "Insulin resistance" →
    "insulin-resistance"."""
    return slugify(term.translate(_GREEK))


def glossary_problems(values, other_terms=(), node_slugs=None):
    """(field, message) for each value of a term that the site cannot use. `values` maps field
    names (term, aliases, definition, node) to values as a form cleans them or the file holds
    them; `other_terms` are the other terms (GlossaryTerm or anything with the same fields);
    `node_slugs` the nodes a term may name (by default, the map's as link_targets knows it)."""
    problems = []
    term = values.get("term")
    if not (isinstance(term, str) and term.strip()):
        problems.append(("term", "term must be text"))
        term = ""
    aliases = values.get("aliases", [])
    if not (isinstance(aliases, list) and all(isinstance(a, str) and a.strip() for a in aliases)):
        problems.append(("aliases", "aliases must be a list of words"))
        aliases = []
    for name, spelling in [("term", term), *(("aliases", alias) for alias in aliases)]:
        if _SPELLING_FORBIDDEN.search(spelling):
            problems.append((name, f"“{spelling}” may not hold < > & \" ' [ ] or a line break"))
        elif len(spelling) > 80:
            problems.append((name, f"“{spelling[:20]}…” is longer than 80 characters"))
    if term and not glossary_anchor(term):
        problems.append(("term", f"term “{term}” needs at least one letter or digit"))
    definition = values.get("definition")
    if not (isinstance(definition, str) and definition.strip()):
        problems.append(("definition", "definition must be text"))
    elif len(definition) > MAX_DEFINITION_CHARACTERS:
        problems.append(
            (
                "definition",
                f"definition is {len(definition)} characters long; at most "
                f"{MAX_DEFINITION_CHARACTERS} (a definition is a sentence or two)",
            )
        )
    node = values.get("node") or ""
    if not isinstance(node, str):
        problems.append(("node", "node must be a node's slug"))
    elif node and node not in (
        link_targets().statuses([node]) if node_slugs is None else node_slugs
    ):
        problems.append(("node", f"no node of the map has the slug “{node}”"))
    taken = {}
    for other in other_terms:
        for spelling in [other.term, *other.aliases]:
            taken.setdefault(spelling.casefold(), other.term)
        taken.setdefault(glossary_anchor(other.term), other.term)
    if term and (term.casefold() in taken or glossary_anchor(term) in taken):
        clash = taken.get(term.casefold()) or taken[glossary_anchor(term)]
        problems.append(("term", f"“{term}” is already in the glossary as “{clash}”"))
    seen = {term.casefold()}
    for alias in aliases:
        if alias.casefold() in taken:
            problems.append(
                ("aliases", f"“{alias}” already stands for “{taken[alias.casefold()]}”")
            )
        elif alias.casefold() in seen:
            problems.append(("aliases", f"“{alias}” is listed twice"))
        seen.add(alias.casefold())
    return problems


class GlossaryTermQuerySet(models.QuerySet):
    def entries(self):
        """What texts are marked with (rendering.GlossaryEntry), in one query."""
        page = reverse("articles:glossary")
        return [
            GlossaryEntry(
                anchor=term.anchor,
                term=term.term,
                definition=term.definition,
                spellings=(term.term, *term.aliases),
                url=f"{page}#{term.anchor}",
            )
            for term in self.order_by("term")
        ]


@reversion.register()
class GlossaryTerm(models.Model):
    """A word readers may not know, with a plain definition (Fundamentals level). Texts mark
    its first use when they are rendered; a change here renders again the texts that use it."""

    term = models.CharField(max_length=80, unique=True)
    anchor = models.SlugField(max_length=80, unique=True, editable=False)
    aliases = models.JSONField(
        default=list,
        blank=True,
        help_text='Other spellings that count as a use, e.g. ["myokines"] for "myokine".',
    )
    definition = models.TextField(
        max_length=MAX_DEFINITION_CHARACTERS,
        help_text="One or two plain sentences a reader with no background understands.",
    )
    node = models.SlugField(
        "map node",
        blank=True,
        help_text="The slug of the node of the map this term is about, if there is one.",
    )

    objects = GlossaryTermQuerySet.as_manager()

    class Meta:
        ordering = ["anchor"]

    def __str__(self):
        return self.term

    def save(self, *args, **kwargs):
        self.anchor = glossary_anchor(self.term)
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return f"{reverse('articles:glossary')}#{self.anchor}"

    @property
    def letter(self):
        first = self.anchor[:1].upper()
        return first if first.isalpha() else "#"


# load_content renders every text itself, once, with the glossary it loads: it switches off
# the rendering again of texts that a term's save would otherwise start.
_glossary_renders_suspended = contextvars.ContextVar("glossary_renders_suspended", default=False)


@contextlib.contextmanager
def texts_rendered_by_caller():
    token = _glossary_renders_suspended.set(True)
    try:
        yield
    finally:
        _glossary_renders_suspended.reset(token)


def concrete_markdown_bodies():
    """Every model of stored Markdown text (an article's tier, a node's text), found by class,
    so the foundation names none of the apps above it."""
    found, pending = [], list(MarkdownBody.__subclasses__())
    while pending:
        model = pending.pop()
        pending += model.__subclasses__()
        if not model._meta.abstract and not model._meta.proxy:
            found.append(model)
    return found


def render_texts_using(spellings, anchors):
    """Render again, with the glossary as it now is, every text that uses any of `spellings`
    or is marked with a term at any of `anchors` (a term renamed or removed). Only the stored
    HTML changes: it is worked out from the Markdown, so no version of the text is recorded."""
    if _glossary_renders_suspended.get():
        return
    glossary = GlossaryTerm.objects.entries()
    page = reverse("articles:glossary")
    uses = models.Q(pk__in=[])
    for spelling in filter(None, spellings):
        uses |= models.Q(body_markdown__icontains=spelling)
    for anchor in filter(None, anchors):
        uses |= models.Q(body_html__contains=f'href="{page}#{anchor}"')
    names = link_targets().names()
    for model in concrete_markdown_bodies():
        for text in model._default_manager.filter(uses).only("pk", "body_markdown", "body_html"):
            html = mark_glossary_terms(render_markdown(text.body_markdown, names).html, glossary)
            if html != text.body_html:
                model._default_manager.filter(pk=text.pk).update(body_html=html)


def remember_term_before_change(sender, instance, **kwargs):
    """The row as it is before a save (a restore from history included): the texts marked with
    its old spelling are found by it."""
    instance.previous = (
        GlossaryTerm.objects.filter(pk=instance.pk).values("anchor", "term", "aliases").first()
        if instance.pk
        else None
    )


def render_texts_after_term_change(sender, instance, **kwargs):
    previous = getattr(instance, "previous", None) or {"anchor": "", "term": "", "aliases": []}
    render_texts_using(
        [instance.term, *instance.aliases, previous["term"], *previous["aliases"]],
        [instance.anchor, previous["anchor"]],
    )
