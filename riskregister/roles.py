"""What each role may do, as model permissions, and the helper that applies it.

Data migrations create the groups with the permissions of their day (each
migration keeps its own frozen copy of what it grants); `ensure_roles()`
re-applies this table, the current one (tests use it after a database flush;
`load_demo` uses it too).
"""

from django.apps import apps as global_apps
from django.contrib.auth.management import create_permissions

from riskregister.access import PANEL_MEMBER, REPORT_AUTHOR, SMT_EDITOR

REGISTER_MODELS = {
    "risks": ("owner", "risk", "riskowner", "riskdependency", "review"),
    "controls": ("control",),
}


def register_perms(actions):
    return tuple(
        f"{app}.{action}_{model}"
        for app, models in REGISTER_MODELS.items()
        for model in models
        for action in actions
    )


ROLE_PERMISSIONS = {
    # Keeps the register; previews papers and downloads the restricted pack.
    SMT_EDITOR: (
        *register_perms(["view", "add", "change", "delete"]),
        "reports.view_paper", "reports.view_restricted_pack",
        "publications.view_publication",
        "panel.view_panelitem", "panel.answer_panelitem",
    ),
    # Reads the register; composes and publishes papers.
    REPORT_AUTHOR: (
        *register_perms(["view"]),
        "reports.view_paper", "reports.add_paper", "reports.change_paper",
        "reports.publish_paper", "reports.view_restricted_pack",
        "publications.view_publication",
        "panel.view_panelitem", "panel.add_panelitem", "panel.change_panelitem", "panel.answer_panelitem",
        # The risk manager: the organisation's settings (bands, levers, categories, appetite).
        "organisation.manage_settings",
    ),
    # Reads published papers (the public pack) only.
    PANEL_MEMBER: (
        "publications.view_publication", "panel.raise_question",
    ),
}


def grant(apps, role, permissions):
    """Give `role` (a group, created if missing) the permissions "app_label.codename"."""
    # Permissions are normally created after all migrations; make sure they exist now.
    for app_config in apps.get_app_configs():
        original = getattr(app_config, "models_module", None)
        app_config.models_module = True
        create_permissions(app_config, verbosity=0, apps=apps)
        app_config.models_module = original
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name=role)
    for dotted in permissions:
        app_label, codename = dotted.split(".")
        group.permissions.add(Permission.objects.get(content_type__app_label=app_label, codename=codename))
    return group


def ensure_roles():
    for role, permissions in ROLE_PERMISSIONS.items():
        grant(global_apps, role, permissions)
