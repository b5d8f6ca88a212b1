"""Formats are names in the registry (reports.formats), not choices fixed here: a new
format is one module, not a migration. Rows keep their values."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('publications', '0001_publications_from_reports'),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name='publishedfile',
            name='publishedfile_format_valid',
        ),
        migrations.AlterField(
            model_name='publishedfile',
            name='format',
            field=models.CharField(max_length=20),
        ),
        migrations.AddConstraint(
            model_name='publishedfile',
            constraint=models.CheckConstraint(condition=models.Q(('format', ''), _negated=True), name='publishedfile_format_named'),
        ),
    ]
