"""How hard a tier's text is to read, measured against what readers of that tier expect.

The Flesch-Kincaid grade is a rough school-grade figure from sentence and word length. It is a
prompt for the editor, not a rule: a tier that misses its target gets a warning, never a refusal.
"""

import re
from dataclasses import dataclass

import textstat

from apps.core.models import Tier

FUNDAMENTALS_MAX = 8
INTERMEDIATE_BAND = (8, 13)
# Academic text should read clearly harder than the Intermediate text of the same page. The
# project's own articles sit about two grades apart; 1.5 leaves room for short node texts.
ACADEMIC_LEAD = 1.5
# With no Intermediate text to compare with, the Academic text should at least leave the
# Intermediate band's easy end behind.
ACADEMIC_MIN = INTERMEDIATE_BAND[0] + ACADEMIC_LEAD


def prose(markdown):
    """Markdown reduced to sentences a reader reads (no headings, tables or citations)."""
    lines = [
        line
        for line in markdown.splitlines()
        if line.strip() and not line.lstrip().startswith(("#", "|"))
    ]
    text = re.sub(r"\[@[^\]]+\]", "", "\n".join(lines))
    text = re.sub(r"\[\[(?:[^\]|]+\|)?([^\]]+)\]\]", r"\1", text)  # [[slug|words]] -> words
    return re.sub(r"[*_>`]|^\s*(?:[-+]|\d+\.)\s+", "", text, flags=re.M)


def grade(markdown):
    """The Flesch-Kincaid grade of a Markdown text's prose, or None when it has no words."""
    text = prose(markdown)
    if not text.split():
        return None
    return round(textstat.flesch_kincaid_grade(text), 1)


@dataclass
class Readability:
    grade: float | None
    target: str  # the tier's aim, in words, e.g. "grade 8 or lower"
    warning: str  # empty when the text meets its aim (or nothing can be said yet)


def readability(markdown, tier, intermediate_markdown=None):
    """The grade of `markdown` against the aim of `tier` (a Tier value, or None if unknown).

    For the Academic tier, `intermediate_markdown` is the same page's Intermediate text as
    the editor has it now (saved or not): Academic must read harder than it.
    """
    found = grade(markdown)
    if tier == Tier.FUNDAMENTALS:
        target = f"grade {FUNDAMENTALS_MAX} or lower"
        too_hard = found is not None and found > FUNDAMENTALS_MAX
        warning = (
            f"Harder than Fundamentals readers expect: aim for {target}. Shorter sentences "
            "and everyday words bring it down."
            if too_hard
            else ""
        )
        return Readability(found, target, warning)
    if tier == Tier.INTERMEDIATE:
        low, high = INTERMEDIATE_BAND
        target = f"grade {low} to {high}"
        warning = ""
        if found is not None and found < low:
            warning = (
                f"As easy as the Fundamentals text: aim for {target}, with the named "
                "hormones, pathways and protocols this depth promises."
            )
        elif found is not None and found > high:
            warning = (
                f"Harder than Intermediate readers expect: aim for {target}. Split long "
                "sentences; keep the full detail for Academic."
            )
        return Readability(found, target, warning)
    if tier == Tier.ACADEMIC:
        intermediate = grade(intermediate_markdown) if intermediate_markdown else None
        floor = ACADEMIC_MIN if intermediate is None else intermediate + ACADEMIC_LEAD
        target = (
            f"grade {floor:g} or higher"
            if intermediate is None
            else f"at least {ACADEMIC_LEAD:g} grades above the Intermediate text "
            f"(grade {intermediate:g})"
        )
        warning = (
            f"Reads too easily for the Academic depth: aim for {target}. This depth carries "
            "the mechanisms and the evidence in full."
            if found is not None and found < floor
            else ""
        )
        return Readability(found, target, warning)
    return Readability(found, "", "")
