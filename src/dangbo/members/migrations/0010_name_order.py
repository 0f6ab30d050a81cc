"""Vietnamese name order as ICU's ``vi`` collation gives it, and the legacy Ð as Đ (core.text).

The legacy Ð/ð becomes Đ/đ in the names of members and candidates (and in the other names a member record
holds); the folded names of those rows follow (the search's FTS5 table on SQLite and word table on PostgreSQL
follow name_norm through their triggers); then every stored name sort key is computed again, batch by batch,
each batch committed on its own (the migration is not atomic: stopped half way, it is simply run again, as
``dangbo serve`` does). On PostgreSQL the word table, which carries name_sort, is filled again in bulk once the
keys are written instead of row by row by its trigger."""

from django.db import migrations

from dangbo.core.backfill import recompute, refold, replace_legacy_d
from dangbo.core.search import word_table, word_table_rebuild
from dangbo.core.text import name_sort_key

MEMBER_TEXT = ["full_name", "other_names", "introducer_1", "introducer_2", "joined_cell", "official_cell"]


def forward(apps, schema_editor):
    replace_legacy_d(schema_editor, "members_member", MEMBER_TEXT)
    refold(schema_editor, "members_member", "name_norm")
    replace_legacy_d(schema_editor, "members_candidate", ["full_name"])
    words = schema_editor.connection.vendor == "postgresql" and _exists(
        schema_editor, word_table("members_member")
    )
    quiet = [f"{word_table('members_member')}_upd"] if words else []
    recompute(
        schema_editor, "members_member", source="full_name", target="name_sort", compute=name_sort_key,
        quiet_triggers=quiet,
    )  # fmt: skip
    if words:
        word_table_rebuild("members_member")
    recompute(
        schema_editor, "members_candidate", source="full_name", target="name_sort", compute=name_sort_key
    )


def _exists(schema_editor, table: str) -> bool:
    with schema_editor.connection.cursor() as cur:
        cur.execute("SELECT to_regclass(%s) IS NOT NULL", [table])
        return cur.fetchone()[0]


class Migration(migrations.Migration):
    atomic = False
    dependencies = [("members", "0009_name_sort_longer")]
    operations = [migrations.RunPython(forward, migrations.RunPython.noop)]
