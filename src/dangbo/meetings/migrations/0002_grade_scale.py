"""The default meeting-quality grade scale. Provinces set their own (DOMAIN §3: "Quality grade scale is set by
each province (e.g. Tốt / Khá / Trung bình / Kém) — configurable"; the current Nghệ An scale is uncertain)."""

from django.db import migrations

LEVELS = [("tot", "Tốt", 1), ("kha", "Khá", 2), ("trung_binh", "Trung bình", 3), ("kem", "Kém", 4)]


def seed(apps, schema_editor):
    GradeLevel = apps.get_model("meetings", "GradeLevel")
    for code, label, rank in LEVELS:
        GradeLevel.objects.get_or_create(code=code, defaults={"label": label, "rank": rank})


class Migration(migrations.Migration):
    dependencies = [("meetings", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
