"""What festival staff do all day, in Chromium: open a saved screening, change one thing, save
(on its page and on the edition's schedule); two colleagues saving one screening (no lost edit);
two new rows of one save that share a room; postpone and duplicate a two-title programme and find
it in the same order in the admin, on the public page and in the export."""

import csv
import io
import re
from datetime import datetime

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError
from playwright.sync_api import expect

from screenings.enums import ScreeningStatus
from screenings.models import Screening, Section

from .factories import LA, EditionFactory, ScreeningFactory, TitleFactory, VenueFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def pick(scope, page, field, text):
    """Chooses ``text`` in the admin's autocomplete (select2) for ``field`` within ``scope``."""
    chosen = scope.locator(f".field-{field} .select2-selection__rendered").first
    for _attempt in range(3):
        scope.locator(f".field-{field} .select2-selection").first.click()
        search = page.locator(".select2-container--open .select2-search__field").last
        search.fill("")
        search.press_sequentially(text, delay=20)
        # A search typed while the previous one was answered, or a click that lands while the
        # results are redrawn, selects nothing: look at what the box shows, and choose again.
        option = page.locator(".select2-container--open .select2-results__option:not(.loading-results)", has_text=text)
        try:
            option.first.click(timeout=4000)
        except PlaywrightTimeoutError:
            page.keyboard.press("Escape")
            continue
        if text in chosen.inner_text():
            return
    expect(chosen).to_contain_text(text)


