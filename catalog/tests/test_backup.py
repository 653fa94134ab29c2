"""Backups restore exactly: ``export_all`` → a fresh database → ``import_all`` → ``export_all``
gives the same bytes, on the demo and on a catalogue seeded with hostile-but-valid values."""

import io
from importlib import import_module

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import models

from catalog.csvio import TextWidget, get_resource, resource_names
from conftest import seed_iso_codes

# Every plane with assigned characters: BMP (é, ’), SMP (𝄞, 🎬), SIP (𠀀), TIP (𰀀), SSP (tag A),
# and the two private-use planes.
PLANES = "é ’ 𝄞 🎬 𠀀 𰀀 \U000e0041 \U000f0000 \U00100000"
SHORT = [f"'-Quote {PLANES}", f'\'=1+1 "q" {PLANES}', f"'@x ' {PLANES}", f"'+x ; , {PLANES}"]
LONG = f'\'-Quote "long"\nsecond line, ; | {PLANES}\n' + "Synopsis line that goes on.\n" * 5_000


def backup_round_trip(tmp_path) -> dict[str, tuple[bytes, bytes]]:
    out = io.StringIO()
    call_command("export_all", str(tmp_path / "first"), stdout=out)
    call_command("flush", interactive=False, stdout=out)
    # What the migrations of a fresh database hold: countries, languages, the role vocabulary.
    seed_iso_codes()
    import_module("people.migrations.0003_seed_role_vocabulary").seed(apps, None)
    try:
        call_command("import_all", str(tmp_path / "first"), stdout=out, stderr=out)
    except Exception:
        print(out.getvalue()[-3000:])
        raise
    call_command("export_all", str(tmp_path / "second"), stdout=out)
    return {
        path.name: (path.read_bytes(), (tmp_path / "second" / path.name).read_bytes())
        for path in sorted((tmp_path / "first").glob("*.csv"))
    }


def plain_text_fields(resource):
    """(column, model field) of the columns written as they are stored."""
    model = resource._meta.model
    for field in resource.get_export_fields():
        if type(field.widget) is not TextWidget or not field.attribute or "__" in field.attribute:
            continue
        model_field = model._meta.get_field(field.attribute)
        if isinstance(model_field, models.SlugField | models.URLField | models.EmailField) or model_field.choices:
            continue
        if isinstance(model_field, models.CharField | models.TextField):
            yield field.column_name, model_field


def seed_hostile_values(n=0) -> list[str]:
    """The first record of each resource gets hostile values in every plain text column that its
    model accepts them in (checked with full_clean); returns "resource.column" seeded."""
    seeded = []
    for name in resource_names():
        resource = get_resource(name)()
        record = resource.get_export_queryset().first()
        if record is None:
            continue
        for column, model_field in plain_text_fields(resource):
            old = getattr(record, model_field.attname)
            if isinstance(model_field, models.TextField) and not model_field.max_length:
                value = LONG
            else:
                value = SHORT[n % len(SHORT)][: model_field.max_length].rstrip()
                n += 1
            setattr(record, model_field.attname, value)
            try:
                record.full_clean()
            except ValidationError as exc:
                if model_field.name in exc.message_dict:
                    setattr(record, model_field.attname, old)
                    continue
            type(record)._default_manager.filter(pk=record.pk).update(**{model_field.attname: value})
            seeded.append(f"{name}.{column}")
    return seeded


def test_demo_backup_restores_byte_identical(tmp_path, demo):
    from screenings.models import Screening

    uids = set(Screening.objects.values_list("uid", flat=True))

    files = backup_round_trip(tmp_path)

    assert len(files) == len(resource_names())
    for name, (first, second) in files.items():
        assert second == first, name
    assert set(Screening.objects.values_list("uid", flat=True)) == uids


def test_hostile_catalogue_backup_restores_byte_identical(tmp_path, demo):
    seeded = seed_hostile_values()

    files = backup_round_trip(tmp_path)

    assert {"titles.synopsis_en", "people.name", "screenings.note", "venues.address"} <= set(seeded)
    text = b"".join(first for first, _second in files.values()).decode()
    assert "''-Quote" in text
    assert "🎬" in text
    assert "\U00100000" in text
    assert max(len(cell) for cell in text.split('"')) > 131_072
    for name, (first, second) in files.items():
        assert second == first, name


@pytest.mark.parametrize("value", ["'-Quote title", "'=SUM(A1)", "'@home", "''x", "=SUM(A1)", "-5 minutes"])
def test_values_that_look_neutralised_come_back_whole(value):
    from catalog.csvio import neutralise, unformula

    assert unformula(neutralise(value)) == value
