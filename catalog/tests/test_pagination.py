"""Bounded public pages, admin estimated counts and key-based deep pages, and the SQLite
search index that must survive table rebuilds (catalog/pagination.py, catalog/textsearch.py)."""

import re

import pytest
from django.db import connection
from django.urls import reverse

from catalog.admin import TitleAdmin
from catalog.models import Title
from catalog.pagination import AdminPaginator, BoundedPaginator
from catalog.textsearch import SQLITE_TRIGGERS, install

from .factories import TitleFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def three_pages_bounded_at_two(monkeypatch, settings):
    monkeypatch.setattr(BoundedPaginator, "max_pages", 2)
    for n in range(settings.PAGE_SIZE * 3):
        TitleFactory(original_title=f"Film {n:03}")


def text(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


def test_title_list_longer_than_the_bound_says_more_than(client, three_pages_bounded_at_two):
    page = text(client.get("/en/titles/"))

    assert "More than 48 titles" in page
    assert "Page 1 of the first 2" in page


def test_title_list_page_beyond_the_bound_redirects_to_the_last_page_shown(client, three_pages_bounded_at_two):
    response = client.get("/en/titles/?kind=film&page=3")

    assert response.status_code == 302
    assert response["Location"] == "?kind=film&page=2"
    assert client.get("/en/titles/?kind=film&page=2").status_code == 200


def test_title_list_unknown_page_of_a_short_list_is_still_not_found(client, monkeypatch):
    monkeypatch.setattr(BoundedPaginator, "max_pages", 2)
    TitleFactory()

    assert client.get("/en/titles/?page=3").status_code == 404


def test_admin_count_past_the_exact_limit_is_the_estimate_and_a_filter_stops_at_the_limit(monkeypatch):
    monkeypatch.setattr(AdminPaginator, "exact_limit", 2)
    titles = [TitleFactory(kind="film") for _ in range(5)]

    assert AdminPaginator(Title.objects.order_by("pk"), 2).count >= 5  # the table's estimate
    assert AdminPaginator(Title.objects.filter(kind="film"), 2).count == 3  # the limit, plus one
    assert AdminPaginator(Title.objects.filter(pk=titles[0].pk), 2).count == 1


def test_admin_deep_page_shows_the_rows_of_that_page_in_order(admin_client, monkeypatch):
    monkeypatch.setattr(TitleAdmin, "list_per_page", 2)
    for n in range(5):
        TitleFactory(original_title=f"Film {n}")

    response = admin_client.get(reverse("admin:catalog_title_changelist"), {"p": 2})

    assert [t.original_title for t in response.context["cl"].result_list] == ["Film 2", "Film 3"]


def test_sqlite_search_index_is_restored_after_a_table_rebuild_drops_its_triggers():
    if connection.vendor != "sqlite":
        pytest.skip("the FTS5 table and its triggers are SQLite's; PostgreSQL uses a trigram index")
    with connection.cursor() as cursor:
        for name in SQLITE_TRIGGERS:
            cursor.execute(f"DROP TRIGGER {name}")  # what rebuilding catalog_title does
    film = TitleFactory(original_title="Les Étoiles filantes")
    assert film not in Title.objects.search("filantes")

    install(connection)  # runs after every migrate

    assert film in Title.objects.search("filantes")
