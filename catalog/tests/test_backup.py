"""Backups restore exactly: ``export_all`` → a fresh database → ``import_all`` → ``export_all``
gives the same bytes, on the demo and on a catalogue seeded with hostile-but-valid values."""

import io
import shutil
from importlib import import_module

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import CommandError, call_command
from django.db import connection, models
from PIL import Image

from catalog.backup import image_models
from catalog.csvio import TextWidget, get_resource, resource_names
from conftest import seed_iso_codes

# Every plane with assigned characters: BMP (é, ’), SMP (𝄞, 🎬), SIP (𠀀), TIP (𰀀), SSP (tag A),
# and the two private-use planes.
PLANES = "é ’ 𝄞 🎬 𠀀 𰀀 \U000e0041 \U000f0000 \U00100000"
SHORT = [f"'-Quote {PLANES}", f'\'=1+1 "q" {PLANES}', f"'@x ' {PLANES}", f"'+x ; , {PLANES}"]
LONG = f'\'-Quote "long"\nsecond line, ; | {PLANES}\n' + "Synopsis line that goes on.\n" * 5_000


def seed_images(alt="Portrait") -> list[str]:
    """One image on the first record of each image model's owner, uploaded as the admin does
    (re-encoded, with thumbnails); returns the models' labels."""
    from catalog.backup import owner_field

    seeded = []
    for n, model in enumerate(image_models()):
        owner = owner_field(model).related_model._default_manager.order_by("pk").first()
        out = io.BytesIO()
        Image.new("RGB", (700 + n, 400), (200, 30 + n, 30)).save(out, "PNG")
        record = model(**{owner_field(model).name: owner}, alt_en=alt, alt_fr=alt, credit=alt[:200])
        record.image = ContentFile(out.getvalue(), name="upload.png")
        record.save()
        seeded.append(model._meta.label)
    return seeded


def backup_round_trip(tmp_path, settings=None) -> dict[str, tuple[bytes, bytes]]:
    out = io.StringIO()
    call_command("export_all", str(tmp_path / "first"), stdout=out)
    # PostgreSQL cannot empty a table with foreign-key checks still pending in the test's
    # transaction: run them now (what a commit would do).
    connection.check_constraints()
    call_command("flush", interactive=False, stdout=out)
    if settings is not None:
        # A fresh server: no media either.
        shutil.rmtree(settings.MEDIA_ROOT, ignore_errors=True)
    # What the migrations of a fresh database hold: countries, languages, the role vocabulary.
    seed_iso_codes()
    import_module("people.migrations.0003_seed_role_vocabulary").seed(apps, None)
    try:
        call_command("import_all", str(tmp_path / "first"), stdout=out, stderr=out)
    except Exception:
        print(out.getvalue()[-3000:])
        raise
    call_command("export_all", str(tmp_path / "second"), stdout=out)
    first, second = (
        sorted(p.relative_to(tmp_path / d) for p in (tmp_path / d).rglob("*") if p.is_file())
        for d in ("first", "second")
    )
    assert first == second
    return {
        str(path): ((tmp_path / "first" / path).read_bytes(), (tmp_path / "second" / path).read_bytes())
        for path in first
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


def test_demo_backup_restores_byte_identical(tmp_path, demo, settings):
    from screenings.models import Screening

    uids = set(Screening.objects.values_list("uid", flat=True))
    seeded = seed_images()

    files = backup_round_trip(tmp_path, settings)

    assert len([name for name in files if "/" not in name]) == len(resource_names())
    for name, (first, second) in files.items():
        assert second == first, name
    assert set(Screening.objects.values_list("uid", flat=True)) == uids
    # Every image model, its file and both thumbnails came back, and the files are in storage.
    assert len(seeded) == len(image_models()) >= 4
    for model in image_models():
        (record,) = model.objects.all()
        for name in (record.image.name, record.thumb_small.name, record.thumb_large.name):
            assert f"media/{name}" in files
            assert default_storage.open(name).read() == files[f"media/{name}"][0]
        assert (record.width, record.height) == (record.image.width, record.image.height)


def test_import_all_refuses_a_backup_whose_image_file_is_missing(tmp_path, demo):
    seed_images()
    call_command("export_all", str(tmp_path), stdout=io.StringIO())
    missing = next((tmp_path / "media" / "images").rglob("*.png"))
    missing.unlink()
    err = io.StringIO()

    with pytest.raises(CommandError, match="Problems in media"):
        call_command("import_all", str(tmp_path), stdout=io.StringIO(), stderr=err)

    assert (
        f"The file “{missing.relative_to(tmp_path / 'media').as_posix()}” is missing from the backup." in err.getvalue()
    )


def test_hostile_catalogue_backup_restores_byte_identical(tmp_path, demo, settings):
    seeded = seed_hostile_values()
    seed_images(alt=SHORT[1][:200])

    files = backup_round_trip(tmp_path, settings)

    assert {"titles.synopsis_en", "people.name", "screenings.note", "venues.address"} <= set(seeded)
    text = b"".join(first for name, (first, _second) in files.items() if name.endswith(".csv")).decode()
    assert "''-Quote" in text
    assert "🎬" in text
    assert "\U00100000" in text
    assert all(model.objects.get().alt_en == SHORT[1][:200] for model in image_models())
    assert max(len(cell) for cell in text.split('"')) > 131_072
    for name, (first, second) in files.items():
        assert second == first, name


@pytest.mark.parametrize("value", ["'-Quote title", "'=SUM(A1)", "'@home", "''x", "=SUM(A1)", "-5 minutes"])
def test_values_that_look_neutralised_come_back_whole(value):
    from catalog.csvio import neutralise, unformula

    assert unformula(neutralise(value)) == value
