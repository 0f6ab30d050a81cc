"""The legacy Ð/ð (typed by old fonts and keyboards for Đ/đ) as Đ/đ in the names of communes and in the issuer
and signer of documents, and the search keys of those rows (core.text.nfc and fold now do the same on input)."""

from django.db import migrations

from dangbo.core.backfill import refold, replace_legacy_d


def forward(apps, schema_editor):
    replace_legacy_d(schema_editor, "steering_commune", ["name", "district_name", "province_name"])
    refold(schema_editor, "steering_commune", "name_norm")
    replace_legacy_d(schema_editor, "steering_document", ["issuer_name", "signer"])
    refold(schema_editor, "steering_document", "search_norm")


class Migration(migrations.Migration):
    dependencies = [("steering", "0004_numbering_per_term")]
    operations = [migrations.RunPython(forward, migrations.RunPython.noop)]
