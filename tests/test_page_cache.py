"""The shared cache of anonymous public pages (catalog.pagecache, issue 17).

Against the Redis server at REDIS_URL when it is set (``make test`` starts one), against the
process's memory otherwise: the same tests. They are transactional: the cache hears of a write
when its transaction commits, as in production.

A page served from the cache runs no query; each test first proves that the page it watches is
served from the cache, then writes (admin form, inline, action, CSV import, merge, bulk update,
raw SQL) or moves the clock, and reads the page again: it must show the change.
"""

import os
import re
import uuid
from datetime import UTC, date, datetime, timedelta

import pytest
from django.contrib import admin
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from catalog import pagecache
from catalog.models import Title
from catalog.testing import browser_form_data, public_urls

pytestmark = [pytest.mark.django_db(transaction=True, serialized_rollback=True), pytest.mark.page_cache]

PROJECT_APPS = ("catalog", "people", "screenings", "streaming")


@pytest.fixture
def page_cache(settings):
    settings.PAGE_CACHE = True
    if not os.environ.get("REDIS_URL"):
        location = f"pages-{uuid.uuid4().hex}"
        settings.CACHES = {
            **settings.CACHES,
            "pages": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": location},
        }


def get(client, url):
    """The response and the number of queries it ran (0: served from the cache)."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    return response, len(queries)


def cached(client, url) -> str:
    """Reads ``url`` twice; the second answer must come from the cache. Returns its text."""
    first, _ = get(client, url)
    assert first.status_code == 200, url
    second, queries = get(client, url)
    assert (second.status_code, queries) == (200, 0), f"{url} was not served from the cache"
    assert second.content == first.content
    return second.content.decode()


def fresh(client, url) -> str:
    response, queries = get(client, url)
    assert response.status_code == 200, url
    assert queries > 0, f"{url} was served from the cache after a write"
    return response.content.decode()


def stamped(text: str) -> str:
    """A calendar without its DTSTAMP lines (the moment it was made, by design)."""
    return re.sub(r"DTSTAMP:\S+", "DTSTAMP:", text)


# --- What is cached, and for whom ------------------------------------------------------------


def test_every_public_page_is_served_from_the_cache_as_it_is_rendered(client, demo, page_cache, settings):
    urls = public_urls(client, skip=("set_language", "favicon"))
    assert len(urls) > 15, urls
    for url in urls.values():
        from_cache = cached(client, url)
        settings.PAGE_CACHE = False
        assert stamped(client.get(url).content.decode()) == stamped(from_cache), url
        settings.PAGE_CACHE = True


def test_pages_are_kept_apart_by_language_and_query(client, demo, page_cache):
    title = Title.objects.published().filter(parent=None).first()
    english, french = cached(client, title.get_absolute_url()), None
    with_fr = title.get_absolute_url().replace("/en/", "/fr/", 1)
    french = cached(client, with_fr)
    assert english != french
    assert 'lang="fr"' in french
    listed = cached(client, reverse("catalog:title_list") + "?kind=film")
    assert listed != cached(client, reverse("catalog:title_list") + "?kind=series")


def test_staff_logged_in_visitors_and_previews_are_never_cached(client, admin_client, demo, page_cache):
    url = reverse("catalog:title_list")
    for _ in range(2):
        response, queries = get(admin_client, url)
        assert response.status_code == 200
        assert queries > 0
    draft = Title.objects.filter(parent=None).first()
    Title.objects.filter(pk=draft.pk).update(published_at=None)
    preview = admin_client.get(draft.get_absolute_url())
    assert preview.status_code == 200
    assert client.get(draft.get_absolute_url()).status_code == 404
    admin_page, queries = get(admin_client, reverse("admin:index"))
    assert admin_page.status_code == 200
    assert queries > 0
    # The staff's pages went into no entry that a visitor then reads.
    _, queries = get(client, url)
    assert queries > 0


def test_a_visitor_with_a_session_or_another_cookie_is_not_served_from_the_cache(client, demo, page_cache):
    url = reverse("catalog:home")
    cached(client, url)
    client.cookies["sessionid"] = "whatever"
    _, queries = get(client, url)
    assert queries > 0


# --- What a hit costs ---------------------------------------------------------------------------

CACHE_CALLS = ("get", "get_many", "set", "set_many", "add", "delete", "delete_many", "touch", "has_key", "incr")


@pytest.fixture
def cache_calls(monkeypatch, page_cache):
    """The calls made to the ``pages`` cache from outside it (each is one round trip to Redis),
    and with REDIS_URL the commands sent to Redis, by name."""
    from django.core.cache import caches

    calls, commands, inside = [], [], []
    cache = caches[pagecache.ALIAS]

    def counted(name, method):
        def call(*args, **kwargs):
            if not inside:  # LocMemCache.get_many calls get: one call from outside
                calls.append(name)
            inside.append(name)
            try:
                return method(*args, **kwargs)
            finally:
                inside.pop()

        return call

    for name in CACHE_CALLS:
        monkeypatch.setattr(cache, name, counted(name, getattr(cache, name)))
    if os.environ.get("REDIS_URL"):
        import redis

        send = redis.Redis.execute_command
        monkeypatch.setattr(
            redis.Redis, "execute_command", lambda s, *a, **k: commands.append(a[0]) or send(s, *a, **k)
        )
    return calls, commands


def test_a_hit_is_one_read_of_the_cache(client, demo, cache_calls):
    calls, commands = cache_calls
    url = reverse("catalog:home")
    cached(client, url)
    calls.clear()
    commands.clear()
    response, queries = get(client, url)
    assert (response.status_code, queries, calls) == (200, 0, ["get_many"])
    assert commands == (["MGET"] if os.environ.get("REDIS_URL") else [])


@pytest.mark.parametrize("name", ["home", "title", "edition"])
def test_a_hit_sends_the_headers_and_body_of_the_miss(client, demo, page_cache, name):
    from screenings.models import Edition

    url = {
        "home": reverse("catalog:home"),
        "title": Title.objects.published().filter(parent=None).order_by("pk").first().get_absolute_url(),
        "edition": Edition.objects.order_by("pk").first().get_absolute_url(),
    }[name]
    miss, queries = get(client, url)
    assert queries > 0
    hit, queries = get(client, url)
    assert queries == 0
    assert (hit.status_code, list(hit.headers.items()), hit.content) == (
        miss.status_code,
        list(miss.headers.items()),
        miss.content,
    )
    assert "Content-Security-Policy" in hit.headers


def test_an_entry_of_another_version_or_a_lost_version_is_not_served(client, demo, page_cache):
    from django.core.cache import caches

    url = reverse("catalog:home")
    cached(client, url)
    pagecache.bump()  # a committed write elsewhere
    fresh(client, url)
    cached(client, url)  # the entry was replaced under the new version
    caches[pagecache.ALIAS].delete(pagecache.VERSION_KEY)  # Redis evicted the version
    fresh(client, url)
    cached(client, url)


@pytest.mark.parametrize(("uses_nonce", "renders"), [(False, 1), (True, 2)])
def test_a_page_that_used_the_csp_nonce_is_not_stored(rf, page_cache, uses_nonce, renders):
    from django.http import HttpResponse
    from django.middleware.csp import ContentSecurityPolicyMiddleware, get_nonce

    rendered = []

    def view(request):
        rendered.append(request.path)
        return HttpResponse(f"<script nonce='{get_nonce(request)}'></script>" if uses_nonce else "<p>")

    stack = ContentSecurityPolicyMiddleware(pagecache.PageCacheMiddleware(view))
    for _ in range(2):
        assert stack(rf.get("/en/")).status_code == 200
    assert len(rendered) == renders


def test_a_redis_cache_keeps_one_client_per_server():
    from config.cache import RedisCache

    client = RedisCache("redis://127.0.0.1:6379/0", {})._cache  # noqa: SLF001 - the client under test
    assert client.get_client() is client.get_client("key") is client.get_client(write=True)
    two = RedisCache(["redis://127.0.0.1:6379/0", "redis://127.0.0.1:6379/1"], {})._cache  # noqa: SLF001
    assert two.get_client(write=True) is two.get_client(write=True) is not two.get_client()


# --- No stale page after a write -------------------------------------------------------------


def registered_project_admins():
    return [
        (model, model_admin)
        for model, model_admin in admin.site._registry.items()  # noqa: SLF001 - the admin's own registry
        if model._meta.app_label in PROJECT_APPS
    ]


def test_saving_any_admin_form_shows_on_the_next_request(client, admin_client, demo, page_cache):
    """Every registered admin of the project: its change form posted back (a save writes the
    record, its inlines and their version), and the home page is rendered again."""
    url = reverse("catalog:home")
    missing = []
    for model, _model_admin in registered_project_admins():
        obj = model._base_manager.order_by("pk").first()
        if obj is None:
            missing.append(model._meta.label)
            continue
        change = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_change", args=[obj.pk])
        page = admin_client.get(change)
        if page.status_code != 200:
            continue
        data = browser_form_data(page.content, f"{model._meta.model_name}_form", ("_save", "Save"))
        cached(client, url)
        response = admin_client.post(change, data)
        if response.status_code == 403:  # a record nobody changes (an import's record)
            continue
        assert response.status_code == 302, (change, response.status_code)
        fresh(client, url)
    assert len(missing) < len(registered_project_admins()) / 2, missing


def test_a_renamed_title_shows_on_its_page_and_in_the_list(client, admin_client, demo, page_cache):
    title = Title.objects.published().filter(parent=None, kind="film").order_by("pk").first()
    page, listing = title.get_absolute_url(), reverse("catalog:title_list") + f"?q={title.original_title}"
    cached(client, page)
    cached(client, listing)
    change = reverse("admin:catalog_title_change", args=[title.pk])
    data = browser_form_data(admin_client.get(change).content, "title_form", ("_save", "Save"))
    data["original_title"] = ["Zanzibar Renamed"]
    assert admin_client.post(change, data).status_code == 302
    assert "Zanzibar Renamed" in fresh(client, page)
    assert "Zanzibar Renamed" in fresh(client, reverse("catalog:title_list") + "?q=Zanzibar")


def test_an_inline_row_shows_on_the_next_request(client, admin_client, demo, page_cache):
    """A localized title changed in the title's inline shows on the page in its language."""
    title = (
        Title.objects.published()
        .filter(parent=None, localized_titles__language__in=["en", "fr"])
        .order_by("pk")
        .first()
    )
    pages = {code: title.get_absolute_url().replace("/en/", f"/{code}/", 1) for code in ("en", "fr")}
    for url in pages.values():
        cached(client, url)
    change = reverse("admin:catalog_title_change", args=[title.pk])
    data = browser_form_data(admin_client.get(change).content, "title_form", ("_save", "Save"))
    rows = sorted(k[: -len("-language")] for k in data if k.endswith("-language") and data[k][0] in ("en", "fr"))
    row = next(r for r in rows if "localized" in r)
    data[f"{row}-text"] = ["Le Titre Changé Inline"]
    response = admin_client.post(change, data)
    assert response.status_code == 302
    assert "Le Titre Changé Inline" in fresh(client, pages[data[f"{row}-language"][0]])


