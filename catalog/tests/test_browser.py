import re

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_visitor_walks_from_list_to_episode_and_switches_to_french(page, demo):
    page.goto("/en/titles/")
    page.get_by_label("Kind").select_option("series")
    page.get_by_role("button", name="Apply").click()
    expect(page).to_have_url(re.compile(r"kind=series"))

    page.get_by_role("link", name="The Opera").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("The Opera")

    page.get_by_role("link", name="Season 2").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Season 2")

    page.get_by_role("link", name="Episode 3", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Episode 3")
    expect(page.locator(".synopsis")).to_contain_text("The Varna selection is only a few days away.")

    page.get_by_role("link", name="Français").click()
    expect(page).to_have_url(re.compile(r"/fr/titles/l-opera-season-2-episode-3/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Épisode 3")
    expect(page.get_by_role("heading", name="Synopsis")).to_be_visible()
    expect(page.locator(".fallback-note")).to_have_text("Synopsis disponible en anglais uniquement.")
    expect(page.get_by_role("link", name="Titres", exact=True)).to_be_visible()
