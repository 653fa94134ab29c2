"""The public pages in a real browser: axe-core on every page type in both languages, a
360-pixel phone, keyboard-only walks, and the README's screenshots (docs/screenshots/).

axe-core comes from the npm registry, pinned in package.json / package-lock.json and installed
by ``npm ci`` (``make test-browser``); Playwright injects it with ``add_script_tag``. The
Content-Security-Policy forbids injected scripts, so the axe tab bypasses it (and only that tab).
"""

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from catalog.models import Title
from people.models import Person
from screenings.models import Screening

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

ROOT = Path(__file__).resolve().parents[2]
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
SCREENSHOTS = ROOT / "docs" / "screenshots"
PHONE = {"width": 360, "height": 780}
LARGE_PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
#: axe-core impacts that fail the build; "moderate" and "minor" are reported but tolerated.
BLOCKING = ("serious", "critical")


def public_pages() -> list[str]:
    """One address (without the language) of every public page type, from the demo."""
    return [
        "/",
        "/titles/",
        "/titles/?kind=series",
        Title.objects.get(slug="tout-pres-des-etoiles").get_absolute_url()[3:],  # film
        "/titles/l-opera/",  # series with credits and screenings
        "/titles/l-opera-season-1/",
        "/titles/l-opera-season-2-episode-3/",
        "/titles/dans-les-couloirs-de-l-opera/",  # offers
        "/search/?q=opera",
        "/people/",
        "/organizations/",
        "/festivals/",
        "/venues/",
        Person.objects.order_by("pk").first().get_absolute_url()[3:],
        Person.objects.order_by("pk").first().get_absolute_url()[3:] + "credits/",  # every work, by role
        "/organizations/newen-connect/",
        "/organizations/newen-connect/credits/",
        "/screenings/",
        "/screenings/?when=past",
        Screening.objects.order_by("pk").first().get_absolute_url()[3:],
        "/festivals/colcoa-2021/",
        "/venues/melville-theatre/",
        "/platforms/",
        "/platforms/pop-paris-opera-play/",
        "/platforms/ocs/",
    ]


@pytest.fixture
def axe_page(browser, live_server):
    if not AXE.exists():
        pytest.fail(f"{AXE} is missing: run `npm ci` (make test-browser does).")
    context = browser.new_context(base_url=live_server.url, viewport=DESKTOP, bypass_csp=True)
    tab = context.new_page()
    yield tab
    context.close()


def axe_violations(page) -> list[str]:
    page.add_script_tag(path=str(AXE))
    found = page.evaluate(
        """async () => (await axe.run(document, {resultTypes: ["violations"]})).violations
            .map(v => ({id: v.id, impact: v.impact, help: v.help, targets: v.nodes.map(n => n.target.join(" "))}))"""
    )
    return [f"{v['id']} ({v['impact']}): {v['help']} — {v['targets'][:3]}" for v in found if v["impact"] in BLOCKING]


@pytest.mark.parametrize("language", ["en", "fr"])
def test_axe_finds_no_serious_violation_on_any_public_page(axe_page, demo, language):
    report = {}
    for path in public_pages():
        response = axe_page.goto(f"/{language}{path}")
        assert response.status == 200, path
        for width in (DESKTOP, PHONE):
            axe_page.set_viewport_size(width)
            if violations := axe_violations(axe_page):
                report[f"{path} at {width['width']} px"] = violations

    assert report == {}


@pytest.mark.parametrize("language", ["en", "fr"])
def test_no_public_page_scrolls_sideways_on_a_360_pixel_phone(page, demo, language):
    page.set_viewport_size(PHONE)
    too_wide = {}
    for path in public_pages():
        page.goto(f"/{language}{path}")
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > PHONE["width"]:
            too_wide[path] = width

    assert too_wide == {}


#: Words of at most this many characters are never split across lines (a long address may be);
#: a line may end after a hyphen, a dash or a slash, and where the browser hyphenates.
SHORT_WORD = 24

