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

