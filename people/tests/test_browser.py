import pytest
from playwright.sync_api import expect

from catalog.tests.factories import SeasonFactory
from people.tests.test_parsing import BLOCK_000

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

DIRECTED_TO_CAST = "\n".join(BLOCK_000.splitlines()[:8])


def test_programmer_pastes_credits_and_visitor_sees_them_by_department(admin_page):
    season = SeasonFactory(number=1, parent__original_title="L'Opéra")
    page = admin_page

    page.goto(f"/admin/catalog/title/{season.pk}/change/")
    page.get_by_role("link", name="Paste credits").click()
    page.get_by_label("Credits block").fill(DIRECTED_TO_CAST)
    page.get_by_role("button", name="Preview").click()

    expect(page.locator("#paste-summary")).to_contain_text("26 credits will be saved.")
    row = page.locator("#paste-preview tr", has_text="Florence Levard")
    expect(row).to_contain_text("Producer")
    expect(row).to_contain_text("Victoria Productions NEW, Telfrance NEW")
    expect(page.locator("#paste-preview tr", has_text="Ariane Labed")).to_contain_text("Zoe")
    page.get_by_role("button", name="Confirm and save").click()
    expect(page.locator(".messagelist")).to_contain_text("26 credit(s) saved")

    page.goto(season.get_absolute_url())
    credits = page.locator(".credits")
    expect(credits.get_by_role("heading", name="Directing")).to_be_visible()
    expect(credits.locator("#dept-directing + dl")).to_contain_text("Stéphane Demoustier")
    expect(credits.locator("#dept-production + dl")).to_contain_text(
        "Florence Levard (Telfrance, Victoria Productions)"
    )
    expect(credits.locator("#dept-cast + dl")).to_contain_text("Ariane Labed — Zoe")
    expect(credits.locator("#dept-sound-music + dl")).to_contain_text("Marco Prince")
