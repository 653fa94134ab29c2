"""``Title.top_level``, kept by database triggers (catalog.toplevel), filled for every row."""

import django.db.models.deletion
from django.db import migrations, models


def install(apps, schema_editor):
    from catalog import toplevel

    toplevel.install(schema_editor.connection)
    toplevel.fill(schema_editor.connection)


def uninstall(apps, schema_editor):
    from catalog import toplevel

    toplevel.uninstall(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [
        ("catalog", "0015_import_run"),
    ]

    operations = [
        migrations.AddField(
            model_name="title",
            name="top_level",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                editable=False,
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to="catalog.title",
                verbose_name="top-level work",
            ),
        ),
        migrations.RunPython(install, uninstall),
    ]
