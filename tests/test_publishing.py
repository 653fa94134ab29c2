"""Drafts and announce-at dates (docs/publishing.md) as an invariant over every public URL.

Every URL pattern of the URL conf (walked with ``get_resolver``, i18n patterns in both
languages, feeds, ``.ics``, sitemaps) is requested with its parameters filled from the demo and
from the drafts: a draft title, a scheduled festival edition, a draft screening and a draft
offer, each named with the marker ``zqxdraft``, tied to published records the way an editor
would tie them (credits, a collection, related titles, an episode in a published season, a
screening showing a draft title beside a published one, an offer on a draft title…). No public
response may contain the marker; staff preview each on its own page; once published, each
appears where expected. A new URL is covered without editing this test (a URL parameter of a
new name fails the test until it gets candidate values below).
"""

import datetime

import pytest
from django.contrib.auth import get_user_model
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone, translation

from catalog.audit import details
from catalog.enums import TitleKind
from catalog.models import Collection, CollectionItem, Title
from catalog.publishing import PublicationStatus
from people.models import Credit, Person, Role
from screenings.models import Edition, Festival, Screening, Venue
from screenings.services import set_titles
from streaming.enums import OfferType
from streaming.models import Offer, Platform

MARKER = "zqxdraft"
#: A search for part of the marker (the search box echoes the query: the marker itself would).
SEARCH = "?q=qxdraf"
LIST_QUERIES = ("", SEARCH, "?when=all", "?kind=episode")
#: Not public pages: the admin, and set_language (a POST that redirects).
SKIPPED_NAMESPACES = {"admin"}
SKIPPED_NAMES = {"set_language"}


def url_patterns(resolver=None, namespace=""):
    """(full name, parameter names, i18n) of every named URL pattern, recursively."""
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            ns = entry.namespace or ""
            if ns in SKIPPED_NAMESPACES:
                continue
            inner = f"{namespace}{ns}:" if ns else namespace
            for name, params, _i18n in url_patterns(entry, inner):
                yield (
                    name,
                    params | set(getattr(entry.pattern, "converters", {})),
                    _i18n or hasattr(entry.pattern, "language_prefix"),
                )
        elif isinstance(entry, URLPattern):
            if entry.name is None:
                # Static/media files in DEBUG have no name and are not pages.
                assert "static" in str(entry.callback) or "serve" in str(entry.callback), entry
                continue
            yield f"{namespace}{entry.name}", set(entry.pattern.converters), False


@pytest.fixture
def drafts(demo):
    """One draft (or scheduled) record of each publishable kind, tied to published ones."""
    now = timezone.now()
    later = now + datetime.timedelta(days=30)
    season = Title.objects.filter(kind=TitleKind.SEASON, children__isnull=False).distinct().first()
    published_episode = season.children.order_by("number").first()
    title = Title.objects.create(
        kind=TitleKind.FILM, slug=f"{MARKER}-title", original_title=f"{MARKER.title()} Title", published_at=None
    )
    episode = Title.objects.create(
        kind=TitleKind.EPISODE, parent=season, number=99, slug=f"{MARKER}-episode", original_title=f"{MARKER} episode"
    )
    episode.published_at = None
    episode.save()
    person = Person.objects.order_by("pk").first()
    Credit.objects.create(title=title, person=person, role=Role.objects.order_by("pk").first())
    collection = Collection.objects.filter(is_published=True).first() or Collection.objects.create(
        slug="published", name_en="Published"
    )
    CollectionItem.objects.create(collection=collection, title=title, order=0)
    published_episode.related.add(title)

    festival = Festival.objects.order_by("pk").first()
    edition = Edition.objects.create(
        festival=festival,
        year=2090,
        slug=f"{MARKER}-edition",
        name=f"{MARKER.title()} Edition",
        starts_on=(later + datetime.timedelta(days=365)).date(),
        ends_on=(later + datetime.timedelta(days=370)).date(),
        published_at=later,  # scheduled: announced in a month
    )
    venue = Venue.objects.filter(parent=None).order_by("pk").first()
    starts = now + datetime.timedelta(days=3)

    def screening(hours, **fields):
        s = Screening.objects.create(
            venue=venue,
            starts_at=starts + datetime.timedelta(hours=hours),
            ends_at=starts + datetime.timedelta(hours=hours + 1),
            **fields,
        )
        return s

    draft_screening = screening(0, label_en=f"{MARKER} screening", published_at=None)
    set_titles(draft_screening, [published_episode])
    of_edition = screening(2, edition=edition, label_en=f"{MARKER} edition screening")
    set_titles(of_edition, [published_episode])
    of_draft_title = screening(4, label_en=f"{MARKER} title screening")
    set_titles(of_draft_title, [title])
    mixed = screening(6)  # a published screening of a published and a draft title
    set_titles(mixed, [published_episode, title])

    platform = Platform.objects.order_by("pk").first()
    offer = Offer.objects.create(
        title=published_episode,
        platform=platform,
        country_id="FR",
        offer_type=OfferType.FREE,
        available_from=now.date() - datetime.timedelta(days=2),
        url=f"https://example.com/{MARKER}-offer",
        published_at=None,
    )
    on_draft_title = Offer.objects.create(
        title=title,
        platform=platform,
        country_id="FR",
        offer_type=OfferType.FREE,
        available_from=now.date() - datetime.timedelta(days=1),
        url=f"https://example.com/{MARKER}-title-offer",
    )
    return {
        "title": title,
        "episode": episode,
        "edition": edition,
        "screening": draft_screening,
        "screenings": [draft_screening, of_edition, of_draft_title, mixed],
        "offer": offer,
        "offers": [offer, on_draft_title],
        "person": person,
        "season": season,
        "published_episode": published_episode,
        "venue": venue,
        "platform": platform,
        "festival": festival,
    }


