"""The communes of both eras for the whole country (about 13,400 rows; see ``steering/support/services.py``), so every
install can record support to a commune with no manual step. Idempotent: the flags set by a committee stay."""

from django.db import migrations


def load(apps, schema_editor):
    from dangbo.steering.support import services as support

    support.load(model=apps.get_model("steering", "Commune"))


class Migration(migrations.Migration):
    dependencies = [("steering", "0002_document_types")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
