import datetime
from decimal import Decimal

import factory

from catalog.tests.factories import TitleFactory
from streaming.enums import BillingPeriod, DeviceKind, OfferType, PlanKind, PlatformKind
from streaming.models import Device, Offer, Plan, Platform


class PlatformFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Platform

    name = factory.Sequence(lambda n: f"Platform {n}")
    slug = factory.Sequence(lambda n: f"platform-{n}")
    kind = PlatformKind.SUBSCRIPTION


class PlanFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Plan

    platform = factory.SubFactory(PlatformFactory)
    kind = PlanKind.SUBSCRIPTION
    name_en = factory.Sequence(lambda n: f"Plan {n}")
    price = Decimal("9.90")
    currency = "EUR"
    period = BillingPeriod.MONTH


class OfferFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Offer

    title = factory.SubFactory(TitleFactory)
    platform = factory.SubFactory(PlatformFactory)
    country_id = "FR"
    offer_type = OfferType.SUBSCRIPTION
    available_from = datetime.date(2026, 2, 1)


class DeviceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Device

    platform = factory.SubFactory(PlatformFactory)
    kind = DeviceKind.values[0]
    name = factory.Sequence(lambda n: f"Decoder {n}")
