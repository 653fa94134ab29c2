"""Friction in the admin, seen in Chromium (issue 14.10): the edition's schedule fits a 1280-px
screen, the batch-release form is styled like the admin's own forms, a room's slug is prefilled
from its name, the time zone is offered from a list, an episode is found by its series and
number. Screenshots of these pages at 1280 and 360 px go to docs/screenshots/admin-*.png."""

from pathlib import Path

import pytest
from django.conf import settings
from playwright.sync_api import expect

from screenings.models import Edition, Venue

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

SCREENSHOTS = Path(settings.BASE_DIR) / "docs" / "screenshots"
WIDTHS = {"desktop": 1280, "phone": 360}


def screenshot(page, name: str, selector: str | None = None):
    """docs/screenshots/admin-<name>-<desktop|phone>.png of the page (or of ``selector``)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    width = page.viewport_size["width"]
    device = next(device for device, w in WIDTHS.items() if w == width)
    target = SCREENSHOTS / f"admin-{name}-{device}.png"
    if selector:
        page.locator(selector).first.screenshot(path=target)
    else:
        height = min(page.evaluate("document.documentElement.scrollHeight"), 1400)
        page.screenshot(path=target, full_page=True, clip={"x": 0, "y": 0, "width": width, "height": height})
    assert target.stat().st_size > 5_000


OVERFLOW = """(selector) => Array.from(document.querySelectorAll(selector))
    .filter(e => e.scrollWidth > e.clientWidth + 1)
    .map(e => (e.textContent || e.id || e.className).trim().slice(0, 60))"""


def test_the_edition_schedule_fits_a_1280_px_screen_without_cutting_rooms(admin_page, demo):
    edition = Edition.objects.get(slug="colcoa-2021")
    venue = Venue.objects.filter(parent__isnull=True).first()
    room = Venue.objects.create(name="Grande salle Henri-Langlois", parent=venue)
    edition.screenings.update(venue=room)

    admin_page.goto(f"/admin/screenings/edition/{edition.pk}/change/")
    expect(admin_page.locator("#screenings-group")).to_be_visible()

    # Every column of the schedule on screen: its scrolling box holds it without a scroll bar.
    sizes = admin_page.evaluate(
        """() => { const box = document.querySelector('#screenings-group div.wrapper');
                   return [box.scrollWidth, box.clientWidth,
                           document.documentElement.scrollWidth, document.documentElement.clientWidth] }"""
    )
    assert sizes[0] <= sizes[1], sizes
    assert sizes[2] <= sizes[3], sizes
    right = admin_page.locator("#screenings-group div.wrapper").bounding_box()
    for column in ("programme", "venue", "starts", "ends", "section", "label_en", "status"):
        cell = admin_page.locator(f"#screenings-group td.field-{column}").first.bounding_box()
        assert cell["x"] + cell["width"] <= right["x"] + right["width"] + 1, column
    # The rooms' names are whole (they wrap), not cut.
    assert admin_page.evaluate(OVERFLOW, "#screenings-group td.field-venue .select2-selection__rendered") == []
    expect(admin_page.locator("#screenings-group td.field-venue").first).to_contain_text("Henri-Langlois")
    screenshot(admin_page, "edition-schedule", "#screenings-group")
    admin_page.set_viewport_size({"width": WIDTHS["phone"], "height": 780})
    screenshot(admin_page, "edition-schedule", "#screenings-group")  # scrolls sideways on a phone


def test_the_batch_release_form_is_styled_like_the_admin(admin_page, demo):
    admin_page.goto("/admin/streaming/offer/batch-release/")

    # The admin's form and widget stylesheets: rows ruled like a change form's, the calendar
    # drawn beside the date (it was an empty box).
    rule = admin_page.locator(".form-row.field-platform").evaluate("e => getComputedStyle(e).borderBottomStyle")
    assert rule == "solid"
    icon = admin_page.locator(".field-available_until .datetimeshortcuts .date-icon")
    expect(icon).to_be_visible()
    assert icon.bounding_box()["width"] >= 16
    assert "calendar" in icon.evaluate("e => getComputedStyle(e).backgroundImage")
    # No grey example values in the boxes: the example is in the help text.
    assert admin_page.locator("form [placeholder]").count() == 0
    expect(admin_page.locator(".field-batches .help")).to_contain_text("1-2: 2026-02-01")
    for width in WIDTHS.values():
        admin_page.set_viewport_size({"width": width, "height": 900})
        screenshot(admin_page, "batch-release")


def test_a_room_slug_is_prefilled_and_the_time_zone_offered_from_a_list(admin_page, iso_codes):
    admin_page.goto("/admin/screenings/venue/add/")
    admin_page.locator("#id_name").press_sequentially("Cinéma Le Balzac")
    admin_page.fill("#id_timezone", "Europe/Pa")
    assert admin_page.locator("#id_timezone").get_attribute("list") == "id_timezone-choices"
    assert admin_page.locator("#id_timezone-choices option[value='Europe/Paris']").count() == 1
    admin_page.fill("#id_timezone", "Europe/Paris")
    admin_page.locator("#id_rooms-0-name").press_sequentially("Salle 1")

    expect(admin_page.locator("#id_slug")).to_have_value("cinema-le-balzac")
    expect(admin_page.locator("#id_rooms-0-slug")).to_have_value("salle-1")
    for width in WIDTHS.values():
        admin_page.set_viewport_size({"width": width, "height": 900})
        screenshot(admin_page, "venue-form")
    admin_page.set_viewport_size({"width": WIDTHS["desktop"], "height": 900})
    admin_page.get_by_role("button", name="Save", exact=True).click()
    expect(admin_page.locator(".messagelist")).to_contain_text("was added successfully")
    assert Venue.objects.get(name="Salle 1").slug == "salle-1"


def test_an_episode_is_found_by_its_series_and_number_when_choosing_titles(admin_page, demo):
    admin_page.goto("/admin/streaming/offer/add/")
    admin_page.locator(".field-title .select2-selection").first.click()
    admin_page.locator(".select2-search__field").last.fill("couloirs episode 1")

    options = admin_page.locator(".select2-results__option")
    expect(options.first).to_contain_text("Dans les couloirs de l’Opéra – Episode 1")
    assert "Episode 2" not in " ".join(options.all_inner_texts())


def test_every_custom_admin_page_shows_the_admin_breadcrumbs_bar(admin_page, demo):
    from tests.test_roles_matrix import custom_urls

    bar_colour = "rgb(38, 75, 93)"  # Django's --breadcrumbs-bg: the bar is styled, not bare links
    wrong, shown = [], []
    for _model_admin, name, address in custom_urls():
        head = admin_page.request.get(address)  # the tab's session, without opening downloads
        if head.status != 200 or "html" not in head.headers.get("content-type", ""):
            continue  # a download (CSV template, export)
        admin_page.goto(address)
        bar = admin_page.locator("nav[aria-label='Breadcrumbs'] ol.breadcrumbs")
        # "Home › Catalogue", spaced as on Django's pages (items apart, not "Home ›Catalogue").
        gap = "e => { const [a, b] = e.querySelectorAll('li'); return b.getBoundingClientRect().left - a.getBoundingClientRect().right }"
        if (
            bar.count() != 1
            or bar.evaluate("e => getComputedStyle(e).backgroundColor") != bar_colour
            or bar.evaluate(gap) < 2
        ):
            wrong.append(name)
        shown.append(name)
        if name == "catalog_title_import_csv":
            for width in WIDTHS.values():
                admin_page.set_viewport_size({"width": width, "height": 900})
                screenshot(admin_page, "csv-import")
            admin_page.set_viewport_size({"width": WIDTHS["desktop"], "height": 900})

    assert "catalog_title_import_csv" in shown
    assert len(shown) >= 8
    assert wrong == []
