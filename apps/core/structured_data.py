"""What the site tells search engines and other programs about its pages and data: the
licence, schema.org JSON-LD and a reference as schema.org describes a paper."""

import json

from django.utils.safestring import mark_safe

SITE_NAME = "Exercise Signals"
# The text and the map's data are free to reuse with credit. The README's "Open data" section,
# graph.json and the explorer page say so with these words and this address.
LICENCE_NAME = "CC BY 4.0"
LICENCE_TITLE = "Creative Commons Attribution 4.0 International"
LICENCE_URL = "https://creativecommons.org/licenses/by/4.0/"

# What Django's json_script escapes: with these, no value can end the <script> element early.
JSON_IN_HTML_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


def reference_data(reference):
    """A Reference as plain values, every field, for graph.json and the CSV files."""
    return {
        "key": reference.key,
        "authors": list(reference.authors),
        "year": reference.year,
        "title": reference.title,
        "journal": reference.journal,
        "volume": reference.volume,
        "issue": reference.issue,
        "pages": reference.pages,
        "doi": reference.doi,
        "pmid": reference.pmid,
        "pmcid": reference.pmcid,
    }


def scholarly_article(reference):
    """A Reference as schema.org's ScholarlyArticle, for a page's `citation` list."""
    data = {
        "@type": "ScholarlyArticle",
        "name": reference.title,
        "author": [{"@type": "Person", "name": name} for name in reference.authors],
        "datePublished": str(reference.year),
        "isPartOf": {"@type": "Periodical", "name": reference.journal},
    }
    identifiers = []
    if reference.doi:
        data["url"] = reference.doi_url
        identifiers.append({"@type": "PropertyValue", "propertyID": "DOI", "value": reference.doi})
    if reference.pmid:
        data.setdefault("url", reference.pubmed_url)
        identifiers.append(
            {"@type": "PropertyValue", "propertyID": "PMID", "value": str(reference.pmid)}
        )
    if identifiers:
        data["identifier"] = identifiers
    return data


def json_ld(data):
    """`data` as a <script type="application/ld+json"> element. The JSON is escaped as
    Django's json_script escapes it (JSON_IN_HTML_ESCAPES), so no value can close the element.
    Browsers treat this type as data, never as script, so the CSP (script-src 'self') neither
    runs nor blocks it."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return mark_safe(
        '<script type="application/ld+json">' + text.translate(JSON_IN_HTML_ESCAPES) + "</script>"
    )
