"""Publications now live in the publications app (publications.0001): drop them from
this app's state, tables and rows untouched, and move their content types along, so
permissions already granted on them (reports.view_publication, now
publications.view_publication) keep their rows and their groups."""

from django.db import migrations

MOVED = ("publication", "publishedfile")


def move_content_types(source, target):
    def move(apps, schema_editor):
        ContentType = apps.get_model("contenttypes", "ContentType")
        content_types = ContentType.objects.using(schema_editor.connection.alias)
        for model in MOVED:
            moving = content_types.filter(app_label=source, model=model).first()
            if moving is None:
                continue
            # One made for the new label in the meantime (permissions created by a
            # data migration) holds nothing granted yet: the moving one replaces it.
            content_types.filter(app_label=target, model=model).delete()
            moving.app_label = target
            moving.save(update_fields=["app_label"])
        ContentType.objects.clear_cache()

    return move


class Migration(migrations.Migration):

    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("reports", "0004_publication_roles"),
        ("publications", "0001_publications_from_reports"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.DeleteModel(name="PublishedFile"),
                migrations.DeleteModel(name="Publication"),
            ],
        ),
        migrations.RunPython(
            move_content_types("reports", "publications"), move_content_types("publications", "reports"),
        ),
    ]
