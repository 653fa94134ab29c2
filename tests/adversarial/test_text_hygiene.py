"""Text hygiene at the model layer (issue 15, defects 1, 2, 4 and 13): every text field of the
four apps normalises line ends and refuses control characters and over-long values
(catalog.fields), so that forms, CSV files and services refuse them with a clear message, the
CSV engine checks every value it writes into related tables, and the Atom feeds stay readable."""

import feedparser
import pytest
from django.apps import apps
from django.db import connection, models
from django.urls import reverse

from catalog.csvio import run_import
from catalog.fields import PlainTextValidator, clean_stored_text

from .adminforms import form_data

APPS = ("catalog", "people", "screenings", "streaming")


def text_fields():
    return [
        (f"{model._meta.label}.{field.name}", field)
        for model in apps.get_models()
        if model._meta.app_label in APPS
        for field in model._meta.get_fields()
        if isinstance(field, models.CharField | models.TextField)
    ]


TEXT_FIELDS = text_fields()


def test_there_are_text_fields_to_check():
    assert len(TEXT_FIELDS) > 100


@pytest.mark.parametrize(("label", "field"), TEXT_FIELDS, ids=[label for label, _ in TEXT_FIELDS])
def test_every_text_field_carries_the_text_rules(label, field):
    """A new field declared with Django's own CharField/TextField fails here: use catalog.fields."""
    multiline = isinstance(field, models.TextField)

    assert PlainTextValidator(multiline=multiline) in field.validators, label
    assert field.to_python("a\r\nb\rc") == "a\nb\nc"
    if field.max_length:
        assert any(getattr(v, "limit_value", None) == field.max_length for v in field.validators)


@pytest.mark.parametrize(
    ("value", "multiline", "refused"),
    [
        ("Café Noir – 2e", False, False),
        ("a\tb", False, True),
        ("a\nb", False, True),
        ("a\x0bb", False, True),
        ("a\x0cb", False, True),
        ("\x1b[31mred", False, True),
        ("a\x00b", False, True),
        ("a\x85b", False, True),
        ("a\x7fb", False, True),
        ("a\ufffeb", False, True),
        ("line 1\nline 2\tindented", True, False),
        ("a\x0bb", True, True),
        ("a\x00b", True, True),
    ],
)
def test_plain_text_validator(value, multiline, refused):
    from django.core.exceptions import ValidationError

    validator = PlainTextValidator(multiline=multiline)
    if refused:
        with pytest.raises(ValidationError):
            validator(value)
    else:
        validator(value)


# Admin forms and the feeds (defect 1) ---------------------------------------------------------


@pytest.fixture
def upcoming(db, iso_codes):
    """A venue with an upcoming screening, in a festival edition: both names are in the feed."""
    from screenings.tests.factories import EditionFactory, ScreeningFactory, VenueFactory

    venue = VenueFactory(name="Plain venue", slug="plain-venue")
    ScreeningFactory(venue=venue, edition=EditionFactory(festival__name="Plain festival"))
    return venue


@pytest.mark.parametrize("control", ["\x0b", "\x0c", "\x1b"])
def test_a_control_character_in_a_venue_name_is_refused_and_the_feed_stays_readable(
    admin_client, client, upcoming, control
):
    url = reverse("admin:screenings_venue_change", args=[upcoming.pk])
    data = {**form_data(admin_client.get(url)), "name": f"VN{control}X"}

    answer = admin_client.post(url, data)
    feed = client.get("/en/screenings/upcoming.atom")

    assert answer.status_code == 200
    assert "Remove the control character" in str(answer.context["adminform"].form.errors["name"])
    assert feed.status_code == 200
    assert feedparser.parse(feed.content).bozo == 0


def test_crlf_from_a_textarea_is_stored_as_lf(admin_client, iso_codes):
    from catalog.tests.factories import TitleFactory

    title = TitleFactory()
    url = reverse("admin:catalog_title_change", args=[title.pk])
    data = {**form_data(admin_client.get(url)), "synopsis_en": "Line 1\r\nLine 2"}

    answer = admin_client.post(url, data)

    assert answer.status_code == 302, answer.context["adminform"].form.errors
    title.refresh_from_db()
    assert title.synopsis_en == "Line 1\nLine 2"


