from django.contrib import admin

from reports.models import Paper, PaperRisk
from riskregister.admin_tracking import TrackedAdmin


class PaperRiskInline(admin.TabularInline):
    model = PaperRisk
    extra = 0


@admin.register(Paper)
class PaperAdmin(TrackedAdmin):
    list_display = ("meeting_date", "panel", "title")
    inlines = [PaperRiskInline]


# Publications: read-only everywhere, the admin included (no add, change or delete).
from reports.models import Publication, PublishedFile  # noqa: E402


class ReadOnlyAdminMixin:
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class PublishedFileInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = PublishedFile
    fields = ("pack", "format", "filename", "size", "sha256")
    readonly_fields = fields
    extra = 0
    can_delete = False


@admin.register(Publication)
class PublicationAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("paper", "version", "published_at", "published_by")
    list_filter = ("paper__meeting_date",)
    fields = ("paper", "version", "published_at", "published_by", "reason", "compared_with")
    readonly_fields = fields
    inlines = [PublishedFileInline]
    actions = None
