from django.contrib.auth.management import create_permissions
from django.db import migrations

AUTHOR = [
    "reports.view_paper", "reports.add_paper", "reports.change_paper",
    "reports.publish_paper", "reports.view_restricted_pack",
]
SMT = ["reports.view_paper", "reports.view_restricted_pack"]


def grant(apps, role, permissions):
    """Give `role` (a group, created if missing) the permissions "app_label.codename".

    Frozen here as it was when this migration was written, so later changes to
    the project's code never change what this migration does."""
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


def grant_paper_permissions(apps, schema_editor):
    grant(apps, "Report author", AUTHOR)
    grant(apps, "SMT editor", SMT)


def revoke_paper_permissions(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    perms = Permission.objects.filter(content_type__app_label="reports")
    for group in Group.objects.filter(name__in=["Report author", "SMT editor"]):
        group.permissions.remove(*perms)


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0001_paper"),
        ("risks", "0002_roles"),
    ]

    operations = [migrations.RunPython(grant_paper_permissions, revoke_paper_permissions)]
