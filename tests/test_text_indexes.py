"""Every substring index (catalog.textsearch: the titles' and each one registered in
``catalog.extensions.text_indexes``) exists after ``migrate`` on both databases, is the path the
search takes, and follows each write: a row is found under its new text and no longer under its
old one."""

import pytest
from django.apps import apps
from django.db import connection
from django.test.utils import CaptureQueriesContext

from catalog import extensions
from catalog.tests.factories import TitleFactory
from catalog.textsearch import TITLES
from people.tests.factories import CreditFactory, PersonFactory

pytestmark = pytest.mark.django_db

INDEXES = [TITLES, *extensions.text_indexes]


def model_of(index):
    return next(m for m in apps.get_models() if m._meta.db_table == index.table)


def a_row(index):
    """A row of the index's table whose column can be written (its model fills it on save)."""
    if index is TITLES:
        return TitleFactory(original_title="Zanzibar Quartet")
    return CreditFactory(person=PersonFactory(), character="Zanzibar Quartet")


def rewrite(index, row):
    model = model_of(index)
    model.objects.filter(pk=row.pk).update(**{index.column: "odette et odile"})


@pytest.mark.parametrize("index", INDEXES, ids=lambda i: i.name)
def test_the_index_exists_and_is_the_searchs_path(index):
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT 1 FROM pg_indexes WHERE indexname = %s", [index.pg_index])
        else:
            cursor.execute("SELECT 1 FROM sqlite_master WHERE name = %s", [index.fts])
        assert cursor.fetchone()
    with CaptureQueriesContext(connection) as queries:
        list(index.contains(model_of(index).objects.all(), "zanzibar"))
    if connection.vendor == "sqlite":
        assert index.fts in queries[-1]["sql"]


@pytest.mark.parametrize("index", INDEXES, ids=lambda i: i.name)
def test_a_row_is_found_under_its_new_text_only(index):
    row = a_row(index)
    model = model_of(index)

    def found(word):
        return set(index.contains(model.objects.all(), word).values_list("pk", flat=True))

    assert row.pk in found("zanzibar")
    rewrite(index, row)
    assert row.pk not in found("zanzibar")
    assert row.pk in found("odile")
