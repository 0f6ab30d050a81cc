"""The legacy Ð/ð (typed by old fonts and keyboards for Đ/đ) as Đ/đ in organization names, and their search keys
(core.text.nfc and fold now do the same on input)."""

from django.db import migrations

from dangbo.core.backfill import refold, replace_legacy_d


def forward(apps, schema_editor):
    replace_legacy_d(
        schema_editor, "organizations_organization", ["name", "short_name", "host_unit", "founding_issuer"]
    )
    refold(schema_editor, "organizations_organization", "name_norm")
    replace_legacy_d(schema_editor, "organizations_organizationlink", ["name"])


class Migration(migrations.Migration):
    dependencies = [("organizations", "0006_term_congress")]
    operations = [migrations.RunPython(forward, migrations.RunPython.noop)]
