"""Markdown to safe HTML: the one place where that happens.

Called when content is loaded or saved (and by the admin preview), never while serving a page.
"""

import contextlib
import functools
import hashlib
import math
import re
import signal
import threading
import xml.etree.ElementTree as etree
from dataclasses import dataclass, field
from html import escape
from html.parser import HTMLParser

import bleach
import bleach.sanitizer
import markdown
from markdown.extensions import Extension
from markdown.inlinepatterns import InlineProcessor
from markdown.treeprocessors import Treeprocessor

from .links import link_targets

# [@key] or [@key1; @key2]
CITATION_PATTERN = r"\[(@[^\]\n]+)\]"
# [[slug]] or [[slug|shown text]]: a link to a node of the mechanism explorer.
NODE_LINK_PATTERN = r"\[\[([^\]|\n]+?)(?:\|([^\]\n]+))?\]\]"
CITATION_KEY = re.compile(r"^[a-z0-9]+$")
WORDS_PER_MINUTE = 200

# Limits on one text, so that no text can stall the site (README, "For editors"). The longest
# shipped tier is about 15,000 characters; rendering is bounded in CPU time as well, because
# some short inputs (thousands of unclosed "[", say) make Python-Markdown quadratic.
MAX_MARKDOWN_CHARACTERS = 40_000
MAX_NESTING = 16  # lists inside lists, quotes inside quotes
RENDER_CPU_SECONDS = 1.0
_LIST_ITEM = re.compile(r"^([ \t]*)(?:[-*+]|\d{1,9}[.)])(?:[ \t]|$)")
_QUOTES = re.compile(r"^[ \t]*((?:>[ \t]?)+)")


class MarkdownRefused(ValueError):
    """A text the renderer will not render, with a message for its author and the line (in
    the text, from 1) where the trouble starts."""

    def __init__(self, message, line=1):
        super().__init__(message)
        self.message, self.line = message, line


class _OutOfTime(Exception):
    pass


TOO_SLOW = (
    f"This text takes more than {RENDER_CPU_SECONDS:g} s to render, so it was not rendered. "
    "Long runs of unclosed brackets “[”, “<” or “(” cause this; close or remove them."
)
# Digests of the texts this process found too slow lately, oldest first.
_too_slow: dict[bytes, bool] = {}


def refuse_unbounded(text: str) -> None:
    """Raise MarkdownRefused for a text over the limits that can be checked before rendering:
    its length, and how deeply its lists and quotes nest. Linear in the text."""
    if len(text) > MAX_MARKDOWN_CHARACTERS:
        raise MarkdownRefused(
            f"This text is {len(text):,} characters long; one text may have at most "
            f"{MAX_MARKDOWN_CHARACTERS:,}. Split it, or move some of it to another tier or page."
        )
    for number, line in enumerate(text.split("\n"), start=1):
        item = _LIST_ITEM.match(line)
        depth = len(item.group(1).expandtabs(4)) // 4 + 1 if item else 0
        quotes = _QUOTES.match(line)
        depth = max(depth, quotes.group(1).count(">") if quotes else 0)
        if depth > MAX_NESTING:
            raise MarkdownRefused(
                f"Lists or quotes are nested {depth} deep here; at most {MAX_NESTING} levels "
                "are allowed.",
                number,
            )


