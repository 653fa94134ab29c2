"""Fixtures shared by several apps' tests; a fixture that one app's tests use lives in that
app's ``tests/conftest.py``.

The demo (``demo``) is defined here once. A folder whose tests only read it may load it once per
module instead of once per test by overriding ``demo_once_per_module`` (see tests/adversarial/).

Browser tests (marked ``browser``) drive Debian's Chromium through Playwright against
pytest-django's live server; ``make test-browser`` runs them. They fail, never skip,
when Chromium is missing: a skipped browser test would hide a broken feature.
"""

import os
import uuid
from importlib import import_module
from pathlib import Path

import pytest
from django.apps import apps
from django.db import transaction
from django.utils import translation

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]
SCREENSHOTS = Path(__file__).resolve().parent / "test-results"


@pytest.fixture(autouse=True)
def _english_by_default():
    """Each test starts in English, whatever language the previous request activated."""
    translation.activate("en")
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    """Tests hash passwords with MD5: Django's PBKDF2 (1,200,000 rounds) costs 0.45 s for each
    user a test makes (412 tests make ``admin_user``) and each login through the form; a login
    still checks the password. Production keeps Django's default hasher."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    """Uploads made by tests go to a temporary folder, never into media/."""
    settings.MEDIA_ROOT = tmp_path / "media"
    # Tests read what a visitor reads; plain static storage needs no collectstatic.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture(autouse=True)
def _caches_of_this_test(settings):
    """No page cache unless a test asks for it (``page_cache``): a test that writes inside its
    own transaction never commits, so the cache would never hear of the write. With REDIS_URL,
    every cache gets keys of this test only (other test processes share the server)."""
    settings.PAGE_CACHE = False
    if os.environ.get("REDIS_URL"):
        prefix = f"test-{uuid.uuid4().hex}"
        settings.CACHES = {
            alias: {**cache, "KEY_PREFIX": f"{prefix}:{alias}"} for alias, cache in settings.CACHES.items()
        }
        yield
        import redis

        server = redis.Redis.from_url(os.environ["REDIS_URL"])
        keys = list(server.scan_iter(match=f"{prefix}:*", count=1000))
        if keys:
            server.delete(*keys)
        server.close()
    else:
        yield


def seed_iso_codes():
    """The countries and languages the seeding migration adds (safe to run again)."""
    import_module("catalog.migrations.0002_seed_countries_languages").seed(apps, None)


def load_demo():
    """The whole demo (the four reference documents), as `make run` loads it: the first time in
    this process for real, later as a copy of those rows when the copy is the same (tests/demo_snapshot.py)."""
    from tests import demo_snapshot

    seed_iso_codes()
    demo_snapshot.load()


def add_what_the_demo_lacks():
    """A record of each admin-edited model the reference documents never name, for the tests that
    open one record of every registered admin: a closure of the demo's venue (the demo loads
    only what the documents say)."""
    from datetime import UTC, datetime

    from screenings.models import Venue, VenueClosure
    from screenings.services import save_closure

    venue = Venue.objects.get(slug="melville-theatre")
    start = datetime(2021, 11, 2, 17, tzinfo=UTC)
    save_closure(VenueClosure(venue=venue, starts_at=start, ends_at=start.replace(hour=20), reason_en="Set-up"))


@pytest.fixture
def iso_codes(db):
    """Languages and countries the factories use. Transactional tests run on a database that an
    earlier transactional test may have flushed (the seeding migration's rows gone)."""
    seed_iso_codes()


@pytest.fixture(scope="module")
def demo_once_per_module():
    """False: ``demo`` loads the demo for each test that asks for it. A folder's conftest.py that
    returns True makes it load once per module, in a transaction that spans the module and is
    rolled back at its end (as ``TestCase.setUpTestData`` does); each test runs in a savepoint
    inside it, so that folder must hold no transactional test that uses the demo."""
    return False


@pytest.fixture(scope="module")
def demo_with_every_model():
    """False: ``demo`` is the demo alone. A folder's conftest.py that returns True (with
    ``demo_once_per_module``) adds ``add_what_the_demo_lacks`` to the module's demo."""
    return False


@pytest.fixture(scope="module")
def _demo_for_the_module(demo_once_per_module, demo_with_every_model, django_db_setup, django_db_blocker):
    if not demo_once_per_module:
        yield False
        return
    with django_db_blocker.unblock(), transaction.atomic():
        load_demo()
        if demo_with_every_model:
            add_what_the_demo_lacks()
        yield True
        transaction.set_rollback(True)


@pytest.fixture
def demo(_demo_for_the_module, db):
    """The whole demo (the four reference documents), as `make run` loads it, with the ISO codes
    the seeding migration adds (a transactional test that ran earlier may have flushed them)."""
    if not _demo_for_the_module:
        load_demo()


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium not found at {CHROMIUM}: install Debian's package (apt-get install -y chromium).")
    # Playwright's sync API runs an event loop in this thread; the test's own ORM calls
    # (arranging data, checking results) are still plain synchronous code.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()
    os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)


@pytest.fixture
def page(browser, live_server, request):
    """A fresh browser tab on the live server; ``page.goto("/en/titles/")`` works."""
    context = browser.new_context(base_url=live_server.url, locale="en-GB", viewport={"width": 1280, "height": 900})
    context.set_default_timeout(15_000)
    tab = context.new_page()
    yield tab
    if getattr(request.node, "rep_call", None) is not None and request.node.rep_call.failed:
        SCREENSHOTS.mkdir(exist_ok=True)
        tab.screenshot(path=SCREENSHOTS / f"{request.node.name}.png", full_page=True)
    context.close()


@pytest.fixture
def admin_page(page, admin_user, live_server):
    """A browser tab logged into the admin as a superuser."""
    page.goto("/admin/login/")
    page.fill("#id_username", admin_user.username)
    page.fill("#id_password", "password")
    page.click("input[type=submit]")
    page.wait_for_url("**/admin/")
    return page


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    if report.when == "call":
        item.rep_call = report
    return report
