"""The History of the write paths beyond forms and plain actions (catalog.audit): the copies a
Duplicate makes point to their source, paste credits and a batch release record every record
they create, with values, and the History pages say which path wrote."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.contrib.admin.models import ADDITION, CHANGE, LogEntry
from django.urls import reverse
from django.utils.html import escape

from catalog import audit
from catalog.tests.factories import EpisodeFactory, SeasonFactory, TitleFactory

pytestmark = pytest.mark.django_db

LA = ZoneInfo("America/Los_Angeles")


def entries_of(obj):
    return list(LogEntry.objects.filter(content_type__model=obj._meta.model_name, object_id=str(obj.pk)))


def test_a_duplicated_screening_has_an_added_entry_with_values_pointing_to_its_source(admin_client):
    from screenings.models import Screening
    from screenings.tests.factories import ScreeningFactory, VenueFactory

    venue = VenueFactory()
    source = ScreeningFactory(
        venue=venue, starts_at=datetime(2030, 11, 3, 9, tzinfo=LA), ends_at=datetime(2030, 11, 3, 10, 30, tzinfo=LA)
    )

    admin_client.post(
        reverse("admin:screenings_screening_changelist"),
        {"action": "duplicate_action", "_selected_action": [source.pk], "apply": "1", "on_date": "2030-11-04"},
    )

    copy = Screening.objects.exclude(pk=source.pk).get()
    (entry,) = entries_of(copy)
    found = audit.details(entry)
    assert entry.action_flag == ADDITION
    assert (found.via["source"], found.via["source_id"]) == (str(source), source.pk)
    assert any(label == "Venue or room" and after == str(venue) for label, _before, after, *_ in found.values)
    history = admin_client.get(reverse("admin:screenings_screening_history", args=[copy.pk])).content.decode()
    assert escape(f"A copy of “{source}”") in history


def test_paste_credits_records_each_new_person_and_credit_and_lists_them_on_the_title(admin_client):
    from people.models import Credit, Person

    title = TitleFactory(original_title="Sans toit ni loi")
    url = reverse("admin:people_credit_paste", args=[title.pk])
    text = "Réalisation : Agnès Varda\nAvec : Sandrine Bonnaire (Mona)\n"

    admin_client.post(url, {"text": text, "preview": "1"})
    admin_client.post(url, {"text": text, "previewed": text, "confirm": "1"})

    varda = Person.objects.get(name="Agnès Varda")
    (person_entry,) = entries_of(varda)
    assert person_entry.action_flag == ADDITION
    assert ("Name", "", "Agnès Varda") in audit.details(person_entry).values
    credit = Credit.objects.get(person__name="Sandrine Bonnaire")
    (credit_entry,) = entries_of(credit)
    assert ("Character", "", "Mona") in audit.details(credit_entry).values
    (title_entry,) = entries_of(title)
    assert title_entry.action_flag == CHANGE
    assert {obj for _name, obj, _rows in audit.details(title_entry).related} == {
        str(c) for c in Credit.objects.filter(title=title)
    }
    history = admin_client.get(reverse("admin:catalog_title_history", args=[title.pk])).content.decode()
    assert "By Paste credits on “Sans toit ni loi”." in history


def test_a_batch_release_records_each_offer_it_creates_with_its_values(admin_client):
    from streaming.models import Offer
    from streaming.tests.factories import PlatformFactory

    season = SeasonFactory()
    for number in (1, 2):
        EpisodeFactory(parent=season, number=number)
    platform = PlatformFactory()
    url = reverse("admin:streaming_offer_batch_release")
    data = {
        "title": season.pk,
        "platform": platform.pk,
        "country": "FR",
        "offer_type": "subscription",
        "batches": "1-2: 2031-03-01",
    }

    admin_client.post(url, {**data, "confirm": "1"})

    offers = list(Offer.objects.all())
    assert len(offers) == 2
    for offer in offers:
        (entry,) = entries_of(offer)
        assert entry.action_flag == ADDITION
        assert ("Available from", "", "2031-03-01") in audit.details(entry).values
        assert audit.details(entry).via["kind"] == "batch"
