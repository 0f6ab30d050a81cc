import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    """``MemberMonth.organization`` loses its own index: the unique constraint ``member_month_unique`` (organization,
    month, org_path) begins with it."""

    dependencies = [
        ("organizations", "0009_name_word_index_for_picker"),
        ("reports", "0005_meeting_total"),
    ]

    operations = [
        migrations.AlterField(
            model_name="membermonth",
            name="organization",
            field=models.ForeignKey(
                db_constraint=False,
                db_index=False,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to="organizations.organization",
            ),
        ),
    ]
