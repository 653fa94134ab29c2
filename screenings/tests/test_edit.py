"""Editing a saved screening: its form shows the stored local date, time and "which 1:30", and
posting the rendered page back unchanged saves (the screening page and the edition's schedule)."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from catalog.testing import browser_form_data
from screenings.enums import AmbiguousChoice
from screenings.forms import LocalDateTimeWidget
from screenings.localtime import WallTime
from screenings.models import Screening, Section

from .factories import EditionFactory, ScreeningFactory, TitleFactory, VenueFactory

LA = ZoneInfo("America/Los_Angeles")
UTC = ZoneInfo("UTC")


def change_page(client, screening):
    url = f"/admin/screenings/screening/{screening.pk}/change/"
    response = client.get(url)
    assert response.status_code == 200
    return url, browser_form_data(response.content, "screening_form", ("_save", "Save"))


def stored(screening):
    screening.refresh_from_db()
    return (screening.starts_at, screening.ends_at, screening.section_id, screening.title_list())


@pytest.mark.django_db
def test_saved_screening_form_shows_local_date_time_and_choice(admin_client):
    # 1:30 am PST on the fall-back night: the second 1:30 of 7 November 2021 (09:30 UTC).
    screening = ScreeningFactory(
        starts_at=datetime(2021, 11, 7, 9, 30, tzinfo=UTC), ends_at=datetime(2021, 11, 7, 11, 0, tzinfo=UTC)
    )

    _url, data = change_page(admin_client, screening)

    assert (data["starts_0"], data["starts_1"], data["starts_2"]) == (["2021-11-07"], ["01:30"], ["later"])
    assert (data["ends_0"], data["ends_1"], data["ends_2"]) == (["2021-11-07"], ["03:00"], [""])


@pytest.mark.django_db
def test_saved_screening_saves_unchanged_and_with_only_the_section_changed(admin_client):
    edition = EditionFactory()
    section = Section.objects.create(edition=edition, name_en="TV Series")
    screening = ScreeningFactory(
        edition=edition,
        starts_at=datetime(2030, 11, 3, 9, tzinfo=LA),
        ends_at=datetime(2030, 11, 3, 10, 30, tzinfo=LA),
        titles=[TitleFactory(), TitleFactory()],
    )
    before = stored(screening)
    url, data = change_page(admin_client, screening)

    response = admin_client.post(url, data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    assert stored(screening) == before

    url, data = change_page(admin_client, screening)
    data["section"] = [str(section.pk)]
    response = admin_client.post(url, data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    assert stored(screening) == (*before[:2], section.pk, before[3])


@pytest.mark.django_db
def test_edition_page_saves_with_only_a_section_colour_changed(admin_client):
    edition = EditionFactory()
    section = Section.objects.create(edition=edition, name_en="TV Series", colour="#111111")
    venue = VenueFactory()
    screenings = [
        ScreeningFactory(
            edition=edition,
            venue=venue,
            section=section,
            starts_at=datetime(2030, 11, day, 1, 30, tzinfo=LA),
            ends_at=datetime(2030, 11, day, 3, tzinfo=LA),
        )
        for day in (3, 4, 5)
    ]
    url = f"/admin/screenings/edition/{edition.pk}/change/"
    data = browser_form_data(admin_client.get(url).content, "edition_form", ("_save", "Save"))
    assert data["sections-0-colour"] == ["#111111"]
    data["sections-0-colour"] = ["#8c1c13"]

    response = admin_client.post(url, data)

    assert response.status_code == 302, [f.errors for f in response.context["inline_admin_formsets"][1].formset]
    section.refresh_from_db()
    assert section.colour == "#8c1c13"
    # 3 November 2030 is a fall-back night: 1:30 am happens twice (PDT, the earlier one, here).
    assert [(s.starts_at, s.ends_at) for s in Screening.objects.order_by("starts_at")] == [
        (s.starts_at.astimezone(UTC), s.ends_at.astimezone(UTC)) for s in screenings
    ]


def test_widget_decompresses_a_wall_time_not_a_tuple():
    wall = WallTime(datetime(2021, 11, 7, 1, 30), AmbiguousChoice.LATER)

    assert LocalDateTimeWidget().decompress(wall) == [wall.naive.date(), wall.naive.time(), "later"]
    assert tuple(wall) == (wall.naive, "later")


@pytest.mark.django_db
def test_screening_outside_its_edition_is_refused_with_a_link_to_widen_it(admin_client):
    from .forms import screening_form_data

    edition = EditionFactory()  # 1 to 10 November 2030
    data = screening_form_data(VenueFactory(), [TitleFactory()], "2030-03-13", "20:00", ends=("2030-03-13", "22:00"))
    data["edition"] = edition.pk

    response = admin_client.post("/admin/screenings/screening/add/", data)

    assert response.status_code == 200
    (error,) = response.context["adminform"].form.errors["starts"]
    assert error.startswith("This screening starts on 2030-03-13, outside ")
    assert f'<a href="/admin/screenings/edition/{edition.pk}/change/">Widen the edition</a>' in error
    assert not Screening.objects.exists()


@pytest.mark.django_db
def test_screening_outside_its_edition_is_refused_by_the_write_path():
    from django.core.exceptions import ValidationError

    from screenings.services import save_screening

    edition = EditionFactory()
    screening = Screening(
        edition=edition,
        venue=VenueFactory(),
        starts_at=datetime(2030, 3, 13, 20, tzinfo=LA),
        ends_at=datetime(2030, 3, 13, 22, tzinfo=LA),
    )

    with pytest.raises(ValidationError) as refused:
        save_screening(screening, [TitleFactory()])

    assert "outside" in refused.value.message_dict["starts_at"][0]
    assert f"/admin/screenings/edition/{edition.pk}/change/" in refused.value.message_dict["starts_at"][0]


@pytest.mark.django_db
def test_edition_page_row_without_a_title_is_refused(admin_client):
    edition = EditionFactory()
    venue = VenueFactory()
    url = f"/admin/screenings/edition/{edition.pk}/change/"
    data = browser_form_data(admin_client.get(url).content, "edition_form", ("_save", "Save"))
    data.update(
        {
            "screenings-0-venue": [str(venue.pk)],
            "screenings-0-starts_0": ["2030-11-05"],
            "screenings-0-starts_1": ["10:00"],
            "screenings-0-ends_0": ["2030-11-05"],
            "screenings-0-ends_1": ["12:00"],
            "screenings-0-label_en": ["Overlap A"],
        }
    )

    response = admin_client.post(url, data)

    assert response.status_code == 200
    (formset,) = [i.formset for i in response.context["inline_admin_formsets"] if i.formset.model is Screening]
    assert formset.forms[0].errors["programme"] == ["Choose at least one title shown."]
    assert not Screening.objects.exists()
