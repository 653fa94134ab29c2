"""Every admin of the project's own apps is built on ``catalog.admin_base``: its ModelAdmin, each
of its inlines and their forms. The admins are read from the admin site, so that a new one (in
any app of the project) is checked without editing this file."""

from pathlib import Path

import pytest
from django import forms
from django.apps import apps
from django.conf import settings
from django.contrib import admin
from django.contrib.auth.models import AnonymousUser
from django.test import RequestFactory

from catalog.admin_base import AfficheModelAdmin, AfficheModelForm, AfficheStackedInline, AfficheTabularInline
from catalog.models import Genre


def project_app(app_config) -> bool:
    """An app of this repository (Django's and installed packages' apps aside)."""
    path = Path(app_config.path).resolve()
    return path.is_relative_to(Path(settings.BASE_DIR).resolve()) and "site-packages" not in path.parts


def registered_admins():
    return [
        admin.site.get_model_admin(model)
        for model in apps.get_models()
        if admin.site.is_registered(model) and project_app(apps.get_app_config(model._meta.app_label))
    ]


ADMINS = registered_admins()


def admin_request():
    request = RequestFactory().get("/admin/")
    request.user = AnonymousUser()
    return request


def test_the_project_admins_are_found():
    four_apps = ("catalog", "people", "screenings", "streaming")
    registered = {m for m in apps.get_models() if admin.site.is_registered(m) and m._meta.app_label in four_apps}

    assert registered <= {model_admin.model for model_admin in ADMINS}
    assert {model._meta.app_label for model in registered} == set(four_apps)


@pytest.mark.parametrize("model_admin", ADMINS, ids=[a.model._meta.label for a in ADMINS])
def test_every_admin_and_its_inlines_derive_from_the_bases(model_admin):
    inlines = {*model_admin.inlines, *model_admin.get_inlines(admin_request(), None)}

    assert isinstance(model_admin, AfficheModelAdmin)
    assert issubclass(model_admin.form, AfficheModelForm)
    for inline in inlines:
        assert issubclass(inline, AfficheTabularInline | AfficheStackedInline), inline
        assert issubclass(inline.form, AfficheModelForm), inline


def test_an_admin_with_a_plain_form_is_reported_by_the_checks():
    class PlainForm(forms.ModelForm):
        class Meta:
            model = Genre
            fields = ["name_en"]

    class PlainFormAdmin(AfficheModelAdmin):
        form = PlainForm

    class PlainFormInline(AfficheTabularInline):
        model = Genre.titles.through
        form = PlainForm

    errors = PlainFormAdmin(Genre, admin.AdminSite()).check()
    inline_errors = PlainFormInline(Genre, admin.AdminSite()).check()

    assert [e.id for e in errors] == ["catalog.E001"]
    assert "catalog.E001" in [e.id for e in inline_errors]
