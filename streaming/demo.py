"""The streaming part of the demo: everything about platforms and offers in shared/reference/.

Sources: 002 (POP press release, published 28 January 2026: platform, plans, devices, figures,
the batch release of "Dans les couloirs de l’Opéra") and 000 ("Original Broadcast: OCS,
September 7, 2021"). 001 (Plex's "Where to Watch Season 2") is not an offer: the saved page
names no service, country, price or date under that heading, and the "Watch free" lines are
Plex's own advertisement (see docs/streaming.md). Safe to run again.
"""

import datetime
from decimal import Decimal

from catalog.demo import DEMO_PUBLISHED_AT
from people.models import Organization

from .enums import (
    AudienceMetric,
    BillingPeriod,
    DeviceKind,
    DiscountAudience,
    InstitutionKind,
    OfferType,
    PlanKind,
    PlatformKind,
)
from .models import AudienceFigure, Device, Offer, Plan, Platform, PlatformStatement

#: 002's own "SOURCE : Opéra national de Paris" (l. 36); its date (l. 38) is each figure's
#: ``stated_on``, written in the reader's language by the page.
PRESS_RELEASE = "Opéra national de Paris"
STATED_ON = datetime.date(2026, 1, 28)

#: (name_en, name_fr, kind, price, period, months, min_age, max_age, extra fields)
POP_PLANS = [
    (
        "Monthly subscription",
        "Abonnement mensuel",
        PlanKind.SUBSCRIPTION,
        "9.90",
        BillingPeriod.MONTH,
        None,
        None,
        None,
        {},
    ),
    ("Annual subscription", "Abonnement annuel", PlanKind.SUBSCRIPTION, "99", BillingPeriod.YEAR, None, None, None, {}),
    (
        "Youth monthly subscription (under 28)",
        "Abonnement mensuel jeunes (moins de 28 ans)",
        PlanKind.SUBSCRIPTION,
        "4.95",
        BillingPeriod.MONTH,
        None,
        None,
        27,
        {},
    ),
    *[
        (
            f"Gift card, {label_en}",
            f"Carte cadeau POP, {label_fr}",
            PlanKind.GIFT,
            price,
            BillingPeriod.ONCE,
            months,
            None,
            None,
            {
                "discount_percent": 50,
                "discount_audience": DiscountAudience.SEASON_SUBSCRIBERS,
                "discount_season": "2025/26",
            },
        )
        for label_en, label_fr, price, months in (
            ("3 months", "3 mois", "29", 3),
            ("6 months", "6 mois", "59", 6),
            ("1 year", "1 an", "99", 12),
        )
    ],
    (
        "Live show rental",
        "Location d’un spectacle en direct",
        PlanKind.RENTAL,
        "14.90",
        BillingPeriod.ONCE,
        None,
        None,
        None,
        {"no_commitment": False},
    ),
    (
        "Institutional subscription",
        "Abonnement institutionnel",
        PlanKind.INSTITUTIONAL,
        None,
        BillingPeriod.YEAR,
        None,
        None,
        None,
        {"institutions": [InstitutionKind.SCHOOL, InstitutionKind.CONSERVATORY, InstitutionKind.MEDIA_LIBRARY]},
    ),
    (
        "pass Culture: 3 months free",
        "pass Culture : 3 mois gratuits",
        PlanKind.PARTNER_PASS,
        "0",
        BillingPeriod.ONCE,
        3,
        18,
        20,
        {"partner_pass": "pass Culture"},
    ),
]

POP_FIGURES = [
    (AudienceMetric.SUBSCRIBERS, 6000),
    (AudienceMetric.VISITS, 1_000_000),
    (AudienceMetric.LIVE_RENTALS, 6000),
    (AudienceMetric.CATALOGUE, 250),
]

#: 002's positioning sentence, a claim of the platform's operator, shown as a quotation.
POP_POSITIONING = (
    "Avec aujourd’hui près de 6 000 abonnés, près d’1 million de visites et 6 000 spectacles en direct loués à "
    "l’unité, POP s’impose comme la plateforme de référence pour tous les amoureux de danse et d’opéra."
)

#: "épisodes 1 & 2 : 1er février 2026; épisodes 3 & 4 : 1er mars 2026 et épisodes 5, 6 & 7 : 1er avril 2026"
COULOIRS_BATCHES = [
    ((1, 2), datetime.date(2026, 2, 1)),
    ((3, 4), datetime.date(2026, 3, 1)),
    ((5, 6, 7), datetime.date(2026, 4, 1)),
]


def organization(slug, name, kind):
    org, _created = Organization.objects.get_or_create(slug=slug, defaults={"name": name, "kind": kind})
    return org


