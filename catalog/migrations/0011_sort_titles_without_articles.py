from django.db import migrations


def resort(apps, schema_editor):
    """Every title's sort key without its leading article, as ``Title.compute_sort_title``."""
    from catalog.text import sort_key

    Title = apps.get_model("catalog", "Title")
    changed = []
    for title in Title.objects.only("pk", "kind", "number", "original_title", "sort_title").iterator(chunk_size=2000):
        if not title.original_title:
            continue  # seasons and episodes: "Season 2" has no article
        key = sort_key(title.original_title)[:300]
        if key != title.sort_title:
            title.sort_title = key
            changed.append(title)
    Title.objects.bulk_update(changed, ["sort_title"], batch_size=1000)


class Migration(migrations.Migration):
    dependencies = [("catalog", "0010_constraint_messages")]

    operations = [migrations.RunPython(resort, migrations.RunPython.noop)]
