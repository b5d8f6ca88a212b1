from django.contrib import admin

from controls.models import CONTROL_FIELDS, Control
from riskregister.admin_tracking import TrackedAdmin
from risks.models import Owner, Review, Risk, RiskDependency, RiskOwner
from risks.services import _set_secondary_categories, owner_label


class RiskOwnerInline(admin.TabularInline):
    model = RiskOwner
    extra = 0
    fields = ["owner", "position"]


class DependencyInline(admin.TabularInline):
    model = RiskDependency
    fk_name = "risk"
    extra = 0


class ControlInline(admin.StackedInline):
    model = Control
    extra = 0
    fields = CONTROL_FIELDS


@admin.register(Risk)
class RiskAdmin(TrackedAdmin):
    list_display = ["ref", "title", "owner_names", "status", "opened_on", "closed_on", "trend", "current_likelihood",
                    "current_impact", "next_review"]
    list_filter = ["status", "trend"]
    date_hierarchy = "opened_on"
    search_fields = ["ref", "title", "description"]
    readonly_fields = ["version", "trend", "last_reviewed", "owner_names"]
    inlines = [RiskOwnerInline, DependencyInline, ControlInline]

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        risk = form.instance
        names = owner_label(risk.ordered_owners())
        category_names = risk.secondary_category_names
        # The primary category drops out of the others, as on the edit page.
        _set_secondary_categories(risk, list(risk.secondary_categories.all()))
        if names != risk.owner_names or category_names != risk.secondary_category_names:
            # Owners and other categories live in their own tables; keep the risk's revision in step.
            what = "Owners changed" if names != risk.owner_names else "Other categories changed"
            risk.owner_names = names
            risk._history_user = request.user
            risk._change_reason = f"{what}: {form.cleaned_data['change_reason']}"
            risk.save()


@admin.register(Owner)
class OwnerAdmin(TrackedAdmin):
    list_display = ["name", "role_title", "email", "user"]
    search_fields = ["name", "role_title", "email"]


@admin.register(Review)
class ReviewAdmin(TrackedAdmin):
    version_from = "risk"
    list_display = ["risk", "reviewed_on", "trend", "likelihood", "impact", "reviewer"]
    list_filter = ["trend"]
    list_select_related = ["risk", "reviewer"]


@admin.register(RiskOwner)
class RiskOwnerAdmin(TrackedAdmin):
    version_from = "risk"
    list_display = ["risk", "owner", "position"]
    list_select_related = ["risk", "owner"]


@admin.register(RiskDependency)
class RiskDependencyAdmin(TrackedAdmin):
    version_from = "risk"
    list_display = ["risk", "depends_on", "note"]
    list_select_related = ["risk", "depends_on"]
