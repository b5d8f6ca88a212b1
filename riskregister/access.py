"""The one place that decides what a user may see or change.

Roles are Django groups (created by a data migration); what a role may do is
expressed as model permissions, so the admin, the views and the tests agree.
"""

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


def capabilities(user):
    if not user.is_authenticated:
        return {name: False for name in CAPABILITIES}
    return {name: user.has_perm(perm) for name, perm in CAPABILITIES.items()}


def can(user, capability):
    return user.is_authenticated and user.has_perm(CAPABILITIES[capability])


def require(user, capability):
    """Raise 403 unless the user has the capability."""
    if not can(user, capability):
        raise PermissionDenied