def candidate_values(drafts) -> dict[str, list]:
    """What fills each URL parameter: the demo's records around the drafts, and the drafts."""
    from config.urls import SITEMAPS

    titles = [drafts["title"], drafts["episode"], drafts["season"], drafts["published_episode"]]
    titles += [drafts["season"].parent, *Title.objects.filter(collections__isnull=False)[:1]]
    slugs = {t.slug for t in titles if t is not None}
    slugs |= {drafts["person"].slug, drafts["edition"].slug, drafts["festival"].slug, drafts["venue"].slug}
    slugs |= {drafts["platform"].slug, *Edition.objects.values_list("slug", flat=True)}
    slugs |= set(Credit.objects.filter(title=drafts["title"]).values_list("person__slug", flat=True))
    return {
        "slug": sorted(slugs),
        "pk": sorted({s.pk for s in drafts["screenings"]} | {Screening.objects.order_by("pk").first().pk}),
        "section": sorted(SITEMAPS),
    }


def public_urls(drafts) -> list[str]:
    values = candidate_values(drafts)
    urls = set()
    for name, params, i18n in url_patterns():
        if name in SKIPPED_NAMES:
            continue
        unknown = params - set(values)
        assert not unknown, f"{name}: give candidate values for {unknown} in candidate_values()"
        combos = [{}]
        for param in sorted(params):
            combos = [{**c, param: v} for c in combos for v in values[param]]
        for language in ("en", "fr") if i18n else ("en",):
            with translation.override(language):
                for kwargs in combos:
                    url = reverse(name, kwargs=kwargs)
                    for query in LIST_QUERIES if not params else ("",):
                        urls.add(url + query)
    return sorted(urls)


def body(response) -> str:
    content = b"".join(response.streaming_content) if response.streaming else response.content
    return content.decode("utf-8", errors="replace").lower()


def leaks(client, urls) -> dict[str, int]:
    found = {}
    for url in urls:
        response = client.get(url, follow=True)
        assert response.status_code in (200, 404), (url, response.status_code)
        if response.status_code == 200 and MARKER in body(response):
            found[url] = body(response).count(MARKER)
    return found


def own_pages(drafts) -> dict[str, str]:
    return {
        "title": drafts["title"].get_absolute_url(),
        "episode": drafts["episode"].get_absolute_url(),
        "edition": drafts["edition"].get_absolute_url(),
        "screening": drafts["screening"].get_absolute_url(),
        # An offer has no page of its own: staff preview it on its title's page.
        "offer": drafts["offer"].title.get_absolute_url(),
    }


@pytest.fixture
def staff(client, db):
    user = get_user_model().objects.create_superuser("preview", "preview@example.com", "x")
    client.force_login(user)
    return client


