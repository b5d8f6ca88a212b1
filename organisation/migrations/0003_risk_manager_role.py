"""The risk manager's permission (organisation.manage_settings) for the report author role."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

GRANTS = {"Report author": ["organisation.manage_settings"]}


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


def grant_settings_permission(apps, schema_editor):
    for role, permissions in GRANTS.items():
        grant(apps, role, permissions)


def revoke_settings_permission(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for group in Group.objects.filter(name__in=GRANTS):
        group.permissions.remove(*Permission.objects.filter(content_type__app_label="organisation",
                                                            codename="manage_settings"))


class Migration(migrations.Migration):
    dependencies = [
        ("organisation", "0002_starting_settings"),
        ("risks", "0002_roles"),
    ]

    operations = [migrations.RunPython(grant_settings_permission, revoke_settings_permission)]
