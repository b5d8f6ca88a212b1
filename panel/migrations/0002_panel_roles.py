from django.contrib.auth.management import create_permissions
from django.db import migrations

GRANTS = {
    "Panel member": ["panel.raise_question"],
    "SMT editor": ["panel.view_panelitem", "panel.answer_panelitem"],
    "Report author": ["panel.view_panelitem", "panel.add_panelitem", "panel.change_panelitem",
                      "panel.answer_panelitem"],
}


def grant(apps, role, permissions):
    """Frozen copy of riskregister.roles.grant as it was when this migration was written."""
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


def grant_panel_permissions(apps, schema_editor):
    for role, permissions in GRANTS.items():
        grant(apps, role, permissions)


def revoke_panel_permissions(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for group in Group.objects.filter(name__in=GRANTS):
        group.permissions.remove(*Permission.objects.filter(content_type__app_label="panel"))


class Migration(migrations.Migration):
    dependencies = [
        ("panel", "0001_panel_items"),
        ("risks", "0002_roles"),
    ]

    operations = [migrations.RunPython(grant_panel_permissions, revoke_panel_permissions)]