def test_publishing_urls_cover_every_kind_of_public_page(drafts):
    urls = public_urls(drafts)

    # Each family is enumerated from the URL conf, in both languages where it has them.
    for part in ("/en/titles/", "/fr/titles/", ".ics", ".atom", "sitemap-titles.xml", "/en/search/", "/en/people/"):
        assert any(part in url for url in urls), part
    assert len(urls) > 100


@pytest.mark.django_db
def test_drafts_appear_on_no_public_page_for_anonymous_visitors(client, drafts):
    assert leaks(client, public_urls(drafts)) == {}
    for kind, url in own_pages(drafts).items():
        if kind != "offer":
            assert client.get(url).status_code == 404, kind


def test_staff_preview_each_draft_on_its_own_page_with_a_banner(staff, drafts):
    for kind, url in own_pages(drafts).items():
        response = staff.get(url)

        assert response.status_code == 200, kind
        assert MARKER in body(response), kind
        if kind != "offer":
            assert 'class="preview-banner"' in response.text, kind
    assert "announced for" in staff.get(drafts["edition"].get_absolute_url()).text


def test_staff_see_lists_feeds_calendars_and_sitemaps_as_published(staff, drafts):
    """Staff preview drafts on record pages (a draft's own page, a screening's draft titles, a
    title's draft offers); lists, search, feeds, calendars and sitemaps stay as the public sees
    them, so that what staff check there is what visitors get."""
    urls = public_urls(drafts)
    lists = [u for u in urls if "/fr/" not in u and (u.count("/") <= 3 or u.endswith((".ics", ".xml", ".atom")))]
    assert any(u.endswith(".ics") for u in lists)
    found = leaks(staff, lists)

    assert found == {}


def test_once_published_each_draft_appears_where_expected(client, drafts):
    now = timezone.now()
    for kind in ("title", "episode", "edition", "screening", "offer"):
        type(drafts[kind]).objects.filter(pk=drafts[kind].pk).update(published_at=now)
    title = drafts["title"]

    assert "Zqxdraft Title" in client.get(title.get_absolute_url()).text
    assert f"{MARKER}-title-offer" in client.get(title.get_absolute_url()).text  # where to watch
    assert "Zqxdraft Title" in client.get(f"/en/search/{SEARCH}").text
    assert "Zqxdraft Title" in client.get(drafts["person"].get_absolute_url()).text  # filmography
    assert "Zqxdraft Title" in client.get("/en/").text  # home: recent, collection
    assert "Zqxdraft Title" in client.get(drafts["published_episode"].get_absolute_url()).text  # related
    assert f"{MARKER} episode" in client.get(drafts["season"].get_absolute_url()).text  # children
    assert f"{MARKER}-title" in client.get("/sitemap-titles.xml").content.decode()
    edition_page = client.get(drafts["edition"].get_absolute_url()).text
    assert "Zqxdraft Edition" in edition_page
    assert f"{MARKER} edition screening" in edition_page
    assert f"{MARKER} screening" in client.get(drafts["screening"].get_absolute_url()).text
    assert f"{MARKER} screening" in client.get("/en/screenings/").text
    assert drafts["screening"].get_absolute_url().encode() in client.get("/en/screenings/upcoming.atom").content
    assert f"{MARKER}-offer" in client.get(drafts["published_episode"].get_absolute_url()).text
    assert f"{MARKER}-edition" in client.get("/sitemap-festivals.xml").content.decode()


def test_scheduled_records_become_public_at_their_date(client, drafts, time_machine):
    edition = drafts["edition"]
    assert edition.publication_status == PublicationStatus.SCHEDULED
    assert client.get(edition.get_absolute_url()).status_code == 404

    time_machine.move_to(edition.published_at + datetime.timedelta(minutes=1), tick=False)

    assert "Zqxdraft Edition" in client.get(edition.get_absolute_url()).text


def test_a_festival_address_leads_to_its_latest_published_edition(client, drafts):
    response = client.get(reverse("screenings:festival_detail", kwargs={"slug": drafts["festival"].slug}))

    assert response.status_code == 302
    assert MARKER not in response["Location"]


# --- Admin and CSV -----------------------------------------------------------------------------


