"""The organization picker's search (organizations/selectors.py) at national scale: a GIN index on the folded name's
words (PostgreSQL; 349,603 organizations in the synthetic national data set). SQLite checks the names row by row."""

from django.db import migrations

from dangbo.core.search import name_index_sql

TABLE = "organizations_organization"


def install(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(name_index_sql(TABLE))


def uninstall(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {TABLE}_name_fts")


class Migration(migrations.Migration):
    dependencies = [("organizations", "0008_depth_path_index_for_picker")]

    operations = [migrations.RunPython(install, uninstall)]
