"""Word search over members.name_norm: FTS5 on SQLite, a GIN tsvector index on PostgreSQL (core/search.py)."""

from django.db import migrations

from dangbo.core.search import install_sql, uninstall_sql

TABLE = "members_member"


def install(apps, schema_editor):
    for sql in install_sql(TABLE, schema_editor.connection.vendor):
        schema_editor.execute(sql)


def uninstall(apps, schema_editor):
    for sql in uninstall_sql(TABLE, schema_editor.connection.vendor):
        schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("members", "0002_initial")]
    operations = [migrations.RunPython(install, uninstall)]
