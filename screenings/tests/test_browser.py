import re

import pytest
from icalendar import Calendar
from playwright.sync_api import expect

from screenings.models import Screening

from .factories import FestivalFactory, TitleFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def pick(page, field, text):
    """Chooses ``text`` in the admin's autocomplete (select2) for ``field``."""
    from .test_browser_staff import pick as pick_in

    pick_in(page, page, field, text)


def test_programmer_schedules_a_screening_visitor_sees_it_and_downloads_ics(
    browser, live_server, admin_user, tmp_path, iso_codes
):
    FestivalFactory(name="Festival des Lumières", slug="lumieres")
    TitleFactory(original_title="Les Magnétiques", runtime_minutes=98)
    # The programmer's and the visitor's browsers are in Tokyo; the venue is in Los Angeles.
    context = browser.new_context(base_url=live_server.url, locale="en-GB", timezone_id="Asia/Tokyo")
    context.set_default_timeout(15_000)
    page = context.new_page()
    page.goto("/admin/login/")
    page.fill("#id_username", admin_user.username)
    page.fill("#id_password", "password")
    page.click("input[type=submit]")

    page.goto("/admin/screenings/venue/add/")
    page.fill("#id_name", "Melville Theatre")
    page.fill("#id_timezone", "America/Los_Angeles")
    page.fill("#id_city", "Los Angeles")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".messagelist")).to_contain_text("was added successfully")

    page.goto("/admin/screenings/edition/add/")
    pick(page, "festival", "Festival des Lumières")
    page.fill("#id_year", "2031")
    page.fill("#id_slug", "lumieres-2031")
    page.fill("#id_starts_on", "2031-11-05")
    page.fill("#id_ends_on", "2031-11-09")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".messagelist")).to_contain_text("was added successfully")

    page.goto("/admin/screenings/screening/add/")
    pick(page, "programme", "Les Magnétiques")
    pick(page, "venue", "Melville Theatre")
    pick(page, "edition", "Festival des Lumières 2031")
    page.fill("#id_starts_0", "2031-11-09")
    page.fill("#id_starts_1", "17:30")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".messagelist")).to_contain_text("was added successfully")
    screening = Screening.objects.get()
    assert screening.local_start.strftime("%H:%M %Z") == "17:30 PST"

    page.goto("/en/festivals/lumieres-2031/")
    expect(page.get_by_role("heading", level=2, name="Sunday, November 9, 2031")).to_be_visible()
    row = page.locator("li.screening")
    expect(row).to_contain_text("5:30 pm – 7:08 pm PST")
    expect(row).to_contain_text("Les Magnétiques")

    with page.expect_download() as download_info:
        row.get_by_role("link", name=re.compile("Add to calendar")).click()
    path = tmp_path / "screening.ics"
    download_info.value.save_as(path)
    [event] = Calendar.from_ical(path.read_bytes()).walk("VEVENT")
    assert event.decoded("dtstart").strftime("%Y-%m-%d %H:%M %Z") == "2031-11-09 17:30 PST"
    assert event["dtstart"].params["TZID"] == "America/Los_Angeles"
    assert str(event["uid"]) == f"{screening.uid}@affiche"

    page.goto("/fr/festivals/lumieres-2031/")
    expect(page.get_by_role("heading", level=2, name="dimanche 9 novembre 2031")).to_be_visible()
    expect(page.locator("li.screening")).to_contain_text("17:30 – 19:08 PST")
    context.close()


def test_demo_schedule_in_a_paris_browser(browser, live_server, demo):
    context = browser.new_context(base_url=live_server.url, locale="fr-FR", timezone_id="Europe/Paris")
    page = context.new_page()

    page.goto("/en/festivals/colcoa-2021/")

    times = page.locator(".screening-time time").all_inner_texts()
    assert times == [
        "9:00 am – 10:30 am PDT",
        "11:00 am – 12:30 pm PDT",
        "1:00 pm – 2:30 pm PDT",
        "3:00 pm – 4:30 pm PDT",
        "5:30 pm – 7:35 pm PST",
    ]
    context.close()


def test_a_section_swatch_is_drawn_only_where_its_colour_is_known(page, demo):
    """Issue 16, walked at 360 px: the venue and title pages (which do not load the edition's
    section colours) showed a grey box before "TV Series"; the festival page shows its colour."""
    page.set_viewport_size({"width": 360, "height": 780})
    swatch = "e => [getComputedStyle(e).borderLeftWidth, getComputedStyle(e).borderLeftColor]"

    page.goto("/en/festivals/colcoa-2021/")
    width, colour = page.locator(".screening .section-name").first.evaluate(swatch)
    assert (width != "0px", colour) == (True, "rgb(26, 85, 196)")
    for path in ("/en/venues/melville-theatre/", "/en/titles/l-opera/"):
        page.goto(path)
        assert page.locator(".screening .section-name").first.evaluate(swatch)[0] == "0px", path
