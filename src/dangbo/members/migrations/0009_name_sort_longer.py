"""Room for the new name sort key (core.text.name_sort_key: letters, tones and case of each part of the name, at
most four characters for each character of a 120-character name).

PostgreSQL: the columns widened in place (varchar(200) → varchar(500) is neither a table rewrite nor an index
rebuild), with the word table's copy of the key; the word table's trigger "AFTER UPDATE OF name_sort" is dropped
around the change and created again as it was. SQLite does not enforce a varchar length: only Django's state
changes, so the member table is not rebuilt (which would also drop the FTS5 triggers)."""

import dangbo.core.fields
from django.db import migrations

TABLES = ["members_member", "members_candidate", "members_member_word"]


def _set_length(schema_editor, length: int) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cur:
        cur.execute(
            """SELECT tgname, pg_get_triggerdef(oid) FROM pg_trigger
                WHERE tgrelid = to_regclass('members_member') AND NOT tgisinternal
                  AND pg_get_triggerdef(oid) LIKE '%%name_sort%%'"""
        )
        triggers = cur.fetchall()
    for name, _ in triggers:
        schema_editor.execute(f"DROP TRIGGER {name} ON members_member")
    for table in TABLES:
        schema_editor.execute(
            f'ALTER TABLE IF EXISTS {table} ALTER COLUMN name_sort TYPE varchar({length}) COLLATE "C"'
        )
    for _, definition in triggers:
        schema_editor.execute(definition)


def widen(apps, schema_editor):
    _set_length(schema_editor, 500)


def narrow(apps, schema_editor):
    _set_length(schema_editor, 200)


class Migration(migrations.Migration):
    dependencies = [("members", "0008_decisions_transfers_votes")]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name=model,
                    name="name_sort",
                    field=dangbo.core.fields.BinaryCharField(default="", editable=False, max_length=500),
                )
                for model in ("member", "candidate")
            ],
            database_operations=[migrations.RunPython(widen, narrow)],
        ),
    ]
