"""The shared cache of whole anonymous public pages (issue 17, docs/deployment.md).

On when ``settings.PAGE_CACHE`` is true (by default: when ``REDIS_URL`` is set); the pages go to
the ``pages`` cache (Django's ``RedisCache`` on ``REDIS_URL``), shared by every app process.

What is cached: the 200 responses to GET requests that carry no cookie but the language one
(so never staff, a preview or a logged-in visitor: they all have a session cookie), outside the
admin, that set no cookie and say nothing against it (``Cache-Control: private``, ``no-store``,
``no-cache``), and whose page did not use the CSP nonce (one nonce per response). The key is the
request (scheme, host, language, path and query string); the entry holds the page as it was
sent (status, headers, body), the *content version* it was rendered under and the moment it
expires. A request reads the current version and its entry in one round trip (``get_many``: one
``MGET``), and the entry is served only if its version is the current one.

The content version is one random token in the shared cache, replaced after every committed
write to a table of public content, whatever wrote it: an execute wrapper on every database
connection sees each INSERT, UPDATE, DELETE, TRUNCATE or MERGE that Django runs (admin forms,
inlines, actions, ``QuerySet.update``, ``bulk_create``, CSV imports, merges, commands, raw SQL
through ``connection.cursor()``) and replaces the token when its transaction commits. A write
that does not go through Django's cursor (``COPY … FROM STDIN``, the driver's own connection)
calls ``changed()`` itself. Tables of the models in ``extensions.private_data`` and of the
framework's own apps (sessions, users, the admin's log, login attempts, the task queue) do not
count. One version for every page: a page is made of every app's sections, and one token is
exact by construction where a map of what each page reads would have to be kept by hand.

The clock: an entry is kept until the next moment at which a page can change without a write,
the earliest ``next_change(now)`` of ``extensions.clock_boundaries`` (a scheduled title, edition,
screening or offer is announced, an upcoming screening ends), the next local midnight (what
counts in days: available now, new, coming and leaving soon, an edition on now) and at most
``PAGE_CACHE_SECONDS``. That moment is computed once per content version and kept beside it.
"""

import functools
import hashlib
import logging
import re
import secrets
import time
import weakref
from datetime import datetime, timedelta

from django.apps import apps
from django.conf import settings
from django.core.cache import caches
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.backends.signals import connection_created
from django.http import HttpResponse
from django.middleware.csp import get_nonce
from django.urls import get_resolver, get_script_prefix, get_urlconf, reverse
from django.utils import timezone, translation

from . import extensions

logger = logging.getLogger(__name__)

ALIAS = "pages"
VERSION_KEY = "version"
#: Apps of the framework whose tables no public page reads.
FRAMEWORK_APPS = ("admin", "auth", "contenttypes", "sessions", "axes", "django_tasks_db")
#: Vary headers a cached page may carry: the key holds the language, and only requests without
#: a session are served from the cache.
ALLOWED_VARY = {"accept-language", "cookie", "accept-encoding"}

_COMMAS = re.compile(r"\s*,\s*")
_WRITE_START = ("INSERT", "UPDATE", "DELETE", "REPLACE", "TRUNCATE", "MERGE", "COPY", "WITH")
_TARGET = re.compile(
    r"""^\s*(?:INSERT\s+(?:OR\s+\w+\s+)?INTO|REPLACE\s+INTO|UPDATE(?:\s+OR\s+\w+)?|DELETE\s+FROM|MERGE\s+INTO)
    \s+(?:ONLY\s+)?[`"\[]?(\w+)""",
    re.IGNORECASE | re.VERBOSE,
)


def enabled() -> bool:
    return bool(getattr(settings, "PAGE_CACHE", False))


def _cache():
    return caches[ALIAS]


# --- The content version -------------------------------------------------------------------


def current_version(cache=None) -> str:
    """The token pages are filed under now (a new one if the cache lost it: a random token,
    never one that was used before, so an evicted version cannot bring old pages back)."""
    cache = cache or _cache()
    version = cache.get(VERSION_KEY)
    if version is None:
        cache.add(VERSION_KEY, secrets.token_hex(8), timeout=None)
        version = cache.get(VERSION_KEY)
    return version


def bump() -> None:
    """Files every page cached so far under a version no request asks for any more."""
    try:
        _cache().set(VERSION_KEY, secrets.token_hex(8), timeout=None)
    except Exception:  # the write is committed; pages cached before it expire by themselves
        logger.exception("The page cache could not be told of a change")


_pending: "weakref.WeakKeyDictionary" = weakref.WeakKeyDictionary()


def changed(using: str = DEFAULT_DB_ALIAS) -> None:
    """Public content changed on connection ``using``: a new version once its transaction
    commits (at once outside a transaction). Called by the execute wrapper for every write
    Django runs; a write made around Django's cursor (COPY, the driver's connection) calls it."""
    if not enabled():
        return
    connection = connections[using]
    if not connection.in_atomic_block:
        bump()
        return
    # One bump per transaction: Django replaces ``run_on_commit`` by a new list on commit and on
    # rollback (also of a savepoint), so the list the bump went into says whether it is pending.
    if _pending.get(connection) is not connection.run_on_commit:
        transaction.on_commit(bump, using=using, robust=True)
        _pending[connection] = connection.run_on_commit


_private_tables: set[str] | None = None


def private_tables() -> set[str]:
    """Tables whose writes leave pages alone: the framework's apps, ``extensions.private_data``."""
    global _private_tables
    if _private_tables is None:
        tables = set()
        for config in apps.get_app_configs():
            if config.label in FRAMEWORK_APPS:
                tables |= {m._meta.db_table for m in config.get_models(include_auto_created=True)}
        for entry in extensions.private_data:
            for name in entry.models:
                model = apps.get_model(name)
                tables.add(model._meta.db_table)
                tables |= {f.remote_field.through._meta.db_table for f in model._meta.local_many_to_many}
        _private_tables = tables
    return _private_tables


