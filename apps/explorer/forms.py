from django import forms

from .graph import COLUMNS


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
            label="From", choices=choices, error_messages={"required": "Choose where to start."}
        )
        self.fields["to"] = forms.ChoiceField(
            label="To", choices=choices, error_messages={"required": "Choose where to end."}
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
