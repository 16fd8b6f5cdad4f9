from html import escape

from django import forms
from django.forms.utils import flatatt
from django.utils.safestring import mark_safe

from .graph import COLUMNS


class NodeSelect(forms.Select):
    """A select of every node of the map, written directly: Django renders each option through
    a template of its own, which for a map of hundreds of nodes costs more than the rest of the
    page. The markup is what Django's select.html and select_option.html write."""

    def render(self, name, value, attrs=None, renderer=None):
        widget = self.get_context(name, value, attrs)["widget"]
        groups = []
        for group_name, options, _ in widget["optgroups"]:
            listed = "".join(
                f'<option value="{escape(str(option["value"]))}"'
                f"{' selected' if option['selected'] else ''}>{escape(str(option['label']))}"
                "</option>"
                for option in options
            )
            groups.append(
                f'<optgroup label="{escape(group_name)}">{listed}</optgroup>'
                if group_name
                else listed
            )
        return mark_safe(
            f'<select name="{escape(name)}"{flatatt(widget["attrs"])}>{"".join(groups)}</select>'
        )


class PathForm(forms.Form):
    """Two nodes of the map: where a chain of arrows starts and where it ends."""

    def __init__(self, graph, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.graph = graph
        choices = [("", "Choose…")] + [
            (title, [(node.slug, node.name) for node in graph.of_kind(*kinds)])
            for title, kinds in COLUMNS
        ]
        self.fields["from"] = forms.ChoiceField(
            label="From",
            choices=choices,
            widget=NodeSelect,
            error_messages={"required": "Choose where to start."},
        )
        self.fields["to"] = forms.ChoiceField(
            label="To",
            choices=choices,
            widget=NodeSelect,
            error_messages={"required": "Choose where to end."},
        )
        for name in ("from", "to"):
            self.fields[name].error_messages["invalid_choice"] = (
                "The map has no node called “%(value)s”. Pick one from the list."
            )

    def clean(self):
        cleaned = super().clean()
        source, target = cleaned.get("from"), cleaned.get("to")
        if source and target and source == target:
            self.add_error("to", "Choose a different node from the starting point.")
        if not self.errors:
            cleaned["source"] = self.graph.by_slug[source]
            cleaned["target"] = self.graph.by_slug[target]
        return cleaned