def writes_public_content(sql: str) -> bool:
    """Whether ``sql`` writes a table of public content (when unsure: yes)."""
    head = sql.lstrip()[:10].upper()
    if not head.startswith(_WRITE_START):
        return False
    if head.startswith("WITH"):
        return re.search(r"\b(INSERT|UPDATE|DELETE|MERGE)\b", sql, re.IGNORECASE) is not None
    if head.startswith("COPY"):
        return re.search(r"\bFROM\s+STDIN\b", sql, re.IGNORECASE) is not None
    if head.startswith("TRUNCATE"):
        return True
    target = _TARGET.match(sql)
    return target is None or target.group(1) not in private_tables()


def _watch(execute, sql, params, many, context):
    result = execute(sql, params, many, context)
    if enabled() and isinstance(sql, str) and writes_public_content(sql):
        changed(context["connection"].alias)
    return result


def watch_writes(sender=None, connection=None, **kwargs):
    """``connection_created``: every connection reports its writes (installed once each)."""
    if _watch not in connection.execute_wrappers:
        connection.execute_wrappers.append(_watch)


def install() -> None:
    """From ``CatalogConfig.ready()``: the connections opened from now on, and those already open."""
    connection_created.connect(watch_writes, dispatch_uid="catalog.pagecache.watch_writes")
    for connection in connections.all(initialized_only=True):
        watch_writes(connection=connection)


# --- The clock ------------------------------------------------------------------------------


def next_midnight(now: datetime) -> datetime:
    local = timezone.localtime(now)
    return timezone.make_aware(datetime.combine(local.date() + timedelta(days=1), datetime.min.time()))


def next_change(now: datetime) -> datetime:
    """The earliest moment after ``now`` at which a public page may change with no write."""
    moments = [next_midnight(now), now + timedelta(seconds=settings.PAGE_CACHE_SECONDS)]
    for boundary in extensions.clock_boundaries:
        moment = boundary.next_change(now)
        if moment is not None:
            moments.append(moment)
    return min(moments)


def valid_until(cache, version: str, since: datetime) -> float:
    """``next_change(since)`` for the data of ``version``, as a timestamp, computed once per
    version (and again once it has passed). ``since`` is when the request started: a moment
    passing while the page was rendered ends the entry's life at once."""
    key = f"until:{version}"
    until = cache.get(key)
    if until is None or until <= since.timestamp():
        until = next_change(since).timestamp()
        cache.set(key, until, timeout=_timeout(until))
    return until


def _timeout(until: float) -> int:
    return max(1, min(int(until - time.time()) + 1, settings.PAGE_CACHE_SECONDS))


# --- The middleware -----------------------------------------------------------------------


def _admin_prefix() -> str:
    return _admin_prefix_of(get_resolver(get_urlconf()), get_script_prefix())


@functools.lru_cache(maxsize=8)
def _admin_prefix_of(resolver, script_prefix: str) -> str:
    """Reversing the admin's name takes longer than the rest of a hit: once per URLconf."""
    return reverse("admin:index", urlconf=resolver.urlconf_name)


def cacheable_request(request) -> bool:
    """A GET from a visitor without a session (no cookie but the language one), outside the admin."""
    if request.method != "GET":
        return False
    if any(name != settings.LANGUAGE_COOKIE_NAME for name in request.COOKIES):
        return False
    return not request.path.startswith(_admin_prefix())


def storable(request, response) -> bool:
    """A 200 without cookies, nothing against caching and no Vary the key does not hold, whose
    page did not use the CSP nonce (a nonce is for one response, never for a shared copy)."""
    if response.status_code != 200 or response.streaming or response.cookies or get_nonce(request):
        return False
    control = {d.strip().split("=")[0].lower() for d in _COMMAS.split(response.get("Cache-Control", ""))}
    if control & {"private", "no-store", "no-cache"}:
        return False
    vary = {v.strip().lower() for v in _COMMAS.split(response.get("Vary", "")) if v.strip()}
    return vary <= ALLOWED_VARY


def page_key(request) -> str:
    language = translation.get_language_from_request(request, check_path=True)
    what = "\n".join([request.scheme, request.get_host(), language, request.get_full_path()])
    return f"page:{hashlib.sha256(what.encode()).hexdigest()}"


class PageCacheMiddleware:
    """Serves anonymous public pages from the shared cache and stores them there. Placed before
    the session middleware: a hit costs one read of the cache (the version and the entry
    together) and no query."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not enabled() or not cacheable_request(request):
            return self.get_response(request)
        try:
            cache = _cache()
            key = page_key(request)
            found = cache.get_many([VERSION_KEY, key])
            version, entry = found.get(VERSION_KEY), found.get(key)
            if entry is not None and entry[0] == version and entry[1] > time.time():
                _version, _until, status, headers, content = entry
                return HttpResponse(content, status=status, headers=headers)
            version = version or current_version(cache)
        except Exception:  # no cache: the page is rendered as without one
            logger.exception("The page cache could not be read")
            return self.get_response(request)
        started = timezone.now()
        response = self.get_response(request)
        if storable(request, response):
            try:
                until = valid_until(cache, version, started)
                headers = dict(response.headers.items())
                entry = (version, until, response.status_code, headers, response.content)
                cache.set(key, entry, timeout=_timeout(until))
            except Exception:  # the page was served; only its copy is lost
                logger.exception("The page cache could not be written")
        return response
