"""The streaming part of ``generate_catalog``: platforms with plans, and offers with windows
(some open-ended, some past, some coming), prices for rentals and purchases, one-day
broadcasts, and seasons released an episode a week (batch releases)."""

import datetime
from decimal import Decimal

from catalog.enums import TitleKind
from catalog.generate import KIND_CODES, Run, insert, slug_picker
from catalog.text import normalize

from .enums import BillingPeriod, OfferType, PlanKind, PlatformKind, Quality
from .models import Offer, Plan, Platform

PLATFORM_WORDS = ["Ciné", "Opéra", "Scène", "Nuit", "Stream", "Play", "Vision", "Archive", "Plus", "Direct"]
COUNTRIES = ["FR", "US", "GB", "DE", "BE", "CA", "CH", "JP"]
CURRENCY = {"FR": "EUR", "DE": "EUR", "BE": "EUR", "US": "USD", "GB": "GBP", "CA": "CAD", "CH": "CHF", "JP": "JPY"}
TYPES = [OfferType.SUBSCRIPTION, OfferType.RENT, OfferType.BUY, OfferType.FREE, OfferType.ADS, OfferType.BROADCAST]
TYPE_WEIGHTS = [45, 18, 12, 8, 10, 7]
FIRST_DAY = datetime.date(2018, 1, 1)


def generate(run: Run):
    rng = run.rng
    if not run.sizes["offers"] or not run.title_ids:
        return
    pick_slug = slug_picker(Platform)
    platforms = []
    for index in range(max(run.sizes["offers"] // 10_000, 3)):
        name = f"{rng.choice(PLATFORM_WORDS)} {rng.choice(PLATFORM_WORDS)} {index + 1}"
        platform = Platform.objects.create(
            name=name, slug=pick_slug(name), name_key=normalize(name), kind=rng.choice(PlatformKind.values)
        )
        platform.countries.set(rng.sample(COUNTRIES, rng.randint(1, 4)))
        monthly = Decimal(rng.choice(["4.99", "7.99", "9.90", "12.99"]))
        Plan.objects.bulk_create(
            [
                Plan(platform=platform, name_en="Monthly", name_fr="Mensuel", price=monthly, currency="EUR",
                     period=BillingPeriod.MONTH, order=0),
                Plan(platform=platform, name_en="Yearly", name_fr="Annuel", price=monthly * 10, currency="EUR",
                     period=BillingPeriod.YEAR, order=1),
                Plan(platform=platform, kind=PlanKind.GIFT, name_en="Gift card", name_fr="Carte cadeau",
                     price=monthly * 3, currency="EUR", period=BillingPeriod.ONCE, duration_months=3, order=2),
            ]
        )  # fmt: skip
        platforms.append(platform.pk)
    top = run.top_level_indexes()
    seasons: dict[int, list[int]] = {}  # season id → its episodes' indexes, in number order
    for index, parent in enumerate(run.title_parents):
        if parent and KIND_CODES[run.title_kinds[index]] == TitleKind.EPISODE:
            seasons.setdefault(parent, []).append(index)
    season_ids = list(seasons)

    def offers():
        written = 0
        while written < run.sizes["offers"]:
            platform, country = rng.choice(platforms), rng.choice(COUNTRIES)
            starts = FIRST_DAY + datetime.timedelta(days=rng.randint(0, 9 * 365))
            if season_ids and rng.random() < 0.05:
                # A season released an episode a week, each for a year.
                for number, index in enumerate(seasons[rng.choice(season_ids)]):
                    if written == run.sizes["offers"]:
                        return
                    first = starts + datetime.timedelta(weeks=number)
                    written += 1
                    yield Offer(
                        title_id=run.title_ids[index], platform_id=platform, country_id=country,
                        offer_type=OfferType.SUBSCRIPTION, available_from=first,
                        available_until=first + datetime.timedelta(days=365), quality=Quality.HD,
                    )  # fmt: skip
                continue
            kind = rng.choices(TYPES, weights=TYPE_WEIGHTS)[0]
            until = None
            if kind == OfferType.BROADCAST:
                until = starts + datetime.timedelta(days=1)
            elif rng.random() < 0.6:
                until = starts + datetime.timedelta(days=rng.randint(30, 720))
            paid = kind in (OfferType.RENT, OfferType.BUY)
            written += 1
            yield Offer(
                title_id=run.title_ids[rng.choice(top)], platform_id=platform, country_id=country, offer_type=kind,
                price=Decimal(rng.choice(["2.99", "3.99", "4.99", "9.99", "14.99"])) if paid else None,
                currency=CURRENCY[country] if paid else "", available_from=starts, available_until=until,
                quality=rng.choice(Quality.values), exclusive=rng.random() < 0.05,
            )  # fmt: skip

    written = insert(Offer, offers())
    run.say(f"  {written} offers on {len(platforms)} platforms")
