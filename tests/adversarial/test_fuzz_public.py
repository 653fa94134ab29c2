"""No 500 from any public URL (issue 15): Hypothesis fuzzes the query string of every public URL
pattern of the URL conf (``catalog.testing.public_urls`` fills each pattern with a demo record),
in English and in French, and asserts a status below 500 and nothing written.

The parameter names are read from the pages themselves (the names of their form fields and the
keys of the query strings in their links) plus a few that any page may be sent, so that a new
page, filter or form field is fuzzed without a line here. Bounded and derandomized (a fixed
seed): CI is deterministic; ``make test-postgres`` runs the same tests on PostgreSQL."""

import re
from html import unescape
from urllib.parse import parse_qsl

from django.urls import resolve, reverse
from django.utils import translation
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from catalog.testing import public_urls, url_patterns
from config.urls import SITEMAPS

FIELD_NAME = re.compile(r"<(?:input|select|textarea)\b[^>]*\bname=\"([^\"]+)\"", re.I)
LINK_QUERY = re.compile(r"\bhref=\"[^\"]*\?([^\"#]+)\"", re.I)
# Names any page may be sent, whether or not it shows them.
ANY_PAGE = ["page", "q", "o", "ordering", "format", "lang", "next", "callback", "pk", "id", "x"]
HOSTILE = [
    "",
    "-1",
    "0",
    "9" * 30,
    "1e99",
    "NaN",
    "abc",
    "\x00",
    "a\x00b",
    "\x0b\x1b",
    "%",
    "_\\",
    "[",
    "' OR 1=1 --",
    "<script>alert(1)</script>",
    "../../etc/passwd",
    "2021-02-30",
    "99999-01-01",
    "\u202eevil",
    "\ud7ff\U0010ffff",
    "🎬",
    "x" * 3000,
]


def both_languages(urls: dict[str, str]) -> list[str]:
    """Each address in English and, for the language-prefixed ones, in French."""
    found = set(urls.values())
    for url in urls.values():
        match = resolve(url)
        with translation.override("fr"):
            found.add(reverse(match.view_name, kwargs=match.kwargs))
    return sorted(found)


def parameter_names(client, urls: list[str]) -> list[str]:
    """The names of the form fields and link parameters the pages show, and ``ANY_PAGE``."""
    names = set(ANY_PAGE)
    for url in urls:
        response = client.get(url)
        if "html" not in response.get("Content-Type", ""):
            continue
        html = response.content.decode()
        names.update(unescape(name) for name in FIELD_NAME.findall(html))
        for query in LINK_QUERY.findall(html):
            names.update(key for key, _value in parse_qsl(unescape(query), keep_blank_values=True))
    names.discard("csrfmiddlewaretoken")
    return sorted(names)


def test_every_public_url_pattern_and_the_pages_own_filters_are_fuzzed(client, demo):
    urls = public_urls(client, extra_kwargs=[{"section": s} for s in SITEMAPS])
    addresses = both_languages(urls)

    assert {name for _route, name in url_patterns()} - {"set_language"} - set(urls) == set()
    assert any(a.startswith("/fr/") for a in addresses)
    assert len(addresses) > len(urls)
    # The names come from the pages: the title list's filters and the search box are among them.
    assert {"q", "kind", "genre", "year_min", "when", "venue", "page"} <= set(parameter_names(client, addresses))


def sweep(address: str, names: list[str], shift: int) -> dict[str, str]:
    """Every name at once, each with a hostile value (rotated by ``shift``)."""
    return {name: HOSTILE[(i + shift) % len(HOSTILE)] for i, name in enumerate(names)}


def test_fuzzed_public_query_strings_are_never_a_500_and_write_nothing(client, demo, unchanged):
    urls = public_urls(client, extra_kwargs=[{"section": s} for s in SITEMAPS])
    addresses = both_languages(urls)
    names = parameter_names(client, addresses)
    failures = []

    def get(address, query):
        response = client.get(address, query)
        if response.streaming:
            b"".join(response.streaming_content)
        if response.status_code >= 500:
            failures.append((address, query, response.status_code))
        return response

    @settings(
        max_examples=len(addresses) * 3,
        derandomize=True,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(
        address=st.sampled_from(addresses),
        query=st.lists(
            st.tuples(
                st.one_of(st.sampled_from(names), st.text(max_size=8)),
                st.one_of(st.sampled_from(HOSTILE), st.text(max_size=20)),
            ),
            max_size=4,
        ),
    )
    def fuzz(address, query):
        assert get(address, query).status_code < 500, (address, query)

    with unchanged():
        # Each page with every name, each name with four of the hostile values; then at random.
        for address in addresses:
            for shift in range(4):
                get(address, sweep(address, names, shift * 5))
        fuzz()

    assert failures == []
