import re

import pytest
from playwright.sync_api import expect

from catalog.tests.factories import EpisodeFactory, SeriesFactory
from streaming.models import Offer

from .factories import PlanFactory, PlatformFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_editor_plans_a_batch_release_and_visitor_sees_coming_soon(iso_codes, admin_page, frozen_today):
    # Today is frozen at 15 February 2026 (for the server thread too: it shares the process).
    series = SeriesFactory(original_title="Les Coulisses", slug="les-coulisses")
    for number in range(1, 8):
        EpisodeFactory(parent=series, number=number)
    platform = PlatformFactory(name="Scène Play", slug="scene-play")
    PlanFactory(platform=platform)
    page = admin_page

    # The editor picks the series in the title list and runs the batch release action.
    page.goto("/admin/catalog/title/?kind__exact=series")
    page.get_by_role("row", name=re.compile("Les Coulisses")).get_by_role("checkbox").check()
    page.get_by_label("Action:").select_option(label="Plan a batch release of its episodes")
    page.locator(".actions button[type=submit]").click()
    expect(page.get_by_role("heading", name="Batch release of episodes")).to_be_visible()

    page.get_by_label("Platform:").select_option(label="Scène Play")
    page.get_by_label("Batches:").fill("1-2: 2026-02-01\n3-4: 2026-03-01\n5-7: 2026-04-01")
    page.get_by_label("Exclusive:").check()
    page.get_by_role("button", name="Preview", exact=True).click()

    preview = page.locator("#batch-preview tbody tr")
    expect(preview).to_have_count(7)
    expect(preview.nth(4)).to_contain_text("April 1, 2026")
    assert Offer.objects.count() == 0  # nothing saved before confirming

    page.get_by_role("button", name="Create 7 offers").click()
    expect(page.locator(".messagelist")).to_contain_text("7 offers created")
    assert Offer.objects.filter(platform=platform, exclusive=True).count() == 7

    # The visitor sees what is available and what is coming, with dates.
    page.goto("/en/titles/les-coulisses/")
    watch = page.locator(".where-to-watch")
    expect(watch).to_contain_text("Episodes 1–2 available, 3–4 from March 1, 2026, 5–7 from April 1, 2026")
    expect(watch.locator(".coming-soon")).to_contain_text("March 1, 2026 – Episodes 3–4")

    page.goto("/fr/platforms/scene-play/")
    coming = page.locator(".coming-soon")
    expect(coming).to_contain_text("1er mars 2026 – Les Coulisses, épisodes 3–4")
    expect(coming).to_contain_text("1er avril 2026 – Les Coulisses, épisodes 5–7")
    expect(page.get_by_role("heading", name="Disponible maintenant")).to_be_visible()