def load(stdout=None):
    opera_house = organization("opera-national-de-paris", "Opéra national de Paris", "institution")
    ocs_company = organization("ocs", "OCS", "broadcaster")
    orange = organization("orange", "Orange", "other")

    pop, _created = Platform.objects.update_or_create(
        slug="pop-paris-opera-play",
        defaults={
            "name": "POP – Paris Opera Play",
            "operator": opera_house,
            "kind": PlatformKind.SUBSCRIPTION,
            "launched_on": datetime.date(2023, 3, 29),
            "website": "",  # 002 gives no address
            "simultaneous_screens": 2,
            "trial_days": 7,
            "subscription_includes_live": True,
            "subscription_includes_archive": True,
            # 002: "Les abonnements donnent un accès illimité aux spectacles en direct, contenus exclusifs et au
            # catalogue", "un catalogue de près de 250 vidéos, enrichi régulièrement".
            "subscription_includes_exclusive": True,
            "catalogue_enriched_regularly": True,
            "live_replay_days": 30,
            "description_fr": (
                "Plateforme de streaming sur abonnement de l’Opéra de Paris : des spectacles en direct et un "
                "catalogue de captations d’opéras et de ballets (de la saison en cours ou de saisons passées), "
                "de documentaires et de masterclasses de ballet tournés dans ses murs."
            ),
            "description_en": (
                "The Paris Opera’s subscription streaming platform: live shows, and a catalogue of opera and "
                "ballet recordings (current and past seasons), documentaries and ballet masterclasses filmed "
                "in its houses."
            ),
        },
    )
    pop.countries.set(["FR"])
    for order, (name_en, name_fr, kind, price, period, months, min_age, max_age, extra) in enumerate(POP_PLANS):
        Plan.objects.update_or_create(
            platform=pop,
            name_en=name_en,
            defaults={
                "name_fr": name_fr,
                "kind": kind,
                "price": Decimal(price) if price is not None else None,
                "currency": "EUR" if price is not None else "",
                "period": period,
                "duration_months": months,
                "min_age": min_age,
                "max_age": max_age,
                "no_commitment": kind == PlanKind.SUBSCRIPTION,
                "order": order,
                **extra,
            },
        )
    # Demos loaded before the decoder was named by its operator (the page renders "Orange TV
    # decoders" / "décodeurs TV Orange" from the kind) called it "Orange TV decoders".
    Device.objects.filter(platform=pop, kind=DeviceKind.DECODER, name="Orange TV decoders").update(name="Orange")
    for order, (kind, name, provider, channel, can_subscribe) in enumerate(
        [
            (DeviceKind.APP, "Apple TV", None, "", False),
            (DeviceKind.APP, "Android TV", None, "", False),
            (DeviceKind.DECODER, "Orange", orange, "109", True),
        ]
    ):
        Device.objects.update_or_create(
            platform=pop,
            kind=kind,
            name=name,
            defaults={"provider": provider, "channel": channel, "can_subscribe": can_subscribe, "order": order},
        )
    PlatformStatement.objects.update_or_create(
        platform=pop,
        order=0,
        defaults={
            "text": POP_POSITIONING,
            "speaker": "Opéra national de Paris",
            "language_id": "fr",
            "stated_on": STATED_ON,
        },
    )
    for metric, value in POP_FIGURES:
        AudienceFigure.objects.update_or_create(
            platform=pop,
            metric=metric,
            stated_on=STATED_ON,
            defaults={"value": value, "approximate": True, "source": PRESS_RELEASE},
        )

    from catalog.models import Title

    couloirs = Title.objects.get(slug="dans-les-couloirs-de-l-opera")
    episodes = {e.number: e for e in couloirs.children.all()}
    for numbers, starts in COULOIRS_BATCHES:
        for number in numbers:
            Offer.objects.update_or_create(
                title=episodes[number],
                platform=pop,
                country_id="FR",
                offer_type=OfferType.SUBSCRIPTION,
                defaults={"available_from": starts, "exclusive": True, "published_at": DEMO_PUBLISHED_AT},
            )

    ocs, _created = Platform.objects.update_or_create(
        slug="ocs",
        defaults={"name": "OCS", "operator": ocs_company, "kind": PlatformKind.BROADCASTER},
    )
    ocs.countries.set(["FR"])
    season1 = Title.objects.get(slug="l-opera-season-1")
    Offer.objects.update_or_create(
        title=season1,
        platform=ocs,
        country_id="FR",
        offer_type=OfferType.BROADCAST,
        defaults={"available_from": datetime.date(2021, 9, 7), "published_at": DEMO_PUBLISHED_AT},
    )
    if stdout:
        stdout.write(f"streaming: {Platform.objects.count()} platforms, {Offer.objects.count()} offers")
