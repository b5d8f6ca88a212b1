from django.contrib import admin

from publications.models import Publication, PublishedFile


class ReadOnlyAdminMixin:
    """Publications are read-only everywhere, the admin included (no add, change or delete)."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class PublishedFileInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = PublishedFile
    fields = ("pack", "format", "filename", "size", "sha256", "hmac_sha256")
    readonly_fields = fields
    extra = 0
    can_delete = False


@admin.register(Publication)
class PublicationAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("paper", "version", "published_at", "published_by")
    list_filter = ("paper__meeting_date",)
    fields = ("paper", "version", "published_at", "published_by", "reason", "compared_with",
              "previous_chain_sha256", "chain_sha256", "signing_key_id", "chain_hmac")
    readonly_fields = fields
    inlines = [PublishedFileInline]
    actions = None
