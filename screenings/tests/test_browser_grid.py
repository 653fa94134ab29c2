"""The programme grid in Chromium (issue 18): drag a block to another room; drag one onto
another (refused with the forms' message, put back); the click-to-pick and keyboard
alternatives; create a screening in an empty slot; the fall-back and spring-forward nights; the
print layout. The screenshots (the grid at 1280 px, the DST nights, the print layout) go to a
temporary folder to look at; ``make screenshots`` sets AFFICHE_SCREENSHOTS=1 and they refresh
docs/screenshots/ (a test run never rewrites the repository's files)."""

import os
import tempfile
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from playwright.sync_api import expect

from screenings.models import Screening

from .factories import LA, EditionFactory, RoomFactory, ScreeningFactory, TitleFactory, VenueFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

DOCS = (
    Path(__file__).resolve().parents[2] / "docs" / "screenshots"
    if os.environ.get("AFFICHE_SCREENSHOTS")
    else Path(tempfile.gettempdir()) / "affiche-grid-screenshots"
)
DOCS.mkdir(parents=True, exist_ok=True)


def at(day, hour, minute=0):
    return datetime(2030, 11, day, hour, minute, tzinfo=LA)


@pytest.fixture
def festival(iso_codes):
    """Two rooms of one theatre and a third elsewhere; a gala in Salle 1 and a short in Salle 2
    on 5 November 2030 (a Tuesday), with sections."""
    edition = EditionFactory(slug="grid-2030", starts_on=date(2030, 11, 1), ends_on=date(2030, 11, 10))
    classics = edition.sections.create(name_en="Classics", colour="#8c1c13")
    series = edition.sections.create(name_en="TV series", colour="#1c5d8c")
    theatre = VenueFactory(name="Melville Theatre", slug="melville")
    one = RoomFactory(parent=theatre, name="Salle 1", slug="melville-1")
    two = RoomFactory(parent=theatre, name="Salle 2", slug="melville-2")
    rex = RoomFactory(parent=VenueFactory(name="Le Grand Rex", slug="rex"), name="Grande salle", slug="rex-grande")
    gala = ScreeningFactory(
        edition=edition,
        venue=one,
        section=classics,
        starts_at=at(5, 19),
        ends_at=at(5, 21),
        label_en="Gala",
        titles=[TitleFactory(original_title="Les Enfants du paradis", runtime_minutes=120)],
    )
    short = ScreeningFactory(
        edition=edition,
        venue=two,
        section=series,
        starts_at=at(5, 14),
        ends_at=at(5, 15),
        label_en="Pilot",
        titles=[TitleFactory(original_title="Le Bureau", runtime_minutes=60)],
    )
    ScreeningFactory(
        edition=edition, venue=rex, starts_at=at(5, 16), ends_at=at(5, 18, 30), label_en="Matinée", section=classics
    )
    return {"edition": edition, "one": one, "two": two, "rex": rex, "gala": gala, "short": short}


def open_grid(page, edition, day="2030-11-05"):
    page.set_viewport_size({"width": 1280, "height": 1700})  # the whole day in view: the mouse works in the viewport
    page.goto(f"/admin/screenings/edition/{edition.pk}/schedule/?day={day}")
    page.wait_for_selector(".sg-pick:not([hidden])")


def block(page, screening):
    return page.locator(f"#screening-{screening.pk}")


def lane(page, room):
    return page.locator(f'.sg-col[data-venue="{room.pk}"] .sg-lane')


def drag(page, source, target_x, target_y):
    box = source.bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + 10)
    page.mouse.down()
    page.mouse.move(box["x"] + box["width"] / 2 + 5, box["y"] + 15, steps=2)
    page.mouse.move(target_x, target_y, steps=8)
    page.mouse.up()


def y_of(page, room, instant, edition):
    """The page y of ``instant`` in ``room``'s lane (rows of 5 minutes from the grid's first)."""
    first = datetime.fromisoformat(page.locator("#sg-grid").get_attribute("data-first"))
    rows = int(page.locator("#sg-grid").get_attribute("data-rows"))
    box = lane(page, room).bounding_box()
    minutes = (instant - first).total_seconds() / 60
    return box["y"] + minutes / 5 * (box["height"] / rows)


def test_drag_a_screening_to_another_room_then_onto_another_refused_and_put_back(admin_page, festival):
    page, gala = admin_page, festival["gala"]
    open_grid(page, festival["edition"])
    DOCS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=DOCS / "admin-programme-grid-1280.png", full_page=True)

    target = lane(page, festival["two"]).bounding_box()
    drag(page, block(page, gala), target["x"] + target["width"] / 2, y_of(page, festival["two"], at(5, 19), None) + 10)
    expect(page.locator("#sg-status")).to_contain_text("Saved")
    gala.refresh_from_db()
    assert gala.venue == festival["two"]
    assert gala.starts_at == at(5, 19)
    expect(page.locator(f'.sg-col[data-venue="{festival["two"].pk}"] #screening-{gala.pk}')).to_be_visible()

    # Onto the pilot (2 to 3 pm in Salle 2): refused with the forms' message, and put back.
    drag(page, block(page, gala), target["x"] + target["width"] / 2, y_of(page, festival["two"], at(5, 14), None) + 10)
    expect(page.locator("#sg-alert")).to_contain_text("Salle 2 is already booked from Tuesday, November 5, 2030")
    gala.refresh_from_db()
    assert gala.starts_at == at(5, 19)
    expect(page.locator(f'.sg-col[data-venue="{festival["two"].pk}"] #screening-{gala.pk}.sg-refused')).to_be_visible()
    moved_box = block(page, gala).bounding_box()
    assert abs(moved_box["y"] - y_of(page, festival["two"], at(5, 19), None)) < 3


