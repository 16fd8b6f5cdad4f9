import json

from django import forms
from django.urls import reverse

from apps.articles.rendering import normalise_markdown

from .views import preview_context


class MarkdownEditor(forms.Textarea):
    """A Markdown textarea with a live preview beside it.

    The preview is rendered on the server when the form is drawn (so it is there without
    JavaScript) and again by htmx, a moment after the editor stops typing.
    """

    template_name = "editors/markdown_editor.html"

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
            }
        )
        widget["preview_id"] = preview_id
        # The hidden template Django copies for "add another" rows has no text to preview.
        widget["preview"] = None if "__prefix__" in name else preview_context(value or "")
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
        kwargs.setdefault("widget", forms.Textarea(attrs={"rows": 4}))
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
