"""The project's own admin pages look like Django's: every custom admin URL of every registered
ModelAdmin (CSV import and format, duplicates, merge, paste credits, batch release…) and every
page an action shows before it acts (postpone, duplicate…) carries the admin's breadcrumbs
markup, ``<nav aria-label="Breadcrumbs"><ol class="breadcrumbs">…<li aria-current="page">``
(issue 14.10: the old ``<div class="breadcrumbs">`` is not styled by Django 6's admin). The pages
are read from the registry, so that a new one is checked without editing this file."""

import re

import pytest
from django.contrib import admin
from django.urls import reverse

from tests.test_roles_matrix import ADMINS, custom_urls, info

BREADCRUMBS = re.compile(
    r'<nav aria-label="Breadcrumbs">\s*<ol class="breadcrumbs">\s*<li><a href="/admin/">Home</a></li>'
    r'.*?<li aria-current="page">[^<]+</li>\s*</ol>\s*</nav>',
    re.S,
)

#: A filter with up to this many choices fits one screen; longer ones list only used values.
SHORT_LIST = 30


@pytest.fixture(scope="module")
def demo_once_per_module():
    return True


def html_page(response) -> str | None:
    if response.status_code == 200 and "html" in response.get("Content-Type", ""):
        return response.content.decode()
    return None


def test_every_custom_admin_page_has_the_admin_breadcrumbs(demo, admin_client):
    pages, wrong = [], []
    for _model_admin, name, address in custom_urls():
        if (html := html_page(admin_client.get(address))) is None:
            continue  # a download (CSV template, export) or a redirect
        pages.append(name)
        if not BREADCRUMBS.search(html):
            wrong.append(name)

    assert len(pages) >= 8, pages
    assert wrong == [], wrong


def test_every_page_an_action_shows_before_acting_has_the_admin_breadcrumbs(demo, admin_client):
    pages, wrong = [], []
    for model_admin in ADMINS:
        record = model_admin.model._default_manager.order_by("pk").first()
        if record is None:
            continue
        changelist = reverse("admin:{}_{}_changelist".format(*info(model_admin)))
        request = admin_client.get(changelist).wsgi_request
        for action in model_admin.get_actions(request):
            response = admin_client.post(
                changelist, {"action": action, admin.helpers.ACTION_CHECKBOX_NAME: [record.pk], "index": 0}
            )
            if (html := html_page(response)) is None:
                continue  # acted at once (and redirected back to the list)
            pages.append(f"{model_admin.model._meta.label}.{action}")
            if not BREADCRUMBS.search(html):
                wrong.append(pages[-1])

    assert {"screenings.Screening.postpone_action", "screenings.Screening.duplicate_action"} <= set(pages)
    assert wrong == [], wrong


def test_every_related_list_filter_offers_only_values_the_rows_use(demo, admin_client):
    """A filter over a relation lists what the records use, not a whole reference table (the
    venue list's country filter listed ~250 countries, a 6,000-px page: issue 14.10). A short
    vocabulary (roles, departments, a few platforms: one screen of links) may be listed whole."""
    checked, wrong = [], []
    for model_admin in ADMINS:
        response = admin_client.get(reverse("admin:{}_{}_changelist".format(*info(model_admin))))
        for spec in response.context["cl"].filter_specs:
            if not isinstance(spec, admin.RelatedFieldListFilter):
                continue
            path = spec.field_path
            used = set(
                model_admin.model._default_manager.exclude(**{f"{path}__isnull": True}).values_list(path, flat=True)
            )
            offered = {pk for pk, _label in spec.lookup_choices}
            checked.append(f"{model_admin.model._meta.label}.{path}")
            if len(offered) > SHORT_LIST and offered - {str(pk) for pk in used} - used:
                wrong.append((checked[-1], len(offered), len(used)))

    assert len(checked) >= 5, checked
    assert wrong == [], wrong
