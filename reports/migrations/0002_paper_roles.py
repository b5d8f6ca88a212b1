from django.db import migrations

from riskregister.roles import grant

AUTHOR = [
    "reports.view_paper", "reports.add_paper", "reports.change_paper",
    "reports.publish_paper", "reports.view_restricted_pack",
]
SMT = ["reports.view_paper", "reports.view_restricted_pack"]


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
