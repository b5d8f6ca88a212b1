from django.contrib import admin

from rounds.models import Reminder, ReviewRound, SignOff


@admin.register(ReviewRound)
class ReviewRoundAdmin(admin.ModelAdmin):
    list_display = ["paper", "opens_on", "deadline", "closed_at"]
    readonly_fields = ["opened_at"]


@admin.register(Reminder)
class ReminderAdmin(admin.ModelAdmin):
    list_display = ["round", "owner", "kind", "due_on", "sent_at", "attempts", "last_error"]
    list_filter = ["kind"]

    def has_add_permission(self, request):
        return False  # reminders are made by the reminder run, never by hand


@admin.register(SignOff)
class SignOffAdmin(admin.ModelAdmin):
    list_display = ["round", "signed_by", "signed_at", "register_sha256"]

    def has_add_permission(self, request):
        return False  # signed off on the round page, where the digest is taken

    def has_change_permission(self, request, obj=None):
        return False  # what was signed stays as it was signed
