"""A role for a name a document attaches to a work without saying how (issue 16, defect 4).

Numeridanse lists each suggested video with a name ("Noureev, Rudolf (France)") and no role:
crediting every such name as "Choreography" invented a fact. "Associated name" says only what
the page says.
"""

from django.db import migrations


def seed(apps, schema_editor):
    Department = apps.get_model("people", "Department")
    Role = apps.get_model("people", "Role")
    RoleLabel = apps.get_model("people", "RoleLabel")
    order = (Department.objects.order_by("-order").values_list("order", flat=True).first() or 0) + 1
    department, _created = Department.objects.get_or_create(
        slug="other", defaults={"name_en": "Other", "name_fr": "Autres", "order": order}
    )
    role_order = (Role.objects.order_by("-order").values_list("order", flat=True).first() or 0) + 1
    role, _created = Role.objects.get_or_create(
        slug="associated-name",
        defaults={
            "department": department,
            "name_en": "Associated name",
            "name_fr": "Nom associé",
            "target": "either",
            "is_cast": False,
            "schema_property": "",
            "order": role_order,
        },
    )
    for label, key in (("Associated name", "associated name"), ("Nom associé", "nom associe")):
        if not RoleLabel.objects.filter(name_key=key).exists():
            RoleLabel.objects.create(role=role, label=label, name_key=key)


def unseed(apps, schema_editor):
    apps.get_model("people", "Role").objects.filter(slug="associated-name", credits__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("people", "0010_credit_character_key")]

    operations = [migrations.RunPython(seed, unseed)]
