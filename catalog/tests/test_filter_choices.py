"""The title list's country and language choices: only what a published title uses, so that a
draft's country is not offered (a published episode of a draft series is not public either)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from catalog.filters import TitleFilter

from .factories import EpisodeFactory, TitleFactory


def choices(name: str) -> set[str]:
    return {obj.pk for obj in TitleFilter(data={}, queryset=None).filters[name].get_queryset(None)}


@pytest.mark.django_db
def test_only_countries_and_languages_of_published_titles_are_offered(iso_codes):
    past, future = timezone.now() - timedelta(days=1), timezone.now() + timedelta(days=1)
    shown = TitleFactory(published_at=past)
    shown.countries.set(["FR"])
    shown.languages.set(["fr"])
    draft = TitleFactory(published_at=None)
    draft.countries.set(["JP"])
    draft.languages.set(["ja"])
    scheduled = TitleFactory(published_at=future)
    scheduled.countries.set(["DE"])
    episode = EpisodeFactory(published_at=past)
    episode.parent.published_at = past
    episode.parent.save()
    episode.parent.parent.published_at = None  # the series is a draft: its episode is not public
    episode.parent.parent.save()
    episode.countries.set(["IT"])
    episode.languages.set(["it"])

    assert choices("country") == {"FR"}
    assert choices("language") == {"fr"}