def publishable_admins():
    from django.apps import apps
    from django.contrib import admin

    from catalog.publishing import Publishable

    models = [m for m in apps.get_models() if issubclass(m, Publishable) and admin.site.is_registered(m)]
    return [admin.site.get_model_admin(m) for m in models]


def test_every_publishable_model_has_the_publishing_admin():
    from catalog.admin_publishing import PublishableAdminMixin

    admins = publishable_admins()

    assert {ma.model._meta.label for ma in admins} == {
        "catalog.Title",
        "screenings.Edition",
        "screenings.Screening",
        "streaming.Offer",
    }
    for model_admin in admins:
        assert isinstance(model_admin, PublishableAdminMixin), model_admin


@pytest.mark.parametrize("label", ["catalog.Title", "screenings.Edition", "screenings.Screening", "streaming.Offer"])
def test_admin_filters_drafts_and_publishes_them_now_with_a_history_entry(staff, demo, label):
    from django.apps import apps
    from django.contrib.admin.models import CHANGE, LogEntry

    model = apps.get_model(label)
    record = model.objects.order_by("pk").first()
    model.objects.filter(pk=record.pk).update(published_at=None)
    changelist = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
    change = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_change", args=[record.pk])

    drafts_page = staff.get(changelist + "?publication=draft")
    form = staff.get(change)

    assert drafts_page.status_code == 200
    assert list(drafts_page.context["cl"].queryset.values_list("pk", flat=True)) == [record.pk]
    assert 'name="published_at_0"' in form.text
    response = staff.post(changelist, {"action": "publish_now", "_selected_action": [record.pk]}, follow=True)
    assert "1 record published." in response.text
    record.refresh_from_db()
    assert record.publication_status == PublicationStatus.PUBLISHED
    [entry] = LogEntry.objects.filter(object_id=str(record.pk), action_flag=CHANGE)
    [(field, before, after)] = details(entry).values
    assert (field, before) == ("Published", "")
    assert str(timezone.localdate().year) in after


def test_viewers_are_not_offered_publish_now(client, demo):
    from django.contrib.auth.models import Group

    from catalog.roles import VIEWER

    user = get_user_model().objects.create_user("viewer", password="x", is_staff=True)
    user.groups.add(Group.objects.get(name=VIEWER))
    client.force_login(user)

    for model_admin in publishable_admins():
        meta = model_admin.model._meta
        page = client.get(reverse(f"admin:{meta.app_label}_{meta.model_name}_changelist"))
        assert page.status_code == 200
        assert "publish_now" not in page.text, meta.label


def test_csv_round_trips_drafts_and_dates_and_files_without_the_column_import_as_published(demo):
    from catalog.csvio import run_import
    from catalog.testing import csv_of, export

    later = (timezone.now() + datetime.timedelta(days=5)).replace(microsecond=123456)
    draft = Title.objects.create(kind=TitleKind.FILM, slug="csv-draft", original_title="Draft", published_at=None)
    scheduled = Title.objects.create(kind=TitleKind.FILM, slug="csv-later", original_title="Later", published_at=later)
    first = export("titles")

    report = run_import("titles", first.encode())

    assert report.ok, report.problems
    assert report.updated == 0
    draft.refresh_from_db()
    scheduled.refresh_from_db()
    assert (draft.published_at, scheduled.published_at) == (None, later)
    assert export("titles") == first
    # An older file without the column: new rows are published, existing rows keep their state.
    old = csv_of("slug,kind,original_title", "csv-new,film,New", "csv-draft,film,Draft again")
    assert run_import("titles", old.encode()).ok
    assert Title.objects.get(slug="csv-new").publication_status == PublicationStatus.PUBLISHED
    assert Title.objects.get(slug="csv-draft").published_at is None


@pytest.mark.parametrize("name", ["titles", "festivals", "screenings", "offers"])
def test_csv_exports_carry_the_published_at_column(demo, name):
    from catalog.testing import export

    header = export(name).splitlines()[0].split(",")

    assert "published_at" in header


def test_publishing_speaks_french(staff, drafts):
    with translation.override("fr"):
        assert [str(label) for label in PublicationStatus.labels] == ["Publié", "Programmé", "Brouillon"]
        page = staff.get(reverse("catalog:title_detail", kwargs={"slug": drafts["title"].slug}))

    assert "Cette page n’est pas publiée" in page.text
