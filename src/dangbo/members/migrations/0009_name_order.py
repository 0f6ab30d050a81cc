"""Vietnamese name order as ICU's ``vi`` collation gives it, and the legacy Ð as Đ (core.text).

The legacy Ð/ð becomes Đ/đ in the names of members and candidates (and in the other names a member record
holds); the folded names of those rows follow (the search's FTS5 table on SQLite and word table on PostgreSQL
follow name_norm through their triggers); then every stored name sort key is computed again, batch by batch,
each batch committed on its own (the migration is not atomic: stopped half way, it is simply run again)."""

from django.db import migrations

from dangbo.core.backfill import recompute, refold, replace_legacy_d
from dangbo.core.text import name_sort_key

MEMBER_TEXT = ["full_name", "other_names", "introducer_1", "introducer_2", "joined_cell", "official_cell"]


def forward(apps, schema_editor):
    replace_legacy_d(schema_editor, "members_member", MEMBER_TEXT)
    refold(schema_editor, "members_member", "name_norm")
    replace_legacy_d(schema_editor, "members_candidate", ["full_name"])
    for table in ("members_member", "members_candidate"):
        recompute(schema_editor, table, source="full_name", target="name_sort", compute=name_sort_key)


class Migration(migrations.Migration):
    atomic = False
    dependencies = [("members", "0008_name_sort_longer")]
    operations = [migrations.RunPython(forward, migrations.RunPython.noop)]
