"""What every editable model's admin shares: live Markdown preview, drafts by default, a
refusal to overwrite someone else's change, and history with readable differences.

Each model's admin, in the modules beside this one, builds on these.
"""

import datetime
import hashlib

import reversion
from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core import serializers
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Case, When
from django.forms.models import _get_foreign_key
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from reversion.admin import VersionAdmin
from reversion.models import Version

from apps.core.models import Status, Tier

from ..forms import MarkdownEditor, MarkdownField
from ..history import changes_in, restore, restore_plan, version_pk


class MarkdownPreviewMixin:
    """Every Markdown field gets the preview pane; works for model admins and inlines."""

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "body_markdown":
            kwargs.update(form_class=MarkdownField, widget=MarkdownEditor)
        return super().formfield_for_dbfield(db_field, request, **kwargs)


class EditorialAdmin(MarkdownPreviewMixin, VersionAdmin):
    change_form_template = "editors/change_form.html"
    revision_form_template = "editors/revision_form.html"
    object_history_template = "editors/object_history.html"
    history_latest_first = True

    def get_changeform_initial_data(self, request):
        # A new page starts as a draft, so nothing half-written reaches readers by accident.
        initial = super().get_changeform_initial_data(request)
        if any(field.name == "status" for field in self.model._meta.fields):
            initial.setdefault("status", Status.DRAFT)
        return initial

    # Conflicts: the form carries a fingerprint of what the editor loaded; a save is refused
    # if the stored object (or any of its inline rows) no longer matches it.

    def edited_rows(self, request, obj):
        """The object and every inline row its change form edits."""
        rows = [obj]
        for inline in self.get_inline_instances(request, obj):
            foreign_key = _get_foreign_key(self.model, inline.model, fk_name=inline.fk_name)
            rows += inline.get_queryset(request).filter(**{foreign_key.name: obj}).order_by("pk")
        return rows

    def fingerprint(self, request, obj):
        rows = self.edited_rows(request, obj)
        return hashlib.sha256(serializers.serialize("json", rows).encode()).hexdigest()

    def conflict_message(self, request, obj):
        opts = self.model._meta
        # The other change may have been saved on an inline row's own page (an arrow, say).
        versions = [
            (row, Version.objects.get_for_object(row).select_related("revision__user").first())
            for row in self.edited_rows(request, obj)
            if self.admin_site.is_registered(type(row))
        ]
        versions = [(row, version) for row, version in versions if version is not None]
        if not versions:
            link = reverse(f"admin:{opts.app_label}_{opts.model_name}_history", args=[obj.pk])
            who = ""
        else:
            row, latest = max(versions, key=lambda pair: pair[1].revision.date_created)
            row_opts = row._meta
            link = reverse(
                f"admin:{row_opts.app_label}_{row_opts.model_name}_revision",
                args=[row.pk, latest.pk],
            )
            user = latest.revision.user
            when = timezone.localtime(latest.revision.date_created).strftime("%-d %B %Y, %H:%M")
            who = f" ({user.get_username() if user else 'a content load'}, {when})"
        return format_html(
            "Someone else saved this {} while you were editing it{}. Your changes have not been "
            'saved and are still in the form below. <a href="{}">See the other change</a>, '
            "then open the page again and re-apply your edits to the newer text.",
            opts.verbose_name,
            who,
            link,
        )

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        if obj is None:
            return form
        model_admin = self

        class ConflictCheckedForm(form):
            loaded_fingerprint = forms.CharField(widget=forms.HiddenInput, required=False)

            def __init__(self, *args, **kwargs):
                super().__init__(*args, **kwargs)
                self.fields["loaded_fingerprint"].initial = model_admin.fingerprint(request, obj)

            def clean(self):
                cleaned_data = super().clean()
                # A form sent without the fingerprint it was drawn with (or with another one)
                # cannot show that its editor saw the current text: refuse it like a stale one.
                loaded = self.data.get(self.add_prefix("loaded_fingerprint"))
                # The admin saves in a transaction; locking the row makes a second save wait
                # here until the first is committed, then see its change (SQLite's IMMEDIATE
                # transactions already queue writers; PostgreSQL needs the row lock).
                type(self.instance)._default_manager.select_for_update().filter(
                    pk=self.instance.pk
                ).exists()
                if loaded != model_admin.fingerprint(request, self.instance):
                    raise ValidationError(model_admin.conflict_message(request, self.instance))
                return cleaned_data

        return ConflictCheckedForm

    # History. django-reversion's own views revert the version's whole revision (a content
    # load's holds every page and arrow) and show an editable form; these restore only the
    # object and what it owns, and list exactly what that changes before anything is written.

    def record_restore(self, restored, comment):
        """A restore is a change like any other: pages that keep a public history record it."""

    def revision_view(self, request, object_id, version_id, extra_context=None):
        version = get_object_or_404(
            Version.objects.get_for_model(self.model), pk=version_id, object_id=unquote(object_id)
        )
        obj = self.get_object(request, unquote(object_id))
        if obj is None:  # deleted since: "Recover deleted …" on the list restores it
            raise Http404(f"No {self.model._meta.verbose_name} with id {object_id}.")
        if not self.has_change_permission(request, obj):
            raise PermissionDenied
        return self.restore_view(request, version, obj)

    def recover_view(self, request, version_id, extra_context=None):
        version = get_object_or_404(Version.objects.get_for_model(self.model), pk=version_id)
        if not self.has_add_permission(request):
            raise PermissionDenied
        return self.restore_view(request, version, None)

    def restore_view(self, request, version, obj):
        """A version's page: what it changed, what restoring it would change, and a button that
        restores exactly that (or says that the database has changed since the page was drawn)."""
        opts = self.model._meta
        saved_on = timezone.localtime(version.revision.date_created).strftime("%-d %B %Y, %H:%M")
        stale, restored = False, None
        # One transaction: the plan checked against the page is the restore that runs.
        with transaction.atomic():
            plan = restore_plan(version)
            if request.method == "POST" and not plan.error:
                stale = request.POST.get("plan") != plan.fingerprint
                if not stale:
                    with reversion.create_revision():
                        restore(version)
                        restored = self.model._default_manager.get(pk=version_pk(version))
                        reversion.add_to_revision(restored)
                        reversion.set_user(request.user)
                        comment = f"Restored the version saved on {saved_on}."
                        self.log_change(request, restored, comment)
                        reversion.set_comment(comment)  # log_change set the admin's own
                        self.record_restore(restored, comment)
        if restored is not None:
            self.message_user(
                request,
                f"The {opts.verbose_name} “{restored}” was restored to the version saved on "
                f"{saved_on}. The restore is in its history, so it can be undone.",
                messages.SUCCESS,
            )
            return redirect(
                reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[restored.pk])
            )
        changes_made, also_saved = changes_in(version)
        context = {
            **self.admin_site.each_context(request),
            "title": f"Restore an earlier version of {version.object_repr}",
            "opts": opts,
            "original": obj,
            "version": version,
            "version_date": version.revision.date_created,
            "version_user": version.revision.user,
            "changes_made": changes_made,
            "also_saved": also_saved,
            "plan": plan,
            "stale": stale,
        }
        return TemplateResponse(request, self.revision_form_template, context)