def test_drag_the_lower_edge_changes_the_end(admin_page, festival):
    page, gala = admin_page, festival["gala"]
    open_grid(page, festival["edition"])
    handle = block(page, gala).locator(".sg-resize")
    box = handle.bounding_box()
    bottom = box["y"] + box["height"]  # the block's lower edge, at 9 pm
    page.mouse.move(box["x"] + box["width"] / 2, bottom - 1)
    page.mouse.down()
    page.mouse.move(box["x"] + box["width"] / 2, bottom + 8, steps=2)
    page.mouse.move(box["x"] + box["width"] / 2, y_of(page, festival["one"], at(5, 21, 30), None) - 1, steps=6)
    page.mouse.up()
    expect(page.locator("#sg-status")).to_contain_text("Saved")
    gala.refresh_from_db()
    assert gala.starts_at == at(5, 19)
    assert gala.ends_at == at(5, 21, 30)


def test_click_to_pick_and_click_to_place_and_the_keyboard(admin_page, festival):
    page, gala, short = admin_page, festival["gala"], festival["short"]
    open_grid(page, festival["edition"])
    # Single pointer: "Move", then a click on 8 pm in the other theatre's room.
    block(page, gala).get_by_role("button", name="Move").click()
    expect(page.locator("#sg-status")).to_contain_text("Picked")
    rex = lane(page, festival["rex"]).bounding_box()
    page.mouse.click(rex["x"] + rex["width"] / 2, y_of(page, festival["rex"], at(5, 20), None) + 2)
    expect(page.locator("#sg-status")).to_contain_text("Saved")
    gala.refresh_from_db()
    assert (gala.venue, gala.starts_at) == (festival["rex"], at(5, 20))

    # Keyboard: focus the pilot's "Move", Enter; ↓ × 6 (30 minutes), ← (the room before), Enter.
    button = block(page, short).get_by_role("button", name="Move")
    button.focus()
    page.keyboard.press("Enter")
    for _ in range(6):
        page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowLeft")
    expect(page.locator("#sg-status")).to_contain_text("Salle 1")
    page.keyboard.press("Enter")
    expect(page.locator("#sg-status")).to_contain_text("Saved")
    short.refresh_from_db()
    assert (short.venue, short.starts_at, short.ends_at) == (festival["one"], at(5, 14, 30), at(5, 15, 30))

    # Escape cancels a pick: nothing saved.
    block(page, short).get_by_role("button", name="Move").focus()
    page.keyboard.press("Enter")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Escape")
    expect(page.locator("#sg-status")).to_contain_text("cancelled")
    short.refresh_from_db()
    assert short.starts_at == at(5, 14, 30)


def test_create_a_screening_in_an_empty_slot(admin_page, festival):
    page = admin_page
    TitleFactory(original_title="Playtime", slug="playtime", runtime_minutes=124)
    open_grid(page, festival["edition"])
    room = lane(page, festival["one"]).bounding_box()
    page.mouse.click(room["x"] + room["width"] / 2, y_of(page, festival["one"], at(5, 11), None) + 2)
    dialog = page.locator("#sg-create")
    expect(dialog).to_be_visible()
    expect(dialog.locator("#sg-create-time")).to_have_value("11:00")
    dialog.locator("#sg-create-search").fill("Playt")
    dialog.get_by_role("button", name="Playtime").click()
    dialog.get_by_role("button", name="Create").click()
    expect(page.locator("#sg-status")).to_contain_text("Saved")
    created = Screening.objects.get(venue=festival["one"], starts_at=at(5, 11))
    assert created.ends_at == at(5, 13, 4)
    assert [t.original_title for t in created.title_list()] == ["Playtime"]
    expect(page.locator(f"#screening-{created.pk}")).to_contain_text("Playtime")


