"""Seed ISO 3166-1 countries and ISO 639 languages with English and French names (CLDR via Babel)."""

import re

from django.db import migrations

NOT_COUNTRIES = {"EU", "EZ", "UN", "QO", "XA", "XB", "ZZ"}


def seed(apps, schema_editor):
    from babel import Locale

    en, fr = Locale("en"), Locale("fr")
    Country = apps.get_model("catalog", "Country")
    Language = apps.get_model("catalog", "Language")
    Country.objects.bulk_create(
        [
            Country(code=code, name_en=name, name_fr=fr.territories.get(code, name))
            for code, name in en.territories.items()
            if re.fullmatch(r"[A-Z]{2}", code) and code not in NOT_COUNTRIES
        ],
        ignore_conflicts=True,
    )
    Language.objects.bulk_create(
        [
            Language(code=code, name_en=name, name_fr=fr.languages.get(code, name))
            for code, name in en.languages.items()
            if re.fullmatch(r"[a-z]{2,3}", code) and code not in {"und", "zxx", "mul", "mis"}
        ],
        ignore_conflicts=True,
    )


def unseed(apps, schema_editor):
    apps.get_model("catalog", "Country").objects.all().delete()
    apps.get_model("catalog", "Language").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("catalog", "0001_initial")]
    operations = [migrations.RunPython(seed, unseed)]
