"""Text stored before the text rules of catalog.fields: line ends normalised, control
characters removed (a line break or tab in a one-line field becomes a space), values cut to
their column's length. Reversing keeps the cleaned text."""

from django.db import migrations


def clean(apps, schema_editor):
    from catalog.fields import clean_stored_text

    clean_stored_text(apps, schema_editor, "people")


class Migration(migrations.Migration):
    dependencies = [("people", "0006_name_key_trigram_indexes")]

    operations = [migrations.RunPython(clean, migrations.RunPython.noop)]
