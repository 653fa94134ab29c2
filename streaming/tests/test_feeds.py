import datetime
from xml.etree import ElementTree

import pytest
from django.utils import timezone

from catalog.tests.factories import TitleFactory

from .factories import OfferFactory

pytestmark = pytest.mark.django_db

ATOM = {"a": "http://www.w3.org/2005/Atom"}
TODAY = datetime.date(2026, 6, 15)
#: Noon UTC: TODAY in the site's zone, whichever TIME_ZONE the run uses.
TODAY_AT_NOON = datetime.datetime.combine(TODAY, datetime.time(12), tzinfo=datetime.UTC)


def entries(client) -> list[tuple[str, str]]:
    feed = ElementTree.fromstring(client.get("/en/platforms/new.atom").content)  # noqa: S314 (our own output)
    return [(e.find("a:title", ATOM).text, e.find("a:updated", ATOM).text[:10]) for e in feed.findall("a:entry", ATOM)]


def offer(name, starts, added, until=None):
    made = OfferFactory(title=TitleFactory(original_title=name), available_from=starts, available_until=until)
    made.created = timezone.make_aware(datetime.datetime.combine(added, datetime.time(12)))
    made.save(update_fields=["created"])
    return made


@pytest.mark.time_machine(TODAY_AT_NOON, tick=False)
def test_new_on_streaming_is_dated_by_the_day_each_release_became_news(client):
    offer("Old film, added today", datetime.date(2025, 1, 1), TODAY)
    offer("Announced in January, starting today", TODAY, datetime.date(2026, 1, 10))
    offer("Announced last week, coming in July", datetime.date(2026, 7, 1), datetime.date(2026, 6, 8))
    offer("Started last month", datetime.date(2026, 5, 1), datetime.date(2026, 4, 1))
    offer("Ended", datetime.date(2026, 1, 1), datetime.date(2026, 1, 1), until=datetime.date(2026, 3, 1))

    got = entries(client)

    # Same day: the record entered last comes first.
    assert [(title.split(" on ")[0], day) for title, day in got] == [
        ("Announced in January, starting today", "2026-06-15"),
        ("Old film, added today", "2026-06-15"),
        ("Announced last week, coming in July", "2026-06-08"),
        ("Started last month", "2026-05-01"),
    ]
