"""The member search over a whole country stays bounded (core.search.scoped_word_ids): the word table's entries of
one word in name order, so that a page stops after its 50 names instead of reading every bearer of the word
(PostgreSQL only — the word table exists there only; ≈ 2.6 GB and a few minutes at 5.6 million members)."""

from django.db import migrations

from dangbo.core.search import word_table, word_table_order_index_sql

TABLE = "members_member"


def install(apps, schema_editor):
    connection = schema_editor.connection
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cur:
        cur.execute(
            "SELECT column_name FROM information_schema.columns WHERE table_schema = current_schema() "
            "AND table_name = %s ORDER BY ordinal_position",
            [word_table(TABLE)],
        )
        columns = [c for (c,) in cur.fetchall()]
    if not columns:
        return
    carry = [c for c in columns if c not in ("row_id", "word", "org_path", "name_sort", "name_words")]
    schema_editor.execute(word_table_order_index_sql(TABLE, carry))


def uninstall(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {word_table(TABLE)}_order")


class Migration(migrations.Migration):
    dependencies = [("members", "0010_name_order")]

    operations = [migrations.RunPython(install, uninstall)]
