"""Messages a person can act on (issue 15, defect 14): each names the line and the column it is
about, says what is accepted instead, and lists nothing that the import will not do."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from PIL import Image

from catalog.csvio import get_resource, run_import
from catalog.enums import TitleKind
from catalog.testing import csv_of
from catalog.tests.factories import TitleFactory
from people.models import Person
from screenings.tests.factories import VenueFactory

pytestmark = pytest.mark.django_db


def problems(report):
    return [(p.line, p.column, p.value, p.message) for p in report.problems]


def row(resource, **cells):
    return ",".join(cells.get(column, "") for column in get_resource(resource).columns())


def header(resource):
    return ",".join(get_resource(resource).columns())


def test_binary_file_names_its_line(iso_codes):
    data = header("people").encode() + b"\nok-person,Ok Person\n" + b"\x00\x01\x02\xff\xfe binary \x00\n"

    report = run_import("people", data)

    assert [(p.line, p.message) for p in report.problems] == [
        (3, "This line is neither UTF-8 nor Windows-1252 text. Save it as UTF-8 (or Windows-1252) and import it again.")
    ]


def test_unknown_organizer_is_reported_under_the_organizer_column(iso_codes):
    data = csv_of(
        header("festivals"),
        row(
            "festivals",
            slug="fest-2030",
            name="Fest",
            year="2030",
            starts_on="2030-01-01",
            ends_on="2030-01-05",
            organizer="Nobody",
        ),
    )

    report = run_import("festivals", data.encode())

    assert problems(report) == [(2, "organizer", "Nobody", "No organizer “Nobody”.")]


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("United States", "No country “United States”: write its ISO 3166 code, “US”."),
        ("États-Unis", "No country “États-Unis”: write its ISO 3166 code, “US”."),
        ("Atlantis", "No country “Atlantis”: write ISO 3166 codes, such as “US” or “FR”."),
    ],
)
def test_unknown_country_says_iso_codes_are_expected(iso_codes, value, message):
    data = csv_of(header("venues"), row("venues", slug="v1", name="V1", country=f'"{value}"', timezone="UTC"))

    report = run_import("venues", data.encode())

    assert problems(report) == [(2, "country", value, message)]


def test_unknown_language_says_iso_codes_are_expected(iso_codes):
    data = csv_of(
        header("titles"), row("titles", slug="x", kind="film", original_title="X", original_language="French")
    )

    report = run_import("titles", data.encode())

    assert problems(report) == [
        (2, "original_language", "French", "No language “French”: write its ISO 639 code, “fr”.")
    ]


def test_a_date_in_words_says_which_format_is_accepted(iso_codes):
    data = csv_of(
        header("festivals"),
        row("festivals", slug="f-2030", name="F", year="2030", starts_on='"December 14, 2018"', ends_on="2030-01-05"),
    )

    report = run_import("festivals", data.encode())

    assert problems(report) == [
        (
            2,
            "starts_on",
            "December 14, 2018",
            "Dates are accepted in one format only, YYYY-MM-DD (ISO 8601), such as 2026-03-04.",
        )
    ]


def test_invalid_choice_lists_the_valid_ones(iso_codes):
    data = csv_of(header("titles"), row("titles", slug="x", kind="Movie", original_title="X", original_language="fr"))

    report = run_import("titles", data.encode())

    assert problems(report) == [
        (
            2,
            "kind",
            "Movie",
            f"Not one of the choices: write one of {', '.join(TitleKind.values)}.",
        )
    ]


def test_dry_run_lists_no_new_person_for_rows_that_failed(iso_codes):
    title = TitleFactory(slug="a-film")
    credits = header("credits")
    rows = [
        row("credits", title=title.slug, person="Zoë Nouvelle", role="director", order="1"),
        row("credits", title="no-such-title", person="Ivo Failed", role="director", order="1"),
        row("credits", title=title.slug, person="Ana Bad Role", role="no-such-role", order="2"),
    ]

    report = run_import("credits", csv_of(credits, *rows).encode(), dry_run=True)

    assert [p.line for p in report.problems] == [3, 4]
    assert report.created_related == ["person: Zoë Nouvelle"]
    assert not Person.objects.exists()


def test_two_people_whose_names_match_once_accents_are_removed_give_a_warning(iso_codes):
    data = csv_of(
        header("people"),
        row("people", slug="agnes-varda", name="Agnès Varda"),
        row("people", slug="cleo-5-7", name="Cléo"),
        row("people", slug="agnes-varda-2", name="AGNES  VARDA."),
    )

    report = run_import("people", data.encode())

    assert report.ok
    assert [(w.line, w.column, w.value) for w in report.warnings] == [(4, "name", "AGNES  VARDA.")]
    assert "Same name as line 2 (“Agnès Varda”)" in report.warnings[0].message
    assert Person.objects.count() == 3


def test_the_same_name_warning_is_shown_in_the_admin_preview_and_by_the_command(admin_client, iso_codes, tmp_path):
    data = csv_of(
        header("people"), row("people", slug="a", name="Agnès Varda"), row("people", slug="b", name="Agnes Varda")
    )
    upload = SimpleUploadedFile("people.csv", data.encode(), content_type="text/csv")

    response = admin_client.post(reverse("admin:people_person_import_csv"), {"file": upload})

    assert "Same name as line 2 (“Agnès Varda”)" in response.content.decode()
    assert response.context["token"]
    path = tmp_path / "people.csv"
    path.write_text(data, encoding="utf-8")
    err = io.StringIO()
    call_command("import_csv", "people", str(path), "--dry-run", stdout=io.StringIO(), stderr=err)
    assert "warning: line 3, name: “Agnes Varda” Same name as line 2" in err.getvalue()


def image(fmt) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (20, 10), (200, 30, 30)).save(out, fmt)
    return out.getvalue()


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("portrait.gif", "GIF", "Only JPEG, PNG and WebP images are accepted (this file is GIF)."),
        ("portrait.bmp", "BMP", "Only JPEG, PNG and WebP images are accepted (this file is BMP)."),
        ("portrait.txt", b"just text", "The file is not a readable image: upload a JPEG, PNG or WebP file."),
    ],
)
def test_upload_error_lists_only_the_image_types_accepted(admin_client, iso_codes, name, content, message):
    from tests.adversarial.adminforms import form_data

    person = Person.objects.create(name="Ann", slug="ann")
    url = reverse("admin:people_person_change", args=[person.pk])
    data = form_data(admin_client.get(url))
    data.update({"portrait-TOTAL_FORMS": "1", "portrait-0-alt_en": "Portrait", "portrait-0-credit": "Photo"})
    data["portrait-0-image"] = SimpleUploadedFile(name, image(content) if isinstance(content, str) else content)

    response = admin_client.post(url, data)

    errors = [
        str(error)
        for inline in response.context["inline_admin_formsets"]
        for form in inline.formset
        for error in form.errors.get("image", [])
    ]
    assert errors == [message]
    assert "Allowed extensions" not in response.content.decode()


@pytest.mark.parametrize("dry_run", [True, False], ids=["check", "import"])
def test_overlap_in_a_file_names_the_earlier_line_not_an_id(iso_codes, dry_run):
    """The id of a screening that an earlier line wrote means nothing: the import is all or
    nothing, so that record is never kept."""
    VenueFactory(slug="melville", name="Melville", timezone="America/Los_Angeles")
    TitleFactory(slug="gala", original_title="Gala")
    screenings = header("screenings")
    shown = {"venue": "melville", "titles": "gala"}
    rows = [
        row("screenings", **shown, starts_at="2030-11-03T19:30", ends_at="2030-11-03T21:00", label="Gala"),
        row("screenings", **shown, starts_at="2030-11-03T20:30", ends_at="2030-11-03T22:00", label="Late"),
    ]

    report = run_import("screenings", csv_of(screenings, *rows).encode(), dry_run=dry_run)

    expected = (
        "Melville is already booked from Sunday, November 3, 2030, 7:30 pm to 9:00 pm PST by “Gala” "
        "(line 2 of this file). Choose another time or room."
    )
    assert [(p.line, p.message) for p in report.problems] == [(3, expected)]
