import pytest
from django.contrib.auth.models import Permission, User
from playwright.sync_api import expect

from screenings.models import Screening

from .factories import EditionFactory, FestivalFactory, TitleFactory, VenueFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

#: What a programmer's French Excel saves: semicolons, Windows-1252, local times, a decimal comma.
FILE = (
    "venue;starts_at;ends_at;titles;label;festival;premiere;language;subtitles;partners;status;ticket_url;"
    "price;currency;note\r\n"
    "melville;2031-11-08 19:30;2031-11-08 21:10;les-magnetiques;Les Magnétiques – œuvre d’ouverture;"
    "lumieres-2031;;fr;en;;;;12,50;USD;Débat : 5 € le verre\r\n"
    # 1:30 am on the fall-back night happens twice in Los Angeles: the offset says which.
    "melville;2031-11-02T01:30-08:00;2031-11-02T03:10;les-magnetiques;Séance de minuit;lumieres-2031;;fr;en;;;;"
    ";;\r\n"
).encode("cp1252")


def programmer():
    """A staff user with what issue 7's "Programmer" group gives: add, change and view on venues,
    festivals and screenings."""
    user = User.objects.create_user("programmer", password="password", is_staff=True)
    user.user_permissions.set(
        Permission.objects.filter(
            content_type__app_label="screenings",
            codename__in=[
                f"{action}_{model}"
                for action in ("add", "change", "view")
                for model in ("venue", "festival", "edition", "section", "screening")
            ],
        )
    )
    return user


def test_programmer_imports_a_french_excel_schedule_and_visitors_see_it(page, iso_codes):
    VenueFactory(slug="melville", name="Melville Theatre", timezone="America/Los_Angeles")
    edition = EditionFactory(
        festival=FestivalFactory(name="Festival des Lumières"),
        slug="lumieres-2031",
        year=2031,
        starts_on="2031-11-01",
        ends_on="2031-11-09",
    )
    TitleFactory(slug="les-magnetiques", original_title="Les Magnétiques", runtime_minutes=98)
    user = programmer()

    page.goto("/admin/login/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", "password")
    page.click("input[type=submit]")
    page.goto("/admin/screenings/screening/")
    page.get_by_role("link", name="Import CSV").click()
    page.set_input_files("#id_file", files=[{"name": "programme.csv", "mimeType": "text/csv", "buffer": FILE}])
    page.get_by_role("button", name="Check file").click()

    expect(page.locator(".csv-summary")).to_have_text(
        "screenings: 2 rows — 2 new, 0 updated, 0 unchanged, 0 errors (dry run, nothing written)"
    )
    assert not Screening.objects.exists()
    page.get_by_role("button", name="Confirm import").click()
    expect(page.locator(".messagelist")).to_contain_text("2 new")

    page.goto(f"/en/festivals/{edition.slug}/")
    schedule = page.locator("main")
    expect(schedule).to_contain_text("Les Magnétiques – œuvre d’ouverture")
    expect(schedule).to_contain_text("7:30 pm – 9:10 pm PST")
    expect(schedule).to_contain_text("Séance de minuit")
    expect(schedule).to_contain_text("1:30 am – 3:10 am PST")
    screening = Screening.objects.get(label_en="Les Magnétiques – œuvre d’ouverture")
    assert (str(screening.price), screening.currency, screening.note) == ("12.50", "USD", "Débat : 5 € le verre")