def test_every_publish_now_action_shows_the_record_on_the_next_request(client, admin_client, demo, page_cache):
    """The action every publishable admin has (a bulk ``UPDATE``, no ``save()``)."""
    acted = 0
    for model, model_admin in registered_project_admins():
        if "publish_now" not in (model_admin.get_actions(_request(admin_client)) or {}):
            continue
        obj = model._base_manager.filter(published_at__isnull=False).order_by("pk").first()
        model._base_manager.filter(pk=obj.pk).update(published_at=None)
        url = reverse("catalog:home")
        cached(client, url)
        changelist = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
        response = admin_client.post(changelist, {"action": "publish_now", "_selected_action": [obj.pk]})
        assert response.status_code == 302
        assert model._base_manager.get(pk=obj.pk).published_at is not None
        fresh(client, url)
        acted += 1
    assert acted >= 4  # titles, editions, screenings, offers


def _request(admin_client):
    from django.contrib.auth import get_user_model
    from django.test import RequestFactory

    request = RequestFactory().get("/admin/")
    request.user = get_user_model().objects.get(username="admin")
    return request


def test_a_csv_import_shows_on_the_next_request(client, demo, page_cache):
    from catalog.csvio import run_import
    from catalog.testing import export

    title = Title.objects.published().filter(parent=None, kind="film").order_by("pk").first()
    cached(client, title.get_absolute_url())
    exported = export("titles").replace(title.original_title, "Imported Newname", 1)
    assert run_import("titles", exported).ok
    assert "Imported Newname" in fresh(client, title.get_absolute_url())


