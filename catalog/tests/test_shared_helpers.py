"""The small helpers of the base app that the other apps use instead of their own copies."""

import io

import pytest
from django.apps import apps
from django.contrib import admin
from django.contrib.admin import AdminSite
from django.core.management.base import OutputWrapper
from django.http import Http404
from django.views.generic import DetailView

from catalog.admin_base import OptionalAutocompleteMixin
from catalog.csvcommands import Progress
from catalog.models import Title
from catalog.text import number_ranges
from catalog.views import SlugIexactMixin

from .factories import EpisodeFactory, SeasonFactory, SeriesFactory, TitleFactory


@pytest.mark.parametrize(
    ("numbers", "text"),
    [
        ([], ""),
        ([4], "4"),
        ([1, 2], "1–2"),
        ([5, 1, 2, 3, 7], "1–3, 5, 7"),
        ([1, 2, 3, 5, 6, 7], "1–3, 5–7"),
        ([3, 3, None, 1, 2], "1–3"),
    ],
)
def test_number_ranges_joins_runs_and_skips_repeats_and_none(numbers, text):
    assert number_ranges(numbers) == text


@pytest.mark.django_db
def test_title_root_is_the_series_of_an_episode_without_a_query_when_parents_are_loaded(django_assert_num_queries):
    series = SeriesFactory()
    episode = EpisodeFactory(parent=SeasonFactory(parent=series))
    film = TitleFactory()
    loaded = Title.objects.select_related("parent__parent").get(pk=episode.pk)

    with django_assert_num_queries(0):
        assert loaded.root().pk == series.pk
        assert loaded.parent.root().pk == series.pk
    assert film.root() is film


class _TitleView(SlugIexactMixin, DetailView):
    def get_queryset(self):
        return Title.objects.all()


@pytest.mark.django_db
def test_slug_mixin_finds_the_slug_whatever_its_case_and_404s_otherwise():
    title = TitleFactory(slug="la-sylphide")

    assert _TitleView(kwargs={"slug": "La-Sylphide"}).get_object().pk == title.pk
    with pytest.raises(Http404):
        _TitleView(kwargs={"slug": "giselle"}).get_object()


def _optional_autocomplete_admins():
    """Every registered model admin, and inline of one, that declares optional autocomplete fields."""
    found = []
    for model in apps.get_models():
        if not admin.site.is_registered(model):
            continue
        model_admin = admin.site.get_model_admin(model)
        inlines = [inline(model, admin.site) for inline in model_admin.inlines]
        found += [a for a in [model_admin, *inlines] if isinstance(a, OptionalAutocompleteMixin)]
    return found


@pytest.mark.django_db
def test_optional_autocomplete_fields_join_only_once_their_model_is_registered(rf, admin_user):
    request = rf.get("/")
    request.user = admin_user
    admins = _optional_autocomplete_admins()
    assert admins, "the organisation fields of festivals, screenings, platforms and devices"

    for model_admin in admins:
        owner = getattr(model_admin, "parent_model", model_admin.model)
        alone = type(model_admin)(owner, AdminSite())  # a site where no other app registered anything

        assert set(model_admin.optional_autocomplete_fields) <= set(model_admin.get_autocomplete_fields(request))
        assert not set(model_admin.optional_autocomplete_fields) & set(alone.get_autocomplete_fields(request))


class _Terminal(io.StringIO):
    def isatty(self):
        return True


def test_progress_through_a_command_stderr_redraws_one_line_without_colour():
    stderr = OutputWrapper(_Terminal())
    stderr.style_func = lambda text: f"\x1b[31m{text}\x1b[0m"  # as a command colours its errors on a terminal
    progress = Progress(stderr, total=10)
    progress(5)
    progress(10)
    progress.close()

    written = stderr.getvalue()
    assert "10/10 rows" in written
    assert written.count("\n") == 1
    assert written.endswith("\n")
    assert "\x1b" not in written


def _lower_slug_models():
    """Every model whose slug is unique whatever its case (``UniqueConstraint(Lower("slug"))``)."""
    from django.db.models.functions import Lower

    for model in apps.get_models():
        for constraint in model._meta.constraints:
            expressions = getattr(constraint, "expressions", ())
            if any(
                isinstance(e, Lower) and getattr(e.source_expressions[0], "name", "") == "slug" for e in expressions
            ):
                yield model, constraint.name


@pytest.mark.django_db
def test_a_slug_is_found_whatever_its_case_through_the_slugs_unique_index():
    """Issue 17: ``slug__iexact`` (``UPPER(slug)`` on PostgreSQL, ``LIKE`` on SQLite) read every
    title for a title page. ``slug_is`` compares ``LOWER(slug)``, the expression of the unique
    index of every such model, and finds the record whatever the case."""
    from django.db import connection

    from catalog.text import slug_is

    found = list(_lower_slug_models())
    assert {model.__name__ for model, _name in found} >= {"Title", "Person", "Organization"}
    title = TitleFactory(slug="la-ecume")
    assert Title.objects.get(slug_is("La-ECUME")) == title
    for model, name in found:
        sql, params = model._default_manager.filter(slug_is("Some-Slug")).query.sql_with_params()
        assert "LOWER(" in sql.upper(), model
        assert "some-slug" in params, model
        if connection.vendor == "sqlite":  # PostgreSQL scans a table this small whatever the index
            with connection.cursor() as cursor:
                cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params)
                plan = " ".join(str(row[-1]) for row in cursor.fetchall())
            assert name in plan, (model, plan)


@pytest.mark.django_db
def test_pages_addressed_by_slug_look_it_up_through_the_index(client, demo):
    """The pages addressed by ``<slug>`` (a title, a person, a festival edition, a venue, and
    the calendars) find their record by ``LOWER(slug)``, never ``UPPER(slug)`` or ``LIKE``,
    whatever the case of the address."""
    import re

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from people.models import Person
    from screenings.models import Edition, Venue

    records = {"title": Title.objects.first(), "person": Person.objects.first()}
    records |= {"edition": Edition.objects.first(), "venue": Venue.objects.filter(parent=None).first()}
    urls = [record.get_absolute_url() for record in records.values()]
    urls += [url.rstrip("/") + ".ics" for url in urls[2:]]
    urls.append(records["title"].get_absolute_url().rstrip("/") + ".ics")
    checked = 0
    for url in urls:
        shouted = re.sub(r"/([^/]+?)(\.ics|/)?$", lambda m: "/" + m.group(1).upper() + (m.group(2) or ""), url)
        with CaptureQueriesContext(connection) as captured:
            response = client.get(shouted)
        if response.status_code == 404:
            continue
        checked += 1
        assert response.status_code == 200, shouted
        for query in captured:
            sql = query["sql"].upper()
            assert not re.search(r'UPPER\("[A-Z_0-9]+"\."SLUG"\)', sql), (shouted, sql[:200])
            assert not re.search(r'"SLUG" LIKE', sql), (shouted, sql[:200])
    assert checked >= 4
