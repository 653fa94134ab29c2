"""The substring index of ``Credit.character_key`` (people.hooks.character_index): a pg_trgm GIN
index on PostgreSQL, an FTS5 trigram table kept by triggers on SQLite (catalog.textsearch)."""

from django.db import migrations


def forward(apps, schema_editor):
    from people.hooks import character_index

    character_index().install(schema_editor.connection)


def backward(apps, schema_editor):
    from people.hooks import character_index

    character_index().uninstall(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [("people", "0011_role_associated_name")]

    operations = [migrations.RunPython(forward, backward, elidable=False)]
