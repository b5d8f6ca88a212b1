"""Publications move from the reports app to their own, without moving data.

Only Django's record of where the models live changes (SeparateDatabaseAndState):
the tables keep their names (reports_publication, reports_publishedfile) and their
rows. reports.0005 then drops the models from the reports app's state and moves
their content types, so the permissions granted on them (and the admin's log) follow.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('reports', '0004_publication_roles'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.CreateModel(
                    name='Publication',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('version', models.PositiveIntegerField()),
                        ('published_at', models.DateTimeField()),
                        ('reason', models.TextField(blank=True, help_text='Why this version was published; required for a correction (version 2 on).', max_length=2000)),
                        ('public_snapshot', models.JSONField()),
                        ('restricted_snapshot', models.JSONField()),
                        ('snapshots_sha256', models.CharField(max_length=64, verbose_name='SHA-256 digest of the snapshots')),
                        ('compared_with', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='publications.publication')),
                        ('paper', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='publications', to='reports.paper')),
                        ('published_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='publications', to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        'db_table': 'reports_publication',
                        'ordering': ['-paper__meeting_date', '-version'],
                    },
                ),
                migrations.CreateModel(
                    name='PublishedFile',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('pack', models.CharField(choices=[('public', 'Public pack'), ('restricted', 'Restricted pack')], max_length=10)),
                        ('format', models.CharField(choices=[('html', 'HTML'), ('pdf', 'PDF')], max_length=4)),
                        ('filename', models.CharField(max_length=200)),
                        ('content', models.BinaryField()),
                        ('size', models.PositiveIntegerField()),
                        ('sha256', models.CharField(max_length=64, verbose_name='SHA-256 digest')),
                        ('publication', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='files', to='publications.publication')),
                    ],
                    options={
                        'db_table': 'reports_publishedfile',
                        'ordering': ['publication', 'pack', 'format'],
                    },
                ),
                migrations.AddConstraint(
                    model_name='publication',
                    constraint=models.UniqueConstraint(fields=('paper', 'version'), name='publication_unique_version'),
                ),
                migrations.AddConstraint(
                    model_name='publication',
                    constraint=models.CheckConstraint(condition=models.Q(('version__gte', 1)), name='publication_version_positive'),
                ),
                migrations.AddConstraint(
                    model_name='publication',
                    constraint=models.CheckConstraint(condition=models.Q(('version', 1), models.Q(('reason', ''), _negated=True), _connector='OR'), name='publication_correction_has_reason', violation_error_message='Give the reason for publishing a correction.'),
                ),
                migrations.AddConstraint(
                    model_name='publishedfile',
                    constraint=models.UniqueConstraint(fields=('publication', 'pack', 'format'), name='publishedfile_unique_kind'),
                ),
                migrations.AddConstraint(
                    model_name='publishedfile',
                    constraint=models.CheckConstraint(condition=models.Q(('pack__in', ['public', 'restricted'])), name='publishedfile_pack_valid'),
                ),
                migrations.AddConstraint(
                    model_name='publishedfile',
                    constraint=models.CheckConstraint(condition=models.Q(('format__in', ['html', 'pdf'])), name='publishedfile_format_valid'),
                ),
            ],
        ),
    ]
