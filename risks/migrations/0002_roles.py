from django.db import migrations

from riskregister.roles import grant

REGISTER_MODELS = {
    "risks": ["owner", "risk", "riskowner", "riskdependency", "review"],
    "controls": ["control"],
}


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
