"""Round trip of every admin form: open a record's change page, post back exactly what the
browser would send from the rendered HTML (``catalog.testing.browser_form_data``: inputs, the
selected options, textareas, checked boxes, every inline's rows and management form), and the
save must succeed and change nothing stored.

An admin that lets nobody change its records (the CSV imports on record) shows them read-only
and refuses a post, changing nothing.

The admins are read from the admin site and the records from the database (the demo plus a small
generated catalogue), so a new admin, inline or field is covered without editing this file.
Records are sampled deterministically: the first and last few by primary key, and for each inline
the parent of its first row, so every inline formset is posted with rows in it."""

import io
import json
from datetime import datetime

import pytest
from axes.models import AccessFailureLog
from django.apps import apps
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import models, transaction
from django.test import Client
from django.urls import resolve, reverse

from catalog.admin_base import DIGEST_FIELD, LOADED_AT, VERSION_FIELD
from catalog.csvio import run_import
from catalog.testing import browser_form_data, export
from catalog.versioning import is_versioned
from conftest import load_demo

PROJECT_APPS = ("catalog", "people", "screenings", "streaming")
#: Records per admin: the first and the last ``SAMPLE`` by primary key.
SAMPLE = 2
GENERATED = ["--titles=30", "--people=20", "--credits=60", "--screenings=20", "--offers=30", "--seed=3"]


def registered_models():
    return sorted((m for m in apps.get_models() if admin.site.is_registered(m)), key=lambda m: m._meta.label)


MODELS = registered_models()


@pytest.fixture(scope="module")
def catalogue(django_db_setup, django_db_blocker):
    """The demo and a small generated catalogue, loaded once for the module and rolled back."""
    with django_db_blocker.unblock(), transaction.atomic():
        load_demo()
        call_command("generate_catalog", *GENERATED, stdout=io.StringIO())
        # A failed login: the login throttle's admins (django-axes) get a record each.
        Client().post("/admin/login/", {"username": "nobody", "password": "wrong"}, REMOTE_ADDR="127.0.0.9")
        AccessFailureLog.objects.create(
            username="nobody", ip_address="127.0.0.9", user_agent="test", path_info="/admin/login/", http_accept="*/*"
        )
        # A CSV import on record (catalog.audit): the admin of imports gets a record.
        importer = get_user_model().objects.create_user("roundtrip-importer", is_staff=True)
        assert run_import("titles", export("titles"), user=importer).ok
        yield
        transaction.set_rollback(True)


def written_models(model_admin, request) -> list[type[models.Model]]:
    """What a change form can write: the model, its inlines' models and their many-to-many tables."""
    found = [model_admin.model]
    for inline in model_admin.get_inline_instances(request, None):
        found.append(inline.model)
    for model in list(found):
        found += [f.remote_field.through for f in model._meta.many_to_many]
    return list(dict.fromkeys(found))


def bookkeeping(field) -> bool:
    """Fields every save moves on by design: the version and auto_now timestamps."""
    return (field.name == "version" and is_versioned(field.model)) or getattr(field, "auto_now", False)


def snapshot(written) -> dict:
    """{model label: {pk: {field: value}}} of every table the form can write."""
    tables = {}
    for model in written:
        names = [f.attname for f in model._meta.concrete_fields if not bookkeeping(f)]
        rows = model._base_manager.order_by("pk").values(*names)
        tables[model._meta.label] = {row[model._meta.pk.attname]: row for row in rows}
    return tables


def stock_truncation(label, old, new) -> bool:
    """Django's own user form shows ``last_login`` to the second; saving it drops the
    microseconds that a login stored. Tolerated for other projects' models only: ours keep
    every value as stored."""
    app_label = label.split(".")[0]
    return (
        app_label not in PROJECT_APPS
        and isinstance(old, datetime)
        and isinstance(new, datetime)
        and old.replace(microsecond=0) == new
    )


def differences(before, after) -> dict:
    """{model label: {pk: {field: (before, after)}}}, rows added or removed as a whole."""
    found = {}
    for label, rows in before.items():
        now = after[label]
        changed = {}
        for pk in rows.keys() | now.keys():
            old, new = rows.get(pk), now.get(pk)
            if old is None or new is None:
                changed[pk] = (old, new)
            elif old != new:
                fields = {name: (old[name], new[name]) for name in old if old[name] != new[name]}
                fields = {name: pair for name, pair in fields.items() if not stock_truncation(label, *pair)}
                if fields:
                    changed[pk] = fields
        if changed:
            found[label] = changed
    return found


