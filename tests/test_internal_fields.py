"""Staff notes never public (issue 14, "Merge done right"): every field marked internal
(``catalog.fields.internal``) of every model of the four apps is filled with a marker on every
row of the demo; no public page shows it — every named public URL of the URL conf
(``catalog.testing.public_urls``) in English and French, plus the page of each such row and of
every record it belongs to. A new internal field or a new page is covered without editing
this test."""

import pytest
from django.apps import apps
from django.utils import translation

from catalog.fields import internal_fields
from catalog.testing import public_urls

APPS = ["catalog", "people", "screenings", "streaming"]
MARKER = "zqxinternal"


def models_with_internal_fields():
    return [
        (model, internal_fields(model))
        for app in APPS
        for model in apps.get_app_config(app).get_models()
        if internal_fields(model)
    ]


def test_the_staff_notes_are_marked_internal():
    marked = {f"{model.__name__}.{f.name}" for model, found in models_with_internal_fields() for f in found}

    assert {"PersonAlias.seen_in", "OrganizationAlias.seen_in", "Venue.note", "Edition.note"} <= marked


def pages_of(row) -> set[str]:
    """The public page of ``row`` and of every record it points at."""
    found = set()
    for obj in [row, *(getattr(row, f.name) for f in row._meta.concrete_fields if f.is_relation)]:
        if obj is not None and hasattr(obj, "get_absolute_url"):
            found.add(obj.get_absolute_url())
    return found


@pytest.mark.parametrize("language", ["en", "fr"])
def test_no_internal_field_appears_on_a_public_page(client, demo, language):
    pages = set()
    for model, found in models_with_internal_fields():
        rows = model._base_manager.all()
        assert rows.exists(), f"the demo has no {model.__name__}: the test would check nothing"
        for f in found:
            rows.update(**{f.attname: f"{MARKER} {model.__name__}.{f.name}"[: f.max_length]})
        with translation.override(language):
            for row in rows[:20]:
                pages |= pages_of(row)
    with translation.override(language):
        pages |= set(public_urls(client).values())

    leaks = []
    for url in sorted(pages):
        response = client.get(url, follow=True)
        assert response.status_code == 200, url
        content = b"".join(response.streaming_content) if response.streaming else response.content
        if MARKER.encode() in content:
            leaks.append(url)
    assert leaks == []
