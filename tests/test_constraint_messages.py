"""No raw constraint message anywhere in the admin (issue 14, "Merge done right"): every
constraint of every model of the four apps says, in both languages, what a person can do,
instead of Django's ``Constraint “person_slug_unique” is violated.``"""

import pytest
from django.apps import apps
from django.utils import translation

from catalog.testing import browser_form_data
from people.tests.factories import PersonFactory

APPS = ["catalog", "people", "screenings", "streaming"]

CONSTRAINTS = [
    (model, constraint)
    for app in APPS
    for model in apps.get_app_config(app).get_models()
    for constraint in model._meta.constraints
]


@pytest.mark.parametrize(("model", "constraint"), CONSTRAINTS, ids=[f"{m.__name__}.{c.name}" for m, c in CONSTRAINTS])
def test_every_constraint_has_a_message_a_person_can_act_on(model, constraint):
    assert constraint.violation_error_message != constraint.default_violation_error_message
    with translation.override("en"):
        english = constraint.get_violation_error_message()
    with translation.override("fr"):
        french = constraint.get_violation_error_message()
    assert constraint.name not in english
    assert "%(" not in english
    assert french != english, f"no French for “{english}” (locale/fr/LC_MESSAGES/django.po)"


def test_the_constraints_were_found():
    assert len(CONSTRAINTS) > 40


@pytest.mark.django_db
def test_adding_a_person_whose_slug_is_taken_says_what_to_do(admin_client):
    PersonFactory(name="Agnès Varda", slug="agnes-varda")
    url = "/admin/people/person/add/"
    data = browser_form_data(admin_client.get(url).content, "person_form", submit=("_save", "Save"))
    data |= {"name": ["Agnès Varda (2)"], "slug": ["Agnes-Varda"]}

    page = admin_client.post(url, data).content.decode()

    assert "Constraint" not in page
    assert "Another person already has this slug" in page
