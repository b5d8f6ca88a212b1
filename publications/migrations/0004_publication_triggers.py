"""Triggers that refuse UPDATE and DELETE on published rows (publications.triggers),
after 0003 filled the chain of the publications already stored."""

from django.db import migrations


def install(apps, schema_editor):
    from publications import triggers

    triggers.install(schema_editor.connection)


def drop(apps, schema_editor):
    from publications import triggers

    triggers.drop(schema_editor.connection)


class Migration(migrations.Migration):

    dependencies = [
        ('publications', '0003_publication_chain'),
    ]

    operations = [
        migrations.RunPython(install, drop),
    ]
