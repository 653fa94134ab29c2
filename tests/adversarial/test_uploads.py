"""Hostile uploads through the admin (a person's portrait inline): refused with a message and
nothing stored, or accepted only as a re-encoded image under a generated name."""

import io
import struct
import zlib
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from people.models import Person, PersonPortrait

from .adminforms import form_data
from .conftest import Unchanged

HTML_TAIL = b"<html><body><script>alert(document.cookie)</script></body></html>"


def png_header(width: int, height: int) -> bytes:
    """A PNG whose header claims ``width`` × ``height`` pixels, with almost no pixel data: what
    a decompression bomb looks like before it is decoded."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", ihdr)
        + chunk(b"IDAT", zlib.compress(b"\x00" * 1024))
        + chunk(b"IEND", b"")
    )


def image_bytes(fmt="PNG", size=(40, 20), exif=None) -> bytes:
    out = io.BytesIO()
    image = Image.new("RGB", size, (200, 30, 30))
    image.paste((20, 20, 200), (0, 0, size[0] // 2, size[1]))
    image.save(out, fmt, **({"exif": exif} if exif else {}))
    return out.getvalue()


def rotated_jpeg() -> bytes:
    exif = Image.Exif()
    exif[0x0112] = 6  # Orientation: the camera was turned; show it rotated 90° clockwise
    exif[0x010F] = "Secret Camera Maker"
    return image_bytes("JPEG", (40, 20), exif=exif.tobytes())


REFUSED = [
    ("decompression bomb (100,000 × 100,000 header)", "bomb.png", png_header(100_000, 100_000), "pixels"),
    ("100-megapixel image", "huge.png", png_header(10_000, 10_000), "pixels"),
    ("50-megapixel image", "big.png", png_header(8_000, 6_250), "40 megapixels"),
    ("text file named .jpg", "photo.jpg", b"just some text, not a picture\n" * 20, "not a readable image"),
    (
        "SVG with a script",
        "logo.svg",
        b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
        "not a readable image",
    ),
    (
        "SVG named .png",
        "logo.png",
        b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>',
        "not a readable image",
    ),
    ("HTML page named .jpg", "page.jpg", b"<!doctype html>" + HTML_TAIL, "not a readable image"),
    ("truncated JPEG", "cut.jpg", image_bytes("JPEG", (400, 300))[:700], "not a readable image"),
    ("truncated PNG", "cut.png", image_bytes("PNG", (400, 300))[:90], "not a readable image"),
    ("GIF", "anim.gif", image_bytes("GIF"), "Only JPEG, PNG and WebP"),
    ("BMP", "old.bmp", image_bytes("BMP"), "Only JPEG, PNG and WebP"),
    ("empty file", "empty.png", b"", "empty"),
    ("16 MB file", "large.jpg", b"\xff\xd8\xff" + b"\x00" * (16 * 1024 * 1024), "the limit is 15 MB"),
]


@pytest.fixture
def person(demo):
    return Person.objects.filter(portrait__isnull=True).order_by("pk").first()


def post_portrait(client, person, name, content):
    url = reverse("admin:people_person_change", args=[person.pk])
    data = form_data(client.get(url))
    data.update({"portrait-TOTAL_FORMS": "1", "portrait-0-alt_en": "Portrait", "portrait-0-credit": "Photo: test"})
    data["portrait-0-image"] = SimpleUploadedFile(name, content, content_type="image/jpeg")
    return client.post(url, data)


def media_files(settings) -> set[Path]:
    root = Path(settings.MEDIA_ROOT)
    return {p for p in root.rglob("*") if p.is_file()} if root.exists() else set()


@pytest.mark.parametrize(("case", "name", "content", "message"), REFUSED, ids=[case for case, *_ in REFUSED])
def test_hostile_upload_is_refused_and_nothing_is_stored(
    admin_client, person, unchanged, settings, case, name, content, message
):
    with unchanged():
        response = post_portrait(admin_client, person, name, content)

    assert response.status_code == 200
    errors = response.context["inline_admin_formsets"][2].formset.errors[0]
    assert message in " ".join(errors["image"])
    assert media_files(settings) == set()


def upload_accepted(admin_client, person, name, content):
    changed = {"added": 1, "removed": 1}  # the person's row: its version moves on
    with Unchanged(allow={"people.PersonPortrait": 1, "people.Person": changed, "admin.LogEntry": 1}):
        response = post_portrait(admin_client, person, name, content)
    assert response.status_code == 302
    return PersonPortrait.objects.get(person=person)


def test_png_with_html_appended_is_re_encoded_without_it(admin_client, person, settings):
    portrait = upload_accepted(admin_client, person, "poster.png", image_bytes("PNG") + HTML_TAIL)

    stored = Path(portrait.image.path).read_bytes()
    assert stored.startswith(b"\x89PNG\r\n\x1a\n")
    assert b"<script>" not in stored
    assert (portrait.width, portrait.height) == (40, 20)


def test_path_traversal_name_is_replaced_by_a_generated_name(admin_client, person, settings):
    portrait = upload_accepted(admin_client, person, "../../../../etc/cron.d/evil.png", image_bytes("PNG"))

    name = Path(portrait.image.name)
    assert name.parts[0] == "images"
    assert ".." not in name.parts
    assert len(name.stem) == 32
    assert name.suffix == ".png"
    media = Path(settings.MEDIA_ROOT).resolve()
    assert all(media in path.resolve().parents for path in media_files(settings))
    assert "evil" not in " ".join(str(p) for p in media_files(settings))


def test_orientation_is_applied_and_metadata_dropped(admin_client, person):
    portrait = upload_accepted(admin_client, person, "camera.jpg", rotated_jpeg())

    with Image.open(portrait.image.path) as stored:
        assert stored.size == (20, 40)
        assert not stored.getexif()
        assert b"Secret Camera Maker" not in Path(portrait.image.path).read_bytes()
    assert (portrait.width, portrait.height) == (20, 40)


def test_a_truncated_stored_image_never_breaks_the_page(admin_client, client, person):
    portrait = upload_accepted(admin_client, person, "face.png", image_bytes("PNG", (700, 400)))
    for field in (portrait.image, portrait.thumb_small, portrait.thumb_large):
        Path(field.path).write_bytes(Path(field.path).read_bytes()[:50])

    response = client.get(person.get_absolute_url())

    assert response.status_code == 200
    assert portrait.thumb_large.url in response.content.decode()
