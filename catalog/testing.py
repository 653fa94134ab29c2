"""Test helpers the apps share for pages built from catalog.extensions sections."""

import io

from django.db import connection
from django.test.utils import CaptureQueriesContext


def count_queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, f"{url} answered {response.status_code}"
    return len(captured)


def section_queries(client, url: str, registry, name: str) -> int:
    """The queries that the section ``name`` of ``registry`` adds to the page at ``url``: the page
    with that section alone minus the page with no section (each app asserts its own cost, not
    the page's total, so a new section elsewhere changes no other app's test)."""
    client.get(url)  # warm-up: caches (content types, the site's languages) filled once
    with registry.override():
        bare = count_queries(client, url)
    with registry.override(registry[name]):
        alone = count_queries(client, url)
    return alone - bare


def export(name: str) -> str:
    """The CSV export of resource ``name``, as ``export_csv`` writes it."""
    from .csvio import get_resource, write_csv

    stream = io.StringIO()
    write_csv(get_resource(name)().export_rows(), stream)
    return stream.getvalue()


def csv_of(header: str, *rows: str, delimiter=",") -> str:
    """A CSV file's text from its header and rows (CRLF line ends, as exports write them)."""
    return "\r\n".join([header.replace(",", delimiter), *rows]) + "\r\n"


def url_patterns(resolver=None, prefix="", namespace=""):
    """(route, name) of every public URL pattern of the URL conf, the admin and static files
    aside: new pages are found without editing a list."""
    from django.urls import URLResolver, get_resolver

    resolver = resolver or get_resolver()
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            if pattern.app_name == "admin":
                continue
            inner = f"{namespace}:{pattern.namespace}" if namespace and pattern.namespace else pattern.namespace or namespace
            yield from url_patterns(pattern, prefix + str(pattern.pattern), inner)
        elif pattern.name:
            yield prefix + str(pattern.pattern), f"{namespace}:{pattern.name}" if namespace else pattern.name


def public_urls(client, extra_kwargs=(), skip=("set_language",)) -> dict[str, str]:
    """One working address per named public URL pattern: patterns without parameters as they
    are; the others filled with the parameters of a record's own page (the first record of each
    model with ``get_absolute_url``) or with ``extra_kwargs``, keeping the first that answers 200.
    A pattern that nothing fills is missing from the result (tests assert there is none)."""
    from django.apps import apps
    from django.urls import NoReverseMatch, resolve, reverse

    candidates = [*extra_kwargs]
    for model in apps.get_models():
        if hasattr(model, "get_absolute_url") and (obj := model._default_manager.order_by("pk").first()):
            try:
                candidates.append(resolve(obj.get_absolute_url()).kwargs)
            except Exception:  # noqa: S112 - a model whose page is not public
                continue
    found = {}
    for _route, name in url_patterns():
        if name in skip:
            continue
        for kwargs in [{}, *candidates]:
            try:
                url = reverse(name, kwargs=kwargs)
            except NoReverseMatch:
                continue
            if client.get(url).status_code == 200:
                found[name] = url
                break
    return found
