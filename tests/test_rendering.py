"""The one Markdown-to-HTML function: hostile input comes out inert, real Markdown intact."""

import re

import pytest

from apps.core.rendering import clean_html, render_markdown

HOSTILE_INPUTS = [
    "<script>alert(1)</script>",
    "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
    "<scr<script>ipt>alert(1)</scr</script>ipt>",
    '<img src="x" onerror="alert(1)">',
    '<a href="#" onclick="alert(1)">click</a>',
    '<p onmouseover="alert(1)">hover</p>',
    '<div style="background:url(javascript:alert(1))">styled</div>',
    "[click](javascript:alert(1))",
    "[click](JaVaScRiPt:alert(1))",
    "[click](  javascript:alert(1))",
    "[click](java&#x09;script:alert(1))",
    "[click](&#106;avascript:alert(1))",
    '<a href="javascript&colon;alert(1)">x</a>',
    "[data](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    '<a href="data:text/html,<script>alert(1)</script>">x</a>',
    '<a href="vbscript:msgbox(1)">x</a>',
    "![img](javascript:alert(1))",
    '<iframe src="https://evil.example"></iframe>',
    '<iframe srcdoc="<script>alert(1)</script>"></iframe>',
    "<style>body { display: none }</style>",
    '<link rel="stylesheet" href="https://evil.example/x.css">',
    '<meta http-equiv="refresh" content="0;url=https://evil.example">',
    '<object data="x.swf"></object>',
    '<embed src="x.swf">',
    '<svg onload="alert(1)"><circle r="5"/></svg>',
    "<svg><script>alert(1)</script></svg>",
    '<svg><a xlink:href="javascript:alert(1)"><text>x</text></a></svg>',
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)></style>"
    "</mglyph></table></mtext></math>",
    '<math href="javascript:alert(1)">x</math>',
    '<form action="https://evil.example"><input name="q"><button>go</button></form>',
    '<base href="https://evil.example/">',
    "<<script>script>alert(1)<</script>/script>",
    '<a href="https://example.org" target="_blank" hx-get="/admin/">x</a>',
    '<div hx-get="/steal" hx-trigger="load">x</div>',
    '<p class="skip-link" id="main">borrowed hooks</p>',
    "<!--<script>alert(1)</script>-->",
    "<img src=x:alert(1) onerror=eval(src)>",
    '<details open ontoggle="alert(1)"><summary>x</summary></details>',
    '<video><source onerror="alert(1)"></video>',
    '<a href="https://example.org" formaction="javascript:alert(1)">x</a>',
    '<h1 onclick="alert(1)">Second page title</h1>',
    "<template><script>alert(1)</script></template>",
    '<noscript><p title="</noscript><img src=x onerror=alert(1)>"></noscript>',
]

DANGEROUS_OUTPUT = [
    re.compile(
        r"<\s*(script|style|iframe|object|embed|svg|math|form|input|base|meta|link|img"
        r"|video|source|details|template|noscript|h1)\b",
        re.I,
    ),
    re.compile(r"\son\w+\s*=", re.I),
    re.compile(r"(href|src|action|formaction)\s*=\s*[\"']?\s*(javascript|data|vbscript):", re.I),
    re.compile(r"\s(style|hx-[\w-]+|target|srcdoc)\s*=", re.I),
]


def test_there_are_at_least_thirty_hostile_cases():
    assert len(HOSTILE_INPUTS) >= 30


@pytest.mark.parametrize("hostile", HOSTILE_INPUTS)
def test_hostile_input_comes_out_inert(hostile):
    html = render_markdown(f"Before.\n\n{hostile}\n\nAfter.").html
    for pattern in DANGEROUS_OUTPUT:
        assert not pattern.search(html), f"{pattern.pattern} matched in {html!r}"
    assert "Before." in html
    assert "After." in html


@pytest.mark.parametrize("hostile", HOSTILE_INPUTS)
def test_sanitiser_is_stable(hostile):
    """Cleaning clean output changes nothing, so no second pass can wake anything up."""
    once = render_markdown(hostile).html
    assert clean_html(once) == once


def test_only_renderer_classes_survive():
    html = render_markdown('<p class="tier-tab citation">x</p>\n\nText [@a2020].').html
    assert 'class="tier-tab' not in html
    assert '<sup class="citation">' in html


