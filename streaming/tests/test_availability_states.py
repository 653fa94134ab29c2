"""An offer's state on a day is one ``Availability`` member, labelled once (admin column, pages)."""

import datetime

import pytest
from django.contrib import admin
from django.utils import translation

from streaming.availability import status_of
from streaming.enums import Availability
from streaming.models import Offer

from .factories import OfferFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("day", "state", "label_fr"),
    [
        (datetime.date(2026, 1, 31), Availability.COMING, "bientôt"),
        (datetime.date(2026, 2, 1), Availability.AVAILABLE, "disponible"),
        (datetime.date(2026, 3, 1), Availability.ENDED, "terminée"),
    ],
)
def test_offer_state_and_its_admin_label(monkeypatch, day, state, label_fr):
    offer = OfferFactory(available_from=datetime.date(2026, 2, 1), available_until=datetime.date(2026, 3, 1))
    offer_admin = admin.site.get_model_admin(Offer)
    monkeypatch.setattr("streaming.admin.today", lambda: day)

    assert status_of(offer, day) == state
    with translation.override("fr"):
        assert str(offer_admin.window_status(offer)) == label_fr