BROKEN_WORDS = """(limit) => {
  const broken = [];
  const walker = document.createTreeWalker(document.querySelector("main"), NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    // Text for screen readers only (a 1-pixel box) is not read on screen.
    let hidden = false;
    for (let e = node.parentElement; e && !hidden; e = e.parentElement) hidden = e.getBoundingClientRect().width <= 1;
    // A word the stylesheet lets the browser hyphenate may break, with its hyphen.
    if (hidden || getComputedStyle(node.parentElement).hyphens === "auto") continue;
    for (const match of node.data.matchAll(/[^\\s\\-\u2010\u2013\u2014\\/]+/g)) {
      if (match[0].length > limit) continue;
      const range = document.createRange();
      range.setStart(node, match.index);
      range.setEnd(node, match.index + match[0].length);
      const lines = new Set([...range.getClientRects()].filter(r => r.width > 0).map(r => Math.round(r.top)));
      if (lines.size > 1) broken.push(match[0]);
    }
  }
  return broken;
}"""


@pytest.mark.parametrize("language", ["en", "fr"])
def split_words(page, language, paths) -> dict:
    """{page at width: words split across lines} over ``paths`` at 360, 390 and 1280 px."""
    broken = {}
    for viewport in (PHONE, LARGE_PHONE, DESKTOP):
        page.set_viewport_size(viewport)
        for path in paths:
            page.goto(f"/{language}{path}")
            if words := page.evaluate(BROKEN_WORDS, SHORT_WORD):
                broken[f"{path} at {viewport['width']} px"] = sorted(set(words))[:8]
    return broken


@pytest.mark.parametrize("language", ["en", "fr"])
def test_no_word_is_split_across_lines_on_a_phone_or_a_desktop(page, demo, language):
    """Filmography years, "Where to watch" cells, role names, times: a word stays whole (issue
    16: "seaso / ns 1–2", "Cinematograp/hy", one letter per line in a squeezed table)."""
    assert split_words(page, language, public_pages()) == {}


@pytest.mark.parametrize("language", ["en", "fr"])
def test_no_word_is_split_on_the_pages_of_a_generated_catalogue(page, db, language):
    """The same on records the demo does not have: generated names, long filmographies, many
    offers and screenings (the last record of each kind of page)."""
    import io

    from django.apps import apps
    from django.core.management import call_command

    call_command(
        "generate_catalog",
        "--titles=30",
        "--people=20",
        "--credits=80",
        "--screenings=20",
        "--offers=30",
        "--seed=5",
        stdout=io.StringIO(),
    )
    paths = ["/titles/", "/people/", "/organizations/", "/festivals/", "/venues/", "/screenings/", "/platforms/"]
    for model in apps.get_models():
        if model._meta.app_label in ("catalog", "people", "screenings", "streaming") and hasattr(
            model, "get_absolute_url"
        ):
            last = model._default_manager.order_by("-pk").first()
            if last is not None and last.get_absolute_url().startswith("/en/"):
                paths.append(last.get_absolute_url()[3:])
    one_of_each_kind = {title.kind: title for title in Title.objects.order_by("pk")}
    paths += [title.get_absolute_url()[3:] for title in one_of_each_kind.values()]

    assert split_words(page, language, paths) == {}


def test_images_reserve_their_space_and_offer_thumbnails(page, demo):
    """Every <img> has width and height (no layout shift); posters offer the WebP thumbnails."""
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    from catalog.models import TitleImage

    out = io.BytesIO()
    Image.new("RGB", (800, 1200), (30, 30, 60)).save(out, "JPEG")
    title = Title.objects.get(slug="l-opera")
    TitleImage.objects.create(title=title, image=SimpleUploadedFile("p.jpg", out.getvalue()), alt_en="The Opera poster")

    page.goto("/en/titles/l-opera/")

    poster = page.get_by_role("img", name="The Opera poster")
    expect(poster).to_have_attribute("width", "320")
    expect(poster).to_have_attribute("height", "480")
    expect(poster).to_have_attribute("srcset", re.compile(r"-320w\.webp 320w, .*-640w\.webp 640w$"))
    assert page.evaluate("document.querySelector('img.poster').naturalWidth") > 0
    missing = page.evaluate(
        "[...document.images].filter(i => !i.getAttribute('width') || !i.getAttribute('height')).length"
    )
    assert missing == 0


