"""Test helpers the apps share for pages built from catalog.extensions sections."""

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
