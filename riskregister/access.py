"""The one place that decides what a user may see or change.

Roles are Django groups (created by a data migration); what a role may do is
expressed as model permissions, so the admin, the views and the tests agree.
"""

from django.contrib.auth.models import Permission
from django.core.exceptions import PermissionDenied

SMT_EDITOR = "SMT editor"
REPORT_AUTHOR = "Report author"
PANEL_MEMBER = "Panel member"
ROLES = (SMT_EDITOR, REPORT_AUTHOR, PANEL_MEMBER)

# capability name -> permission that grants it
CAPABILITIES = {
    "view_register": "risks.view_risk",
    "edit_register": "risks.change_risk",
    # Draft papers (their list and previews): authors and SMT editors, never the panel.
    "read_drafts": "reports.view_paper",
    "compose_papers": "reports.change_paper",
    "publish_papers": "reports.publish_paper",
    "view_restricted": "reports.view_restricted_pack",
    "read_published": "publications.view_publication",
    # Panel questions and actions (panel/): panel members raise questions on published
    # papers and see their own; authors record and edit; SMT editors read and answer.
    "raise_questions": "panel.raise_question",
    "view_panel_items": "panel.view_panelitem",
    "record_panel_items": "panel.change_panelitem",
    "answer_panel_items": "panel.answer_panelitem",
    # The risk manager (organisation/): name, score bands, levers, categories, appetite.
    "manage_settings": "organisation.manage_settings",
}


def load_permissions(user):
    """Read the user's permissions in one query, where Django's ModelBackend would
    read them in two (the user's own, then their groups'): every page asks.

    They go where ModelBackend keeps them for the rest of the request (on the user
    object, which lives for one request), so `user.has_perm` reads no more.
    Superusers need none (has_perm answers yes before asking), inactive users have
    none, and a user whose permissions were already read keeps them.
    """
    if not user.is_authenticated or not user.is_active or user.is_superuser or hasattr(user, "_perm_cache"):
        return
    names = ("content_type__app_label", "codename")
    own = Permission.objects.filter(user=user).order_by().values_list(*names)
    from_groups = Permission.objects.filter(group__user=user).order_by().values_list(*names)
    rows = own.union(from_groups, all=True).order_by()
    user._perm_cache = {f"{app_label}.{codename}" for app_label, codename in rows}


def capabilities(user):
    if not user.is_authenticated:
        return {name: False for name in CAPABILITIES}
    load_permissions(user)
    return {name: user.has_perm(perm) for name, perm in CAPABILITIES.items()}


def can(user, capability):
    if not user.is_authenticated:
        return False
    load_permissions(user)
    return user.has_perm(CAPABILITIES[capability])


def require(user, capability):
    """Raise 403 unless the user has the capability."""
    if not can(user, capability):
        raise PermissionDenied