def focused(page) -> dict:
    return page.evaluate(
        """() => { const e = document.activeElement; const s = getComputedStyle(e);
            return {tag: e.tagName, id: e.id, text: (e.innerText || e.value || "").trim(),
                    label: e.labels && e.labels[0] ? e.labels[0].innerText.trim() : "",
                    outline: s.outlineStyle !== "none" && parseFloat(s.outlineWidth) >= 2}; }"""
    )


def tab_to(page, matches, limit=40) -> dict:
    """Presses Tab until the focused element ``matches``; fails after ``limit`` presses."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        element = focused(page)
        if matches(element):
            return element
    pytest.fail(f"Tab never reached the element; last focus: {element}")


def test_keyboard_only_visitor_filters_opens_a_title_and_switches_language(page, demo):
    page.goto("/en/titles/")

    # The skip link is the first stop, visible when focused, and lands on the content.
    page.keyboard.press("Tab")
    skip = focused(page)
    assert skip["text"] == "Skip to content"
    assert skip["outline"]
    expect(page.get_by_role("link", name="Skip to content")).to_be_in_viewport()
    page.keyboard.press("Enter")
    assert focused(page)["id"] == "main"

    # The filter form: the "Kind" select, chosen by typing, then Apply with Enter.
    kind = tab_to(page, lambda e: e["label"] == "Kind")
    assert kind["outline"]
    page.keyboard.type("Series")
    tab_to(page, lambda e: e["text"] == "Apply")
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"kind=series"))
    expect(page.get_by_role("heading", name="2 titles")).to_be_visible()

    # A title from the results, opened with Enter.
    tab_to(page, lambda e: e["tag"] == "A" and e["text"].startswith("The Opera"))
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("The Opera")

    # The language switch keeps the visitor on the same page.
    tab_to(page, lambda e: e["text"] == "Français")
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/fr/titles/l-opera/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("L'Opéra")
    expect(page.get_by_role("heading", name="Générique")).to_be_visible()


def test_keyboard_only_visitor_reaches_a_festival_screening(page, demo):
    page.goto("/en/screenings/?when=past")

    tab_to(page, lambda e: e["tag"] == "A" and e["text"] == "COLCOA French Film Festival 2021")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("COLCOA French Film Festival 2021")

    link = tab_to(page, lambda e: e["tag"] == "A" and e["text"].startswith("The Opera – Season 1"))
    assert link["outline"]
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="When and where")).to_be_visible()


SCREENSHOT_PAGES = {
    "home": "/en/",
    "title": "/en/titles/l-opera/",
    "festival": "/en/festivals/colcoa-2021/",
    "platform": "/en/platforms/pop-paris-opera-play/",
}


def test_readme_screenshots_are_taken_from_the_demo(browser, live_server, demo):
    """Writes docs/screenshots/<page>-<phone|desktop>.png, shown in the README."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for device, viewport, height in (("phone", PHONE, 1400), ("desktop", DESKTOP, 1300)):
        context = browser.new_context(base_url=live_server.url, viewport=viewport, locale="en-GB")
        tab = context.new_page()
        for name, path in SCREENSHOT_PAGES.items():
            tab.goto(path)
            expect(tab.locator("h1")).to_be_visible()
            full = tab.evaluate("document.documentElement.scrollHeight")
            clip = {"x": 0, "y": 0, "width": viewport["width"], "height": min(full, height)}
            target = SCREENSHOTS / f"{name}-{device}.png"
            tab.screenshot(path=target, clip=clip, full_page=True)
            assert target.stat().st_size > 10_000
        context.close()
