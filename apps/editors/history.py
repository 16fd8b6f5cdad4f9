"""History an editor can trust: readable differences between versions django-reversion
recorded, and restores that change exactly what their page said they would.

An editor sees, for each object in a saved version, which fields changed and how: short values
as "before → after", Markdown and other long text as a line-by-line diff with changed words
marked. Restoring a version writes back its object and the rows it owns, nothing else; the page
lists what that will change by running the same restore and rolling it back.
"""

import hashlib
import json
from collections import Counter, defaultdict
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from difflib import SequenceMatcher

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe
from reversion.models import Version
from reversion.revisions import _get_options

from apps.core.models import ContentVersion, MarkdownBody
from apps.explorer.models import DiagramLayout

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


# What a version owns ----------------------------------------------------------------------------
#
# A revision holds every object saved together: a content load's holds every page and arrow. A
# version belongs to one object, though, and restoring it must reach only that object and the
# rows it owns (an article's tiers, a node's texts, an arrow's references): the relations its
# django-reversion registration follows.


def owned_relations(model):
    """(row model, its foreign key to `model`) for each relation a version of `model` holds."""
    # _get_options is django-reversion's registration record; it has no public accessor.
    return [
        (relation.related_model, relation.field.attname)
        for relation in map(model._meta.get_field, _get_options(model).follow)
    ]


def owned_versions(version):
    """`version`, then the versions of the rows its object owned, from the same revision."""
    owned = [version]
    for row_model, foreign_key in owned_relations(version._model):
        content_type = ContentType.objects.get_for_model(row_model)
        rows = version.revision.version_set.filter(content_type=content_type).order_by("pk")
        owned += [row for row in rows if str(row.field_dict[foreign_key]) == version.object_id]
    return owned


def version_pk(version):
    return version._model._meta.pk.to_python(version.object_id)


def changes_in(version):
    """What `version` changed in its object and the rows it owns, compared with their versions
    before; and how many other objects the same save recorded, by kind (they are not shown,
    and a restore does not touch them)."""
    changes = []
    owned = owned_versions(version)
    for saved in owned:
        before = previous_version(saved)
        fields = field_changes(saved._model, before.field_dict if before else {}, saved.field_dict)
        if fields or before is None:
            status = "changed" if before else "added"
            changes.append(ObjectChange(saved.object_repr, status, fields))
    others = Counter(
        row.content_type.model_class()
        for row in version.revision.version_set.exclude(pk__in=[row.pk for row in owned])
        .select_related("content_type")
        .only("content_type")
    )
    return changes, sorted((kind_name(model, count), count) for model, count in others.items())


def kind_name(model, count):
    return str(model._meta.verbose_name if count == 1 else model._meta.verbose_name_plural)


# Restoring ------------------------------------------------------------------------------------


class RestoreError(Exception):
    """Why a version cannot be restored as it is, in words an editor can act on."""


def restore(version):
    """Write `version` back: its object and the rows it owns, as they were; nothing else.

    Rows the object owns now but did not then are deleted; Markdown texts are saved again, so
    their HTML, citations and map links are worked out from the restored text. Raises
    RestoreError (having changed nothing) when the version no longer fits the database.
    """
    pk = version_pk(version)
    owned = owned_versions(version)
    with transaction.atomic():
        kept = defaultdict(set)
        for row in owned[1:]:
            kept[row._model].add(version_pk(row))
        # Deleted first, so that a restored row cannot collide with one added since (say, a
        # second text for the same tier).
        for row_model, foreign_key in owned_relations(version._model):
            row_model._default_manager.filter(**{foreign_key: pk}).exclude(
                pk__in=kept[row_model]
            ).delete()
        for saved in owned:
            check_fits(saved)
            saved.revert()
        for saved in owned:
            if issubclass(saved._model, MarkdownBody):
                saved._model._default_manager.get(pk=version_pk(saved)).save()


def check_fits(saved):
    """Refuse to write back a row that points at a deleted row or breaks a rule of the model."""
    row = saved._object_version.object
    for field in row._meta.concrete_fields:
        target = getattr(row, field.attname)
        if not field.is_relation or target is None:
            continue
        if not field.related_model._default_manager.filter(pk=target).exists():
            gone = Version.objects.get_for_object_reference(field.related_model, target).first()
            name = f"“{gone.object_repr}”" if gone else f"id {target}"
            raise RestoreError(
                f"{saved.object_repr} cannot be restored: its {field.verbose_name} {name} has "
                f"been deleted since. Restore or re-create that {field.verbose_name} first."
            )
    # A deserialised row counts as new; as an update of the stored row it may keep its own
    # slug and key.
    row._state.adding = not type(row)._default_manager.filter(pk=row.pk).exists()
    try:
        row.clean()
        row.validate_unique()
        row.validate_constraints()
    except ValidationError as error:
        raise RestoreError(
            f"{saved.object_repr} cannot be restored: " + " ".join(error.messages)
        ) from error


