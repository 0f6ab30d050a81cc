"""The legacy Ð/ð (typed by old fonts and keyboards for Đ/đ) as Đ/đ in users' names (core.text.nfc now does the
same on input)."""

from django.db import migrations

from dangbo.core.backfill import replace_legacy_d


def forward(apps, schema_editor):
    replace_legacy_d(schema_editor, "accounts_user", ["full_name"])


class Migration(migrations.Migration):
    dependencies = [("accounts", "0002_initial")]
    operations = [migrations.RunPython(forward, migrations.RunPython.noop)]
