"""A page of the site and the references it cites, written in the formats reference managers
read: BibTeX (by bibtexparser), RIS (by rispy) and CSL-JSON (the Citation Style Language's data
schema, plain JSON). Every format is made from one `Citable` record, so they say the same."""

import datetime
import json
import re
from dataclasses import dataclass, field

import bibtexparser
import rispy
from bibtexparser.model import Entry, Field

SITE_NAME = "Exercise Signals"


@dataclass
class Citable:
    """One thing to cite: a page of this site or a published study."""

    key: str
    kind: str  # "webpage" or "article-journal" (CSL's names for the two)
    title: str
    authors: list[tuple[str, str]] = field(default_factory=list)  # (family, given)
    year: int | None = None
    date: datetime.date | None = None  # a page's last-reviewed date
    container: str = ""  # the journal, or the site for a page
    volume: str = ""
    issue: str = ""
    pages: str = ""
    doi: str = ""
    pmid: int | None = None
    pmcid: str = ""
    url: str = ""
    note: str = ""


def split_name(name):
    """ "Hardie DG" (PubMed's order: family name, then initials) as ("Hardie", "DG")."""
    family, _, given = name.strip().rpartition(" ")
    if not family or not given.isupper():
        return (name.strip(), "")
    return (family, given)


def reference_citable(reference):
    return Citable(
        key=reference.key,
        kind="article-journal",
        title=reference.title,
        authors=[split_name(name) for name in reference.authors],
        year=reference.year,
        container=reference.journal,
        volume=reference.volume,
        issue=reference.issue,
        pages=reference.pages,
        doi=reference.doi,
        pmid=reference.pmid,
        pmcid=reference.pmcid,
        url=reference.doi_url,
    )


def page_citable(key, title, url, reviewed):
    """A page of the site. It has no personal author: the site is its author and publisher."""
    return Citable(
        key=key,
        kind="webpage",
        title=title,
        year=reviewed.year if reviewed else None,
        date=reviewed,
        container=SITE_NAME,
        url=url,
        note=f"Last reviewed {reviewed.isoformat()}" if reviewed else "",
    )


def page_key(*parts):
    """A citation key from a page's slug and tier: letters and digits only."""
    return "exercisesignals" + "".join(re.sub(r"[^a-z0-9]", "", part.lower()) for part in parts)


# BibTeX


def bibtex_text(value):
    """BibTeX groups with braces and LaTeX reads % as a comment and & as a table column; the
    rest of Unicode is fine in biber, and in BibTeX with UTF-8 input."""
    value = value.replace("\\", "").replace("{", "").replace("}", "")
    return value.replace("%", r"\%").replace("&", r"\&")


def bibtex_entry(item):
    # bibtexparser encloses each value in braces; the title's own pair keeps its capitals.
    values = [("title", "{" + bibtex_text(item.title) + "}")]
    if item.authors:
        names = [f"{family}, {given}" if given else family for family, given in item.authors]
        values.append(("author", " and ".join(bibtex_text(name) for name in names)))
    else:
        values.append(("author", "{" + SITE_NAME + "}"))  # braced: a body, not a person
    if item.kind == "webpage":
        values.append(("organization", SITE_NAME))
        if item.date:
            values.append(("date", item.date.isoformat()))
    else:
        values.append(("journal", bibtex_text(item.container)))
    if item.year:
        values.append(("year", str(item.year)))
    for name in ("volume", "pages"):
        if getattr(item, name):
            values.append((name, bibtex_text(getattr(item, name))))
    if item.issue:
        values.append(("number", bibtex_text(item.issue)))
    if item.doi:
        values.append(("doi", item.doi))
    if item.pmid:
        values.append(("pmid", str(item.pmid)))
    if item.pmcid:
        values.append(("pmcid", item.pmcid))
    if item.url:
        values.append(("url", item.url))
    if item.note:
        values.append(("note", item.note))
    entry_type = "online" if item.kind == "webpage" else "article"
    return Entry(entry_type, item.key, [Field(name, value) for name, value in values])


