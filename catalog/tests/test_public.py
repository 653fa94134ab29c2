"""What search engines, feed readers and sharing cards read of the public pages, and the
completeness of the translations. The demo is the data: every page type exists in it."""

import datetime
import gettext
import io
import json
import re
from pathlib import Path
from xml.etree import ElementTree

import pytest
from babel.messages.pofile import read_po
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from catalog import extensions
from catalog.models import Collection, CollectionItem, Title, TitleImage
from catalog.sitemaps import PublicSitemap
from catalog.tests.factories import TitleFactory
from people.models import Organization, Person
from screenings.models import Edition, Screening, Venue
from streaming.models import Platform

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
SITEMAP_NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9", "x": "http://www.w3.org/1999/xhtml"}
ATOM_NS = {"a": "http://www.w3.org/2005/Atom"}

#: The properties each schema.org type must carry on Affiche's pages: schema.org's own
#: expectations plus Google's required properties for rich results where Google has them
#: (Event: name, startDate, location; Offer: price with its currency). A tuple means "one of".
#: Google's Movie carousel also asks for ``image``: it is emitted whenever a poster exists
#: (test_movie_jsonld_has_the_poster_as_image); the demo has no pictures.
REQUIRED = {
    "Movie": ["name", "url"],
    "TVSeries": ["name", "url"],
    "CreativeWorkSeason": ["name", "url", "seasonNumber", "partOfSeries"],
    "Episode": ["name", "url", "episodeNumber", ("partOfSeason", "partOfSeries")],
    "Person": ["name", "url"],
    "Organization": ["name", ("url", "sameAs")],
    "ScreeningEvent": ["name", "url", "startDate", "location", "workPresented", "eventStatus"],
    "Festival": ["name", "url", "startDate", "endDate", "location"],
    # A venue's address is given when it is known, never invented (issue 16: the demo's Melville
    # Theatre has none): screenings/tests/test_venue_address.py checks it is there when known.
    "MovieTheater": ["name", "url"],
    "Offer": [("price", "category", "url"), ("seller", "availability", "name")],
    "WebSite": ["name", "url"],
    "PostalAddress": [("streetAddress", "addressLocality", "postalCode")],
    "GeoCoordinates": ["latitude", "longitude"],
}
#: Properties that only make sense together.
TOGETHER = [("price", "priceCurrency")]
#: Keys whose values are full entities (checked against REQUIRED), not references.
EMBEDDED = {"subEvent", "event", "offers", "expectsAcceptanceOf", "address", "geo"}


def jsonld_blocks(html: str) -> list[dict]:
    return [json.loads(b) for b in re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)]


def problems(node, path="$", full=True) -> list[str]:
    """Every missing required property in ``node`` and in the entities it embeds."""
    found = []
    if isinstance(node, list):
        for i, item in enumerate(node):
            found += problems(item, f"{path}[{i}]", full)
        return found
    if not isinstance(node, dict):
        return found
    kind = node.get("@type")
    if kind in REQUIRED and full:
        for prop in REQUIRED[kind]:
            options = prop if isinstance(prop, tuple) else (prop,)
            if not any(node.get(option) not in (None, "", []) for option in options):
                found.append(f"{path} ({kind}) lacks {' or '.join(options)}")
    elif kind in REQUIRED and "name" not in node:
        found.append(f"{path} ({kind}) reference lacks a name")
    for a, b in TOGETHER:
        if (a in node) != (b in node):
            found.append(f"{path} ({kind}) has one of {a}/{b} without the other")
    for key, value in node.items():
        if isinstance(value, dict | list):
            found += problems(value, f"{path}.{key}", key in EMBEDDED)
    return found


def types_in(node) -> set[str]:
    if isinstance(node, list):
        return set().union(*(types_in(n) for n in node)) if node else set()
    if not isinstance(node, dict):
        return set()
    return {node.get("@type")} | set().union(*(types_in(v) for v in node.values()))


def demo_pages() -> dict[str, str]:
    """One address of each public page type, from the demo."""
    return {
        "home": "/",
        "film": Title.objects.get(slug="tout-pres-des-etoiles").get_absolute_url()[3:],
        "series": "/titles/l-opera/",
        "season": "/titles/l-opera-season-1/",
        "episode": "/titles/l-opera-season-2-episode-3/",
        "offers": "/titles/dans-les-couloirs-de-l-opera/",
        "person": Person.objects.order_by("pk").first().get_absolute_url()[3:],
        "organization": "/organizations/newen-connect/",
        "screening": Screening.objects.order_by("pk").first().get_absolute_url()[3:],
        "festival": "/festivals/colcoa-2021/",
        "venue": "/venues/melville-theatre/",
        "platform": "/platforms/pop-paris-opera-play/",
    }


