"""References in the admin, held to the same rules as references.toml."""

from django import forms
from django.contrib import admin
from django.db.models import Count

from apps.core.models import Reference, normalise_reference, reference_problems

from ..forms import LinesField, WholeTitleMixin
from .base import EditorialAdmin


class ReferenceForm(forms.ModelForm):
    authors = LinesField(required=True, help_text="One author per line, e.g. Pedersen BK.")

    class Meta:
        model = Reference
        fields = [
            "key", "authors", "year", "title", "journal", "volume", "issue", "pages",
            "doi", "pmid", "pmcid", "verified",
        ]  # fmt: skip

    def clean(self):
        """The loader's rules, so nothing saved here can make load_content (or `make run`)
        refuse the exported file; identifiers pasted as links are stored bare."""
        cleaned_data = normalise_reference(super().clean())
        fields = {name: cleaned_data[name] for name in self.Meta.fields if name in cleaned_data}
        for name, message in reference_problems(fields):
            if name in self.fields and name not in self.errors:
                self.add_error(name, message[:1].upper() + message[1:] + ".")
        for name in ("doi", "pmcid"):
            if name in cleaned_data and name not in self.errors:
                self.cleaned_data[name] = cleaned_data[name]
        return self.cleaned_data


@admin.register(Reference)
class ReferenceAdmin(WholeTitleMixin, EditorialAdmin):
    form = ReferenceForm
    list_display = ["key", "first_author", "year", "title", "journal", "doi", "times_cited"]
    list_filter = ["year", "journal"]
    search_fields = ["key", "title", "journal", "doi", "authors"]
    fieldsets = [
        (None, {"fields": ["key", "authors", "year", "title"]}),
        ("Where it was published", {"fields": ["journal", "volume", "issue", "pages"]}),
        ("Identifiers", {"fields": ["doi", "pmid", "pmcid", "verified"]}),
    ]

    def get_readonly_fields(self, request, obj=None):
        # Texts cite the key ([@key]); renaming it would break every one of them.
        return ["key"] if obj else []

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                text_uses=Count("citations", distinct=True)
                + Count("node_citations", distinct=True),
                arrow_uses=Count("edge_uses", distinct=True),
            )
        )

    @admin.display(description="cited by")
    def times_cited(self, reference):
        return f"{reference.text_uses} texts, {reference.arrow_uses} arrows"
