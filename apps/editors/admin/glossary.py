"""Glossary terms in the admin, held to the same rules as glossary.toml, with a live preview of
the definition as readers will see it and its reading grade against the Fundamentals aim."""

from django import forms
from django.contrib import admin
from django.template.loader import render_to_string
from django.urls import reverse

from apps.core.models import MAX_DEFINITION_CHARACTERS, GlossaryTerm, glossary_problems

from ..forms import LinesField, WholeTitleMixin
from .base import EditorialAdmin


class DefinitionEditor(forms.Textarea):
    """The definition's textarea with its preview under it: drawn with the form (so it is there
    without JavaScript) and again by htmx a moment after the editor stops typing."""

    template_name = "editors/definition_editor.html"

    def __init__(self, attrs=None):
        super().__init__({"rows": 4, "maxlength": MAX_DEFINITION_CHARACTERS, **(attrs or {})})

    def get_context(self, name, value, attrs):
        from ..views import definition_preview_context

        context = super().get_context(name, value, attrs)
        widget = context["widget"]
        preview_id = f"{widget['attrs'].get('id') or f'id_{name}'}-preview"
        widget["attrs"].update(
            {
                "hx-post": reverse("admin:glossary-preview"),
                "hx-trigger": "input changed delay:400ms",
                "hx-target": f"#{preview_id}",
                "hx-include": "[name=csrfmiddlewaretoken]",
                "hx-vals": f'{{"field": "{name}"}}',
                "hx-sync": "this:replace",
                "aria-describedby": preview_id,
            }
        )
        widget["preview_id"] = preview_id
        widget["preview_html"] = render_to_string(
            "editors/definition_preview.html", definition_preview_context(value or "")
        )
        return context


class GlossaryTermForm(forms.ModelForm):
    aliases = LinesField(
        help_text="One per line: other spellings that count as a use, such as a plural "
        "(myokines) or a longer name (AMP-activated protein kinase)."
    )

    class Meta:
        model = GlossaryTerm
        fields = ["term", "aliases", "definition", "node"]
        widgets = {"definition": DefinitionEditor}

    def clean(self):
        """The loader's rules, so nothing saved here can make load_content refuse the export."""
        cleaned_data = super().clean()
        values = {
            "term": (cleaned_data.get("term") or "").strip(),
            "aliases": [alias.strip() for alias in cleaned_data.get("aliases") or []],
            "definition": " ".join((cleaned_data.get("definition") or "").split()),
            "node": cleaned_data.get("node") or "",
        }
        others = GlossaryTerm.objects.exclude(pk=self.instance.pk).only("term", "aliases")
        for name, message in glossary_problems(values, others):
            if name in self.fields and name not in self.errors:
                self.add_error(name, message[:1].upper() + message[1:] + ".")
        for name, value in values.items():
            if name not in self.errors:
                self.cleaned_data[name] = value
        return self.cleaned_data


@admin.register(GlossaryTerm)
class GlossaryTermAdmin(WholeTitleMixin, EditorialAdmin):
    form = GlossaryTermForm
    title_field = "term"
    list_display = ["term", "definition", "node"]
    search_fields = ["term", "aliases", "definition", "node"]
    fieldsets = [(None, {"fields": ["term", "aliases", "definition", "node"]})]
