"""Image uploads shared by every app: validation, re-encoding and thumbnails.

Only JPEG, PNG and WebP are accepted. The header is read first, so that an image with too
many pixels is refused before it is decoded. Accepted images are re-encoded (orientation
applied, metadata dropped) under a generated name; thumbnails are made once, at upload.
"""

import io
import uuid
import warnings

from django import forms
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import models
from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageOps, UnidentifiedImageError

from . import fields
from .language import localized

ALLOWED_FORMATS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}
MAX_BYTES = 15 * 1024 * 1024
MAX_PIXELS = 40_000_000
THUMB_WIDTHS = (320, 640)

Image.MAX_IMAGE_PIXELS = MAX_PIXELS


def validate_image_file(upload) -> None:
    """Raise ValidationError unless ``upload`` is a JPEG, PNG or WebP of sane size."""
    size = getattr(upload, "size", None)
    if size is not None and size > MAX_BYTES:
        raise ValidationError(
            _("The file is %(size)s MB; the limit is %(limit)s MB."),
            params={"size": round(size / 1_048_576, 1), "limit": MAX_BYTES // 1_048_576},
            code="too_big",
        )
    upload.seek(0)
    try:
        with warnings.catch_warnings():
            # Between 1 and 2 times MAX_PIXELS Pillow only warns: the check below refuses it.
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            _check_image(upload)
    except (UnidentifiedImageError, Image.DecompressionBombError, OSError, SyntaxError, ValueError) as exc:
        if isinstance(exc, Image.DecompressionBombError):
            raise ValidationError(_("The image has too many pixels."), code="pixels") from exc
        raise ValidationError(
            _("The file is not a readable image: upload a JPEG, PNG or WebP file."), code="unreadable"
        ) from exc
    finally:
        upload.seek(0)


class ImageUploadField(forms.ImageField):
    """The admin's image field: our checks first, so that a bomb or a 100-megapixel photo is
    refused with a message that says why (Django's own check only says "not an image")."""

    def to_python(self, data):
        upload = forms.FileField.to_python(self, data)
        if upload is None:
            return None
        validate_image_file(upload)
        return super().to_python(data)


def _check_image(upload) -> None:
    with Image.open(upload) as img:
        fmt, (width, height) = img.format, img.size
        if fmt not in ALLOWED_FORMATS:
            raise ValidationError(
                _("Only JPEG, PNG and WebP images are accepted (this file is %(fmt)s)."),
                params={"fmt": fmt or _("unknown")},
                code="format",
            )
        if width * height > MAX_PIXELS:
            raise ValidationError(
                _("The image is %(w)s × %(h)s pixels; the limit is %(mp)s megapixels."),
                params={"w": width, "h": height, "mp": MAX_PIXELS // 1_000_000},
                code="pixels",
            )
        img.verify()
    # verify() checks little for JPEG and WebP: decode it all (the pixel count is bounded
    # above), so that a truncated or corrupt file is refused here, not at re-encoding.
    upload.seek(0)
    with Image.open(upload) as img:
        img.load()


def _encode(img: Image.Image, fmt: str) -> bytes:
    out = io.BytesIO()
    if fmt == "JPEG":
        img.convert("RGB").save(out, "JPEG", quality=88, optimize=True, progressive=True)
    elif fmt == "PNG":
        img.save(out, "PNG", optimize=True)
    else:
        img.save(out, "WEBP", quality=85)
    return out.getvalue()


def reencode(upload) -> tuple[ContentFile, Image.Image]:
    """The upload re-encoded in its own format, with orientation applied and no metadata."""
    upload.seek(0)
    with Image.open(upload) as img:
        fmt = img.format
        img.load()
        img = ImageOps.exif_transpose(img)
        if img.mode not in ("RGB", "RGBA", "L", "LA"):
            img = img.convert("RGBA" if "A" in img.getbands() else "RGB")
        clean = img.copy()
    data = _encode(clean, fmt)
    name = f"{uuid.uuid4().hex}.{ALLOWED_FORMATS[fmt]}"
    return ContentFile(data, name=name), clean


def thumbnail(img: Image.Image, width: int) -> ContentFile:
    """A WebP copy of ``img`` at most ``width`` pixels wide."""
    copy = img.copy()
    if copy.width > width:
        copy = copy.resize((width, round(copy.height * width / copy.width)), Image.Resampling.LANCZOS)
    data = _encode(copy.convert("RGBA") if "A" in copy.getbands() else copy.convert("RGB"), "WEBP")
    return ContentFile(data, name=f"{uuid.uuid4().hex}-{width}w.webp")


class ImageRecord(models.Model):
    """An uploaded picture with its alt text and credit line, and thumbnails made once."""

    image = models.ImageField(
        _("image"),
        upload_to="images/%Y/%m/",
        validators=[validate_image_file],
        width_field="width",
        height_field="height",
        help_text=_("JPEG, PNG or WebP, at most 15 MB and 40 megapixels."),
    )
    width = models.PositiveIntegerField(_("width"), editable=False, null=True)
    height = models.PositiveIntegerField(_("height"), editable=False, null=True)
    thumb_small = models.ImageField(upload_to="thumbs/%Y/%m/", editable=False, blank=True)
    thumb_large = models.ImageField(upload_to="thumbs/%Y/%m/", editable=False, blank=True)
    alt_en = fields.CharField(_("alt text (English)"), max_length=300, blank=True)
    alt_fr = fields.CharField(_("alt text (French)"), max_length=300, blank=True)
    credit = fields.CharField(
        _("credit line"), max_length=200, blank=True, help_text=_("e.g. “Photo: Opéra national de Paris”")
    )

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        # A file not yet in storage is a new upload; ``_committed`` is how Django's own
        # FileField.pre_save tells, and no public API says it.
        upload = self.image.file if self.image and not self.image._committed else None  # noqa: SLF001
        if upload is not None:
            content, img = reencode(upload)
            self.image.save(content.name, content, save=False)
            small, large = (thumbnail(img, w) for w in THUMB_WIDTHS)
            self.thumb_small.save(small.name, small, save=False)
            self.thumb_large.save(large.name, large, save=False)
        super().save(*args, **kwargs)

    @property
    def alt_text(self) -> str:
        """The alt text in the visitor's language, else the other one."""
        return localized(self, "alt")

    @property
    def srcset(self) -> str:
        parts = []
        if self.thumb_small:
            parts.append(f"{self.thumb_small.url} {THUMB_WIDTHS[0]}w")
        if self.thumb_large:
            parts.append(f"{self.thumb_large.url} {THUMB_WIDTHS[1]}w")
        return ", ".join(parts)
