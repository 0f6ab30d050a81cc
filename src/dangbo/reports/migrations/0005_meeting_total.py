import django.db.models.deletion
from django.db import migrations, models

import dangbo.core.fields


class Migration(migrations.Migration):
    dependencies = [
        ("organizations", "0009_name_word_index_for_picker"),
        ("reports", "0004_member_month_heads"),
    ]

    operations = [
        migrations.CreateModel(
            name="MeetingTotal",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("org_path", dangbo.core.fields.BinaryCharField(max_length=255)),
                ("month", models.DateField()),
                ("upper_grade", models.IntegerField(default=0)),
                ("self_grade", models.IntegerField(default=0)),
                ("regular_held", models.IntegerField(default=0)),
                ("regular_planned", models.IntegerField(default=0)),
                ("base_count", models.IntegerField(default=0)),
                ("present_count", models.IntegerField(default=0)),
                ("unexcused_count", models.IntegerField(default=0)),
                ("criteria_passed", models.IntegerField(default=0)),
                ("criteria_total", models.IntegerField(default=0)),
                ("thematic_held", models.IntegerField(default=0)),
                ("other_held", models.IntegerField(default=0)),
                ("thematic_cells", models.IntegerField(default=0)),
                (
                    "organization",
                    models.ForeignKey(
                        db_constraint=False,
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="organizations.organization",
                    ),
                ),
            ],
            options={
                "verbose_name": "sinh hoạt của tổ chức (cả cấp dưới) trong tháng",
                "constraints": [
                    models.UniqueConstraint(
                        fields=("org_path", "month", "upper_grade", "self_grade"), name="meeting_total_unique"
                    )
                ],
            },
        ),
        # The totals are derived data: written whole by ``dangbo rollups rebuild`` (or the next ``extend``, which
        # rebuilds the meeting rollups when they are not marked built).
        migrations.RunSQL(
            "UPDATE reports_rollupstate SET meetings_built_at = NULL", reverse_sql=migrations.RunSQL.noop
        ),
    ]
