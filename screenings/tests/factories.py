from datetime import date, datetime
from zoneinfo import ZoneInfo

import factory

from catalog.tests.factories import EpisodeFactory, TitleFactory  # noqa: F401 (re-exported for tests)
from screenings.models import Edition, Festival, Screening, Venue

LA = ZoneInfo("America/Los_Angeles")


class VenueFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Venue

    name = factory.Sequence(lambda n: f"Theatre {n}")
    slug = factory.Sequence(lambda n: f"theatre-{n}")
    city = "Los Angeles"
    country_id = "US"
    timezone = "America/Los_Angeles"


class RoomFactory(VenueFactory):
    parent = factory.SubFactory(VenueFactory)
    name = factory.Sequence(lambda n: f"Room {n}")
    slug = factory.Sequence(lambda n: f"room-{n}")


class FestivalFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Festival

    name = factory.Sequence(lambda n: f"Festival {n}")
    slug = factory.Sequence(lambda n: f"festival-{n}")
    city = "Los Angeles"


class EditionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Edition

    festival = factory.SubFactory(FestivalFactory)
    year = 2030
    slug = factory.Sequence(lambda n: f"edition-{n}")
    starts_on = date(2030, 11, 1)
    ends_on = date(2030, 11, 10)


class ScreeningFactory(factory.django.DjangoModelFactory):
    """A 90-minute screening; ``titles`` (a list) sets the programme."""

    class Meta:
        model = Screening
        skip_postgeneration_save = True

    venue = factory.SubFactory(VenueFactory)
    starts_at = factory.Sequence(lambda n: datetime(2030, 11, 3, 10, 0, tzinfo=LA).replace(day=1 + n % 28))
    ends_at = factory.LazyAttribute(lambda o: o.starts_at.replace(hour=o.starts_at.hour + 1, minute=30))
    label_en = "Episodes 1 & 2"

    @factory.post_generation
    def titles(self, create, extracted, **kwargs):
        from screenings.services import set_titles

        if create:
            set_titles(self, list(extracted) if extracted is not None else [TitleFactory()])
