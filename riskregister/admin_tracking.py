"""Admin classes for tracked models: every save asks for a reason and keeps it,
with the acting user, on the revision django-simple-history writes.

Versioned records (a risk, a paper) are checked like the app's own edit pages:
the change form carries the version it was opened at, and a save finds the
record locked and unchanged, or stops with an error and writes nothing. A model
whose version is its parent's (a control is covered by its risk's version)
names that parent in `TrackedAdmin.version_from`; saving it locks the parent
first, as every service does (parent before child, so two saves never
deadlock), and moves the parent's version on.
"""

from django import forms
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from simple_history.admin import SimpleHistoryAdmin

from riskregister.tracking import REASON_MAX_LENGTH, save_tracked

STALE_PAGE = (
    "Someone else changed this {what} since you opened this page, so nothing was saved. "
    "Open the page again to see their change, then make yours."
)


def versioned_record(instance, version_from, *, lock=False):
    """The record whose version covers `instance`: itself, or its `version_from` parent.
    None for a new object or a model with no version."""
    if version_from:
        field = instance._meta.get_field(version_from)
        model, pk = field.related_model, getattr(instance, field.attname)
    elif hasattr(instance, "version"):
        model, pk = type(instance), instance.pk
    else:
        return None
    if pk is None:
        return None
    records = model._default_manager.select_for_update() if lock else model._default_manager
    return records.get(pk=pk)


class ReasonForm(forms.ModelForm):
    change_reason = forms.CharField(
        label="Reason for the change", max_length=REASON_MAX_LENGTH,
        help_text="Kept with the revision in the history.",
    )
    expected_version = forms.IntegerField(
        widget=forms.HiddenInput, required=False, min_value=1, max_value=2**31 - 1,
    )
    version_from = None  # set by TrackedAdmin.get_form

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.versioned = self.instance.pk is not None and versioned_record(self.instance, self.version_from)
        if self.versioned:
            self.fields["expected_version"].initial = self.versioned.version
            self.fields["expected_version"].required = True

    def clean(self):
        cleaned = super().clean()
        if self.versioned:
            # The admin validates and saves in one transaction: the lock holds until the save ends.
            current = versioned_record(self.instance, self.version_from, lock=True)
            expected = cleaned.get("expected_version")
            if expected is not None and current.version != expected:
                raise ValidationError(STALE_PAGE.format(what=current._meta.verbose_name), code="conflict")
            self.locked_version = current.version
        return cleaned


class ReadOnlyTrackedAdmin(SimpleHistoryAdmin):
    """A tracked model written only through the site's pages (which keep a reason and,
    where it has one, a version): the admin shows it and its history, and changes nothing."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        # django-simple-history saves a posted revision form without asking for change permission.
        if request.method == "POST":
            raise PermissionDenied
        return super().history_form_view(request, object_id, version_id, extra_context)


class TrackedAdmin(SimpleHistoryAdmin):
    form = ReasonForm
    # The foreign key to the versioned record that covers this model ("risk" for a control).
    version_from = None

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        form.version_from = self.version_from
        return form

    def save_model(self, request, obj, form, change):
        parents = self._lock_parents(obj) if self.version_from else []
        obj._history_user = request.user
        obj._change_reason = form.cleaned_data["change_reason"]
        if hasattr(obj, "version") and change:
            # From the locked row: the object may be an old revision being reverted to.
            obj.version = getattr(form, "locked_version", obj.version) + 1
        super().save_model(request, obj, form, change)
        self._move_versions_on(parents, user=request.user, reason=obj._change_reason)

    def save_formset(self, request, form, formset, change):
        reason = form.cleaned_data["change_reason"]
        for obj in formset.save(commit=False):
            obj._history_user = request.user
            obj._change_reason = reason
            obj.save()
        for obj in formset.deleted_objects:
            obj._history_user = request.user
            obj._change_reason = reason
            obj.delete()
        formset.save_m2m()

    @transaction.atomic
    def delete_model(self, request, obj):
        parents = self._lock_parents(obj) if self.version_from else []
        obj._history_user = request.user
        obj._change_reason = "Deleted in the admin"
        super().delete_model(request, obj)
        self._move_versions_on(parents, user=request.user, reason=obj._change_reason)

    def delete_queryset(self, request, queryset):
        # One delete() each, so every deletion leaves a revision.
        for obj in queryset:
            self.delete_model(request, obj)

    def _lock_parents(self, obj):
        """Lock the parent the object had and the one it gets (if moved), in id order."""
        field = obj._meta.get_field(self.version_from)
        ids = {getattr(obj, field.attname)}
        if obj.pk is not None:
            ids |= set(type(obj)._default_manager.filter(pk=obj.pk).values_list(field.attname, flat=True))
        records = field.related_model._default_manager.select_for_update()
        return [records.get(pk=pk) for pk in sorted(pk for pk in ids if pk is not None)]

    @staticmethod
    def _move_versions_on(parents, *, user, reason):
        # An edit page opened before this change is now stale: a conflict, not an overwrite.
        for parent in parents:
            parent.version += 1
            save_tracked(parent, user=user, reason=reason, validate=False)