def test_a_merge_shows_on_the_next_request(client, demo, page_cache):
    from people.models import Person
    from people.services import merge
    from people.tests.factories import PersonFactory

    keep = Person.objects.filter(credits__isnull=False).order_by("pk").first()
    other = PersonFactory(name="Zelda Duplicate")
    cached(client, other.get_absolute_url())
    cached(client, keep.get_absolute_url())
    merge(keep, other)
    assert "Zelda Duplicate" in fresh(client, keep.get_absolute_url())  # the alias
    assert client.get(other.get_absolute_url()).status_code in (301, 302)


def test_bulk_updates_and_raw_sql_show_on_the_next_request(client, demo, page_cache):
    title = Title.objects.published().filter(parent=None, kind="film").order_by("pk").first()
    cached(client, title.get_absolute_url())
    Title.objects.filter(pk=title.pk).update(original_title="Bulk Updated")
    assert "Bulk Updated" in fresh(client, title.get_absolute_url())
    cached(client, title.get_absolute_url())
    with connection.cursor() as cursor:
        cursor.execute("UPDATE catalog_title SET original_title = %s WHERE id = %s", ["Raw Updated", title.pk])
    assert "Raw Updated" in fresh(client, title.get_absolute_url())


def test_a_rolled_back_write_and_private_tables_keep_the_pages(client, demo, page_cache, admin_user):
    from django.db import transaction

    url = reverse("catalog:home")
    cached(client, url)
    with transaction.atomic():
        Title.objects.update(original_title="Never Committed")
        transaction.set_rollback(True)
    Client().force_login(admin_user)  # a session and a login: no public content
    admin_user.save()
    _, queries = get(client, url)
    assert queries == 0