EXPECTED_TYPES = {
    "home": "WebSite",
    "film": "Movie",
    "series": "TVSeries",
    "season": "CreativeWorkSeason",
    "episode": "Episode",
    "offers": "Offer",
    "person": "Person",
    "organization": "Organization",
    "screening": "ScreeningEvent",
    "festival": "Festival",
    "venue": "MovieTheater",
    "platform": "Offer",
}


@pytest.mark.parametrize("language", ["en", "fr"])
def test_jsonld_of_every_page_type_has_the_required_properties(client, demo, language):
    for page, path in demo_pages().items():
        response = client.get(f"/{language}{path}")
        assert response.status_code == 200, path
        blocks = jsonld_blocks(response.content.decode())

        assert blocks, f"{page}: no JSON-LD"
        assert all(b.get("@context") == "https://schema.org" for b in blocks), page
        assert EXPECTED_TYPES[page] in types_in(blocks), f"{page}: no {EXPECTED_TYPES[page]}"
        assert problems(blocks) == [], page


def test_jsonld_check_finds_a_missing_property():
    event = {"@type": "ScreeningEvent", "name": "X", "url": "u", "startDate": "2021", "workPresented": {}}

    assert problems(event) == ["$ (ScreeningEvent) lacks location", "$ (ScreeningEvent) lacks eventStatus"]
    assert problems({"@type": "Offer", "price": "9.90", "seller": {}}) == [
        "$ (Offer) has one of price/priceCurrency without the other"
    ]


def png_upload() -> SimpleUploadedFile:
    out = io.BytesIO()
    Image.new("RGB", (400, 600), (140, 28, 19)).save(out, "PNG")
    return SimpleUploadedFile("poster.png", out.getvalue(), content_type="image/png")


def test_movie_jsonld_and_sharing_tags_have_the_poster(client, demo):
    title = Title.objects.get(slug="tout-pres-des-etoiles")
    poster = TitleImage.objects.create(title=title, image=png_upload(), alt_en="Dancers on the Garnier stage")

    html = client.get("/en/titles/tout-pres-des-etoiles/").content.decode()

    image = f"http://testserver{poster.image.url}"
    assert jsonld_blocks(html)[0]["image"] == image
    assert f'<meta property="og:image" content="{image}">' in html
    assert '<meta property="og:image:alt" content="Dancers on the Garnier stage">' in html
    assert '<meta name="twitter:card" content="summary_large_image">' in html
    assert '<meta property="og:type" content="video.movie">' in html


def test_sharing_tags_name_the_page_in_its_language(client, demo):
    html = client.get("/fr/titles/l-opera/").content.decode()

    assert "<title>L&#x27;Opéra · Affiche</title>" in html
    assert '<meta property="og:title" content="L&#x27;Opéra">' in html
    assert '<meta property="og:type" content="video.tv_show">' in html
    assert '<meta property="og:url" content="http://testserver/fr/titles/l-opera/">' in html
    assert '<link rel="canonical" href="http://testserver/fr/titles/l-opera/">' in html
    assert '<meta property="og:locale" content="fr_FR">' in html
    assert '<meta property="og:locale:alternate" content="en_US">' in html
    assert '<meta name="twitter:card" content="summary">' in html
    assert '<meta property="og:description" content="Set in the shrine of French dance' in html


def test_canonical_url_leaves_out_filters_and_pages(client, demo):
    html = client.get("/en/titles/?kind=series&page=1").content.decode()

    assert '<link rel="canonical" href="http://testserver/en/titles/">' in html


def xml_of(client, path) -> ElementTree.Element:
    return ElementTree.fromstring(client.get(path).content)  # noqa: S314 (our own server's output)


def sitemap_locations(client) -> list[str]:
    index = xml_of(client, "/sitemap.xml")
    locations = []
    for section in index.findall("s:sitemap/s:loc", SITEMAP_NS):
        urlset = xml_of(client, section.text.removeprefix("http://testserver"))
        locations += [loc.text.removeprefix("http://testserver") for loc in urlset.findall("s:url/s:loc", SITEMAP_NS)]
    return locations


