from django.db import migrations

from riskregister.roles import grant

READERS = ["Panel member", "SMT editor", "Report author"]


def grant_publication_permission(apps, schema_editor):
    for role in READERS:
        grant(apps, role, ["reports.view_publication"])


def revoke_publication_permission(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    perm = Permission.objects.filter(content_type__app_label="reports", codename="view_publication")
    for group in Group.objects.filter(name__in=READERS):
        group.permissions.remove(*perm)


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0003_publications"),
    ]

    operations = [migrations.RunPython(grant_publication_permission, revoke_publication_permission)]