# Feed HTML injection (defect 2) ----------------------------------------------------------------

INJECTION = 'VN"><img src=x onerror=alert(1)>'


def test_venue_and_festival_names_are_escaped_in_the_feed_summary(client, upcoming):
    from screenings.models import Festival

    type(upcoming).objects.filter(pk=upcoming.pk).update(name=INJECTION)
    Festival.objects.update(name=INJECTION)

    feed = feedparser.parse(client.get("/en/screenings/upcoming.atom").content)

    (entry,) = feed.entries
    summary = entry.summary
    assert "<img" not in summary
    assert "VN&quot;&gt;&lt;img src=x onerror=alert(1)&gt;" in summary  # the name, as text
    assert entry.summary_detail.type == "text/html"


def test_escaped_summary_is_text_for_a_reader(client, upcoming):
    """The raw XML holds the markup escaped twice: once for XML, once for HTML."""
    type(upcoming).objects.filter(pk=upcoming.pk).update(name=INJECTION)

    body = client.get("/en/screenings/upcoming.atom").content.decode()

    assert "&lt;img" not in body
    assert "&amp;lt;img src=x onerror=alert(1)&amp;gt;" in body


# CSV: control characters, NUL bytes, over-long related values, genres (defects 1, 4, 13) ------


def problems(report):
    """(line, column) of each problem (one per cell even when the cell breaks several rules)."""
    return sorted({(p.line, p.column) for p in report.problems})


@pytest.mark.parametrize(
    ("cell", "column"),
    [
        ("Ann\x0bOther", "name"),
        ("Ann\x1bOther", "name"),
        ("Ann\x00Other", "name"),
    ],
)
def test_control_characters_in_a_people_file_are_row_errors(db, unchanged, cell, column):
    data = f"slug,name\r\nann-other,{cell}\r\n".encode()

    with unchanged():
        report = run_import("people", data)

    assert problems(report) == [(2, column)]


def test_nul_byte_in_a_lookup_cell_is_a_row_error(db, iso_codes, unchanged):
    """On PostgreSQL a NUL in a natural key would crash the lookup query: refused when read."""
    data = b"slug,kind,parent,original_title\r\nfilm-1,film,a\x00b,Film\r\n"

    with unchanged():
        report = run_import("titles", data)

    assert problems(report) == [(2, "parent")]
    assert "NUL" in report.problems[0].message


LONG = "x" * 400
TITLE_HEADER = "slug,kind,original_title,title_en,title_fr,genres,ratings"


@pytest.mark.parametrize(
    ("cells", "column"),
    [
        (f"{LONG},,,", "title_en"),
        (f",{LONG},,", "title_fr"),
        (",,,US-TV:" + "M" * 21, "ratings"),
        (",,," + "S" * 21 + ":TV-MA", "ratings"),
        (",," + "g" * 81 + ",", "genres"),
        (",,Children & Family " + "x" * 120 + ",", "genres"),
        (",,,US-TV:TV\x0bMA", "ratings"),
        (",Le\x1bTitre,,", "title_fr"),
    ],
)
def test_over_long_or_control_values_in_title_related_columns_are_row_errors(db, iso_codes, unchanged, cells, column):
    title_en, title_fr, genres, ratings = cells.split(",", 3)
    data = f"{TITLE_HEADER}\r\nfilm-1,film,Film,{title_en},{title_fr},{genres},{ratings}\r\n".encode()

    with unchanged():
        report = run_import("titles", data)

    assert problems(report) == [(2, column)], report.problems


def test_over_long_alias_is_a_row_error(db, unchanged):
    data = f"slug,name,aliases\r\nann,Ann,{'A' * 300}\r\n".encode()

    with unchanged():
        report = run_import("people", data)

    assert problems(report) == [(2, "aliases")]


