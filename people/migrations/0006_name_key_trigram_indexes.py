"""Name search (``NamedQuerySet.search``: ``name_key`` contains each word, on the record or one
of its aliases) through trigram GIN indexes on PostgreSQL, where ``name_key LIKE '%word%'`` uses
them as it is. pg_trgm is created by catalog's 0005 (a trusted extension: the database owner
may create it). SQLite reads the ``name_key`` columns directly (a scan of short strings)."""

from django.db import migrations

TABLES = ["people_person", "people_personalias", "people_organization", "people_organizationalias"]


def forward(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for table in TABLES:
        # Serves NamedQuerySet.search: WHERE name_key LIKE '%word%' (search page, people list ?q=,
        # the admin's name search and autocomplete, the credits admin search).
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {table}_name_key_trgm ON {table} USING gin (name_key gin_trgm_ops)"
        )


def backward(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in TABLES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {table}_name_key_trgm")


class Migration(migrations.Migration):
    dependencies = [("people", "0005_version_numbers_and_value_validators"), ("catalog", "0006_title_text_search_indexes")]

    operations = [migrations.RunPython(forward, backward, elidable=False)]