def test_tables_render_intact_without_inline_styles():
    html = render_markdown("| Kind | Effect |\n|:--|--:|\n| HIIT | more GLUT4 |\n").html
    assert "<table>" in html
    assert "<th>Kind</th>" in html
    assert "<td>HIIT</td>" in html
    assert "style=" not in html


def test_code_is_kept_and_escaped():
    html = render_markdown("Use `<b>` here.\n\n```\nx = 1 < 2\n```\n").html
    assert "<code>&lt;b&gt;</code>" in html
    assert "<pre><code>x = 1 &lt; 2\n</code></pre>" in html


def test_links_keep_safe_urls():
    html = render_markdown(
        "[doi](https://doi.org/10.1/x) [mail](mailto:a@b.org) [rel](/articles/) [frag](#ref-a)"
    ).html
    assert '<a href="https://doi.org/10.1/x">doi</a>' in html
    assert '<a href="mailto:a@b.org">mail</a>' in html
    assert '<a href="/articles/">rel</a>' in html
    assert '<a href="#ref-a">frag</a>' in html


def test_headings_get_anchors_and_a_table_of_contents():
    rendered = render_markdown("## Energy stress\n\nText.\n\n### AMPK senses it\n\nMore.\n")
    assert '<h2 id="energy-stress">Energy stress</h2>' in rendered.html
    assert '<h3 id="ampk-senses-it">AMPK senses it</h3>' in rendered.html
    assert '<a href="#energy-stress">Energy stress</a>' in rendered.toc_html
    assert '<a href="#ampk-senses-it">AMPK senses it</a>' in rendered.toc_html


def test_single_heading_gets_no_table_of_contents():
    assert render_markdown("## Only one\n\nText.").toc_html == ""


def test_footnotes_render():
    html = render_markdown("Claim.[^1]\n\n[^1]: The note.\n").html
    assert 'class="footnote-ref" href="#fn:1"' in html
    assert '<li id="fn:1">' in html
    assert "The note." in html


def test_citations_are_numbered_in_reading_order():
    rendered = render_markdown(
        "- listed first [@bravo2001]\n\nThen [@alpha2000; @bravo2001] and [@charlie2002].\n"
    )
    assert rendered.citation_keys == ["bravo2001", "alpha2000", "charlie2002"]
    assert (
        '<sup class="citation">[<a href="#ref-bravo2001" id="cite-bravo2001-1">1</a>]</sup>'
        in rendered.html
    )
    assert (
        '<sup class="citation">[<a href="#ref-alpha2000" id="cite-alpha2000-1">2</a>, '
        '<a href="#ref-bravo2001" id="cite-bravo2001-2">1</a>]'
    ) in rendered.html
    assert '<a href="#ref-charlie2002" id="cite-charlie2002-1">3</a>' in rendered.html


def test_citation_syntax_inside_code_is_left_alone():
    rendered = render_markdown("Write `[@key]` to cite.")
    assert rendered.citation_keys == []
    assert "<code>[@key]</code>" in rendered.html


def test_reading_time_follows_length():
    assert render_markdown("word " * 150).reading_minutes == 1
    assert render_markdown("word " * 1000).reading_minutes == 5


def test_node_links_show_the_node_name_or_the_given_words():
    rendered = render_markdown(
        "The [[ampk]] sensor and [[pgc-1a|a master switch]], then [[ampk]] again.",
        {"ampk": "AMPK", "pgc-1a": "PGC-1\u03b1"},
    )
    assert '<a class="node-link" href="/explorer/ampk/">AMPK</a>' in rendered.html
    assert '<a class="node-link" href="/explorer/pgc-1a/">a master switch</a>' in rendered.html
    assert rendered.node_slugs == ["ampk", "pgc-1a", "ampk"]
    assert rendered.word_count == 10


def test_node_link_syntax_inside_code_and_malformed_slugs_stay_text():
    rendered = render_markdown("Write `[[ampk]]` to link. Not a slug: [[AMP kinase]].")
    assert "<code>[[ampk]]</code>" in rendered.html
    assert "Not a slug: AMP kinase." in rendered.html
    assert rendered.node_slugs == ["AMP kinase"]  # reported to the author by the loader


def test_node_link_text_is_escaped_and_authors_cannot_borrow_its_class():
    rendered = render_markdown(
        '[[ampk|<img src=x onerror=alert(1)>]] <a class="node-link" href="javascript:x">y</a>'
    )
    assert "onerror" not in rendered.html.replace("&lt;", "")
    assert "<img" not in rendered.html
    assert "javascript:" not in rendered.html
