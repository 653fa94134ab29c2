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
    assert wrong == []


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
    assert wrong == []
