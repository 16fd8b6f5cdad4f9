import json

from django import forms
from django.forms.models import BaseInlineFormSet
from django.template.loader import render_to_string
from django.urls import reverse

from apps.core.models import Tier
from apps.core.rendering import normalise_markdown

from .views import preview_context


class MarkdownEditor(forms.Textarea):
    """A Markdown textarea with a live preview beside it.

    The preview is rendered on the server when the form is drawn (so it is there without
    JavaScript) and again by htmx, a moment after the editor stops typing.
    """

    template_name = "editors/markdown_editor.html"
    # Set per form by TierFormSet, so the first preview grades the text against its tier.
    tier = None
    intermediate_markdown = None

    def __init__(self, attrs=None):
        super().__init__({"rows": 18, "class": "markdown-input", **(attrs or {})})

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        widget = context["widget"]
        element_id = widget["attrs"].get("id") or f"id_{name}"
        preview_id = f"{element_id}-preview"
        widget["attrs"].update(
            {
                "hx-post": reverse("admin:markdown-preview"),
                "hx-trigger": "input changed delay:400ms",
                "hx-target": f"#{preview_id}",
                "hx-include": "[name=csrfmiddlewaretoken]",
                "hx-vals": json.dumps({"field": name}),
                "hx-sync": "this:replace",
                "hx-indicator": f"#{preview_id}-indicator",
                "aria-describedby": preview_id,
                # static/js/editor.js offers [@key] and [[slug]] completions from here.
                "data-suggest-url": reverse("admin:editor-suggestions"),
            }
        )
        widget["preview_id"] = preview_id
        # The hidden template Django copies for "add another" rows has no text to preview.
        if "__prefix__" not in name:
            preview = preview_context(value or "", self.tier, self.intermediate_markdown)
            widget["tier"] = preview["tier"]
            # Rendered by the site's template engine, not the form renderer's, because it
            # includes the public page's reference list (templates/_references.html).
            widget["preview_html"] = render_to_string("editors/preview.html", preview)
        return context


class MarkdownField(forms.CharField):
    """A Markdown text, compared the way it is stored, so an untouched text is not "changed"."""

    def to_python(self, value):
        value = super().to_python(value)
        return normalise_markdown(value) if value else value


class LinesField(forms.CharField):
    """A list of short texts (aliases, authors), typed one per line."""

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        # data-reorder: static/js/editor.js adds move up/down buttons for the lines.
        kwargs.setdefault("widget", forms.Textarea(attrs={"rows": 4, "data-reorder": "lines"}))
        super().__init__(**kwargs)

    def prepare_value(self, value):
        return "\n".join(value) if isinstance(value, list) else value

    def to_python(self, value):
        if isinstance(value, list):
            return value
        lines = [line.strip() for line in (value or "").splitlines()]
        return list(dict.fromkeys(line for line in lines if line))

    def has_changed(self, initial, data):
        return (initial or []) != self.to_python(data)


class TierFormSet(BaseInlineFormSet):
    """A page's tier texts. Tells each text's editor which tier it holds and, for Academic, the
    Intermediate text beside it, so the readability line is right before anyone types."""

    def tier_texts(self):
        """tier -> Markdown, as the editor has them now: posted, or else as stored."""
        if self.is_bound:
            try:
                count = int(self.data.get(f"{self.prefix}-TOTAL_FORMS") or 0)
            except ValueError:
                count = 0  # the formset reports the broken management form itself
            return {
                self.data.get(f"{self.prefix}-{index}-tier"): self.data.get(
                    f"{self.prefix}-{index}-body_markdown", ""
                )
                for index in range(min(count, len(Tier)))
            }
        return {row.tier: row.body_markdown for row in self.get_queryset()}

    def _construct_form(self, i, **kwargs):
        form = super()._construct_form(i, **kwargs)
        widget = form.fields["body_markdown"].widget
        if isinstance(widget, MarkdownEditor):
            tier = form["tier"].value()
            widget.tier = tier if tier in Tier.values else None
            if widget.tier == Tier.ACADEMIC:
                widget.intermediate_markdown = self.tier_texts().get(Tier.INTERMEDIATE)
        return form


def collapse_whitespace(value):
    return " ".join(value.split())


class TitleInput(forms.Textarea):
    """A title shown whole: full width, wrapping, growing with its text (see admin.css)."""

    def __init__(self, attrs=None):
        super().__init__({"rows": 2, "class": "title-input", **(attrs or {})})


class TitleField(forms.CharField):
    """A one-line text typed in a wrapping box; a pasted line break becomes a space."""

    widget = TitleInput

    def to_python(self, value):
        return collapse_whitespace(super().to_python(value))


class WholeTitleMixin:
    """For a model admin: the field named `title_field` gets a TitleField."""

    title_field = "title"

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == self.title_field:
            kwargs.update(form_class=TitleField, widget=TitleInput)
        return super().formfield_for_dbfield(db_field, request, **kwargs)