def test_only_writes_to_public_tables_count():
    assert pagecache.writes_public_content('INSERT INTO "catalog_title" ("kind") VALUES (%s)')
    assert pagecache.writes_public_content("update people_person set name = 'x'")
    assert pagecache.writes_public_content('DELETE FROM "streaming_offer" WHERE id = 1')
    assert pagecache.writes_public_content("TRUNCATE catalog_title")
    assert pagecache.writes_public_content("COPY catalog_title (kind) FROM STDIN")
    assert not pagecache.writes_public_content("COPY (SELECT 1) TO STDOUT")
    assert not pagecache.writes_public_content('SELECT * FROM "catalog_title" FOR UPDATE')
    assert not pagecache.writes_public_content('UPDATE "django_session" SET expire_date = now()')
    assert not pagecache.writes_public_content('INSERT INTO "axes_accessattempt" ("username") VALUES (%s)')
    assert not pagecache.writes_public_content('INSERT INTO "catalog_pendingimport" ("resource") VALUES (%s)')


# --- No stale page after a moment passes -----------------------------------------------------


def at(time_machine, moment: datetime):
    time_machine.move_to(moment, tick=False)


def test_a_scheduled_title_appears_when_its_moment_passes(client, page_cache, time_machine, iso_codes):
    from catalog.tests.factories import TitleFactory

    at(time_machine, datetime(2031, 3, 10, 12, 0, tzinfo=UTC))
    TitleFactory(original_title="Announced Later", published_at=datetime(2031, 3, 10, 12, 30, tzinfo=UTC))
    url = reverse("catalog:title_list")
    assert "Announced Later" not in cached(client, url)
    at(time_machine, datetime(2031, 3, 10, 12, 29, tzinfo=UTC))
    assert "Announced Later" not in cached(client, url)
    at(time_machine, datetime(2031, 3, 10, 12, 30, 1, tzinfo=UTC))
    assert "Announced Later" in fresh(client, url)


