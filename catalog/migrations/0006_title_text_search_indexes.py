"""Title search backed by each database's own text index: a pg_trgm GIN index on PostgreSQL,
an FTS5 trigram table kept in sync by triggers on SQLite (only on SQLite). The statements live
in ``catalog.textsearch``, which also restores the SQLite triggers after any later migration
that rebuilds ``catalog_title``."""

from django.db import migrations


def forward(apps, schema_editor):
    from catalog.textsearch import install

    install(schema_editor.connection)


def backward(apps, schema_editor):
    from catalog.textsearch import uninstall

    uninstall(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [("catalog", "0005_title_listing_indexes")]

    operations = [migrations.RunPython(forward, backward, elidable=False)]
