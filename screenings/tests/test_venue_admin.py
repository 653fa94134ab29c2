"""The venue form as staff use it (issue 14.10): rooms get their slug from their name, and an
empty one is made for them; the time zone is chosen from the list of IANA zones."""

import pytest

from catalog.testing import browser_form_data
from screenings.models import Venue

from .factories import VenueFactory

pytestmark = pytest.mark.django_db

ADD = "/admin/screenings/venue/add/"


def venue_form(client, url=ADD, **values) -> dict:
    """What the browser posts from the venue form at ``url`` with ``values`` typed in."""
    data = browser_form_data(client.get(url).content, form_id="venue_form")
    data.update({name: [value] for name, value in values.items()})
    return data


def test_rooms_left_without_a_slug_get_one_made_from_their_venue_and_name(admin_client, iso_codes):
    for venue in ("Melville Theatre", "Grand Lake"):
        response = admin_client.post(
            ADD,
            venue_form(
                admin_client,
                name=venue,
                slug="",
                timezone="America/Los_Angeles",
                **{"rooms-0-name": "Salle 1", "rooms-0-slug": ""},
            ),
        )
        assert response.status_code == 302, response.context["errors"]

    assert sorted(Venue.objects.values_list("slug", flat=True)) == [
        "grand-lake",
        "grand-lake-salle-1",
        "melville-theatre",
        "melville-theatre-salle-1",
    ]


def test_the_room_slug_is_prefilled_from_its_name_in_the_venue_form(admin_client):
    html = admin_client.get(ADD).content.decode()

    # Django's prepopulate script reads this list, for the room rows as for the venue itself.
    room = (
        "{&quot;id&quot;: &quot;#id_rooms-0-slug&quot;, &quot;name&quot;: &quot;slug&quot;, "
        "&quot;dependency_ids&quot;: [&quot;#id_rooms-0-name&quot;]"
    )
    assert room in html


def test_a_slug_taken_by_another_venue_is_refused_with_a_way_out(admin_client):
    balzac = VenueFactory(name="Le Balzac", slug="le-balzac")
    VenueFactory(name="Salle 1", slug="salle-1", parent=VenueFactory(name="Grand Lake", slug="grand-lake"))
    url = f"/admin/screenings/venue/{balzac.pk}/change/"

    # The room row's slug as the browser prefilled it from the name.
    data = venue_form(admin_client, url, **{"rooms-0-name": "Salle 1", "rooms-0-slug": "salle-1"})
    response = admin_client.post(url, data)

    assert response.status_code == 200
    (rooms,) = [i.formset for i in response.context["inline_admin_formsets"] if i.formset.prefix == "rooms"]
    assert rooms.forms[0].errors["slug"] == [
        (
            "“salle-1” is already the address of Grand Lake – Salle 1. Choose another, such as "
            "“le-balzac-salle-1”, or leave it empty to have one made from the name."
        )
    ]
    data["rooms-0-slug"] = [""]
    assert admin_client.post(url, data).status_code == 302
    assert balzac.rooms.get().slug == "le-balzac-salle-1"


def test_the_time_zone_is_chosen_from_the_list_of_iana_zones(admin_client):
    import re
    from zoneinfo import available_timezones

    html = admin_client.get(ADD).content.decode()
    box = re.search(r'<input[^>]*name="timezone"[^>]*>', html).group(0)
    list_id = re.search(r'list="([^"]+)"', box).group(1)
    datalist = re.search(rf'<datalist id="{list_id}">(.*?)</datalist>', html, re.S).group(1)
    offered = re.findall(r'<option value="([^"]+)">', datalist)

    assert offered == sorted(offered)
    assert {"Europe/Paris", "America/Los_Angeles", "UTC"} <= set(offered)
    assert set(offered) <= available_timezones()
    assert not {"PST8PDT", "EST", "GMT"} & set(offered)  # no abbreviations: they know no DST


@pytest.mark.parametrize("typed", ["PST", "+02:00", "Europe/Pariss", "paris"])
def test_a_time_zone_not_in_the_list_is_refused_with_an_example(admin_client, typed):
    response = admin_client.post(ADD, venue_form(admin_client, name="Le Balzac", slug="", timezone=typed))

    assert response.status_code == 200
    assert response.context["adminform"].form.errors["timezone"] == [
        f"“{typed}” is not an IANA time zone; write it like “Europe/Paris” or “America/Los_Angeles”."
    ]
    assert not Venue.objects.exists()