def test_an_upcoming_screening_leaves_upcoming_when_it_ends(client, page_cache, time_machine, iso_codes):
    from catalog.tests.factories import TitleFactory
    from screenings.tests.factories import ScreeningFactory

    at(time_machine, datetime(2031, 3, 10, 12, 0, tzinfo=UTC))
    title = TitleFactory(original_title="Showing Today")
    ScreeningFactory(
        titles=[title],
        starts_at=datetime(2031, 3, 10, 13, 0, tzinfo=UTC),
        ends_at=datetime(2031, 3, 10, 14, 30, tzinfo=UTC),
    )
    url = reverse("catalog:title_list") + "?screening=upcoming"
    assert "Showing Today" in cached(client, url)
    at(time_machine, datetime(2031, 3, 10, 14, 29, tzinfo=UTC))
    assert "Showing Today" in cached(client, url)
    at(time_machine, datetime(2031, 3, 10, 14, 31, tzinfo=UTC))
    assert "Showing Today" not in fresh(client, url)


def test_a_scheduled_screening_and_offer_appear_when_announced(client, page_cache, time_machine, iso_codes):
    from catalog.tests.factories import TitleFactory
    from screenings.tests.factories import ScreeningFactory
    from streaming.tests.factories import OfferFactory

    at(time_machine, datetime(2031, 3, 10, 12, 0, tzinfo=UTC))
    announced = datetime(2031, 3, 10, 15, 0, tzinfo=UTC)
    shown = TitleFactory(original_title="Screened Soon")
    ScreeningFactory(
        titles=[shown],
        starts_at=datetime(2031, 3, 20, 13, 0, tzinfo=UTC),
        ends_at=datetime(2031, 3, 20, 14, 30, tzinfo=UTC),
        published_at=announced + timedelta(minutes=5),
    )
    streamed = TitleFactory(original_title="Streamed Soon")
    OfferFactory(title=streamed, available_from=date(2031, 1, 1), published_at=announced)
    screenings = reverse("catalog:title_list") + "?screening=upcoming"
    available = reverse("catalog:title_list") + "?available=now"
    assert "Screened Soon" not in cached(client, screenings)
    assert "Streamed Soon" not in cached(client, available)
    at(time_machine, announced + timedelta(seconds=1))
    assert "Streamed Soon" in fresh(client, available)
    assert "Screened Soon" not in cached(client, screenings)
    at(time_machine, announced + timedelta(minutes=5, seconds=1))
    assert "Screened Soon" in fresh(client, screenings)


def test_an_offer_starting_tomorrow_is_available_after_midnight(client, page_cache, time_machine, iso_codes, settings):
    from streaming.tests.factories import OfferFactory

    at(time_machine, datetime(2031, 3, 10, 22, 0, tzinfo=UTC))
    OfferFactory(title__original_title="Streams Tomorrow", available_from=date(2031, 3, 11))
    url = reverse("catalog:title_list") + "?available=now"
    assert "Streams Tomorrow" not in cached(client, url)
    at(time_machine, datetime(2031, 3, 10, 23, 59, 59, tzinfo=UTC))
    assert "Streams Tomorrow" not in cached(client, url)
    at(time_machine, datetime(2031, 3, 11, 0, 0, 1, tzinfo=UTC))
    assert "Streams Tomorrow" in fresh(client, url)


def test_every_clock_boundary_answers_for_an_empty_catalogue(db):
    from catalog import extensions

    assert {"catalog", "screenings", "streaming"} <= set(extensions.clock_boundaries.names())
    now = datetime(2031, 3, 10, 12, 0, tzinfo=UTC)
    for boundary in extensions.clock_boundaries:
        assert boundary.next_change(now) is None
    assert pagecache.next_change(now) == datetime(2031, 3, 10, 12, 10, tzinfo=UTC)  # PAGE_CACHE_SECONDS
