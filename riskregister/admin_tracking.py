"""Admin classes for tracked models: every save asks for a reason and keeps it,
with the acting user, on the revision django-simple-history writes."""

from django import forms
from simple_history.admin import SimpleHistoryAdmin

from riskregister.tracking import REASON_MAX_LENGTH


class ReasonForm(forms.ModelForm):
    change_reason = forms.CharField(
        label="Reason for the change", max_length=REASON_MAX_LENGTH,
        help_text="Kept with the revision in the history.",
    )


class TrackedAdmin(SimpleHistoryAdmin):
    form = ReasonForm

    def save_model(self, request, obj, form, change):
        obj._history_user = request.user
        obj._change_reason = form.cleaned_data["change_reason"]
        if hasattr(obj, "version") and change:
            obj.version += 1
        super().save_model(request, obj, form, change)

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

    def delete_model(self, request, obj):
        obj._history_user = request.user
        obj._change_reason = "Deleted in the admin"
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        # One delete() each, so every deletion leaves a revision.
        for obj in queryset:
            self.delete_model(request, obj)