def to_bibtex(items):
    return bibtexparser.write_string(bibtexparser.Library([bibtex_entry(item) for item in items]))


# RIS


def ris_record(item):
    record = {
        "type_of_reference": "ELEC" if item.kind == "webpage" else "JOUR",
        "id": item.key,
        "title": item.title,
    }
    if item.authors:
        record["authors"] = [
            f"{family}, {given}" if given else family for family, given in item.authors
        ]
    else:
        record["authors"] = [SITE_NAME]
    if item.kind == "webpage":
        record["publisher"] = SITE_NAME
        if item.date:
            record["date"] = item.date.strftime("%Y/%m/%d")
    elif item.container:
        record["journal_name"] = item.container
    if item.year:
        record["year"] = str(item.year)
    if item.volume:
        record["volume"] = item.volume
    if item.issue:
        record["number"] = item.issue
    if item.pages:
        # A hyphen or an en dash (U+2013) between the first and last page.
        start, *end = re.split(r"\s*[-\u2013]\s*", item.pages, maxsplit=1)
        record["start_page"] = start
        if end:
            record["end_page"] = end[0]
    if item.doi:
        record["doi"] = item.doi
    if item.pmid:
        # PubMed's own RIS export puts the PMID in AN (accession number).
        record["accession_number"] = str(item.pmid)
        record["name_of_database"] = "PubMed"
    if item.pmcid:
        record["custom2"] = item.pmcid  # C2, where PubMed puts the PMCID
    if item.url:
        record["urls"] = [item.url]
    if item.note:
        record["notes"] = [item.note]
    return record


class PlainRisWriter(rispy.RisWriter):
    """RIS as the format defines it: rispy numbers each record ("1.") by default, a line that
    is not a tag and that some reference managers stumble on."""

    def set_header(self, count):
        return ""


def to_ris(items):
    return rispy.dumps([ris_record(item) for item in items], implementation=PlainRisWriter)


# CSL-JSON (https://github.com/citation-style-language/schema, csl-data.json)


def csl_item(item):
    data = {"id": item.key, "type": item.kind, "title": item.title}
    if item.authors:
        data["author"] = [
            {"family": family, "given": given} if given else {"literal": family}
            for family, given in item.authors
        ]
    else:
        data["author"] = [{"literal": SITE_NAME}]
    if item.container:
        data["container-title"] = item.container
    if item.kind == "webpage":
        data["publisher"] = SITE_NAME
    if item.date:
        data["issued"] = {"date-parts": [[item.date.year, item.date.month, item.date.day]]}
    elif item.year:
        data["issued"] = {"date-parts": [[item.year]]}
    for name, value in (("volume", item.volume), ("issue", item.issue), ("page", item.pages)):
        if value:
            data[name] = value
    if item.doi:
        data["DOI"] = item.doi
    if item.pmid:
        data["PMID"] = str(item.pmid)
    if item.pmcid:
        data["PMCID"] = item.pmcid
    if item.url:
        data["URL"] = item.url
    if item.note:
        data["note"] = item.note
    return data


def to_csl_json(items):
    return json.dumps([csl_item(item) for item in items], ensure_ascii=False, indent=2) + "\n"


FORMATS = {
    # extension: (writer, content type)
    "bib": (to_bibtex, "application/x-bibtex; charset=utf-8"),
    "ris": (to_ris, "application/x-research-info-systems; charset=utf-8"),
    "json": (to_csl_json, "application/vnd.citationstyles.csl+json; charset=utf-8"),
}


def citation_download(items, extension, filename):
    """`items` as a file of the format `extension` names, offered as a download."""
    from django.http import HttpResponse

    write, content_type = FORMATS[extension]
    response = HttpResponse(write(items), content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}.{extension}"'
    return response
