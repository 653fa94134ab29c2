"""Hostile input typed into the admin forms of every model: refused with a message on the
field, nothing written; HTML and ``javascript:`` shown back escaped, never run."""

import pytest
from django import forms
from django.apps import apps
from django.contrib import admin
from django.core.exceptions import FieldDoesNotExist
from django.core.validators import MinValueValidator
from django.urls import reverse

from .adminforms import form_data, main_form

NUL = "a\x00b"
RTL_OVERRIDE = "harmless\u202egpj.exe"
LONG = "x" * 10_000
HTML = '<img src=x onerror="alert(1)">'
# Control characters other than NUL: refused by the model fields (catalog.fields), issue 15.1.
CONTROLS = [("vertical tab", "a\x0bb"), ("escape", "a\x1b[31mb"), ("C1 control", "a\x85b")]
APPS = ("catalog", "people", "screenings", "streaming")


def edited_models():
    """(model admin, model) for every model of the four apps registered in the admin whose
    records can be changed (a model that declares no change permission, such as a CSV import
    on record, has a read-only page that refuses any post: tests/test_admin_roundtrip.py)."""
    return sorted(
        (
            (model._meta.label, model)
            for model in apps.get_models()
            if admin.site.is_registered(model)
            and model._meta.app_label in APPS
            and "change" in model._meta.default_permissions
        ),
        key=lambda pair: pair[0],
    )


def change_page(client, model):
    obj = model._base_manager.order_by("pk").first()
    info = model._meta.app_label, model._meta.model_name
    url = reverse("admin:{}_{}_change".format(*info), args=[obj.pk])
    response = client.get(url)
    assert response.status_code == 200
    return url, response


def hostile_values(name, field, model_validators=()) -> list[tuple[str, str]]:
    """(case, value) that a form field of this kind must refuse."""
    cases = []
    if isinstance(field, forms.CharField) and not isinstance(field.widget, forms.HiddenInput):
        cases.append(("NUL byte", NUL))
        cases += CONTROLS
        if not isinstance(field.widget, forms.Textarea):
            cases.append(("right-to-left override", RTL_OVERRIDE))
            cases.append(("line break in a one-line field", "a\nb"))
        if field.max_length and field.max_length < len(LONG):
            cases.append(("10,000 characters", LONG))
    if isinstance(field, forms.URLField):
        cases += [("javascript: URL", "javascript:alert(1)"), ("data: URL", "data:text/html,<script>x</script>")]
    if isinstance(field, forms.DecimalField):
        cases += [("NaN", "NaN"), ("infinity", "Infinity"), ("overflow", "1e30")]
        if not any(isinstance(v, MinValueValidator) and v.limit_value < 0 for v in model_validators):
            # A coordinate may be negative; a price, a duration or a count may not.
            cases.append(("negative", "-1"))
    if isinstance(field, forms.IntegerField) and not isinstance(field.widget, forms.HiddenInput):
        cases += [("not a number", "abc"), ("overflow", "9" * 25)]
        if field.min_value is not None and field.min_value >= 0:
            cases.append(("negative", "-5"))
        if name.endswith("year"):
            cases += [("year 0", "0"), ("year 99999", "99999")]
    if isinstance(field, forms.DateField):
        cases += [("impossible date", "2021-02-30"), ("year 99999", "99999-01-01"), ("NUL date", "\x00")]
    return cases


def cases_for(client, model):
    url, response = change_page(client, model)
    form = main_form(response)
    found = []
    for name, field in form.fields.items():
        if field.disabled:
            continue
        try:
            model_validators = model._meta.get_field(name).validators
        except FieldDoesNotExist:
            model_validators = ()
        for case, value in hostile_values(name, field, model_validators):
            found.append((name, case, value))
    return url, response, found


@pytest.mark.parametrize(("label", "model"), edited_models(), ids=[label for label, _ in edited_models()])
def test_hostile_values_in_every_admin_form_are_refused(admin_client, demo, unchanged, label, model):
    """Each kind of hostile value goes into every field it applies to at once (one request per
    kind); every one of those fields must carry an error."""
    url, response, cases = cases_for(admin_client, model)
    original, form = form_data(response), main_form(response)
    by_kind = {}
    for name, case, value in cases:
        by_kind.setdefault(case, []).append((name, value))
    accepted = []

    assert cases, f"{label}: no field to attack"
    with unchanged():
        for case, fields in by_kind.items():
            data = {**original, **{form[name].html_name: value for name, value in fields}}
            answer = admin_client.post(url, data)
            errors = answer.context["adminform"].form.errors if answer.status_code == 200 else {}
            accepted += [(name, case, answer.status_code) for name, _ in fields if name not in errors]

    assert accepted == []


def test_html_in_a_name_is_stored_as_text_and_shown_escaped(admin_client, client, demo, unchanged):
    with unchanged(allow={"people.Person": 1, "admin.LogEntry": 1}):
        response = admin_client.get(reverse("admin:people_person_add"))
        data = {**form_data(response), "name": HTML, "slug": "html-person"}
        answer = admin_client.post(reverse("admin:people_person_add"), data)

    assert answer.status_code == 302
    page = client.get("/en/people/html-person/").content.decode()
    changelist = admin_client.get(reverse("admin:people_person_changelist")).content.decode()
    for html in (page, changelist):
        assert HTML not in html
        assert "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;" in html


def test_javascript_link_in_a_ticket_url_is_refused(admin_client, demo, unchanged):
    from screenings.models import Screening

    url, response = change_page(admin_client, Screening)

    with unchanged():
        answer = admin_client.post(url, {**form_data(response), "ticket_url": "javascript:alert(document.cookie)"})

    assert answer.status_code == 200
    assert answer.context["adminform"].form.errors["ticket_url"] == ["Enter a valid URL."]


def test_unchanged_admin_forms_save(admin_client, demo):
    """The hostile cases above post the form as rendered with one field changed; this proves
    that the rest of the form is valid, so that each refusal is the hostile field's doing."""
    refused = []
    for label, model in edited_models():
        url, response = change_page(admin_client, model)
        answer = admin_client.post(url, form_data(response))
        if answer.status_code != 302:
            context = answer.context
            refused.append(
                (label, context["adminform"].form.errors, [f.formset.errors for f in context["inline_admin_formsets"]])
            )

    assert refused == []
