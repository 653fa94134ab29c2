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