class EditorialInline(MarkdownPreviewMixin, admin.StackedInline):
    extra = 0


class TierInline(EditorialInline):
    """A page's text at each reading depth: one row per tier, each with its preview."""

    fields = ["tier", "body_markdown"]
    max_num = len(Tier)
    can_delete = False
    verbose_name = "reading depth"

    def written_tiers(self, obj):
        if obj is None or obj.pk is None:
            return set()
        foreign_key = _get_foreign_key(self.parent_model, self.model)
        rows = self.model.objects.filter(**{foreign_key.name: obj})
        return set(rows.values_list("tier", flat=True))

    def get_extra(self, request, obj=None, **kwargs):
        return len(Tier) - len(self.written_tiers(obj))

    def get_queryset(self, request):
        # Reading order (Fundamentals first), not the alphabetical order of the tier names.
        reading_order = Case(*(When(tier=tier, then=index) for index, tier in enumerate(Tier)))
        return super().get_queryset(request).order_by(reading_order)


class PageAdmin(EditorialAdmin):
    """Articles and nodes: a fixed slug, a status, review dates and one text per tier."""

    def get_readonly_fields(self, request, obj=None):
        # The slug is the page's address, its file name in content/ and what links use.
        return ["slug"] if obj else []

    def get_prepopulated_fields(self, request, obj=None):
        return {} if obj else self.prepopulated_fields

    def get_formset_kwargs(self, request, obj, inline, prefix):
        kwargs = super().get_formset_kwargs(request, obj, inline, prefix)
        if isinstance(inline, TierInline):
            written = inline.written_tiers(obj)
            kwargs["initial"] = [{"tier": tier} for tier in Tier if tier not in written]
        return kwargs


class ReviewFilter(admin.SimpleListFilter):
    """Pages by when an editor should next check them."""

    title = "next review"
    parameter_name = "review"

    def lookups(self, request, model_admin):
        return [
            ("overdue", "Due now or overdue"),
            ("soon", "Due within 30 days"),
            ("unscheduled", "No date set"),
        ]

    def queryset(self, request, queryset):
        today = timezone.localdate()
        if self.value() == "overdue":
            return queryset.due_for_review(today)
        if self.value() == "soon":
            return queryset.filter(
                next_review__gt=today, next_review__lte=today + datetime.timedelta(days=30)
            )
        if self.value() == "unscheduled":
            return queryset.filter(next_review=None)
        return queryset
