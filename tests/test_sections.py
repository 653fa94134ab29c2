"""Every section another app adds to a catalogue page keeps to the query budget it declares
(catalog.extensions ``Section.queries``), on every page of the demo. The sections are read
from the registries, so a new one is covered without editing this file."""

import pytest

from catalog import extensions
from catalog.models import Title
from catalog.testing import count_queries

SEARCHES = ["opera", "Varda", "Noureev", "POP", "colcoa", "zzz-nothing"]


def pages(registry):
    if registry is extensions.title_sections:
        return [t.get_absolute_url() for t in Title.objects.order_by("pk")]
    if registry is extensions.home_sections:
        return ["/en/", "/fr/"]
    return [f"/en/search/?q={q}" for q in SEARCHES]


REGISTRIES = [extensions.title_sections, extensions.home_sections, extensions.search_sections]


@pytest.mark.parametrize("registry", REGISTRIES, ids=lambda r: r.description)
def test_every_section_keeps_to_its_query_budget(demo, client, registry):
    assert len(registry) > 0
    over = []
    for url in pages(registry):
        client.get(url)  # warm-up
        with registry.override():
            bare = count_queries(client, url)
        for section in registry:
            with registry.override(section):
                added = count_queries(client, url) - bare
            if added > section.queries:
                over.append(f"{section.name} on {url}: {added} queries, budget {section.queries}")
        total = count_queries(client, url)
        budget = bare + sum(s.queries for s in registry)
        if total > budget:
            over.append(f"{url}: {total} queries with every section, budget {budget}")
    assert over == []


@pytest.mark.parametrize("registry", REGISTRIES, ids=lambda r: r.description)
def test_every_section_template_renders_on_the_demo(demo, client, registry):
    """Each section shows up in the page (its template is found and renders)."""
    for url in pages(registry)[:3]:
        response = client.get(url)
        assert response.status_code == 200
        rendered = [s.section.name for slot in response.context["sections"].values() for s in slot]
        assert rendered == [s.name for s in registry if s.name in rendered]
        assert set(rendered) == {s.name for s in registry}