def test_sitemap_lists_every_public_page_in_both_languages(client, demo):
    pages = ["/", "/titles/", "/people/", "/organizations/", "/screenings/", "/festivals/", "/venues/", "/platforms/"]
    for model in (Title, Person, Organization, Edition, Screening, Platform):
        pages += [record.get_absolute_url()[3:] for record in model.objects.all()]
    pages += [venue.get_absolute_url()[3:] for venue in Venue.objects.filter(parent=None)]

    locations = sitemap_locations(client)

    assert sorted(locations) == sorted(f"/{lang}{page}" for page in pages for lang in ("en", "fr"))
    for location in locations:
        assert client.get(location).status_code == 200, location


def test_sitemap_entries_name_their_translation(client, demo):
    urlset = xml_of(client, "/sitemap-festivals.xml")

    entry = urlset.find("s:url", SITEMAP_NS)
    links = {link.get("hreflang"): link.get("href") for link in entry.findall("x:link", SITEMAP_NS)}
    assert entry.find("s:loc", SITEMAP_NS).text == "http://testserver/en/festivals/colcoa-2021/"
    assert links == {
        "en": "http://testserver/en/festivals/colcoa-2021/",
        "fr": "http://testserver/fr/festivals/colcoa-2021/",
        "x-default": "http://testserver/en/festivals/colcoa-2021/",  # what the pages announce, no redirect
    }


