"""Statistics and indexes of the member name search (core/search.py).

PostgreSQL: the word table, filled from the members already there. SQLite: the vocabulary of the FTS5 table
(0003), which tells the search how common each word is."""

from django.db import migrations

from dangbo.core.search import vocabulary_sql, word_table_install_sql, word_table_uninstall_sql

TABLE = "members_member"
# The list filters, carried in the word table's index (members.models.LIST_INDEX_FILTERS at this migration).
CARRY = ["status", "gender", "political_theory", "ethnicity", "birth_date"]


def install(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for sql in word_table_install_sql(TABLE, CARRY):
            schema_editor.execute(sql)
        schema_editor.execute(f"ANALYZE {TABLE}_word")
    else:
        schema_editor.execute(vocabulary_sql(TABLE))


def uninstall(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for sql in word_table_uninstall_sql(TABLE):
            schema_editor.execute(sql)
    else:
        schema_editor.execute(f"DROP TABLE IF EXISTS {TABLE}_fts_vocab")


class Migration(migrations.Migration):
    dependencies = [("members", "0006_candidates")]
    operations = [migrations.RunPython(install, uninstall)]
