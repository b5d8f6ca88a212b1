from django.contrib.auth.management import create_permissions
from django.db import migrations

REGISTER_MODELS = {
    "risks": ["owner", "risk", "riskowner", "riskdependency", "review"],
    "controls": ["control"],
}


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


def perms(actions):
    return [f"{app}.{action}_{model}" for app, models in REGISTER_MODELS.items() for model in models for action in actions]


def create_roles(apps, schema_editor):
    grant(apps, "SMT editor", perms(["view", "add", "change", "delete"]))
    grant(apps, "Report author", perms(["view"]))
    grant(apps, "Panel member", [])


def remove_roles(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=["SMT editor", "Report author", "Panel member"]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("risks", "0001_initial"),
        ("controls", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_roles, remove_roles)]
