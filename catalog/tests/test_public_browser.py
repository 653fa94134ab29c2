"""The public pages in a real browser: axe-core on every page type in both languages, a
360-pixel phone, the layout (no split word, no element narrower than a word), keyboard-only
walks. The README's screenshots (docs/screenshots/) are taken by ``make screenshots``, not here.

axe-core comes from the npm registry, pinned in package.json / package-lock.json and installed
by ``npm ci`` (``make test-browser``); Playwright injects it with ``add_script_tag``. The
Content-Security-Policy forbids injected scripts, so the axe tab bypasses it (and only that tab).
"""

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from catalog.models import Title
from people.models import Credit, Person
from screenings.models import Screening

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

ROOT = Path(__file__).resolve().parents[2]
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
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
        "/titles/dans-les-couloirs-de-l-opera/offers/",  # every offer (issue 17)
        "/titles/l-opera/episodes/",  # every season (issue 17)
        "/titles/l-opera-season-1/episodes/",  # every episode
        "/titles/l-opera/credits/?role="
        + Credit.objects.filter(title__top_level__slug="l-opera").order_by("pk").first().role.slug,
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
        "/platforms/pop-paris-opera-play/available/",  # every offer available now (issue 17)
        "/platforms/pop-paris-opera-play/coming/",
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


#: Every element that holds text, whatever it is (a table cell, a card, a flex item, a button):
#: its content box must be at least as wide as the longest word it holds, or the word spills
#: out over its neighbour (``overflow-wrap: normal``), or is cut (``overflow: hidden``), or is
#: split (caught above). An inline element (a link, a span) is measured by the box it flows in.
#: Words are measured as the browser laid them out (the sum of their line boxes). Text of form
#: controls (an ``<option>``, a button's ``value``) is not laid out in the page and is not seen.
NARROW_ELEMENTS = """(limit) => {
  const narrow = [];
  const walker = document.createTreeWalker(document.querySelector("main"), NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    // Text for screen readers only (inside a 1-pixel box) is not read on screen.
    let hidden = false;
    for (let e = node.parentElement; e && !hidden; e = e.parentElement) hidden = e.getBoundingClientRect().width <= 1;
    let box = node.parentElement;
    while (box && ["inline", "contents"].includes(getComputedStyle(box).display)) box = box.parentElement;
    if (hidden || !box || box.closest("select, svg")) continue;
    const style = getComputedStyle(box);
    const room = box.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
    for (const match of node.data.matchAll(/[^\\s\\-\u2010\u2013\u2014\\/]+/g)) {
      if (match[0].length > limit) continue;
      const range = document.createRange();
      range.setStart(node, match.index);
      range.setEnd(node, match.index + match[0].length);
      const width = [...range.getClientRects()].reduce((sum, r) => sum + r.width, 0);
      if (width > room + 1) {
        const name = box.tagName.toLowerCase() + (box.className ? "." + String(box.className).trim().split(/\\s+/).join(".") : "");
        narrow.push(`${match[0]} (${Math.round(width)} px) in ${name} (${Math.round(room)} px)`);
      }
    }
  }
  return narrow;
}"""


def layout_problems(page, language, paths, viewports=(PHONE, LARGE_PHONE, DESKTOP)) -> dict:
    """{page at width: words split across lines, and elements narrower than a word they hold}
    over ``paths`` at 360, 390 and 1280 px."""
    found = {}
    for viewport in viewports:
        page.set_viewport_size(viewport)
        for path in paths:
            page.goto(f"/{language}{path}")
            if words := page.evaluate(BROKEN_WORDS, SHORT_WORD):
                found[f"{path} at {viewport['width']} px, split"] = sorted(set(words))[:8]
            if narrow := page.evaluate(NARROW_ELEMENTS, SHORT_WORD):
                found[f"{path} at {viewport['width']} px, narrower than a word"] = sorted(set(narrow))[:8]
    return found


@pytest.mark.parametrize("language", ["en", "fr"])
def test_no_word_is_split_or_wider_than_its_element_on_a_phone_or_a_desktop(page, demo, language):
    """Filmography years, "Where to watch" cells, role names, times: a word stays whole and fits
    the element that holds it (issue 16: "seaso / ns 1–2" in a 3.5rem column,
    "Cinematograp/hy", one letter per line in a squeezed table)."""
    assert layout_problems(page, language, public_pages()) == {}


SQUEEZED = """<main>
  <table><tr><td style="width: 3.5rem">2021</td><td><span style="display: block; width: 2.5rem">seasons 1–2</span></td></tr></table>
  <p style="width: 2rem; overflow-wrap: anywhere">Cinematography</p>
  <p style="width: 3rem; overflow: hidden; white-space: nowrap">Costumes</p>
  <p style="width: 3rem; hyphens: auto" lang="en">Photography</p>
  <p class="sr-only" style="position: absolute; width: 1px; overflow: hidden">Screen-reader text</p>
  <p>Wide enough</p>
</main>"""


def test_the_layout_check_finds_squeezed_split_and_cut_words(page):
    """The checks themselves: a word spilling out of a 3.5rem column, one split by
    ``overflow-wrap``, one cut by ``overflow: hidden``, and one hyphenated in a column narrower
    than itself; never text for screen readers only, nor text with room."""
    page.set_viewport_size(PHONE)
    page.set_content(SQUEEZED)

    narrow = page.evaluate(NARROW_ELEMENTS, SHORT_WORD)
    split = page.evaluate(BROKEN_WORDS, SHORT_WORD)

    assert [entry.split(" ")[0] for entry in narrow] == ["seasons", "Cinematography", "Costumes", "Photography"]
    assert "in span (40 px)" in narrow[0]
    assert split == ["Cinematography"]


@pytest.mark.parametrize("language", ["en", "fr"])
def test_no_word_is_split_or_squeezed_on_the_pages_of_a_generated_catalogue(page, db, language):
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

    assert layout_problems(page, language, paths) == {}


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


def test_a_quotation_uses_the_width_of_a_phone(page, demo):
    """Issue 16, walked at 360 px: the POP quotation sat in a 130-pixel column between the
    browser's default margins of a figure and a blockquote (80 pixels each side)."""
    page.set_viewport_size(PHONE)
    for path in ("/fr/platforms/pop-paris-opera-play/", "/fr/titles/dans-les-couloirs-de-l-opera/"):
        page.goto(path)
        quote = page.locator(".statement blockquote p").first
        main = page.locator("main").evaluate("e => e.clientWidth")
        assert quote.evaluate("e => e.getBoundingClientRect().width") > 0.8 * main, path
