"""The dates agree with the status (filled by 0003 in its own transaction first)."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('risks', '0003_risk_opened_closed_dates'),
    ]

    operations = [
        migrations.AddConstraint(
            model_name='risk',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('closed_on__isnull', True), ('status', 'open')), models.Q(('closed_on__isnull', False), ('status', 'closed')), _connector='OR'), name='risk_closed_on_matches_status', violation_error_message='A closed risk needs the date it was closed; an open risk has none.'),
        ),
        migrations.AddConstraint(
            model_name='risk',
            constraint=models.CheckConstraint(condition=models.Q(('closed_on__isnull', True), ('closed_on__gte', models.F('opened_on')), _connector='OR'), name='risk_closed_not_before_raised', violation_error_message='A risk cannot be closed before the date it was raised.'),
        ),
    ]