def test_sitemap_is_split_into_pages_for_a_large_catalogue(client, demo, monkeypatch):
    monkeypatch.setattr(PublicSitemap, "limit", 10)
    titles = Title.objects.count()

    index = xml_of(client, "/sitemap.xml")
    title_pages = [loc.text for loc in index.findall("s:sitemap/s:loc", SITEMAP_NS) if "sitemap-titles" in loc.text]

    assert len(title_pages) == -(-titles * 2 // 10)
    assert title_pages[1] == "http://testserver/sitemap-titles.xml?p=2"
    second = xml_of(client, "/sitemap-titles.xml?p=2")
    assert len(second.findall("s:url", SITEMAP_NS)) == 10


def test_robots_txt_points_to_the_sitemap_and_keeps_robots_out_of_admin_and_search(client):
    response = client.get("/robots.txt")

    assert response["Content-Type"] == "text/plain; charset=utf-8"
    lines = response.content.decode().splitlines()
    assert "Disallow: /admin/" in lines
    assert "Disallow: /en/search/" in lines
    assert "Sitemap: http://testserver/sitemap.xml" in lines


def atom_entries(client, path) -> list[dict]:
    feed = xml_of(client, path)
    return [
        {
            "title": entry.find("a:title", ATOM_NS).text,
            "link": entry.find("a:link", ATOM_NS).get("href"),
            "summary": entry.find("a:summary", ATOM_NS).text,
        }
        for entry in feed.findall("a:entry", ATOM_NS)
    ]


def test_new_on_streaming_feed_lists_releases_newest_first(client, demo):
    entries = atom_entries(client, "/en/platforms/new.atom")

    assert [e["title"] for e in entries[:3]] == [
        "Dans les couloirs de l’Opéra – Episodes 5–7 on POP – Paris Opera Play",
        "Dans les couloirs de l’Opéra – Episodes 3–4 on POP – Paris Opera Play",
        "Dans les couloirs de l’Opéra – Episodes 1–2 on POP – Paris Opera Play",
    ]
    assert entries[0]["link"] == "http://testserver/en/titles/dans-les-couloirs-de-l-opera/"
    assert entries[0]["summary"].startswith("Subscription · France · Available since April 1, 2026")


def test_new_on_streaming_feed_speaks_french_under_fr(client, demo):
    entries = atom_entries(client, "/fr/platforms/new.atom")

    assert entries[0]["title"] == "Dans les couloirs de l’Opéra – Épisodes 5–7 sur POP – Paris Opera Play"
    assert "Disponible depuis le 1er avril 2026" in entries[0]["summary"]


def test_upcoming_screenings_feed_lists_screenings_that_have_not_ended(client, demo):
    screening = Screening.objects.order_by("pk").first()
    soon = timezone.now() + datetime.timedelta(days=2)
    # A direct update moves the booked range too (blocked_until: the end plus the room's
    # changeover, none at the demo's venue), as the write path does.
    end = soon + datetime.timedelta(hours=2)
    Screening.objects.filter(pk=screening.pk).update(starts_at=soon, ends_at=end, blocked_until=end)

    entries = atom_entries(client, "/en/screenings/upcoming.atom")

    assert len(entries) == 1
    assert entries[0]["title"].startswith("The Opera – Season 1 — ")
    assert entries[0]["link"] == f"http://testserver/en/screenings/{screening.pk}/"
    assert entries[0]["summary"].startswith("Melville Theatre · COLCOA French Film Festival 2021")


def test_pages_link_to_the_atom_feeds(client, demo):
    html = client.get("/fr/").content.decode()

    assert '<link rel="alternate" type="application/atom+xml" href="/fr/platforms/new.atom"' in html
    assert '<link rel="alternate" type="application/atom+xml" href="/fr/screenings/upcoming.atom"' in html


PO_FILES = sorted(p for p in ROOT.glob("**/locale/*/LC_MESSAGES/django.po") if ".venv" not in p.parts)


def test_every_app_has_a_french_catalogue():
    apps = {p.relative_to(ROOT).parts[0] for p in PO_FILES}

    assert apps == {"locale", "people", "screenings", "streaming"}


@pytest.mark.parametrize("po_path", PO_FILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_translations_are_complete_and_compiled(po_path):
    with po_path.open("rb") as handle:
        catalogue = read_po(handle)
    untranslated = [
        m.id for m in catalogue if m.id and not all(m.string if isinstance(m.string, tuple) else [m.string])
    ]
    fuzzy = [m.id for m in catalogue if m.id and m.fuzzy]
    with po_path.with_suffix(".mo").open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)

    assert untranslated == []
    assert fuzzy == []
    assert catalogue.plural_forms == "nplurals=2; plural=(n > 1);"
    for message in catalogue:
        if message.id and not isinstance(message.id, tuple):
            key = f"{message.context}\x04{message.id}" if message.context else message.id
            assert compiled.gettext(key) == message.string, f"{message.id!r}: .mo is older than .po"


@pytest.mark.parametrize("n", [1, 3])
def test_home_with_a_collection_of_posters_query_count_is_constant(client, django_assert_num_queries, n):
    collection = Collection.objects.create(slug="opera", name_en="The Paris Opera on screen", is_published=True)
    for i in range(n):
        CollectionItem.objects.create(collection=collection, title=TitleFactory(original_title=f"Work {i}"), order=i)

    with extensions.home_sections.override(), django_assert_num_queries(9):
        # The catalogue's own part (the other apps' sections assert their own cost):
        # 1 collections; 2 their titles; 3 the titles' localized names; 4 the titles' images
        # (the posters); 5 recent titles (with child counts); 6 their localized titles;
        # 7 genres; 8 countries; 9 the first credit of each (catalog.distinctions).
        response = client.get("/en/")

    assert response.text.count('class="poster-tile"') == n
    assert '<span class="poster-tile-name">Work 0</span>' in response.text


@pytest.mark.parametrize("language", ["en", "fr"])
def test_favicon_and_the_icons_every_page_links_exist(client, language):
    """/favicon.ico is what browsers ask for by default; the pages' icon links name real files."""
    from django.contrib.staticfiles import finders

    response = client.get("/favicon.ico")

    assert response.status_code == 200
    assert response["Content-Type"] == "image/x-icon"
    assert b"".join(response.streaming_content).startswith(b"\x00\x00\x01\x00")  # an ICO header
    html = client.get(f"/{language}/").content.decode()
    icons = re.findall(r'<link rel="(?:icon|apple-touch-icon)" href="([^"]+)"', html)
    assert "/favicon.ico" in icons
    assert any(href.endswith(".svg") for href in icons)
    for href in icons:
        if href.startswith("/static/"):
            assert finders.find(href.removeprefix("/static/")), href


def test_titles_of_one_name_in_the_list_show_what_tells_them_apart(client):
    from catalog import extensions
    from catalog.tests.factories import TitleFactory

    TitleFactory(original_title="Giselle", year=1969)
    TitleFactory(original_title="Giselle", year=2019)
    TitleFactory(original_title="Coppélia", year=2019)

    with extensions.title_distinctions.override():
        html = client.get("/en/titles/").content.decode()

    assert re.search(r'card-title">Giselle</span>\s*<span class="card-context">1969</span>', html)
    assert re.search(r'card-title">Giselle</span>\s*<span class="card-context">2019</span>', html)
    assert re.search(r'card-title">Coppélia</span>\s*<', html)
    assert not re.search(r'card-title">Coppélia</span>\s*<span class="card-context">', html)
