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


def test_editor_merges_two_people_choosing_fields_and_the_old_address_redirects(admin_page, live_server):
    import datetime

    from people.models import Person
    from people.tests.factories import CreditFactory, PersonFactory

    keep = PersonFactory(name="Agnès Varda", slug="agnes-varda", bio_en="Photographer and film-maker.")
    other = PersonFactory(
        name="Agnes Varda",
        slug="agnes-varda-2",
        birth_date=datetime.date(1928, 5, 30),
        bio_en="A wrong biography.",
    )
    CreditFactory(person=other)
    page = admin_page

    page.goto("/admin/people/person/duplicates/")
    page.get_by_role("link", name="Keep Agnès Varda").click()
    table = page.locator("#merge-fields")
    expect(table.locator("#merge-field-birth_date")).to_contain_text("1928-05-30")
    expect(table.locator("#merge-field-bio_en")).to_contain_text("A wrong biography.")
    table.locator("#merge-field-birth_date input[value=take]").check()
    table.locator("#merge-field-bio_en input[value=keep]").check()
    page.get_by_role("button", name="Merge").click()
    expect(page.locator(".messagelist")).to_contain_text("Merged into Agnès Varda: 1 credit(s)")

    keep.refresh_from_db()
    assert (keep.birth_date, keep.bio_en) == (datetime.date(1928, 5, 30), "Photographer and film-maker.")
    assert not Person.objects.filter(slug="agnes-varda-2").exists()
    page.goto("/en/people/agnes-varda-2/")
    assert page.url == f"{live_server.url}/en/people/agnes-varda/"
    expect(page.locator(".aliases")).to_have_text("Agnes Varda")
    page.goto("/fr/people/agnes-varda-2/")
    assert page.url == f"{live_server.url}/fr/people/agnes-varda/"
