"""The note an editor writes when saving a published page: a one-line summary that readers see
on /changes/ and under the page's title, and whether the change corrects an error. The save
records the change (apps.changes) in its own transaction."""

from django import forms

from apps.changes.models import SUMMARY_MAX_LENGTH, record_change
from apps.core.models import Status
from apps.core.rendering import normalise_markdown

CHANGE_NOTE_FIELDSET = (
    "About this change",
    {
        "fields": ["change_summary", "corrects_error"],
        "description": "Readers see this summary on the public “What changed” page, and for "
        "two months under the page's title. It is needed when the text or title of a published "
        "page changes.",
    },
)


class ChangeNoteForm(forms.ModelForm):
    """A page's change form with the change note. `title_field` names the page's title and
    `texts_prefix` the formset of its tier texts (as Django prefixes it: the related name)."""

    title_field = "title"
    texts_prefix = "tiers"

    change_summary = forms.CharField(
        label="Summary of this change",
        max_length=SUMMARY_MAX_LENGTH,
        required=False,
        help_text="One line, in plain words, e.g. “Added the 2025 trial of interval training "
        "in older adults.”",
        widget=forms.TextInput(attrs={"size": 80}),
    )
    corrects_error = forms.BooleanField(
        label="This corrects an error",
        required=False,
        help_text="Tick it when the change fixes something the page got wrong; the change is "
        "then listed as a correction.",
    )

    def posted_texts(self):
        """tier -> Markdown as posted in the tier formset."""
        prefix = self.texts_prefix
        try:
            count = min(int(self.data.get(f"{prefix}-TOTAL_FORMS") or 0), 10)
        except ValueError:
            return {}
        return {
            self.data.get(f"{prefix}-{index}-tier"): normalise_markdown(
                self.data.get(f"{prefix}-{index}-body_markdown", "")
            )
            for index in range(count)
        }

    def text_changed(self):
        """Whether the posted title or any tier's text differs from what is stored."""
        page = self.instance
        if page.pk is None:
            return True
        title = self.cleaned_data.get(self.title_field)
        if title is not None and title != getattr(page, self.title_field):
            return True
        stored = {text.tier: text.body_markdown for text in getattr(page, self.texts_prefix).all()}
        return any(
            stored.get(tier) != markdown
            for tier, markdown in self.posted_texts().items()
            if tier is not None
        )

    def clean(self):
        cleaned_data = super().clean()
        # Only a published page that stays published has readers who saw the earlier text.
        was_published = self.instance.pk is not None and (
            type(self.instance)
            ._default_manager.filter(pk=self.instance.pk, status=Status.PUBLISHED)
            .exists()
        )
        stays_published = cleaned_data.get("status") == Status.PUBLISHED
        summary = (cleaned_data.get("change_summary") or "").strip()
        cleaned_data["change_summary"] = " ".join(summary.split())
        if was_published and stays_published and not summary and self.text_changed():
            self.add_error(
                "change_summary",
                "Say in one line what this change does: the page is published, so readers "
                "see the summary on the “What changed” page.",
            )
        if cleaned_data.get("corrects_error") and not summary:
            self.add_error("change_summary", "Say what the correction fixes.")
        return cleaned_data


class RecordsChangesMixin:
    """For a page's model admin: a save that changes a published page records the change."""

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        record_change(
            form.instance,
            summary=form.cleaned_data.get("change_summary", ""),
            correction=form.cleaned_data.get("corrects_error", False),
        )

    def record_restore(self, restored, comment):
        record_change(restored, summary=comment)