# What a restore would change --------------------------------------------------------------------


@dataclass
class RowChange:
    model: type
    pk: object
    status: str  # "added", "removed" or "changed"
    label: str = ""
    fields: list[FieldChange] = dataclass_field(default_factory=list)
    derived: bool = False  # stored values worked out from others (rendered HTML) change too


@dataclass
class KindOfChange:
    name: str  # "article tiers"
    changes: list[RowChange]

    @property
    def summary(self):
        counts = Counter(change.status for change in self.changes)
        return ", ".join(f"{counts[status]} {status}" for status in STATUSES if counts[status])

    @property
    def is_big(self):
        return len(self.changes) > BIG_KIND


STATUSES = ("changed", "added", "removed")
BIG_KIND = 5  # more rows of one kind than this are folded behind their counts


@dataclass
class RestorePlan:
    """Every row a restore would change, found by restoring and rolling back."""

    changes: list[RowChange]
    fingerprint: str = ""
    error: str = ""

    @property
    def kinds(self):
        by_model = defaultdict(list)
        for change in self.changes:
            by_model[change.model].append(change)
        return [
            KindOfChange(kind_name(model, len(changes)), changes)
            for model, changes in by_model.items()
        ]


def content_models():
    """Every table content lives in, link tables included: what a restore could reach."""
    return [
        model
        for label in CONTENT_APPS
        for model in apps.get_app_config(label).get_models(include_auto_created=True)
        if model not in (ContentVersion, DiagramLayout)  # derived from content, not content
    ]


CONTENT_APPS = ("core", "articles", "explorer")


def snapshot():
    """{(model, primary key): {column: value}} for every content row."""
    return {
        (model, row[model._meta.pk.attname]): row
        for model in content_models()
        for row in model._default_manager.order_by().values()
    }


def row_changes(before, after):
    """The RowChanges that turn snapshot `before` into snapshot `after`, without labels."""
    changes = []
    for key in sorted({*before, *after}, key=lambda key: (key[0]._meta.label, str(key[1]))):
        model, pk = key
        old, new = before.get(key), after.get(key)
        if old == new:
            continue
        if old is None or new is None:
            changes.append(RowChange(model, pk, "added" if old is None else "removed"))
            continue
        fields = field_changes(model, old, new)
        derived = any(old[name] != new[name] for name in DERIVED_FIELDS & old.keys())
        changes.append(RowChange(model, pk, "changed", fields=fields, derived=derived))
    return changes


def row_label(model, pk):
    row = model._default_manager.filter(pk=pk).first()
    if row is None:
        return f"{model._meta.verbose_name} {pk}"
    if model._meta.auto_created:  # a link table: name both ends
        ends = [getattr(row, f.name) for f in model._meta.concrete_fields if f.is_relation]
        return " links to ".join(map(str, ends))
    return str(row)


def without_pk(model, row):
    return {name: value for name, value in row.items() if name != model._meta.pk.attname}


class DryRun(Exception):
    pass


def restore_plan(version):
    """What restoring `version` would change, worked out by the same code that restores: it
    restores inside a transaction, compares every content row, and rolls back.

    The plan's fingerprint covers every changed row before and after, so a page can check that
    the restore it is about to run is still the one it showed.
    """
    before = snapshot()
    try:
        with transaction.atomic():
            restore(version)
            after = snapshot()
            changes = row_changes(before, after)
            for change in changes:
                if change.status == "added":  # these rows exist only until the rollback
                    change.label = row_label(change.model, change.pk)
            raise DryRun
    except RestoreError as error:
        return RestorePlan([], error=str(error))
    except DryRun:
        pass
    for change in changes:
        if change.status != "added":
            change.label = row_label(change.model, change.pk)
    rows = [
        [change.model._meta.label, str(change.pk), before.get(key), after.get(key)]
        if change.status != "added"
        # A row the restore creates gets its id from a sequence, and PostgreSQL does not roll
        # sequences back: each dry run gives it a new one. Its values are what identify it.
        else [change.model._meta.label, "added", None, without_pk(change.model, after[key])]
        for change in changes
        for key in [(change.model, change.pk)]
    ]
    # Sorted by content: the changes are listed by primary key, which for added rows is new.
    rows = sorted(json.dumps(row, default=str, sort_keys=True) for row in rows)
    fingerprint = hashlib.sha256("\n".join(rows).encode()).hexdigest()
    return RestorePlan(changes, fingerprint=fingerprint)