@contextlib.contextmanager
def _cpu_time_limit(seconds):
    """Raise _OutOfTime in the block once this process has used `seconds` of CPU time in it.

    Only the main thread receives signals: that is where gunicorn's workers and manage.py run
    everything. Elsewhere (Django's test server threads) the block runs unbounded, and the
    checks in refuse_unbounded are what stand."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def out_of_time(signum, frame):
        raise _OutOfTime

    previous = signal.signal(signal.SIGPROF, out_of_time)
    signal.setitimer(signal.ITIMER_PROF, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_PROF, 0)
        signal.signal(signal.SIGPROF, previous)


ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "code", "dd", "del", "div", "dl", "dt", "em",
    "h2", "h3", "h4", "h5", "h6", "hr", "i", "li", "ol", "p", "pre", "span", "strong", "sub",
    "sup", "table", "tbody", "td", "tfoot", "th", "thead", "tr", "ul",
}  # fmt: skip
ALLOWED_PROTOCOLS = {"http", "https", "mailto"}
# Classes the renderer itself emits; anything else an author writes is dropped, so content
# can never borrow the site's own hooks.
ALLOWED_CLASSES = {"citation", "footnote", "footnote-ref", "footnote-backref", "node-link", "toc"}
ID_ATTRIBUTE_TAGS = {"h2", "h3", "h4", "h5", "h6", "li", "sup"}


def _allowed_attribute(tag, name, value):
    if name == "class":
        return value in ALLOWED_CLASSES or (tag == "code" and value.startswith("language-"))
    if name == "id":
        # A citation marker's own id (number_citations), which its reference links back to.
        return tag in ID_ATTRIBUTE_TAGS or (tag == "a" and CITATION_MARKER_ID.match(value))
    if tag == "a":
        return name in {"href", "title"}
    if tag == "abbr":
        return name == "title"
    if tag == "th":
        return name == "scope"
    if tag == "ol":
        return name == "start"
    return False


# bleach's Cleaner is costly to build and not safe to share between threads: one per thread.
_cleaners = threading.local()


def clean_html(html: str) -> str:
    """Remove everything outside the allowlist: the only call to the sanitiser."""
    if not html:
        return ""
    cleaner = getattr(_cleaners, "cleaner", None)
    if cleaner is None:
        cleaner = _cleaners.cleaner = bleach.sanitizer.Cleaner(
            tags=ALLOWED_TAGS,
            attributes=_allowed_attribute,
            protocols=ALLOWED_PROTOCOLS,
            strip=True,
            strip_comments=True,
        )
    return cleaner.clean(html)


class _TagCollector(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags = []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)

    def parse_marked_section(self, i, report=True):
        # The standard library raises AssertionError on "<![x" that is not CDATA; a browser
        # reads it as a bogus comment up to the next ">", and so does this.
        try:
            return super().parse_marked_section(i, report)
        except AssertionError:
            end = self.rawdata.find(">", i)
            return -1 if end < 0 else end + 1


def disallowed_tags(html: str) -> list[str]:
    """Tags in `html` that clean_html would strip, each once, in order of first use."""
    collector = _TagCollector()
    try:
        collector.feed(html)
        collector.close()
    except AssertionError:  # any other markup the standard parser gives up on: what it read
        pass
    return list(dict.fromkeys(tag for tag in collector.tags if tag not in ALLOWED_TAGS))


def citation_keys_in(marker_text: str) -> list[str]:
    """`@a; @b` -> ["a", "b"]"""
    return [part.strip().removeprefix("@").strip() for part in marker_text.split(";")]


class CitationProcessor(InlineProcessor):
    """Marks each cited key; numbers are given afterwards, in document order.

    (Python-Markdown processes nested blocks after their parents, so numbering here would not
    follow reading order.)
    """

    def handleMatch(self, match, data):
        sup = etree.Element("sup", {"class": "citation"})
        sup.text = "["
        for position, key in enumerate(citation_keys_in(match.group(1))):
            if position:
                sup[-1].tail = ", "
            link = etree.SubElement(sup, "a", {"href": f"#ref-{key}", "class": "citation"})
            link.text = key
        sup[-1].tail = "]"
        return sup, match.start(0), match.end(0)


class CitationExtension(Extension):
    def extendMarkdown(self, md):
        # Above links (160) so "[@key]" is never read as a link; below code spans (190).
        md.inlinePatterns.register(CitationProcessor(CITATION_PATTERN, md), "citation", 176)


class NodeLinkProcessor(InlineProcessor):
    def __init__(self, pattern, md, node_names, found):
        super().__init__(pattern, md)
        self.node_names, self.found = node_names, found

    def handleMatch(self, match, data):
        slug, shown = match.group(1).strip(), (match.group(2) or "").strip()
        self.found.append(slug)
        text = shown or self.node_names.get(slug, slug)
        href = link_targets().url(slug)
        if href is None:  # not even slug-shaped: the caller reports it by name
            return text, match.start(0), match.end(0)
        link = etree.Element("a", {"href": href, "class": "node-link"})
        link.text = text
        return link, match.start(0), match.end(0)


class NodeLinkExtension(Extension):
    def __init__(self, node_names, found):
        super().__init__()
        self.node_names, self.found = node_names, found

    def extendMarkdown(self, md):
        # Before citations and links, so "[[ampk]]" is never read as a link reference.
        md.inlinePatterns.register(
            NodeLinkProcessor(NODE_LINK_PATTERN, md, self.node_names, self.found), "node_link", 177
        )


# Way onward (issue 15) ------------------------------------------------------------------------
# "## Which kind of exercise is best? {#which-exercise}" gives a heading an anchor of the
# author's choosing, so the sections of the three tiers that cover the same ground can share
# one and switching tier can land on it. Only this form, only on headings (not Python-Markdown's
# attr_list, which would take any attribute on any block). Names the page itself uses, and a
# name used twice in one text, are left as written, so the author sees them in the preview.
HEADING_ANCHOR = re.compile(r"[ \t]*\{#([a-z][a-z0-9-]{0,59})\}[ \t]*$")
RESERVED_ANCHOR_PREFIXES = ("ref-", "cite-", "fn", "tab-", "node-", "tier-", "toc", "references")
CITATION_MARKER_ID = re.compile(r"^cite-[a-z0-9]+-[1-9][0-9]{0,3}$")


class HeadingAnchorProcessor(Treeprocessor):
    def run(self, root):
        used = set()
        for heading in root.iter():
            if heading.tag not in {"h1", "h2", "h3", "h4", "h5", "h6"}:
                continue
            holder = heading[-1] if len(heading) else heading
            text = (holder.tail if len(heading) else holder.text) or ""
            found = HEADING_ANCHOR.search(text)
            if not found or found.group(1) in used:
                continue
            if found.group(1).startswith(RESERVED_ANCHOR_PREFIXES):
                continue
            used.add(found.group(1))
            heading.set("id", found.group(1))
            if len(heading):
                holder.tail = text[: found.start()]
            else:
                holder.text = text[: found.start()]


class HeadingAnchorExtension(Extension):
    def extendMarkdown(self, md):
        # After inline patterns (20), before the table of contents (5) names what is left.
        md.treeprocessors.register(HeadingAnchorProcessor(md), "heading_anchor", 7)


CITATION_LINK = re.compile(r'<a class="citation" href="#ref-([^"<]*)">\1</a>')


def number_citations(html: str) -> tuple[str, list[str], dict[str, int]]:
    """Number citation markers in order of first use. Each marker gets its own id,
    cite-<key>-<n> for the key's n-th use, so the reference list can link back to every place a
    source is cited; returns the HTML, the keys in order and how many times each is used."""
    keys: list[str] = []
    uses: dict[str, int] = {}

    def numbered(match):
        key = match.group(1)
        if key not in keys:
            keys.append(key)
        uses[key] = uses.get(key, 0) + 1
        return f'<a href="#ref-{key}" id="cite-{key}-{uses[key]}">{keys.index(key) + 1}</a>'

    html = CITATION_LINK.sub(numbered, html)
    return html, keys, uses


# End of way onward ----------------------------------------------------------------------------


@dataclass
class Rendered:
    html: str
    toc_html: str
    citation_keys: list[str] = field(default_factory=list)
    citation_uses: dict[str, int] = field(default_factory=dict)  # key -> markers citing it
    word_count: int = 0
    node_slugs: list[str] = field(default_factory=list)  # every [[slug]], in order, repeats kept
    dropped_tags: list[str] = field(default_factory=list)  # what the sanitiser removed

    @property
    def reading_minutes(self) -> int:
        return max(1, math.ceil(self.word_count / WORDS_PER_MINUTE))


def render_markdown(text: str, node_names: dict[str, str] | None = None) -> Rendered:
    """Turn an author's Markdown into sanitised HTML, a table of contents and its citations.

    Citations are numbered in order of first use. `node_names` maps node slugs to the names a
    bare [[slug]] shows. Unknown citation keys and node slugs are not checked here: the caller
    knows which exist and where the text came from, so it reports them.

    Raises MarkdownRefused for a text over the limits (refuse_unbounded), nested too deeply
    for the renderer, or taking more than RENDER_CPU_SECONDS to render.
    """
    refuse_unbounded(text)
    # Keyed as normalise_markdown would store it: a form checks the stored form of a text and
    # then previews it as typed.
    digest = hashlib.sha256(text.replace("\r\n", "\n").strip("\n").encode()).digest()
    if digest in _too_slow:  # the same request often renders a text twice (check, then show)
        raise MarkdownRefused(TOO_SLOW)
    try:
        with _cpu_time_limit(RENDER_CPU_SECONDS):
            return _render(text, node_names)
    except _OutOfTime:
        _cleaners.cleaner = None  # it may have been stopped halfway: start the next afresh
        _too_slow[digest] = True
        while len(_too_slow) > 64:
            del _too_slow[next(iter(_too_slow))]
        raise MarkdownRefused(TOO_SLOW) from None
    except RecursionError:
        raise MarkdownRefused(
            "Emphasis, links or lists are nested too deeply here to render; simplify them."
        ) from None


def _render(text, node_names):
    node_slugs: list[str] = []
    converter = markdown.Markdown(
        extensions=[
            "tables",
            "fenced_code",
            "footnotes",
            "sane_lists",
            "toc",
            CitationExtension(),
            NodeLinkExtension(node_names or {}, node_slugs),
            HeadingAnchorExtension(),
        ],
        extension_configs={"toc": {"toc_depth": "2-3"}},
        output_format="html",
    )
    html, citation_keys, citation_uses = number_citations(converter.convert(text))
    headings = sum(1 + len(token["children"]) for token in converter.toc_tokens)
    toc_html = converter.toc if headings >= 2 else ""
    plain_text = re.sub(
        NODE_LINK_PATTERN,
        lambda link: f" {link.group(2) or link.group(1)} ",
        re.sub(CITATION_PATTERN, " ", text),
    )
    return Rendered(
        html=clean_html(html),
        toc_html=clean_html(toc_html),
        citation_keys=citation_keys,
        citation_uses=citation_uses,
        word_count=len(re.findall(r"[\w'\u2019-]+", plain_text)),
        node_slugs=node_slugs,
        dropped_tags=disallowed_tags(html),
    )


def normalise_markdown(text: str) -> str:
    """LF line ends and one final newline: how content/ stores a text and how it is compared.

    (Browsers send a textarea with CRLF line ends.)
    """
    return text.replace("\r\n", "\n").strip("\n") + "\n"


def find_line(text: str, needle: str) -> int:
    """1-based line of the first occurrence of needle in text (1 if absent)."""
    index = text.find(needle)
    return text.count("\n", 0, index) + 1 if index >= 0 else 1


# --- Glossary terms -------------------------------------------------------------------------
# The first use of each glossary term in a text becomes a link to the term on /glossary/, with
# its definition beside it for hover, focus and tap (the popup's CSS and Escape are in
# static/css/site.css and static/js/site.js). It runs on the sanitised HTML, right after
# render_markdown, when a text is saved or loaded: the markup it adds is the site's own, so
# authors cannot write it, and a definition is always escaped text.


@dataclass(frozen=True)
class GlossaryEntry:
    anchor: str  # the term's id on the glossary page
    term: str
    definition: str
    spellings: tuple[str, ...]  # the term and its aliases: each counts as a use
    url: str  # the term on the glossary page


# Inside these a term is left as it is: headings, links (citation markers are links in <sup>),
# code, and markup that is already an explanation.
GLOSSARY_SKIPPED_TAGS = {
    "a", "abbr", "code", "pre", "sup", "h1", "h2", "h3", "h4", "h5", "h6", "dfn", "kbd", "samp",
}  # fmt: skip
_HTML_TAG = re.compile(r"(<[^>]*>)")
_TAG_NAME = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9]*)")
_HTML_ENTITY = re.compile(r"(&(?:#[0-9]+|#[xX][0-9a-fA-F]+|[A-Za-z][A-Za-z0-9]*);)")


def _fold(text):
    """One key for every spelling the pattern matches regardless of case. The regex module
    also matches letters whose capital is an ASCII one (a dotless i for "i", the Kelvin sign
    for "k"), which casefold() alone keeps apart."""
    return text.upper().casefold()


@functools.lru_cache(maxsize=4)  # a load or a term's save marks many texts with one glossary
def glossary_pattern(glossary: tuple[GlossaryEntry, ...]):
    """(regex matching any spelling as a whole word, entry by casefolded spelling)."""
    by_spelling = {}
    for entry in glossary:
        for spelling in entry.spellings:
            by_spelling.setdefault(_fold(spelling), entry)
    # Longest first, so "insulin resistance" wins over "insulin" and "mTORC1" over "mTOR".
    spellings = sorted(by_spelling, key=lambda spelling: (-len(spelling), spelling))
    alternatives = "|".join(re.escape(spelling) for spelling in spellings)
    return re.compile(rf"(?<![\w-])(?:{alternatives})(?!\w)", re.IGNORECASE), by_spelling


def mark_glossary_terms(html: str, glossary) -> str:
    """`html` (clean_html's output) with the first use of each term of `glossary` marked.

    A use counts outside headings, links, code and citation markers only. bleach escapes "<"
    and ">" in text and attribute values, so splitting on tags is exact here.
    """
    if not html or not glossary:
        return html
    pattern, by_spelling = glossary_pattern(tuple(glossary))
    # Ids unique on a page that shows two texts (an article and a node's preview card).
    text_id = hashlib.sha256(html.encode()).hexdigest()[:6]
    marked = set()

    def mark(match):
        entry = by_spelling.get(_fold(match[0]))
        if entry is None or entry.anchor in marked:
            return match[0]
        marked.add(entry.anchor)
        popup_id = f"glossary-{entry.anchor}-{text_id}"
        # The popup comes first: shown, it sits in the line before the word, so it cannot
        # break the kerning between the word and the punctuation after it.
        return (
            f'<span class="glossary-term"><span class="glossary-popup" id="{popup_id}" '
            f'role="tooltip">{escape(entry.definition)}</span><a class="glossary-link" '
            f'href="{escape(entry.url)}" aria-describedby="{popup_id}">{match[0]}</a></span>'
        )

    output, skipped_depth, in_node_link = [], 0, False
    for token in _HTML_TAG.split(html):
        if token.startswith("<"):
            tag = _TAG_NAME.match(token)
            if tag and tag[2].lower() in GLOSSARY_SKIPPED_TAGS and not token.endswith("/>"):
                skipped_depth = max(0, skipped_depth + (-1 if tag[1] else 1))
                if tag[2].lower() == "a":
                    in_node_link = not tag[1] and 'class="node-link"' in token
            output.append(token)
        elif skipped_depth or not token.strip():
            if in_node_link:
                # A [[slug]] link to the map already explains its words (its preview card):
                # a term there is used, and is not marked again later in the text.
                found = (by_spelling.get(_fold(word)) for word in pattern.findall(token))
                marked.update(entry.anchor for entry in found if entry is not None)
            output.append(token)
        else:
            # Never inside a character reference: "&amp;" holds no term "amp".
            for index, piece in enumerate(_HTML_ENTITY.split(token)):
                output.append(piece if index % 2 else pattern.sub(mark, piece))
    return "".join(output)