def test_fall_back_and_spring_forward_nights_are_drawn_at_their_real_length(admin_page, iso_codes):
    page = admin_page
    room = VenueFactory(name="Nuit Blanche", slug="nuit")
    autumn = EditionFactory(slug="nuit-2030", starts_on=date(2030, 11, 2), ends_on=date(2030, 11, 3))
    # 11 pm PDT to 2:30 am PST: 4 h 30 of real time across the repeated hour.
    ScreeningFactory(edition=autumn, venue=room, starts_at=at(2, 23), ends_at=at(3, 2, 30), label_en="All-nighter")
    spring = EditionFactory(slug="printemps-2030", year=2031, starts_on=date(2030, 3, 9), ends_on=date(2030, 3, 10))
    start = datetime(2030, 3, 9, 23, tzinfo=LA)
    ScreeningFactory(
        edition=spring, venue=room, starts_at=start, ends_at=start.astimezone(UTC) + timedelta(hours=4), label_en="Dusk"
    )

    heights = {}
    for edition, day, label in ((autumn, "2030-11-02", "All-nighter"), (spring, "2030-03-09", "Dusk")):
        open_grid(page, edition, day)
        hour = page.locator(".sg-tick.sg-hour").nth(0).bounding_box()
        next_hour = page.locator(".sg-tick.sg-hour").nth(1).bounding_box()
        per_hour = next_hour["y"] - hour["y"]
        heights[label] = page.locator(".sg-block", has_text=label).bounding_box()["height"] / per_hour
        DOCS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=DOCS / f"admin-programme-grid-{label.lower()}.png", full_page=True)
        if label == "All-nighter":
            ticks = page.locator(".sg-tick").all_inner_texts()
            assert any(t.startswith("1:30 am PDT") for t in ticks)
            assert any(t.startswith("1:30 am PST") for t in ticks)
            expect(page.locator(".sg-change")).to_contain_text("Clocks go back")
        else:
            ticks = page.locator(".sg-tick").all_inner_texts()
            assert not any(t.startswith("2:30 am") for t in ticks)
            expect(page.locator(".sg-change")).to_contain_text("skipped")

    assert heights["All-nighter"] == pytest.approx(4.5, abs=0.1)
    assert heights["Dusk"] == pytest.approx(4, abs=0.1)


def test_print_layout_fits_a_landscape_page(admin_page, festival):
    page = admin_page
    open_grid(page, festival["edition"])
    page.emulate_media(media="print")
    page.set_viewport_size({"width": 1123, "height": 794})  # A4 landscape at 96 dpi
    assert page.locator("#header").is_hidden()
    assert page.locator(".sg-days").is_hidden()
    grid_box = page.locator("#sg-grid").bounding_box()
    assert grid_box["width"] <= 1123
    assert page.evaluate("document.documentElement.scrollWidth") <= 1123
    DOCS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=DOCS / "admin-programme-grid-print.png", full_page=True)
    pdf = page.pdf(landscape=True, format="A4", print_background=True)
    assert pdf.startswith(b"%PDF")


def test_the_demo_festival_grid_at_1280_px(admin_page, demo):
    """COLCOA 2021 of the demo on its busiest day: the page itself does not scroll sideways (the
    grid scrolls inside its box if the rooms are many)."""
    from django.db.models import Count

    from screenings.models import Edition

    page = admin_page
    edition = Edition.objects.get(slug="colcoa-2021")
    busiest = (edition.screenings.values("local_date").annotate(n=Count("pk")).order_by("-n", "local_date").first())[
        "local_date"
    ]
    open_grid(page, edition, busiest.isoformat())
    assert page.evaluate("document.documentElement.scrollWidth") <= 1280
    assert page.locator(".sg-block").count() >= 1
    DOCS.mkdir(parents=True, exist_ok=True)
    page.set_viewport_size({"width": 1280, "height": 900})
    page.screenshot(path=DOCS / "admin-programme-grid-demo-1280.png", full_page=True)


def test_the_changeover_is_a_band_below_its_block_and_a_closure_crosses_every_room_of_the_building(
    admin_page, festival
):
    from screenings import services
    from screenings.models import Venue, VenueClosure

    theatre = Venue.objects.get(slug="melville")
    theatre.changeover = 20
    theatre.save()
    services.save_closure(
        VenueClosure(venue=theatre, starts_at=at(5, 22), ends_at=at(5, 23, 30), reason_en="Private event")
    )
    page, gala = admin_page, festival["gala"]

    open_grid(page, festival["edition"])
    page.screenshot(path=DOCS / "admin-programme-grid-changeover-closure.png", full_page=True)

    block_box = block(page, gala).bounding_box()
    band = page.locator(f'.sg-changeover[data-changeover-of="{gala.pk}"]').bounding_box()
    assert abs(band["y"] - (block_box["y"] + block_box["height"])) < 3, "the band starts where the block ends"
    row = lane(page, festival["one"]).bounding_box()["height"] / int(
        page.locator("#sg-grid").get_attribute("data-rows")
    )
    assert abs(band["height"] - 4 * row) < 2, "20 minutes: 4 rows"
    for room in (festival["one"], festival["two"]):
        closure = page.locator(f'.sg-col[data-venue="{room.pk}"] .sg-closure')
        expect(closure).to_contain_text("Closed: Private event")
        assert abs(closure.bounding_box()["y"] - y_of(page, room, at(5, 22), None)) < 3
    expect(page.locator(f'.sg-col[data-venue="{festival["rex"].pk}"] .sg-closure')).to_have_count(0)
