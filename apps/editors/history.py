"""Readable differences between versions that django-reversion recorded.

An editor sees, for each object in a saved version, which fields changed and how: short values
as "before → after", Markdown and other long text as a line-by-line diff with changed words
marked.
"""

from dataclasses import dataclass
from difflib import SequenceMatcher

from django.db import models
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe
from reversion.models import Version

# Stored for speed or derived on save; showing them would repeat the Markdown's own change.
DERIVED_FIELDS = {"id", "body_html", "toc_html", "reading_minutes", "position"}


@dataclass
class FieldChange:
    label: str
    before: str
    after: str
    diff: str = ""  # HTML, for long text


@dataclass
class ObjectChange:
    label: str
    status: str  # "changed", "added" or "removed"
    fields: list[FieldChange]


def shown_value(field, value):
    if value in (None, ""):
        return "(empty)"
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(field, models.ForeignKey):
        related = field.related_model.objects.filter(pk=value).first()
        return str(related) if related else f"(removed, id {value})"
    if isinstance(value, list):
        return ", ".join(str(item) for item in value) or "(empty)"
    return str(value)


def is_long(text):
    return isinstance(text, str) and ("\n" in text or len(text) > 90)


def field_changes(model, before, after):
    """FieldChanges between two {attname: value} dicts (either may be empty)."""
    changes = []
    for field in model._meta.concrete_fields:
        name = field.attname
        if name in DERIVED_FIELDS or name not in {*before, *after}:
            continue
        old, new = before.get(name), after.get(name)
        if old == new:
            continue
        label = str(field.verbose_name)
        label = label[:1].upper() + label[1:]
        if is_long(old) or is_long(new):
            changes.append(FieldChange(label, "", "", text_diff(old or "", new or "")))
        else:
            changes.append(FieldChange(label, shown_value(field, old), shown_value(field, new)))
    return changes


def current_values(instance):
    return {
        field.attname: field.value_from_object(instance) for field in instance._meta.concrete_fields
    }


def word_diff(old, new):
    """One changed line: removed words in <del>, added words in <ins>."""
    old_words, new_words = old.split(" "), new.split(" ")
    parts = []
    matcher = SequenceMatcher(None, old_words, new_words, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            parts.append(escape(" ".join(old_words[i1:i2])))
            continue
        if i2 > i1:
            parts.append(format_html("<del>{}</del>", " ".join(old_words[i1:i2])))
        if j2 > j1:
            parts.append(format_html("<ins>{}</ins>", " ".join(new_words[j1:j2])))
    return mark_safe(" ".join(parts))


def text_diff(old, new):
    """Changed lines of a text with one line of context around each change, as HTML."""
    old_lines, new_lines = old.splitlines(), new.splitlines()
    rows = []
    matcher = SequenceMatcher(None, old_lines, new_lines, autojunk=False)
    for group_number, group in enumerate(matcher.get_grouped_opcodes(1)):
        if group_number:
            rows.append(mark_safe('<li class="diff-gap" aria-hidden="true">…</li>'))
        for tag, i1, i2, j1, j2 in group:
            if tag == "equal":
                rows += [
                    format_html('<li class="diff-same">{}</li>', line) for line in old_lines[i1:i2]
                ]
                continue
            pairs = list(zip(old_lines[i1:i2], new_lines[j1:j2], strict=False))
            if tag == "replace":
                rows += [
                    format_html(
                        '<li class="diff-changed"><span class="visually-hidden">Changed: '
                        "</span>{}</li>",
                        word_diff(old_line, new_line),
                    )
                    for old_line, new_line in pairs
                ]
            rows += [
                format_html(
                    '<li class="diff-removed"><span class="visually-hidden">Removed: </span>'
                    "<del>{}</del></li>",
                    line,
                )
                for line in old_lines[i1 + len(pairs) : i2]
            ]
            rows += [
                format_html(
                    '<li class="diff-added"><span class="visually-hidden">Added: </span>'
                    "<ins>{}</ins></li>",
                    line,
                )
                for line in new_lines[j1 + len(pairs) : j2]
            ]
    return format_html('<ol class="diff">{}</ol>', mark_safe("".join(rows)))


def previous_version(version):
    return (
        Version.objects.get_for_object_reference(version._model, version.object_id)
        .filter(pk__lt=version.pk)
        .first()
    )


def changes_in(revision):
    """What each object saved in `revision` changed, compared with its version before."""
    changes = []
    for version in revision.version_set.order_by("pk"):
        before = previous_version(version)
        fields = field_changes(
            version._model, before.field_dict if before else {}, version.field_dict
        )
        if fields or before is None:
            status = "changed" if before else "added"
            changes.append(ObjectChange(version.object_repr, status, fields))
    return changes


def changes_on_restore(revision):
    """What restoring `revision` would change in the stored objects it contains."""
    changes = []
    for version in revision.version_set.order_by("pk"):
        current = version._model._default_manager.filter(pk=version.object_id).first()
        if current is None:
            changes.append(ObjectChange(version.object_repr, "added", []))
            continue
        fields = field_changes(version._model, current_values(current), version.field_dict)
        if fields:
            changes.append(ObjectChange(str(current), "changed", fields))
    return changes