def sample(model_admin, request) -> list:
    """Primary keys to round-trip: the first and last few, and one parent per inline that has rows."""
    queryset = model_admin.model._base_manager.order_by("pk")
    pks = list(queryset.values_list("pk", flat=True)[:SAMPLE])
    pks += list(queryset.reverse().values_list("pk", flat=True)[:SAMPLE])
    for inline in model_admin.get_inline_instances(request, None):
        formset = inline.get_formset(request)
        fk = formset.fk
        first = inline.model._base_manager.order_by("pk").exclude(**{f"{fk.name}__isnull": True}).first()
        if first is not None:
            pks.append(getattr(first, fk.attname))
    return list(dict.fromkeys(pks))


def test_every_registered_admin_is_round_tripped():
    """The project's four apps are among those found (so the registry was read, not a copy)."""
    labels = {m._meta.app_label for m in MODELS}
    assert {"catalog", "people", "screenings", "streaming", "auth"} <= labels


@pytest.mark.parametrize("model", MODELS, ids=[m._meta.label for m in MODELS])
def test_change_form_posted_back_unchanged_saves_and_changes_nothing(catalogue, admin_client, rf, admin_user, model):
    model_admin = admin.site.get_model_admin(model)
    request = rf.get("/admin/")
    request.user = admin_user
    # Inlines read the edited record's id from the URL (a section list limited to its edition).
    request.resolver_match = resolve(
        reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_change", args=[0])
    )
    written = written_models(model_admin, request)
    pks = sample(model_admin, request)
    assert pks, f"no {model._meta.verbose_name} to round-trip: the demo or the generator should make one"
    failures = []
    for pk in pks:
        url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_change", args=[pk])
        page = admin_client.get(url)
        assert page.status_code == 200, url
        data = browser_form_data(page.content, f"{model._meta.model_name}_form", ("_save", "Save"))
        before = snapshot(written)

        response = admin_client.post(url, data)

        if not model_admin.has_change_permission(request):
            # A record nobody changes (a CSV import's): its page is read-only and a post is refused.
            if response.status_code != 403 or differences(before, snapshot(written)):
                failures.append((url, response.status_code, "a read-only record accepted a post"))
            continue
        if response.status_code != 302:
            context = response.context
            errors = [context["adminform"].form.errors, context["adminform"].form.non_field_errors()]
            errors += [
                (inline.formset.prefix, inline.formset.errors, inline.formset.non_form_errors())
                for inline in context["inline_admin_formsets"]
            ]
            failures.append((url, response.status_code, errors))
            continue
        changed = differences(before, snapshot(written))
        if changed:
            failures.append((url, "changed", changed))
    assert not failures, failures


VERSIONED = [m for m in MODELS if is_versioned(m)]


def forged_stale(data: dict) -> dict:
    """``data`` as if every field of the record and of each inline row had been changed by a
    colleague since the page was loaded: an old version, and a digest that matches no value."""
    forged = {}
    for name, values in data.items():
        if name.endswith(VERSION_FIELD) and values != [""]:
            forged[name] = ["0"]
        elif name.endswith(DIGEST_FIELD) and values != [""]:
            forged[name] = [json.dumps({key: "changed" for key in json.loads(values[0]) if key != LOADED_AT})]
        else:
            forged[name] = values
    return forged


@pytest.mark.parametrize("model", VERSIONED, ids=[m._meta.label for m in VERSIONED])
def test_a_field_posted_back_untouched_is_never_taken_for_a_users_change(
    catalogue, admin_client, rf, admin_user, model
):
    """After a version conflict, a field the user did not touch must get the colleague's value,
    never "you changed it too": for every field of every versioned admin form and inline row,
    the value posted back untouched has the digest of the stored value (no note asks for a
    choice when every field is the colleague's and none is the user's)."""
    failures = []
    model_admin = admin.site.get_model_admin(model)
    request = rf.get("/admin/")
    request.user = admin_user
    request.resolver_match = resolve(
        reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_change", args=[0])
    )
    for pk in sample(model_admin, request):
        url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_change", args=[pk])
        data = browser_form_data(admin_client.get(url).content, f"{model._meta.model_name}_form", ("_save", "Save"))

        response = admin_client.post(url, forged_stale(data))

        assert response.status_code == 200, url
        forms = [response.context["adminform"].form]
        forms += [form for inline in response.context["inline_admin_formsets"] for form in inline.formset.forms]
        for form in forms:
            chosen = [
                (type(form.instance).__name__, name)
                for name, errors in form.errors.as_data().items()
                for error in errors
                if error.code == "changed_by_other" and name not in getattr(form, "stale_taken", ())
            ]
            failures += [(url, *item) for item in chosen]
    assert not failures, failures
