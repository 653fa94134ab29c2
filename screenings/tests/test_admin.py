from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from screenings.enums import ScreeningStatus
from screenings.models import Screening

from .factories import EditionFactory, EpisodeFactory, ScreeningFactory, VenueFactory
from .forms import screening_form_data

LA = ZoneInfo("America/Los_Angeles")


@pytest.mark.django_db
def test_admin_add_screening_in_venue_time_and_conflict_shown_in_form(admin_client, settings):
    settings.TIME_ZONE = "Europe/Paris"
    venue = VenueFactory(name="Melville Theatre")
    episodes = [EpisodeFactory(runtime_minutes=45), EpisodeFactory(runtime_minutes=45)]

    response = admin_client.post(
        "/admin/screenings/screening/add/", screening_form_data(venue, episodes, "2021-11-07", "17:30")
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    screening = Screening.objects.get()
    assert screening.local_start.strftime("%Y-%m-%d %H:%M %Z") == "2021-11-07 17:30 PST"
    assert screening.local_end.strftime("%H:%M") == "19:00"

    response = admin_client.post(
        "/admin/screenings/screening/add/", screening_form_data(venue, episodes, "2021-11-07", "18:00")
    )
    assert response.status_code == 200
    errors = response.context["adminform"].form.non_field_errors()
    assert errors == [
        f"Melville Theatre is already booked from Sunday, November 7, 2021, 5:30 pm to 7:00 pm PST by “Episodes 1 & 2” (screening #{screening.pk}). Choose another time or room."
    ]
    assert "is already booked" in response.content.decode()


@pytest.mark.django_db
def test_admin_gap_time_message_shown(admin_client):
    venue = VenueFactory()
    response = admin_client.post(
        "/admin/screenings/screening/add/", screening_form_data(venue, [EpisodeFactory()], "2021-03-14", "02:15")
    )

    assert response.status_code == 200
    assert "02:15 does not exist in America/Los_Angeles on 2021-03-14" in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("count", [1, 3])
def test_admin_screening_changelist_query_count_is_constant(admin_client, django_assert_num_queries, count):
    edition = EditionFactory()
    for day in range(count):
        ScreeningFactory(
            edition=edition,
            starts_at=datetime(2030, 11, 3 + day, 9, tzinfo=LA),
            ends_at=datetime(2030, 11, 3 + day, 10, tzinfo=LA),
        )
    # 1 session, 2 user; filter choices: 3 editions with festivals, 4 venues with buildings;
    # 5 count; 6 page of screenings (venue, building, edition, festival joined); 7 titles
    # (prefetch; their parents too when they have some); date hierarchy: 8 first/last day
    # (its years come from them: catalog/templatetags/affiche_admin.py).
    with django_assert_num_queries(8):
        response = admin_client.get("/admin/screenings/screening/")
    assert len(response.context["cl"].result_list) == count


@pytest.mark.django_db
def test_admin_actions_cancel_duplicate_postpone(admin_client):
    venue = VenueFactory()
    other = VenueFactory()
    screening = ScreeningFactory(
        venue=venue, starts_at=datetime(2030, 11, 3, 9, tzinfo=LA), ends_at=datetime(2030, 11, 3, 10, 30, tzinfo=LA)
    )
    url = "/admin/screenings/screening/"

    admin_client.post(
        url,
        {
            "action": "duplicate_action",
            "_selected_action": [screening.pk],
            "apply": "1",
            "on_date": "2030-11-04",
            "venue": other.pk,
        },
    )
    copy = Screening.objects.exclude(pk=screening.pk).get()
    assert (copy.venue, copy.local_start.strftime("%Y-%m-%d %H:%M")) == (other, "2030-11-04 09:00")

    admin_client.post(
        url,
        {
            "action": "postpone_action",
            "_selected_action": [screening.pk],
            "apply": "1",
            "starts_0": "2030-11-05",
            "starts_1": "20:00",
            "starts_2": "",
        },
    )
    screening.refresh_from_db()
    assert screening.status == ScreeningStatus.POSTPONED
    assert screening.local_start.strftime("%Y-%m-%d %H:%M") == "2030-11-05 20:00"
    assert screening.local_previous_start.strftime("%Y-%m-%d %H:%M") == "2030-11-03 09:00"

    admin_client.post(url, {"action": "cancel_action", "_selected_action": [copy.pk]})
    copy.refresh_from_db()
    assert copy.status == ScreeningStatus.CANCELLED


@pytest.mark.django_db
def test_admin_edition_page_with_schedule_inline(admin_client):
    edition = EditionFactory()
    ScreeningFactory(edition=edition)

    response = admin_client.get(f"/admin/screenings/edition/{edition.pk}/change/")

    assert response.status_code == 200
    assert "Starts (venue&#x27;s local time)" in response.content.decode()