def test_over_long_new_name_in_credits_is_a_row_error(db, iso_codes, unchanged):
    from catalog.tests.factories import TitleFactory

    TitleFactory(slug="film-1")
    data = f"title,person,role\r\nfilm-1,{'N' * 300},director\r\n".encode()

    with unchanged():
        report = run_import("credits", data)

    assert problems(report) == [(2, "person")]
    assert "at most" in report.problems[0].message


def test_over_long_device_and_audience_source_are_row_errors(db, iso_codes, unchanged):
    header = "slug,name,kind,devices,audience"
    rows = [
        f"p1,P1,subscription,app:{'D' * 130},",
        f"p2,P2,subscription,,subscribers:~6000:2026-01-28:{'S' * 210}",
        "p3,P3,subscription,,subscribers:~99999999999999999999:2026-01-28:x",
    ]
    data = ("\r\n".join([header, *rows]) + "\r\n").encode()

    with unchanged():
        report = run_import("platforms", data)

    assert problems(report) == [(2, "devices"), (3, "audience"), (4, "audience")]


def test_over_long_section_is_a_row_error(db, iso_codes, unchanged):
    data = f"slug,name,year,starts_on,ends_on,sections\r\nf-2030,F,2030,2030-01-01,2030-01-05,{'S' * 120}\r\n".encode()

    with unchanged():
        report = run_import("festivals", data)

    assert problems(report) == [(2, "sections")]


def test_a_genre_written_as_a_name_gets_a_valid_slug(db, iso_codes, client):
    from catalog.models import Genre, Title

    data = f"{TITLE_HEADER}\r\nfilm-1,film,Film,,,Children & Family Movies,\r\nfilm-2,film,Film 2,,,children-family-movies,\r\n"

    report = run_import("titles", data.encode())

    assert report.ok, report.problems
    genre = Genre.objects.get()
    genre.full_clean()
    assert (genre.slug, genre.name_en) == ("children-family-movies", "Children & Family Movies")
    assert set(Title.objects.filter(genres=genre).values_list("slug", flat=True)) == {"film-1", "film-2"}
    page = client.get("/en/titles/", {"genre": genre.slug}).content.decode()
    assert "film-1" in page


def test_a_genre_that_cannot_be_a_slug_is_refused(db, iso_codes, unchanged):
    data = f"{TITLE_HEADER}\r\nfilm-1,film,Film,,,&&&,\r\n".encode()

    with unchanged():
        report = run_import("titles", data)

    assert problems(report) == [(2, "genres")]


# The data migration ---------------------------------------------------------------------------


def test_the_data_migration_cleans_stored_text(db, iso_codes):
    from catalog.tests.factories import TitleFactory
    from screenings.models import Venue
    from screenings.tests.factories import VenueFactory

    venue = VenueFactory(name="Plain")
    title = TitleFactory()
    Venue.objects.filter(pk=venue.pk).update(name="VN\x0bX\tY", address="1 Main\r\nStreet\x1b")
    type(title).objects.filter(pk=title.pk).update(synopsis_en="Line 1\r\nLine 2\rLine 3\x0c")

    for app in APPS:
        clean_stored_text(apps, connection.schema_editor(), app)

    venue.refresh_from_db()
    title.refresh_from_db()
    assert (venue.name, venue.address) == ("VNX Y", "1 Main Street")
    assert title.synopsis_en == "Line 1\nLine 2\nLine 3"


@pytest.mark.skipif(connection.vendor != "sqlite", reason="PostgreSQL refuses over-long values itself")
def test_the_data_migration_cuts_over_long_values_stored_on_sqlite(db, iso_codes):
    from catalog.models import ContentRating
    from catalog.tests.factories import TitleFactory

    rating = ContentRating.objects.create(title=TitleFactory(), system="US-TV", value="M" * 30)

    clean_stored_text(apps, connection.schema_editor(), "catalog")

    rating.refresh_from_db()
    assert rating.value == "M" * 20
