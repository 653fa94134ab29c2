import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from catalog.models import Country
from catalog.tests.factories import EpisodeFactory, SeasonFactory, SeriesFactory
from streaming.availability import number_ranges, releases, schedule_summary
from streaming.enums import OfferType
from streaming.models import Offer
from streaming.services import create_batch_release, parse_batches

from .factories import OfferFactory, PlatformFactory

pytestmark = pytest.mark.django_db

D = datetime.date
WINDOW = {"available_from": D(2026, 3, 1), "available_until": D(2026, 4, 1)}


@pytest.mark.parametrize(
    ("day", "available"),
    [
        (D(2026, 2, 28), False),  # the day before
        (D(2026, 3, 1), True),  # first day
        (D(2026, 3, 31), True),  # last day
        (D(2026, 4, 1), False),  # "until" is the first day it is gone
        (D(2027, 1, 1), False),
    ],
)
def test_available_on_follows_the_window(day, available):
    offer = OfferFactory(**WINDOW)

    assert (offer in Offer.objects.available_on(day)) is available
    assert offer.is_available_on(day) is available


def test_open_window_is_always_available():
    offer = OfferFactory(available_from=None)

    assert list(Offer.objects.available_on(D(1990, 1, 1))) == [offer]


def test_availability_is_not_stored():
    names = {f.name for f in Offer._meta.get_fields()}

    assert not {n for n in names if "available" in n} - {"available_from", "available_until"}


def test_coming_soon_new_and_leaving_soon_on_a_date():
    coming = OfferFactory(available_from=D(2026, 3, 1))
    new = OfferFactory(available_from=D(2026, 2, 10))
    old = OfferFactory(available_from=D(2025, 1, 1), available_until=D(2026, 2, 20))
    on = D(2026, 2, 15)

    assert list(Offer.objects.coming_soon(on)) == [coming]
    assert list(Offer.objects.new(30, on)) == [new]
    assert list(Offer.objects.leaving_soon(10, on)) == [old]
    assert list(Offer.objects.leaving_soon(3, on)) == []


def _batch_release():
    season = SeasonFactory()
    episodes = [EpisodeFactory(parent=season, number=n) for n in range(1, 8)]
    platform = PlatformFactory()
    create_batch_release(
        season,
        parse_batches("1-2: 2026-02-01\n3 & 4: 2026-03-01\n5, 6, 7: 2026-04-01"),
        platform=platform,
        country=Country.objects.get(pk="FR"),
        offer_type=OfferType.SUBSCRIPTION,
        exclusive=True,
    )
    return season, episodes, platform


@pytest.mark.parametrize(
    ("day", "numbers"),
    [
        (D(2026, 1, 31), []),
        (D(2026, 2, 1), [1, 2]),
        (D(2026, 3, 15), [1, 2, 3, 4]),
        (D(2026, 4, 1), [1, 2, 3, 4, 5, 6, 7]),
    ],
)
def test_batch_release_episodes_arrive_on_their_dates(day, numbers):
    _batch_release()

    available = Offer.objects.available_on(day).values_list("title__number", flat=True)

    assert sorted(available) == numbers


def test_batch_release_summary_on_the_season(settings):
    season, _episodes, _platform = _batch_release()
    offers = Offer.objects.around(season).for_title_page()

    summary = schedule_summary(releases(offers, D(2026, 2, 15), page_title=season))

    assert summary == "Episodes 1–2 available, 3–4 from March 1, 2026, 5–7 from April 1, 2026"


def test_offer_on_a_series_counts_for_its_episodes():
    series = SeriesFactory()
    season = SeasonFactory(parent=series)
    episode = EpisodeFactory(parent=season)
    offer = OfferFactory(title=series, available_from=None)

    assert list(Offer.objects.applying_to([episode.pk]).available_on(D(2026, 1, 1))) == [offer]
    assert list(Offer.objects.around(episode)) == [offer]


def test_batch_release_is_all_or_nothing():
    season, _episodes, platform = _batch_release()
    EpisodeFactory(parent=season, number=8)

    with pytest.raises(ValidationError, match="already have"):
        create_batch_release(
            season,
            parse_batches("7-8: 2026-05-01"),
            platform=platform,
            country=Country.objects.get(pk="FR"),
            offer_type=OfferType.SUBSCRIPTION,
        )

    assert Offer.objects.filter(title__number=8).count() == 0


@pytest.mark.parametrize(
    "text", ["1-2 2026-02-30", "episodes: tomorrow", "3-1: 2026-02-01", "1: 2026-01-01\n1: 2026-02-01"]
)
def test_parse_batches_refuses_unreadable_lines(text):
    with pytest.raises(ValidationError):
        parse_batches(text)


def test_number_ranges():
    assert number_ranges([5, 1, 2, 3, 7]) == "1–3, 5, 7"


@pytest.mark.parametrize(
    "fields",
    [
        {"available_from": D(2026, 3, 1), "available_until": D(2026, 3, 1)},
        {"price": Decimal("-1"), "currency": "EUR"},
        {"price": Decimal("1"), "currency": ""},
        {"offer_type": OfferType.LIVE, "live_at": None},
    ],
)
def test_database_refuses_inconsistent_offers(fields):
    with pytest.raises(IntegrityError), transaction.atomic():
        OfferFactory(**fields)


def test_live_offer_window_comes_from_live_date_and_replay():
    live_at = datetime.datetime(2026, 3, 10, 19, 30, tzinfo=datetime.UTC)
    offer = OfferFactory(
        offer_type=OfferType.LIVE,
        available_from=None,
        live_at=live_at,
        replay_days=30,
        price=Decimal("14.90"),
        currency="EUR",
    )

    assert offer.available_from == D(2026, 3, 10)
    assert offer.last_day == D(2026, 4, 9)
    assert offer.is_available_on(D(2026, 4, 9))
    assert not offer.is_available_on(D(2026, 4, 10))


def test_broadcast_is_available_on_its_day_only():
    offer = OfferFactory(offer_type=OfferType.BROADCAST, available_from=D(2021, 9, 7))

    assert [offer.is_available_on(D(2021, 9, d)) for d in (6, 7, 8)] == [False, True, False]
