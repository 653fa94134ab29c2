"""An editor changes a title in Chromium and reads the change in its History: who, when, and each
field's value before → after, in the admin's labels. Writes docs/screenshots/history.png
(referenced from docs/audit.md)."""

from pathlib import Path

import pytest
from playwright.sync_api import expect

from .factories import TitleFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

SCREENSHOT = Path(__file__).resolve().parents[2] / "docs" / "screenshots" / "history.png"


def test_history_entry_shows_values_before_and_after(admin_page, iso_codes):
    title = TitleFactory(original_title="Tout près des étoiles", year=2010, runtime_minutes=90, synopsis_en="")
    page = admin_page

    page.goto(f"/admin/catalog/title/{title.pk}/change/")
    page.fill("#id_year", "2014")
    page.fill("#id_runtime_minutes", "103")
    page.fill("#id_synopsis_en", "A star-gazing boy and his grandfather.")
    page.get_by_role("button", name="Save and continue editing").click()
    expect(page.locator(".messagelist")).to_contain_text("was changed successfully")
    page.get_by_role("link", name="History").click()

    entry = page.locator("#change-history > table > tbody > tr").last
    expect(entry).to_contain_text("Changed Year, Runtime (minutes) and Synopsis (English).")
    rows = entry.locator(".audit-values tbody tr")
    expected = [
        ["Year", "2010", "2014"],
        ["Runtime (minutes)", "90", "103"],
        ["Synopsis (English)", "—", "A star-gazing boy and his grandfather."],
    ]
    expect(rows).to_have_count(len(expected))
    for index, cells in enumerate(expected):
        expect(rows.nth(index).locator("th, td")).to_have_text(cells)
    SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
    page.locator("#content").screenshot(path=SCREENSHOT)
    assert SCREENSHOT.stat().st_size > 5_000
