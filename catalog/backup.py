"""The images of a backup: ``export_all`` writes ``DIR/media/`` beside the CSV files (every
image and thumbnail file at its storage path, and ``images.csv`` listing the image records),
``import_all`` restores them after the CSV files, so that the records they belong to exist.

Image models are found, not listed: every concrete model derived from
``catalog.images.ImageRecord`` (a title's images, a person's portrait, logos…), each belonging
to one record through its one foreign key, written as that record's slug. Every other field is
a column, so a field added to an image model is backed up without a line here."""

import csv
from pathlib import Path

from django.apps import apps
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import models
from django.utils.translation import gettext as _

from .csvio import neutralise, unformula
from .images import ImageRecord

MEDIA = "media"


def image_models() -> list[type[models.Model]]:
    return sorted(
        (m for m in apps.get_models() if issubclass(m, ImageRecord) and not m._meta.abstract),
        key=lambda m: m._meta.label,
    )


def owner_field(model) -> models.ForeignKey:
    (field,) = [f for f in model._meta.concrete_fields if f.is_relation]
    return field


def value_fields(model) -> list[models.Field]:
    """Every stored field but the id and the owner, in declaration order."""
    owner = owner_field(model)
    return [f for f in model._meta.concrete_fields if not f.primary_key and f is not owner]


def manifest_name(model) -> str:
    """``catalog.titleimage.csv``: one file per image model."""
    return f"{model._meta.label_lower}.csv"


def header(model) -> list[str]:
    return [owner_field(model).name, *(f.name for f in value_fields(model))]


def _cell(field, value) -> str:
    if value is None:
        return ""
    if isinstance(field, models.FileField):
        return value.name or ""
    return str(value)


def export_images(folder: Path) -> int:
    """Write ``folder/media/``: the files of every image record and, per image model, a CSV
    file of its records. Returns the number of records."""
    media = folder / MEDIA
    media.mkdir(parents=True, exist_ok=True)
    count = 0
    for model in image_models():
        owner = owner_field(model)
        fields = value_fields(model)
        rows = []
        for record in model._default_manager.select_related(owner.name):
            rows.append([getattr(record, owner.name).slug, *(_cell(f, getattr(record, f.attname)) for f in fields)])
            for field in fields:
                if isinstance(field, models.FileField) and (name := getattr(record, field.attname).name):
                    target = media / name
                    target.parent.mkdir(parents=True, exist_ok=True)
                    with default_storage.open(name, "rb") as source:
                        target.write_bytes(source.read())
        rows.sort()
        with open(media / manifest_name(model), "w", encoding="utf-8", newline="") as stream:
            writer = csv.writer(stream, lineterminator="\r\n")
            writer.writerow(header(model))
            writer.writerows([neutralise(cell) for cell in row] for row in rows)
        count += len(rows)
    return count


def _stored_name(media: Path, name: str, dry_run: bool) -> str:
    """``name`` in the storage holding the backup's file: the same name when it is free or
    already holds the same bytes (a restore on the same server), else the name storage gives."""
    source = media / name
    if not source.is_file() or media.resolve() not in source.resolve().parents:
        raise ValidationError(_("The file “%(name)s” is missing from the backup.") % {"name": name})
    if dry_run:
        return name
    data = source.read_bytes()
    if default_storage.exists(name):
        with default_storage.open(name, "rb") as stored:
            if stored.read() == data:
                return name
    return default_storage.save(name, ContentFile(data))


def import_images(folder: Path, dry_run=False) -> tuple[int, list[str]]:
    """Restore the image records of ``folder/media/`` (their owners are imported already):
    (records restored, problems). A record of the same owner and file is updated; a
    one-to-one owner's image is replaced."""
    media = folder / MEDIA
    done, problems = 0, []
    for model in image_models():
        manifest = media / manifest_name(model)
        if not manifest.is_file():
            continue
        with open(manifest, encoding="utf-8", newline="") as stream:
            rows = csv.reader(stream)
            if [unformula(c) for c in next(rows, [])] != header(model):
                problems.append(
                    _("%(file)s: the first line must be %(header)s.")
                    % {"file": manifest.name, "header": ",".join(header(model))}
                )
                continue
            for line, cells in enumerate(rows, start=2):
                try:
                    _restore(model, [unformula(c) for c in cells], media, dry_run)
                    done += 1
                except (ValidationError, ValueError) as exc:
                    messages = exc.messages if isinstance(exc, ValidationError) else [str(exc)]
                    problems += [
                        f"{manifest.name}, " + _("line %(line)s") % {"line": line} + f": {m}" for m in messages
                    ]
    return done, problems


def _restore(model, cells, media, dry_run):
    owner = owner_field(model)
    fields = value_fields(model)
    if len(cells) != len(fields) + 1:
        raise ValueError(
            _("This line has %(n)s cells; the header has %(m)s.") % {"n": len(cells), "m": len(fields) + 1}
        )
    target = owner.related_model._default_manager.filter(slug=cells[0]).first()
    if target is None:
        raise ValueError(
            _("No %(label)s “%(value)s”.") % {"label": owner.related_model._meta.verbose_name, "value": cells[0]}
        )
    values = {}
    for field, value in zip(fields, cells[1:], strict=True):
        if isinstance(field, models.FileField):
            values[field] = _stored_name(media, value, dry_run) if value else ""
        else:
            values[field] = None if value == "" and field.null else field.to_python(value)
    if dry_run:
        return
    lookup = {owner.name: target}
    if not isinstance(owner, models.OneToOneField):
        lookup["image"] = values[model._meta.get_field("image")]
    record = model._default_manager.filter(**lookup).first() or model(**{owner.name: target})
    for field, value in values.items():
        setattr(record, field.attname, value)
    record.full_clean(exclude=[f.name for f in fields if isinstance(f, models.FileField)])
    # The files are in storage already (committed): ``save`` makes no thumbnail again.
    record.save()