def log_in(page, username, password):
    page.goto("/admin/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("input[type=submit]")
    page.wait_for_url("**/admin/")


def save(page):
    page.get_by_role("button", name="Save", exact=True).click()


@pytest.fixture
def schedule(iso_codes):
    """An edition with two sections and a two-title screening at 1:30 am on the night the clocks
    go back in Los Angeles (the first 1:30, "earlier"), and a second screening elsewhere."""
    edition = EditionFactory(slug="lumieres-2030")
    films, series = (Section.objects.create(edition=edition, name_en=name) for name in ("Films", "TV Series"))
    # Created in reverse, so that an order by primary key would show "Ep 2" first.
    ep2, ep1 = TitleFactory(original_title="Ep 2", slug="ep-2"), TitleFactory(original_title="Ep 1", slug="ep-1")
    screening = ScreeningFactory(
        edition=edition,
        section=films,
        venue=VenueFactory(name="Melville Theatre"),
        starts_at=datetime(2030, 11, 3, 1, 30, tzinfo=LA, fold=0),
        ends_at=datetime(2030, 11, 3, 1, 30, tzinfo=LA, fold=0).replace(hour=3),
        titles=[ep1, ep2],
    )
    other = ScreeningFactory(
        edition=edition,
        section=films,
        venue=VenueFactory(name="Bijou"),
        starts_at=datetime(2030, 11, 5, 20, tzinfo=LA),
        ends_at=datetime(2030, 11, 5, 22, tzinfo=LA),
    )
    return edition, screening, other, series, (ep1, ep2)


def times(screening):
    screening.refresh_from_db()
    return screening.starts_at, screening.ends_at


def test_editor_changes_only_the_section_of_a_saved_screening_and_of_an_edition_row(admin_page, schedule):
    edition, screening, other, series, _episodes = schedule
    before = times(screening), times(other)
    page = admin_page

    page.goto(f"/admin/screenings/screening/{screening.pk}/change/")
    expect(page.locator("#id_starts_1")).to_have_value("01:30")
    expect(page.locator("#id_starts_2")).to_have_value("earlier")
    pick(page, page, "section", "TV Series")
    save(page)

    expect(page.locator(".messagelist")).to_contain_text("was changed successfully")
    screening.refresh_from_db()
    assert (screening.section, times(screening)) == (series, before[0])

    page.goto(f"/admin/screenings/edition/{edition.pk}/change/")
    row_id = page.locator(f"input[name^='screenings-'][name$='-id'][value='{other.pk}']").get_attribute("name")
    prefix = row_id.removesuffix("-id")
    page.locator(f"select[name='{prefix}-section']").select_option(label="TV Series")
    save(page)

    expect(page.locator(".messagelist")).to_contain_text("was changed successfully")
    other.refresh_from_db()
    assert (other.section, times(other), times(screening)) == (series, before[1], before[0])


@pytest.fixture
def two_browsers(browser, live_server, admin_user):
    """Two browsers, logged in: mine (admin) and my colleague Camille's."""
    get_user_model().objects.create_superuser("camille", "c@example.org", "password", first_name="Camille")
    contexts = [
        browser.new_context(base_url=live_server.url, locale="en-GB", viewport={"width": 1280, "height": 900})
        for _ in range(2)
    ]
    me, colleague = (context.new_page() for context in contexts)
    log_in(me, admin_user.username, "password")
    log_in(colleague, "camille", "password")
    yield me, colleague
    for context in contexts:
        context.close()


def test_stale_save_keeps_the_colleagues_change(two_browsers, schedule):
    _edition, screening, _other, series, _episodes = schedule
    me, colleague = two_browsers
    url = f"/admin/screenings/screening/{screening.pk}/change/"
    me.goto(url)
    colleague.goto(url)

    pick(colleague, colleague, "section", "TV Series")
    save(colleague)
    expect(colleague.locator(".messagelist")).to_contain_text("was changed successfully")

    me.fill("#id_label_en", "Opening night")
    save(me)

    expect(me.locator(".errornote, .errorlist.nonfield")).not_to_have_count(0)
    expect(me.locator(".errorlist.nonfield")).to_contain_text("Changed since you opened it: Section.")
    expect(me.locator(".field-section .errorlist")).to_have_text(
        "Changed by Camille since you opened the form: now «TV Series»; their value is now in the box."
    )
    expect(me.locator("#id_section")).to_have_value(str(series.pk))
    expect(me.locator("#id_label_en")).to_have_value("Opening night")
    save(me)

    expect(me.locator(".messagelist")).to_contain_text("was changed successfully")
    screening.refresh_from_db()
    assert (screening.section, screening.label_en) == (series, "Opening night")


def test_stale_edition_page_keeps_the_row_a_colleague_changed(two_browsers, schedule):
    edition, screening, other, series, _episodes = schedule
    me, colleague = two_browsers
    me.goto(f"/admin/screenings/edition/{edition.pk}/change/")
    colleague.goto(f"/admin/screenings/screening/{screening.pk}/change/")
    pick(colleague, colleague, "section", "TV Series")
    save(colleague)
    expect(colleague.locator(".messagelist")).to_contain_text("was changed successfully")

    prefix = me.locator(f"input[name^='screenings-'][name$='-id'][value='{other.pk}']").get_attribute("name")
    me.locator(f"input[name='{prefix.removesuffix('-id')}-label_en']").fill("Closing night")
    save(me)

    changed = me.locator(f"input[name^='screenings-'][name$='-id'][value='{screening.pk}']").get_attribute("name")
    changed = changed.removesuffix("-id")
    expect(me.locator(f"#{changed} .field-section .errorlist")).to_have_text(
        "Changed by Camille since you opened the form: now «TV Series»; their value is now in the box."
    )
    expect(me.locator(f"select[name='{changed}-section']")).to_have_value(str(series.pk))
    save(me)

    expect(me.locator(".messagelist")).to_contain_text("was changed successfully")
    screening.refresh_from_db()
    other.refresh_from_db()
    assert (screening.section, other.label_en) == (series, "Closing night")


def add_row(page, title, room, start, end):
    page.locator("#screenings-group .add-row a").click()
    row = page.locator("tr.form-row.dynamic-screenings").last
    pick(row, page, "programme", title)
    pick(row, page, "venue", room)
    row.locator("input[name$='-starts_0']").fill(start[:10])
    row.locator("input[name$='-starts_1']").fill(start[11:])
    row.locator("input[name$='-ends_0']").fill(end[:10])
    row.locator("input[name$='-ends_1']").fill(end[11:])


def test_two_overlapping_new_rows_of_one_edition_save_are_refused(admin_page, schedule):
    edition, *_rest = schedule
    count = Screening.objects.count()
    page = admin_page
    page.goto(f"/admin/screenings/edition/{edition.pk}/change/")

    add_row(page, "Ep 1", "Melville Theatre", "2030-11-06 10:00", "2030-11-06 12:00")
    add_row(page, "Ep 2", "Melville Theatre", "2030-11-06 11:00", "2030-11-06 13:00")
    save(page)

    expect(page.locator(".errornote")).to_be_visible()
    expect(page.locator(".inline-group .errorlist").first).to_contain_text(
        re.compile(r"Melville Theatre is already booked from .* \(another screening of this save\)")
    )
    assert Screening.objects.count() == count


def programme_on_public_page(page, edition):
    page.goto(f"/en/festivals/{edition.slug}/")
    return page.locator("li.screening").all_inner_texts()


def exported_titles(page):
    url = reverse("admin:screenings_screening_export_csv")
    rows = csv.DictReader(io.StringIO(page.request.get(url).text().lstrip("\ufeff")))
    return sorted(row["titles"] for row in rows)


def run_action(page, screening, label):
    page.goto("/admin/screenings/screening/")
    page.locator(f"input[name=_selected_action][value='{screening.pk}']").check()
    page.get_by_label("Action:").select_option(label=label)
    page.locator(".actions button[type=submit]").click()


def test_postpone_and_duplicate_keep_the_programme_order(admin_page, schedule):
    edition, screening, *_rest, (ep1, ep2) = schedule
    page = admin_page

    run_action(page, screening, "Postpone the selected screening (the first start is kept)")
    page.locator("input[name=starts_0]").fill("2030-11-07")
    page.locator("input[name=starts_1]").fill("21:00")
    page.get_by_role("button", name="Apply").click()
    expect(page.locator(".messagelist")).to_contain_text("Screening postponed")

    run_action(page, screening, "Duplicate the selected screenings to another date or room")
    page.locator("input[name=on_date]").fill("2030-11-08")
    page.get_by_role("button", name="Apply").click()
    expect(page.locator(".messagelist")).to_contain_text("1 screening duplicated.")

    postponed, copy = Screening.objects.filter(titles=ep1).order_by("starts_at")
    assert (postponed.status, copy.status) == (ScreeningStatus.POSTPONED, ScreeningStatus.SCHEDULED)
    assert postponed.title_list() == copy.title_list() == [ep1, ep2]
    page.goto("/admin/screenings/screening/")
    expect(page.locator("#result_list tbody tr", has_text="Melville Theatre")).to_have_count(2)
    for row in page.locator("#result_list tbody tr", has_text="Melville Theatre").all():
        expect(row).to_contain_text("Ep 1 + Ep 2")
    shown = [text for text in programme_on_public_page(page, edition) if "Ep 1" in text]
    assert len(shown) == 2, shown
    assert all("Ep 1 + Ep 2" in text for text in shown), shown
    assert exported_titles(page).count("ep-1|ep-2") == 2
